"""Commitments: work order contracts (subcontracts) and purchase order contracts, their schedule-of-values
line items, and commitment change orders (CCOs).

Shapes follow the create_commitment / create_commitment_change_order ERP payloads. QuickBooks Desktop turns
a commitment into a Purchase Order and each CCO into new lines on it (seed 001).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.procore_fake.clock import Clock
from sim.procore_fake.domain import money, records, refs
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store

KINDS = {"work_order_contract": "WorkOrderContract", "purchase_order_contract": "PurchaseOrderContract"}
STATUSES = ("Draft", "Out For Bid", "Out For Signature", "Approved", "Complete", "Terminated", "Void")
CCO_STATUSES = ("draft", "pending", "approved", "rejected", "void")
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


def _status(value: Any, allowed: tuple[str, ...], field: str = "status") -> str:
    if value not in allowed:
        raise ValidationFailed({field: [f"is not included in the list ({', '.join(allowed)})"]})
    return str(value)


def create(
    store: Store, clock: Clock, company_id: int, kind: str, project: Record, data: dict[str, Any]
) -> Record:
    records.require_fields(data, "title")
    vendor = (
        refs.vendor(store, company_id, data.get("vendor_id")) if data.get("vendor_id") is not None else None
    )
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
    body["status"] = _status(body["status"], STATUSES)
    if body["accounting_method"] not in ("amount", "unit"):
        raise ValidationFailed({"accounting_method": ["is not included in the list (amount, unit)"]})
    records.stamp(body, clock, created=True)
    contract = store.add(kind, body, company_id=company_id, project_id=project["id"])
    for line in data.get("line_items") or []:
        add_line_item(store, clock, company_id, kind, contract, line)
    return totals(store, kind, store.get(kind, contract["id"]))


def update(
    store: Store, clock: Clock, company_id: int, kind: str, contract: Record, data: dict[str, Any]
) -> Record:
    changes = records.pick(data, FIELDS)
    if "status" in changes:
        _status(changes["status"], STATUSES)
    if "title" in changes and not changes["title"]:
        raise ValidationFailed({"title": ["can't be blank"]})
    contract.update(changes)
    if "vendor_id" in data:
        contract["vendor"] = refs.vendor_ref(refs.vendor(store, company_id, data["vendor_id"]))
    records.stamp(contract, clock)
    store.put(kind, contract)
    return totals(store, kind, contract)


def add_line_item(
    store: Store, clock: Clock, company_id: int, kind: str, contract: Record, data: dict[str, Any]
) -> Record:
    project_id = contract["project_id"]
    cc = refs.project_cost_code(store, company_id, project_id, data.get("cost_code_id"))
    lit = refs.line_item_type(store, company_id, data.get("line_item_type_id"))
    try:
        quantity = money.parse(data.get("quantity", 0))
        unit_cost = money.parse(data.get("unit_cost", 0))
        amount = money.parse(data["amount"]) if data.get("amount") is not None else quantity * unit_cost
    except money.BadAmount as exc:
        raise ValidationFailed({"amount": ["is not a number"]}) from exc
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
        "quantity": money.fmt(quantity),
        "unit_cost": money.fmt(unit_cost),
        "uom": data.get("uom"),
        "position": position,
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "cost_code": refs.cost_code_ref(cc),
        "line_item_type": refs.line_item_type_ref(lit),
        "holder": {"id": contract["id"], "holder_type": KINDS[kind]},
        "project": contract["project"],
        "company": {"id": company_id, "name": ""},
        "_holder_kind": kind,
    }
    records.stamp(body, clock, created=True)
    return store.add("commitment_line_item", body, company_id=company_id, project_id=project_id)


def update_line_item(store: Store, line: Record, data: dict[str, Any]) -> Record:
    try:
        if "amount" in data:
            amount = money.parse(data["amount"])
        elif "quantity" in data or "unit_cost" in data:
            amount = money.parse(data.get("quantity", line["quantity"])) * money.parse(
                data.get("unit_cost", line["unit_cost"])
            )
        else:
            amount = money.parse(line["amount"])
        for key in ("quantity", "unit_cost"):
            if key in data:
                line[key] = money.fmt(money.parse(data[key]))
    except money.BadAmount as exc:
        raise ValidationFailed({"amount": ["is not a number"]}) from exc
    line["amount"] = line["extended_amount"] = line["total_amount"] = money.fmt(amount)
    for key in ("description", "uom", "origin_id", "origin_data"):
        if key in data:
            line[key] = data[key]
    return store.put("commitment_line_item", line)


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


def create_change_order(
    store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]
) -> Record:
    records.require_fields(data, "contract_id", "title")
    kind, contract = find_commitment(store, company_id, data["contract_id"])
    if contract["project_id"] != project["id"]:
        raise ValidationFailed({"contract_id": ["is invalid"]})
    number = len(change_orders(store, contract)) + 1
    body: Record = {
        "contract_id": contract["id"],
        "_contract_kind": kind,
        "project_id": project["id"],
        "number": data.get("number", number),
        "status": _status(data.get("status", "draft"), CCO_STATUSES),
        "title": data["title"],
        "description": data.get("description", ""),
        "due_date": data.get("due_date"),
        "origin_code": data.get("origin_code"),
        "origin_data": data.get("origin_data"),
        "origin_id": data.get("origin_id"),
        "deleted_at": None,
        "custom_fields": {},
        "erp_custom_fields": {},
        "grand_total": "0.0",
        "line_items": [],
    }
    lines = []
    for item in data.get("line_items") or []:
        cc = refs.project_cost_code(store, company_id, project["id"], item.get("cost_code_id"))
        lit = refs.line_item_type(store, company_id, item.get("line_item_type_id"))
        try:
            amount = money.parse(item.get("amount"))
        except money.BadAmount as exc:
            raise ValidationFailed({"amount": ["is not a number"]}) from exc
        sov_id = item.get("commitment_line_item_id")
        if sov_id is not None and store.get("commitment_line_item", int(sov_id)) is None:
            raise ValidationFailed({"commitment_line_item_id": ["is invalid"]})
        lines.append(
            {
                "id": store.ids.next_id(),
                "amount": money.fmt(amount),
                "description": item.get("description", ""),
                "commitment_line_item_id": sov_id,
                "cost_code": refs.cost_code_ref(cc),
                "line_item_type": refs.line_item_type_ref(lit),
                "origin_id": None,
                "origin_data": None,
                "quantity": "0.0",
                "unit_cost": "0.0",
                "uom": None,
            }
        )
    body["line_items"] = lines
    body["grand_total"] = money.fmt(sum((money.parse(x["amount"]) for x in lines), Decimal(0)))
    records.stamp(body, clock, created=True)
    cco = store.add("commitment_change_order", body, company_id=company_id, project_id=project["id"])
    totals(store, kind, store.get(kind, contract["id"]))
    return cco


def update_change_order(store: Store, clock: Clock, cco: Record, data: dict[str, Any]) -> Record:
    if "status" in data:
        cco["status"] = _status(data["status"], CCO_STATUSES)
    for key in ("title", "description", "due_date", "origin_id", "origin_data", "origin_code"):
        if key in data:
            cco[key] = data[key]
    records.stamp(cco, clock)
    store.put("commitment_change_order", cco)
    totals(store, cco["_contract_kind"], store.get(cco["_contract_kind"], cco["contract_id"]))
    return cco
