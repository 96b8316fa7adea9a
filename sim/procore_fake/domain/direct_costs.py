"""Direct costs (Invoice / Expense / Payroll) with line items. Once synced (origin_id) a direct cost is
immutable. QuickBooks Desktop does not export direct costs; they exist for the Budget's direct-cost column
when the ERP setting makes it editable, and for ERP-synced direct costs via the sync endpoints.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.procore_fake.clock import Clock
from sim.procore_fake.domain import money, records, refs
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store

TYPES = ("Invoice", "Expense", "Payroll", "Subcontractor Invoice")
STATUSES = ("draft", "pending", "revise_and_resubmit", "approved")


def create(store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]) -> Record:
    records.require_fields(data, "direct_cost_date")
    dtype = data.get("direct_cost_type", "Invoice")
    if dtype not in TYPES:
        raise ValidationFailed({"direct_cost_type": [f"is not included in the list ({', '.join(TYPES)})"]})
    status = data.get("status", "draft")
    if status not in STATUSES:
        raise ValidationFailed({"status": [f"is not included in the list ({', '.join(STATUSES)})"]})
    vendor = refs.vendor(store, company_id, data["vendor_id"]) if data.get("vendor_id") else None
    body = {
        "project_id": project["id"],
        "direct_cost_type": dtype,
        "status": status,
        "direct_cost_date": data["direct_cost_date"],
        "invoice_number": data.get("invoice_number"),
        "description": data.get("description"),
        "vendor": refs.vendor_ref(vendor) if vendor else None,
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "grand_total": "0.0",
        "received_date": data.get("received_date"),
        "paid_date": data.get("paid_date"),
    }
    records.stamp(body, clock, created=True)
    cost = store.add("direct_cost", body, company_id=company_id, project_id=project["id"])
    for line in data.get("line_items") or []:
        add_line(store, clock, company_id, cost, line)
    return total(store, store.get("direct_cost", cost["id"]))


def add_line(store: Store, clock: Clock, company_id: int, cost: Record, data: dict[str, Any]) -> Record:
    cc = refs.project_cost_code(
        store, company_id, cost["project_id"], data.get("wbs_code_id", data.get("cost_code_id"))
    )
    lit = refs.line_item_type(store, company_id, data.get("line_item_type_id"))
    try:
        amount = money.parse(data.get("amount"))
    except money.BadAmount as exc:
        raise ValidationFailed({"amount": ["is not a number"]}) from exc
    body = {
        "direct_cost_id": cost["id"],
        "amount": money.fmt(amount),
        "description": data.get("description"),
        "cost_code": refs.cost_code_ref(cc),
        "line_item_type": refs.line_item_type_ref(lit),
        "quantity": data.get("quantity"),
        "unit_cost": data.get("unit_cost"),
        "uom": data.get("uom"),
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
    }
    records.stamp(body, clock, created=True)
    line = store.add("direct_cost_line_item", body, company_id=company_id, project_id=cost["project_id"])
    total(store, store.get("direct_cost", cost["id"]))
    return line


def lines(store: Store, cost: Record) -> list[Record]:
    return [
        li
        for li in store.query("direct_cost_line_item", project_id=cost["project_id"])
        if li["direct_cost_id"] == cost["id"]
    ]


def total(store: Store, cost: Record) -> Record:
    cost["grand_total"] = money.fmt(sum((money.parse(li["amount"]) for li in lines(store, cost)), Decimal(0)))
    return store.put("direct_cost", cost)


def update(store: Store, clock: Clock, cost: Record, data: dict[str, Any]) -> Record:
    if "status" in data and data["status"] not in STATUSES:
        raise ValidationFailed({"status": [f"is not included in the list ({', '.join(STATUSES)})"]})
    for key in (
        "status",
        "direct_cost_date",
        "invoice_number",
        "description",
        "origin_id",
        "origin_data",
        "received_date",
        "paid_date",
    ):
        if key in data:
            cost[key] = data[key]
    records.stamp(cost, clock)
    return store.put("direct_cost", cost)


def update_line(store: Store, line: Record, data: dict[str, Any]) -> Record:
    if "amount" in data:
        try:
            line["amount"] = money.fmt(money.parse(data["amount"]))
        except money.BadAmount as exc:
            raise ValidationFailed({"amount": ["is not a number"]}) from exc
    for key in ("description", "quantity", "unit_cost", "uom", "origin_id", "origin_data"):
        if key in data:
            line[key] = data[key]
    return store.put("direct_cost_line_item", line)
