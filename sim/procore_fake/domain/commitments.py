"""Commitments: work order contracts (subcontracts) and purchase order contracts, their schedule-of-values
line items, and commitment change orders (CCOs).

Shapes follow the create_commitment / create_commitment_change_order ERP payloads. QuickBooks Desktop turns
a commitment into a Purchase Order and each CCO into new lines on it (seed 001).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import locking, money, records, refs
from sim.procore_fake.domain.validation import INVALID, Errors, line_amounts
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store

KINDS = {"work_order_contract": "WorkOrderContract", "purchase_order_contract": "PurchaseOrderContract"}
STATUSES = ("Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated", "Void")
FIELDS = (
    "title",
    "number",
    "status",
    "description",
    "accounting_method",
    "retainage_percent",
    "contract_date",
    "delivery_date",
    "due_date",
    "executed",
    "inclusions",
    "exclusions",
    "payment_terms",
    "ship_to_address",
    "ship_via",
    "bill_to_address",
    "private",
    "origin_id",
    "origin_data",
    "origin_code",
    "issued_on_date",
    "signed_contract_received_date",
    "contract_start_date",
    "contract_estimated_completion_date",
)


def create(
    store: Store, clock: Clock, company_id: int, kind: str, project: Record, data: dict[str, Any]
) -> Record:
    errors = Errors()
    errors.blank(data, "title")
    vendor = (
        errors.attempt(lambda: refs.vendor(store, company_id, data.get("vendor_id")))
        if data.get("vendor_id") is not None
        else None
    )
    errors.inclusion(data.get("status", "Draft"), STATUSES, "status")
    errors.inclusion(data.get("accounting_method", "amount"), ("amount", "unit"), "accounting_method")
    lines = [
        _line_attrs(store, company_id, project["id"], line, errors.nested("line_items"))
        for line in errors.hashes(data.get("line_items"), "line_items")
    ]
    errors.raise_if_any()
    count = len(store.query(kind, project_id=project["id"])) + 1
    prefix = "SC" if kind == "work_order_contract" else "PO"
    body: Record = {
        "accounting_method": "amount",
        "approved_change_orders": "0.0",
        "description": "",
        "exclusions": "",
        "inclusions": "",
        "executed": False,
        "grand_total": "0.0",
        "number": f"{prefix}-{count:03d}",
        "origin_code": None,
        "origin_data": None,
        "origin_id": None,
        "pending_change_orders": "0.0",
        "private": True,
        "retainage_percent": None,
        "revised_contract": "0.0",
        "status": "Draft",
        "total_payments": "0.0",
        "total_requisitions_amount": "0.0",
        "custom_fields": {},
        "erp_custom_fields": {},
        "deleted_at": None,
        "type": KINDS[kind],
        "project": refs.project_ref(project),
        "project_id": project["id"],
        "vendor": refs.vendor_ref(vendor) if vendor else None,
        "code": None,
    }
    body.update(records.pick(data, FIELDS))
    records.stamp(body, clock, created=True)
    contract = store.add(kind, body, company_id=company_id, project_id=project["id"])
    for attrs in lines:
        _store_line_item(store, clock, company_id, kind, contract, attrs)
    return totals(store, kind, store.get(kind, contract["id"]))


def update(
    store: Store, clock: Clock, company_id: int, kind: str, contract: Record, data: dict[str, Any]
) -> Record:
    """A commitment's attributes (its vendor, SOV and accounting method locked once synced and approved)."""
    locking.check_update(kind, contract, data)
    changes = records.pick(data, FIELDS)
    errors = Errors()
    if "status" in changes:
        errors.inclusion(changes["status"], STATUSES, "status")
    if "title" in changes:
        errors.blank(changes, "title")
    if "accounting_method" in changes:
        errors.inclusion(changes["accounting_method"], ("amount", "unit"), "accounting_method")
    vendor = (
        errors.attempt(lambda: refs.vendor(store, company_id, data["vendor_id"]))
        if "vendor_id" in data
        else None
    )
    errors.raise_if_any()
    contract.update(changes)
    if vendor is not None:
        contract["vendor"] = refs.vendor_ref(vendor)
    records.stamp(contract, clock)
    store.put(kind, contract)
    return totals(store, kind, contract)


