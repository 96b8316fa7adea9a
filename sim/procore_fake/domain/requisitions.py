"""Subcontractor invoices (requisitions) and payments issued (contract payments).

An invoice belongs to a commitment: billing date, payment date (QuickBooks "Bill Due"), invoice #
(QuickBooks "REF. NO."), one detail line per schedule-of-values line (work completed this period,
materials presently stored, retainage this period) and a summary whose "current payment due" is the amount
QuickBooks bills (seed 001 data mapping). Invoices with negative values do not sync.
Contract payments are the "Payments Issued" tab; payments imported from QuickBooks bill payments carry an
origin_id and are locked.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import commitments, locking, money, records
from sim.procore_fake.domain.validation import INVALID, Errors, not_included
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store

STATUSES = (
    "draft",
    "under_review",
    "revise_and_resubmit",
    "approved",
    "approved_as_noted",
    "pending_owner_approval",
)
APPROVED = ("approved", "approved_as_noted")
PAYMENT_METHODS = ("check", "ach", "credit_card", "wire", "cash", "other")


def create(store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]) -> Record:
    errors = Errors()
    found = commitments.in_project(store, company_id, project, data, "commitment_id", errors)
    status = data.get("status", "draft")
    errors.inclusion(status, STATUSES, "status")
    values = _items(store, found[1], data.get("items"), errors) if found else {}
    errors.raise_if_any()
    assert found is not None
    kind, contract = found
    number = (
        len(
            [
                r
                for r in store.query("requisition", project_id=project["id"])
                if r["commitment_id"] == contract["id"]
            ]
        )
        + 1
    )
    body: Record = {
        "project_id": project["id"],
        "commitment_id": contract["id"],
        "_commitment_kind": kind,
        "contract_id": contract["id"],
        "number": number,
        "invoice_number": data.get("invoice_number") or str(number),
        "billing_date": data.get("billing_date"),
        "payment_date": data.get("payment_date"),
        "period_id": data.get("period_id"),
        "status": status,
        "origin_id": None,
        "origin_data": None,
        "origin_code": None,
        "vendor": contract.get("vendor"),
        "custom_fields": {},
        "erp_custom_fields": {},
        "accounting_method": contract.get("accounting_method", "amount"),
    }
    records.stamp(body, clock, created=True)
    requisition = store.add("requisition", body, company_id=company_id, project_id=project["id"])
    for sov in commitments.line_items(store, contract):
        add_item(store, company_id, requisition, sov, values[sov["id"]])
    return summarize(store, store.get("requisition", requisition["id"]))


def _items(store: Store, contract: Record, given: Any, errors: Errors) -> dict[int, dict[str, Any]]:
    """One detail line per schedule-of-values line, with the amounts given for it (validated up front)."""
    given = errors.hashes(given, "items")
    nested = errors.nested("items")
    by_sov: dict[int, dict[str, Any]] = {}
    for item in given:
        if "commitment_line_item_id" in item:
            raw = item["commitment_line_item_id"]
            sov_id = nested.attempt(lambda raw=raw: records.as_int(raw, "commitment_line_item_id"))
            if sov_id is not None:
                by_sov[sov_id] = item
    sovs = commitments.line_items(store, contract)
    return {sov["id"]: _item_values(by_sov.get(sov["id"], {}), nested) for sov in sovs}


def _item_values(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    work = errors.amount(data.get("work_completed_this_period", 0), "work_completed_this_period")
    materials = errors.amount(data.get("materials_presently_stored", 0), "materials_presently_stored")
    if "retainage_this_period" in data:
        retainage = errors.amount(data["retainage_this_period"], "retainage_this_period")
    else:
        percent = errors.amount(
            data.get("work_completed_retainage_percent", 0), "work_completed_retainage_percent"
        )
        ok = work is not None and percent is not None
        retainage = (work * percent / 100).quantize(Decimal("0.01")) if ok else None
    return {"data": data, "work": work, "materials": materials, "retainage": retainage}


def add_item(
    store: Store, company_id: int, requisition: Record, sov: Record, values: dict[str, Any]
) -> Record:
    data, work, materials = values["data"], values["work"], values["materials"]
    retainage = values["retainage"]
    body = {
        "requisition_id": requisition["id"],
        "commitment_line_item_id": sov["id"],
        "requisition_item_type": "Billings::ContractItem",
        "description": sov["description"],
        "cost_code": sov["cost_code"],
        "line_item_type": sov["line_item_type"],
        "scheduled_value": sov["amount"],
        "work_completed_this_period": money.fmt(work),
        "materials_presently_stored": money.fmt(materials),
        "retainage_this_period": money.fmt(retainage),
        "quantity": data.get("quantity", "0.0"),
        "unit_price": data.get("unit_price", sov.get("unit_cost")),
        "uom": sov.get("uom"),
        "origin_id": None,
        "origin_data": None,
    }
    return store.add("requisition_item", body, company_id=company_id, project_id=requisition["project_id"])


def items(store: Store, requisition: Record) -> list[Record]:
    return [
        i
        for i in store.query("requisition_item", project_id=requisition["project_id"])
        if i["requisition_id"] == requisition["id"]
    ]


def summarize(store: Store, requisition: Record) -> Record:
    work = materials = retainage = Decimal(0)
    for item in items(store, requisition):
        work += money.parse(item["work_completed_this_period"])
        materials += money.parse(item["materials_presently_stored"])
        retainage += money.parse(item["retainage_this_period"])
    due = work + materials - retainage
    requisition["summary"] = {
        "work_completed_this_period": money.fmt(work),
        "materials_presently_stored": money.fmt(materials),
        "total_retainage_this_period": money.fmt(retainage),
        "current_payment_due": money.fmt(due),
    }
    requisition["formatted_payment_due"] = money.formatted(due)
    return store.put("requisition", requisition)


def update(store: Store, clock: Clock, requisition: Record, data: dict[str, Any]) -> Record:
    locking.check_update("requisition", requisition, data)
    if "status" in data and data["status"] not in STATUSES:
        raise ValidationFailed({"status": [not_included(STATUSES)]})
    for key in ("status", "billing_date", "payment_date", "invoice_number", "period_id"):
        if key in data:
            requisition[key] = data[key]
    records.stamp(requisition, clock)
    return store.put("requisition", requisition)


def update_item(store: Store, requisition: Record, item: Record, data: dict[str, Any]) -> Record:
    locking.check_update("requisition", requisition, data)
    errors = Errors()
    keys = ("work_completed_this_period", "materials_presently_stored", "retainage_this_period")
    values = {key: errors.amount(data[key], key) for key in keys if key in data}
    errors.raise_if_any()
    for key, value in values.items():
        item[key] = money.fmt(value)
    store.put("requisition_item", item)
    summarize(store, requisition)
    return item


def set_payment_date(store: Store, clock: Clock, requisition: Record, payment_date: str | None) -> Record:
    """The invoice's payment due date (v2.0 payment_details; QuickBooks' Bill Due)."""
    locking.check_update("requisition", requisition, {"payment_date": payment_date})
    requisition["payment_date"] = payment_date
    records.stamp(requisition, clock)
    return store.put("requisition", requisition)


def delete(store: Store, requisition: Record) -> None:
    locking.check_delete("requisition", requisition)
    for item in items(store, requisition):
        store.remove("requisition_item", item["id"])
    store.remove("requisition", requisition["id"])


def has_negative_values(store: Store, requisition: Record) -> bool:
    if money.parse(requisition["summary"]["current_payment_due"]) < 0:
        return True
    return any(money.parse(i["work_completed_this_period"]) < 0 for i in items(store, requisition))


def create_payment(
    store: Store, clock: Clock, company_id: int, project_id: int, contract: Record, data: dict[str, Any]
) -> Record:
    errors = Errors()
    errors.blank(data, "amount", "date")
    amount = errors.amount(data.get("amount"), "amount")
    method = data.get("payment_method", "check")
    errors.inclusion(method, PAYMENT_METHODS, "payment_method")
    requisition_id = data.get("requisition_id")
    if requisition_id is not None:
        req_id = errors.attempt(lambda: records.as_int(requisition_id, "requisition_id"))
        req = store.get("requisition", req_id) if req_id is not None else None
        if req_id is not None and (req is None or req["commitment_id"] != contract["id"]):
            errors.add("requisition_id", INVALID)
    errors.raise_if_any()
    body = {
        "project_id": project_id,
        "contract_id": contract["id"],
        "requisition_id": requisition_id,
        "amount": money.fmt(amount or 0),
        "date": data["date"],
        "invoice_number": data.get("invoice_number"),
        "check_number": data.get("check_number"),
        "payment_number": data.get("payment_number"),
        "payment_method": method,
        "notes": data.get("notes"),
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "origin_code": data.get("origin_code"),
    }
    records.stamp(body, clock, created=True)
    payment = store.add("contract_payment", body, company_id=company_id, project_id=project_id)
    kind = "work_order_contract" if contract["type"] == "WorkOrderContract" else "purchase_order_contract"
    commitments.totals(store, kind, store.get(kind, contract["id"]))
    return payment


PAYMENT_FIELDS = ("date", "invoice_number", "check_number", "payment_number", "notes", "payment_method")


def update_payment(store: Store, clock: Clock, payment: Record, data: dict[str, Any]) -> Record:
    """A contract payment's attributes (once synced, only its payment number: seed 003)."""
    locking.check_update("contract_payment", payment, data)
    for key in PAYMENT_FIELDS:
        if key in data:
            payment[key] = data[key]
    records.stamp(payment, clock)
    return store.put("contract_payment", payment)


def delete_payment(store: Store, company_id: int, payment: Record) -> None:
    """A contract payment; its commitment's totals follow."""
    locking.check_delete("contract_payment", payment)
    store.remove("contract_payment", payment["id"])
    kind, contract = commitments.find_commitment(store, company_id, payment["contract_id"])
    commitments.totals(store, kind, contract)
