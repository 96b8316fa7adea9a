"""What flows from QuickBooks into Procore directly (not staged): job costs, estimate transactions and
subcontractor invoice payments (QuickBooks bill payments -> Payments Issued).

- Job costs need the project's budget synced first (seed 001). With "Automatically Add New Cost Codes to
  Budgets" on, a cost code that has costs but no budget line gets one (seed 004).
- Invoice payments import only from US editions of QuickBooks Desktop (seed 001); synced payments are
  locked in Procore.
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import budget, commitments, erp_settings, money, records, requisitions
from sim.procore_fake.errors import ErpRuleViolation, ValidationFailed
from sim.procore_fake.store import Store

JOB_COST_FIELDS = (
    "approved_commitment_changes",
    "approved_estimate_changes",
    "approved_estimate_unit_changes",
    "commitment_invoiced",
    "committed_costs",
    "estimate",
    "estimate_units",
    "job_to_date_cost",
    "job_to_date_dollars_paid",
    "job_to_date_units",
    "month_to_date_cost",
    "month_to_date_dollars_paid",
    "month_to_date_units",
    "open_balance",
    "original_commitment",
    "original_estimate",
    "original_estimate_units",
    "paid_amount",
    "percentage_complete",
    "revised_commitment",
)
BUDGET_NOT_SYNCED = "The project's budget must be synced before job costs can be retrieved."
CANADA_PAYMENTS = "Invoice payments can only be imported from US editions of QuickBooks Desktop."


def sync_job_costs(
    store: Store, clock: Clock, company_id: int, job_origin_id: str, updates: list[dict[str, Any]]
) -> dict[str, list[Any]]:
    projects = store.query("project", company_id=company_id, origin_id=str(job_origin_id))
    if not projects:
        raise ValidationFailed({"job_origin_id": ["Entity with this ID not found"]})
    project = projects[0]
    erp_budgets = store.query("budget", project_id=project["id"])
    if not erp_budgets or not erp_budgets[0].get("origin_id"):
        raise ErpRuleViolation(BUDGET_NOT_SYNCED)
    settings = erp_settings.get(store, company_id)
    entities, failures = [], []
    for attrs in updates:
        cc = store.get("cost_code", int(attrs.get("cost_code_id") or 0))
        if cc is None or cc["biller_id"] != project["id"]:
            failures.append({**attrs, "errors": {"cost_code_id": ["Entity with this ID not found"]}})
            continue
        lit_id = attrs.get("line_item_type_id") or cc["line_item_types"][0]["id"]
        try:
            values = {f: money.fmt(money.parse(attrs.get(f, 0))) for f in JOB_COST_FIELDS}
        except money.BadAmount:
            failures.append({**attrs, "errors": {"base": ["is not a number"]}})
            continue
        existing = [
            j
            for j in store.query("erp_job_cost", project_id=project["id"])
            if j["cost_code_id"] == cc["id"] and j["line_item_type_id"] == lit_id
        ]
        body = {"cost_code_id": cc["id"], "line_item_type_id": lit_id, "project_id": project["id"], **values}
        if existing:
            existing[0].update(body)
            made = store.put("erp_job_cost", existing[0])
        else:
            made = store.add("erp_job_cost", body, company_id=company_id, project_id=project["id"])
        has_line = any(
            li["cost_code"]["id"] == cc["id"]
            for li in store.query("budget_line_item", project_id=project["id"])
        )
        if not has_line and settings["auto_add_new_cost_codes_to_budgets"]:
            budget.create_line_item(
                store,
                clock,
                company_id,
                project,
                {"cost_code_id": cc["id"], "line_item_type_id": lit_id, "amount": "0"},
                locks=False,  # the setting adds lines the integrator's job costs name, whatever the budget
            )
        entities.append(made)
    return {"entities": entities, "errors": failures}


def sync_transactions(store: Store, project_id: int, updates: list[dict[str, Any]]) -> dict[str, list[Any]]:
    entities, failures = [], []
    for attrs in updates:
        txn = store.get("erp_transaction", int(attrs.get("id") or 0))
        if txn is None or txn["project_id"] != project_id:
            failures.append({**attrs, "errors": {"id": ["Entity with this ID not found"]}})
            continue
        txn["origin_id"] = attrs.get("origin_id", txn["origin_id"])
        txn["synced"] = bool(attrs.get("synced", True))
        entities.append(records.public(store.put("erp_transaction", txn)))
    return {"entities": entities, "errors": failures}


def sync_invoice_payments(
    store: Store, clock: Clock, company_id: int, updates: list[dict[str, Any]]
) -> dict[str, list[Any]]:
    settings = erp_settings.get(store, company_id)
    entities, failures = [], []
    for attrs in updates:
        if settings["quickbooks_country"] != "US":
            failures.append({**attrs, "errors": {"base": [CANADA_PAYMENTS]}})
            continue
        if attrs.get("invoice_type", "Billings::Requisition") != "Billings::Requisition":
            failures.append({**attrs, "errors": {"invoice_type": ["is not supported"]}})
            continue
        req = store.get("requisition", int(attrs.get("invoice_id") or 0))
        if req is None or store.owner("requisition", req["id"])[0] != company_id:
            failures.append({**attrs, "errors": {"invoice_id": ["Entity with this ID not found"]}})
            continue
        if not attrs.get("origin_id"):
            failures.append({**attrs, "errors": {"origin_id": ["can't be blank"]}})
            continue
        existing = store.query("contract_payment", company_id=company_id, origin_id=str(attrs["origin_id"]))
        try:
            if existing:
                payment = existing[0]
                for key in (
                    "amount",
                    "date",
                    "check_number",
                    "notes",
                    "payment_method",
                    "origin_data",
                    "origin_code",
                ):
                    if key in attrs:
                        payment[key] = money.fmt(money.parse(attrs[key])) if key == "amount" else attrs[key]
                payment = store.put("contract_payment", payment)
            else:
                kind = req["_commitment_kind"]
                contract = store.get(kind, req["commitment_id"])
                payment = requisitions.create_payment(
                    store,
                    clock,
                    company_id,
                    req["project_id"],
                    contract,
                    {
                        "amount": attrs.get("amount"),
                        "date": attrs.get("date"),
                        "requisition_id": req["id"],
                        "invoice_number": req["invoice_number"],
                        "check_number": attrs.get("check_number"),
                        "payment_number": attrs.get("payment_number"),
                        "notes": attrs.get("notes"),
                        "payment_method": attrs.get("payment_method", "check"),
                        "origin_id": attrs["origin_id"],
                        "origin_data": attrs.get("origin_data"),
                        "origin_code": attrs.get("origin_code"),
                    },
                )
        except ValidationFailed as exc:
            failures.append({**attrs, "errors": exc.errors})
            continue
        kind = req["_commitment_kind"]
        commitments.totals(store, kind, store.get(kind, req["commitment_id"]))
        entities.append(
            {
                "id": payment["id"],
                "invoice_type": "Billings::Requisition",
                "invoice_id": req["id"],
                "origin_id": payment["origin_id"],
                "origin_code": payment.get("origin_code"),
            }
        )
    return {"entities": entities, "errors": failures}
