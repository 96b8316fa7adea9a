"""What Procore's ERP support team does with Super User access at a customer's request, and the Vendor
Merge Tool: each emits the ERP event erp-events.json documents (reset_job, reset_requisition,
reset_payment, unlink_standard_cost_codes, merge_vendors)."""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import erp_requests
from sim.procore_fake.errors import ErpRuleViolation, ValidationFailed
from sim.procore_fake.store import Record, Store

RESETTABLE = {
    "project": "reset_job",
    "requisition": "reset_requisition",
    "contract_payment": "reset_payment",
    "standard_cost_code": "unlink_standard_cost_codes",
}


def _clear(store: Store, kind: str, record: Record) -> Record:
    for key in ("origin_id", "origin_data", "origin_code"):
        if key in record:
            record[key] = None
    if "_erp" in record:
        record["_erp"].update({"status": "not_sent", "changed_since_sync": False, "messages": []})
    return store.put(kind, record)


def reset(store: Store, clock: Clock, company_id: int, kind: str, item_id: int) -> Record:
    if kind not in RESETTABLE:
        raise ValidationFailed({"item_type": [f"is not included in the list ({', '.join(RESETTABLE)})"]})
    owner = store.owner(kind, item_id)
    if owner is None or owner[0] != company_id:
        raise ValidationFailed({"item_id": ["Entity with this ID not found"]})
    record = store.get(kind, item_id)
    if not record.get("origin_id"):
        raise ErpRuleViolation("Only items synced with ERP can be reset.")
    data: dict[str, Any]
    if kind == "project":
        data = {"project": {k: record.get(k) for k in ("id", "name", "origin_data", "origin_id")}}
    elif kind == "requisition":
        data = {
            "requisition_id": record["id"],
            "project_id": record["project_id"],
            "requisition_origin_id": record["origin_id"],
            "reset_override": False,
        }
    elif kind == "contract_payment":
        data = {
            "payment_id": record["id"],
            "payment_type": record.get("payment_method"),
            "origin_id": record["origin_id"],
            "origin_code": record.get("origin_code"),
            "origin_data": record.get("origin_data"),
            "reset_override": False,
        }
    else:
        data = {
            "standard_cost_codes": [
                {"id": record["id"], "sortable_code": record["full_code"], "origin_id": record["origin_id"]}
            ]
        }
    erp_requests.emit(store, clock, company_id, RESETTABLE[kind], data, items=[], placement="none")
    return _clear(store, kind, record)


def merge_vendors(
    store: Store, clock: Clock, company_id: int, master_id: int, source_ids: list[int]
) -> Record:
    """Vendor Merge Tool: the sources are folded into the master (deactivated, pointing at it)."""
    vendors = {}
    for vid in [master_id, *source_ids]:
        owner = store.owner("vendor", vid)
        if owner is None or owner[0] != company_id:
            raise ValidationFailed({"vendor_id": [f"{vid} is invalid"]})
        vendors[vid] = store.get("vendor", vid)
    if master_id in source_ids or not source_ids:
        raise ValidationFailed({"source_vendor_ids": ["must name other vendors than the master"]})
    data = {
        "master_vendor": {"id": master_id, "origin_id": vendors[master_id].get("origin_id")},
        "source_vendors": [{"id": s, "origin_id": vendors[s].get("origin_id")} for s in source_ids],
        "company_id": company_id,
    }
    for sid in source_ids:
        source = vendors[sid]
        source.update({"is_active": False, "merged_into_id": master_id})
        store.put("vendor", source)
    erp_requests.emit(store, clock, company_id, "merge_vendors", data, items=[], placement="none")
    return vendors[master_id]
