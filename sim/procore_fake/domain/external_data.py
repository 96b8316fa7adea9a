"""ERP External Data: how the integrator writes third-party ids back (``external_data/sync``).

``item_type`` names are Procore's (erp-api-reference.json "external_data_item_types"). Setting
``origin_id`` marks the item synced (together with a successful request detail where the payload carried
one); setting it to null unlinks ("reset").
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import approval
from sim.procore_fake.errors import ENTITY_NOT_FOUND, ValidationFailed
from sim.procore_fake.store import Record, Store

ITEM_TYPE_KINDS: dict[str, tuple[str, ...]] = {
    "change_order": ("commitment_change_order",),
    "contract_payment": ("contract_payment",),
    "invoice_payment": ("contract_payment",),
    "cost_code": ("cost_code",),
    "item": ("direct_cost",),
    "budget": ("budget",),
    "line_item": ("commitment_line_item", "budget_line_item", "direct_cost_line_item"),
    "line_item_type": ("line_item_type",),
    "project": ("project",),
    "purchase_order_contract": ("purchase_order_contract",),
    "work_order_contract": ("work_order_contract",),
    "requisition": ("requisition",),
    "requisition_contract_item": ("requisition_item",),
    "standard_cost_code": ("standard_cost_code",),
    "vendor": ("vendor",),
}
UNSUPPORTED = (
    "department",
    "insurance",
    "markup",
    "payment_application",
    "payment_application_line_item",
    "prime_contract",
    "requisition_change_order_item",
    "requisition_contract_detail_item",
    "sub_job",
    "tax_code",
    "company_level_direct_cost",
)


def _find(store: Store, company_id: int, item_type: str, item_id: int) -> tuple[str, Record] | None:
    for kind in ITEM_TYPE_KINDS[item_type]:
        owner = store.owner(kind, item_id)
        if owner and owner[0] == company_id:
            return kind, store.get(kind, item_id)
    if item_type == "line_item":  # CCO lines live inside their change order
        for cco in store.query("commitment_change_order", company_id=company_id):
            for line in cco["line_items"]:
                if line["id"] == item_id:
                    return "commitment_change_order#line", cco
    return None


def sync(store: Store, clock: Clock, company_id: int, updates: list[dict[str, Any]]) -> dict[str, list[Any]]:
    entities, failures = [], []
    for attrs in updates:
        item_type = attrs.get("item_type")
        if item_type not in ITEM_TYPE_KINDS:
            reason = (
                "is not supported by the QuickBooks Desktop integration"
                if item_type in UNSUPPORTED
                else "is not included in the list"
            )
            failures.append({**attrs, "errors": {"item_type": [reason]}})
            continue
        try:
            item_id = int(attrs.get("item_id"))
        except (TypeError, ValueError):
            failures.append({**attrs, "errors": {"item_id": [ENTITY_NOT_FOUND]}})
            continue
        found = _find(store, company_id, item_type, item_id)
        if found is None:
            failures.append({**attrs, "errors": {"item_id": [ENTITY_NOT_FOUND]}})
            continue
        kind, record = found
        try:
            _apply(store, company_id, kind, record, item_id, attrs)
        except ValidationFailed as exc:
            failures.append({**attrs, "errors": exc.errors})
            continue
        entity = _ledger(store, clock, company_id, item_type, item_id, attrs)
        entities.append(
            {
                "id": entity["id"],
                "item_type": item_type,
                "item_id": item_id,
                "origin_id": attrs.get("origin_id"),
            }
        )
    return {"entities": entities, "errors": failures}


def _apply(
    store: Store, company_id: int, kind: str, record: Record, item_id: int, attrs: dict[str, Any]
) -> None:
    fields = {k: attrs[k] for k in ("origin_id", "origin_data", "origin_code") if k in attrs}
    if kind == "commitment_change_order#line":
        for line in record["line_items"]:
            if line["id"] == item_id:
                line.update({k: v for k, v in fields.items() if k != "origin_code"})
        store.put("commitment_change_order", record)
        return
    origin_id = fields.get("origin_id")
    if origin_id is not None:
        for other in store.query(kind, company_id=company_id, origin_id=str(origin_id)):
            if other["id"] != item_id:
                raise ValidationFailed({"origin_id": ["has already been taken"]})
    record.update(fields)
    if kind == "vendor":
        record["synced_to_erp"] = bool(record.get("origin_id"))
    if kind == "budget":
        record["synced"] = bool(record.get("origin_id"))
    store.put(kind, record)
    if "origin_id" in fields and fields["origin_id"] is None and "_erp" in record:
        record["_erp"]["status"] = "not_sent"  # reset / unlink by the integrator
        store.put(kind, record)
        return
    approval.settle(store, kind, store.get(kind, item_id))


def _ledger(
    store: Store, clock: Clock, company_id: int, item_type: str, item_id: int, attrs: dict[str, Any]
) -> Record:
    rows = [
        r
        for r in store.query("external_data", company_id=company_id)
        if r["item_type"] == item_type and r["item_id"] == item_id
    ]
    body = {
        "item_type": item_type,
        "item_id": item_id,
        "origin_id": attrs.get("origin_id"),
        "origin_data": attrs.get("origin_data"),
        "origin_code": attrs.get("origin_code"),
        "updated_at": iso(clock.now()),
    }
    if rows:
        rows[0].update(body)
        return store.put("external_data", rows[0])
    return store.add("external_data", body, company_id=company_id)
