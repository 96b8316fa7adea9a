"""QuickBooks vendors → staged Procore companies (VendorQuery with an iterator).

seed 001, "Vendors": Vendor Name ↔ Name; Billed From (VendorAddress) ↔ Address/City/State/ZIP;
Main Phone ↔ Business Phone; Fax ↔ Business Fax. Imported vendors become "Ready to Import" records
in Procore, where an Accounting Approver imports them as new companies or links them to existing
ones; here each becomes a staged record (``vendor``) in the connector's store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from connector.qbxml import Record, Response
from connector.sync import answers
from connector.sync.imports import PageImportHandler, address, entry, procore_address, staged_update
from connector.sync.staging import Staged, StageEntry
from connector.work import WorkItemView

KIND = "vendor.import"
OBJECT_TYPE = "vendor"


def vendor_entry(rs: Response, ret: Record) -> StageEntry:
    """The Procore-side fields of one VendorRet."""
    data = {
        "name": answers.single(rs, ret, "Name"),
        "company_name": ret.get("CompanyName"),
        "address": address(ret.get("VendorAddress")),
        "phone": ret.get("Phone"),
        "fax": ret.get("Fax"),
        "is_active": ret.get("IsActive", True),
    }
    return entry(rs, ret, str(data["name"]), data)


def procore_staged_record(staged: Staged) -> dict[str, Any]:
    """A staged vendor as Procore's staged record (``item_type`` vendor), fields per seed 001's mapping:
    Vendor Name → Name, Billed From → Address/City/State/ZIP, Main Phone → Business Phone, Fax → Business
    Fax (the fields of a Procore company that "Add to Procore" creates)."""
    data = staged.data
    return staged_update(staged, "vendor", {
        "name": data.get("name") or staged.name,
        **procore_address(data.get("address")),
        "business_phone": data.get("phone") or "",
        "fax_number": data.get("fax") or "",
    })


class VendorImportHandler(PageImportHandler):
    """``vendor.import``: VendorQuery Start/Continue, each vendor staged."""

    kind = KIND
    query = "VendorQuery"
    object_type = OBJECT_TYPE

    def entries(self, item: WorkItemView, rs: Response, records: Sequence[Record]) -> list[StageEntry]:
        return [vendor_entry(rs, r) for r in records]