def _line_attrs(
    store: Store, company_id: int, project_id: int, data: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    """Validate a schedule-of-values line (every failing attribute) and resolve its references."""
    cc = errors.attempt(
        lambda: refs.project_cost_code(store, company_id, project_id, data.get("cost_code_id"))
    )
    lit = errors.attempt(lambda: refs.line_item_type(store, company_id, data.get("line_item_type_id")))
    quantity, unit_cost, amount = line_amounts(data, None, errors)
    return {
        "data": data,
        "cost_code": cc,
        "line_item_type": lit,
        "quantity": quantity,
        "unit_cost": unit_cost,
        "amount": amount,
    }


def add_line_item(
    store: Store,
    clock: Clock,
    company_id: int,
    kind: str,
    contract: Record,
    data: dict[str, Any],
    *,
    locks: bool = True,
) -> Record:
    """A schedule-of-values line.
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        locking.check_sov_change(kind, contract)
    errors = Errors()
    attrs = _line_attrs(store, company_id, contract["project_id"], data, errors)
    errors.raise_if_any()
    return _store_line_item(store, clock, company_id, kind, contract, attrs)


def _store_line_item(
    store: Store, clock: Clock, company_id: int, kind: str, contract: Record, attrs: dict[str, Any]
) -> Record:
    project_id = contract["project_id"]
    data, amount = attrs["data"], attrs["amount"]
    position = len(store.query("commitment_line_item", project_id=project_id)) + 1
    body = {
        "amount": money.fmt(amount),
        "extended_amount": money.fmt(amount),
        "total_amount": money.fmt(amount),
        "tax_amount": "0.0",
        "tax_code": None,
        "tax_code_id": None,
        "extended_type": "manual",
        "description": data.get("description", ""),
        "quantity": money.fmt(attrs["quantity"]),
        "unit_cost": money.fmt(attrs["unit_cost"]),
        "uom": data.get("uom"),
        "position": position,
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "cost_code": refs.cost_code_ref(attrs["cost_code"]),
        "line_item_type": refs.line_item_type_ref(attrs["line_item_type"]),
        "holder": {"id": contract["id"], "holder_type": KINDS[kind]},
        "project": contract["project"],
        "company": {"id": company_id, "name": ""},
        "_holder_kind": kind,
    }
    records.stamp(body, clock, created=True)
    return store.add("commitment_line_item", body, company_id=company_id, project_id=project_id)


def _recomputed_amount(line: Record, data: dict[str, Any], errors: Errors) -> Decimal | None:
    """The amount a line update leaves: given, or quantity x unit cost when either changes."""
    values = {k: errors.amount(data[k], k) for k in ("amount", "quantity", "unit_cost") if k in data}
    if None in values.values():
        return None
    if "amount" in values:
        return values["amount"]
    if values:
        return values.get("quantity", money.parse(line["quantity"])) * values.get(
            "unit_cost", money.parse(line["unit_cost"])
        )
    return money.parse(line["amount"])


def update_line_item(store: Store, kind: str, contract: Record, line: Record, data: dict[str, Any]) -> Record:
    """A schedule-of-values line of ``contract``; the commitment's totals follow."""
    locking.check_sov_change(kind, contract)
    errors = Errors()
    amount = _recomputed_amount(line, data, errors)
    errors.raise_if_any()
    for key in ("quantity", "unit_cost"):
        if key in data:
            line[key] = money.fmt(money.parse(data[key]))
    line["amount"] = line["extended_amount"] = line["total_amount"] = money.fmt(amount)
    for key in ("description", "uom", "origin_id", "origin_data"):
        if key in data:
            line[key] = data[key]
    updated = store.put("commitment_line_item", line)
    totals(store, kind, store.get(kind, contract["id"]))
    return updated


def delete_line_item(store: Store, kind: str, contract: Record, line: Record) -> None:
    locking.check_sov_change(kind, contract)
    store.remove("commitment_line_item", line["id"])
    totals(store, kind, store.get(kind, contract["id"]))


def delete(store: Store, kind: str, contract: Record) -> None:
    """A commitment and its schedule of values (refused once synced and approved, or while pending)."""
    locking.check_delete(kind, contract)
    for line in line_items(store, contract):
        store.remove("commitment_line_item", line["id"])
    store.remove(kind, contract["id"])


def line_items(store: Store, contract: Record) -> list[Record]:
    return [
        li
        for li in store.query("commitment_line_item", project_id=contract["project_id"])
        if li["holder"]["id"] == contract["id"]
    ]


def change_orders(store: Store, contract: Record) -> list[Record]:
    return [
        c
        for c in store.query("commitment_change_order", project_id=contract["project_id"])
        if c["contract_id"] == contract["id"]
    ]


def totals(store: Store, kind: str, contract: Record) -> Record:
    grand = sum((money.parse(li["amount"]) for li in line_items(store, contract)), Decimal(0))
    approved = pending = Decimal(0)
    for cco in change_orders(store, contract):
        if cco["status"] == "approved":
            approved += money.parse(cco["grand_total"])
        elif cco["status"] in ("draft", "pending"):
            pending += money.parse(cco["grand_total"])
    contract["grand_total"] = money.fmt(grand)
    contract["approved_change_orders"] = money.fmt(approved)
    contract["pending_change_orders"] = money.fmt(pending)
    contract["revised_contract"] = money.fmt(grand + approved)
    contract["pending_revised_contract"] = money.fmt(grand + approved + pending)
    paid = sum(
        (
            money.parse(p["amount"])
            for p in store.query("contract_payment", project_id=contract["project_id"])
            if p["contract_id"] == contract["id"]
        ),
        Decimal(0),
    )
    contract["total_payments"] = money.fmt(paid)
    contract["remaining_balance_outstanding"] = money.fmt(grand + approved - paid)
    return store.put(kind, contract)


def find_commitment(store: Store, company_id: int, contract_id: Any) -> tuple[str, Record]:
    try:
        cid = int(contract_id)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({"contract_id": ["is invalid"]}) from exc
    for kind in KINDS:
        owner = store.owner(kind, cid)
        if owner and owner[0] == company_id:
            return kind, store.get(kind, cid)
    raise ValidationFailed({"contract_id": ["is invalid"]})


def in_project(
    store: Store, company_id: int, project: Record, data: dict[str, Any], field: str, errors: Errors
) -> tuple[str, Record] | None:
    """The commitment ``data[field]`` names: blank, unknown or another project's is an error on ``field``."""
    errors.blank(data, field)
    if data.get(field) in (None, ""):
        return None
    try:
        found = find_commitment(store, company_id, data[field])
    except ValidationFailed:
        found = None
    if found is None or found[1]["project_id"] != project["id"]:
        errors.add(field, INVALID)
        return None
    return found
