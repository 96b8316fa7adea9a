"""QuickBooks Service items → staged choices for Procore (ItemServiceQuery with an iterator).

seed 004, "Invoice Retainage Item": the Accounting Approver picks, from a drop-down, the QuickBooks item
that subcontractor invoices' retainage is coded to; with no such item yet, one creates a Service item in
QuickBooks (e.g. "Retainage Payable") and refreshes, "the new item will appear in the Invoice Retainage
Item list". That list is QuickBooks' Service items, read here page by page and staged as ``item``
records: name/full name, type, active flag, ListID, and — because the retainage item "should not be
synced with a Procore cost code" (seed 004) — the Procore cost code an item is already synced with.
Only Service items: seed 000/002 ask for a *Service* item named Retention/Retainage, and cost codes sync
only with Service items (seed 001 WBS).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import Record, Response
from connector.sync import answers, codec
from connector.sync.cost_codes import OBJECT_TYPE as COST_CODE
from connector.sync.imports import PageImportHandler, entry
from connector.sync.staging import StageEntry
from connector.work import WorkItemView

KIND = "service_item.import"
OBJECT_TYPE = "item"


def _description(ret: Mapping[str, Any]) -> str | None:
    # A Service item has one description (SalesOrPurchase) or two (SalesAndPurchase: sales side first).
    for aggregate, field in (("SalesOrPurchase", "Desc"), ("SalesAndPurchase", "SalesDesc")):
        value = ret.get(aggregate)
        if isinstance(value, Mapping) and value.get(field):
            return str(value[field])
    return None


def item_entry(rs: Response, ret: Record, synced_cost_code: str | None) -> StageEntry:
    """The Procore-side fields of one ItemServiceRet."""
    data = {
        "name": answers.single(rs, ret, "Name"),
        "full_name": answers.name_of(rs, ret),
        "item_type": "Service",
        "description": _description(ret),
        "parent": codec.ref_name(ret.get("ParentRef")),
        "sublevel": answers.sublevel(rs, ret),
        "is_active": ret.get("IsActive", True),
        "synced_cost_code": synced_cost_code,
    }
    return entry(rs, ret, str(data["full_name"]), data)


class ServiceItemImportHandler(PageImportHandler):
    """``service_item.import``: ItemServiceQuery Start/Continue, each Service item staged."""

    kind = KIND
    query = "ItemServiceQuery"
    object_type = OBJECT_TYPE

    def entries(self, item: WorkItemView, rs: Response, records: Sequence[Record]) -> list[StageEntry]:
        id_map = self._context.id_map
        out = []
        for ret in records:
            list_id, _ = answers.list_ids(rs, ret)
            mapping = id_map.by_qb_id(item.company_key, COST_CODE, list_id)
            out.append(item_entry(rs, ret, mapping.procore_id if mapping else None))
        return out
