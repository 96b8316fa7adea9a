"""QuickBooks vendors → staged Procore companies (VendorQuery with an iterator).

seed 001, "Vendors": Vendor Name ↔ Name; Billed From (VendorAddress) ↔ Address/City/State/ZIP;
Main Phone ↔ Business Phone; Fax ↔ Business Fax. Imported vendors become "Ready to Import" records
in Procore, where an Accounting Approver imports them as new companies or links them to existing
ones; here each becomes a staged record (``vendor``) in the connector's store.
"""

from __future__ import annotations

from collections.abc import Sequence

from connector.qbxml import Record
from connector.sync.base import Outcome, QbResponse, WorkItemView
from connector.sync.context import SyncContext
from connector.sync.imports import address, page_request, read_page, stage_page
from connector.sync.staging import StageEntry

KIND = "vendor.import"
OBJECT_TYPE = "vendor"


def vendor_entry(ret: Record) -> StageEntry:
    """The Procore-side fields of one VendorRet."""
    data = {
        "name": str(ret.get("Name", "")),
        "company_name": ret.get("CompanyName"),
        "address": address(ret.get("VendorAddress")),
        "phone": ret.get("Phone"),
        "fax": ret.get("Fax"),
        "is_active": ret.get("IsActive", True),
    }
    return StageEntry(str(ret["ListID"]), data["name"], ret.get("EditSequence"), data)


class VendorImportHandler:
    """``vendor.import``: VendorQuery Start/Continue, each vendor staged."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> str:
        return page_request("VendorQuery", item, self._context)

    def build_probe(self, item: WorkItemView) -> None:
        return None  # a query changes nothing: send it again

    def handle_response(self, item: WorkItemView, responses: Sequence[QbResponse]) -> Outcome:
        rs = responses[0]
        records = read_page(rs)
        if records is None:
            return Outcome.failed(rs)
        return stage_page(self._context, item, rs, OBJECT_TYPE, [vendor_entry(r) for r in records])

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[QbResponse]) -> Outcome:
        return self.handle_response(item, responses)
