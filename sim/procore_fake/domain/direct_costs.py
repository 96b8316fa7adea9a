"""Direct costs (Invoice / Expense / Payroll) with line items. Once synced (origin_id) a direct cost is
immutable. QuickBooks Desktop does not export direct costs; they exist for the Budget's direct-cost column
when the ERP setting makes it editable, and for ERP-synced direct costs via the sync endpoints.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import locking, money, records, refs
from sim.procore_fake.domain.validation import INVALID, Errors
from sim.procore_fake.store import Record, Store

TYPES = ("Invoice", "Expense", "Payroll", "Subcontractor Invoice")
STATUSES = ("draft", "pending", "revise_and_resubmit", "approved")


def create(store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]) -> Record:
    errors = Errors()
    errors.blank(data, "direct_cost_date")
    dtype = data.get("direct_cost_type", "Invoice")
    errors.inclusion(dtype, TYPES, "direct_cost_type")
    status = data.get("status", "draft")
    errors.inclusion(status, STATUSES, "status")
    vendor = None
    if data.get("vendor_id"):
        vendor = errors.attempt(lambda: refs.vendor(store, company_id, data["vendor_id"]))
    given = data.get("line_items") or []
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        errors.add("line_items", INVALID)
        given = []
    lines = [_line_attrs(store, company_id, project["id"], g, errors.nested("line_items")) for g in given]
    errors.raise_if_any()
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
    for attrs in lines:
        _store_line(store, clock, company_id, cost, attrs)
    return total(store, store.get("direct_cost", cost["id"]))


def _line_attrs(
    store: Store, company_id: int, project_id: int, data: dict[str, Any], errors: Errors
) -> dict[str, Any]:
    code_id = data.get("wbs_code_id", data.get("cost_code_id"))
    cc = errors.attempt(lambda: refs.project_cost_code(store, company_id, project_id, code_id))
    lit = errors.attempt(lambda: refs.line_item_type(store, company_id, data.get("line_item_type_id")))
    amount = errors.amount(data.get("amount"), "amount")
    return {"data": data, "cost_code": cc, "line_item_type": lit, "amount": amount}


def add_line(store: Store, clock: Clock, company_id: int, cost: Record, data: dict[str, Any]) -> Record:
    locking.check_update("direct_cost", cost, {"line_items": True})
    errors = Errors()
    attrs = _line_attrs(store, company_id, cost["project_id"], data, errors)
    errors.raise_if_any()
    return _store_line(store, clock, company_id, cost, attrs)


def _store_line(store: Store, clock: Clock, company_id: int, cost: Record, attrs: dict[str, Any]) -> Record:
    data = attrs["data"]
    body = {
        "direct_cost_id": cost["id"],
        "amount": money.fmt(attrs["amount"]),
        "description": data.get("description"),
        "cost_code": refs.cost_code_ref(attrs["cost_code"]),
        "line_item_type": refs.line_item_type_ref(attrs["line_item_type"]),
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


def update(store: Store, clock: Clock, cost: Record, data: dict[str, Any], *, locks: bool = True) -> Record:
    """A direct cost's attributes.
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        locking.check_update("direct_cost", cost, data)
    errors = Errors()
    if "status" in data:
        errors.inclusion(data["status"], STATUSES, "status")
    if "direct_cost_date" in data:
        errors.blank(data, "direct_cost_date")
    errors.raise_if_any()
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


def update_line(store: Store, cost: Record, line: Record, data: dict[str, Any]) -> Record:
    """A line of ``cost``; the cost's grand total follows."""
    locking.check_update("direct_cost", cost, data)
    locking.check_update("direct_cost_line_item", line, data)
    if "amount" in data:
        errors = Errors()
        amount = errors.amount(data["amount"], "amount")
        errors.raise_if_any()
        line["amount"] = money.fmt(amount)
    for key in ("description", "quantity", "unit_cost", "uom", "origin_id", "origin_data"):
        if key in data:
            line[key] = data[key]
    updated = store.put("direct_cost_line_item", line)
    total(store, store.get("direct_cost", cost["id"]))
    return updated


def delete(store: Store, cost: Record) -> None:
    """A direct cost and its lines (refused once synced or while pending)."""
    locking.check_delete("direct_cost", cost)
    for line in lines(store, cost):
        store.remove("direct_cost_line_item", line["id"])
    store.remove("direct_cost", cost["id"])


def delete_line(store: Store, cost: Record, line: Record) -> None:
    locking.check_delete("direct_cost", cost)
    store.remove("direct_cost_line_item", line["id"])
    total(store, store.get("direct_cost", cost["id"]))
