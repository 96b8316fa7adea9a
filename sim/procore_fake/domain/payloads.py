"""Export prerequisites and the ``request_data`` of each ERP Request, shaped like erp-events.json.

Prerequisite messages are ours (Procore shows them in the web UI; their exact text is not published); the
rules are seed 001's "Things to know about the QuickBooks Desktop connector".
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import budget, commitments, erp_settings, records, refs, requisitions
from sim.procore_fake.errors import ErpRuleViolation, ValidationFailed
from sim.procore_fake.store import Record, Store

COMMITMENT_KINDS = ("work_order_contract", "purchase_order_contract")
NEEDS_ERP_LIST = "Integrated projects require the QuickBooks Standard Cost Codes list."
PROJECT_NOT_SYNCED = "The project must be synced with QuickBooks before this item can be exported."
VENDOR_NOT_SYNCED = (
    "The commitment's vendor must be synced with QuickBooks before the commitment can be exported."
)
COST_CODE_NOT_SYNCED = "Cost code {code} must be synced with QuickBooks before this item can be exported."
COMMITMENT_NOT_SYNCED = "The commitment must be synced with QuickBooks before this item can be exported."
NOT_APPROVED = "Only approved items can be exported to QuickBooks."
NO_RETAINAGE_ITEM = (
    "Select an Invoice Retainage Item in the ERP Integrations settings before exporting invoices."
)
NEGATIVE_INVOICE = "Subcontractor invoices with negative values cannot be synced with QuickBooks."
CUSTOMER_REQUIRED = "Select the QuickBooks customer this job belongs to."
QB_ID_REQUIRED = "Enter the QuickBooks Desktop ID before exporting this commitment."
ACCOUNT_REQUIRED = "Select the QuickBooks account this item posts to."
ACCOUNT_FIELDS = ("income_account_origin_id", "expense_account_origin_id")


def _cost_codes_synced(lines: list[Record]) -> None:
    for line in lines:
        if not line["cost_code"].get("origin_id") and not line["cost_code"].get(
            "standard_cost_code_origin_id"
        ):
            raise ErpRuleViolation(COST_CODE_NOT_SYNCED.format(code=line["cost_code"]["full_code"]))


def _live_cost_codes(store: Store, lines: list[Record]) -> list[Record]:
    """Embedded cost_code refs may be stale: re-read them."""
    out = []
    for line in lines:
        cc = store.get("cost_code", line["cost_code"]["id"]) or line["cost_code"]
        out.append(
            {
                **line,
                "cost_code": refs.cost_code_ref(cc)
                | {"standard_cost_code_origin_id": refs.standard_origin_id(store, cc)},
            }
        )
    return out


def check_prerequisites(
    store: Store, company_id: int, settings: Record, kind: str, record: Record, options: dict[str, Any]
) -> None:
    if kind == "project":
        if not record.get("is_erp_integrated"):
            raise ErpRuleViolation(NEEDS_ERP_LIST)
        if (
            settings["project_mapping"] == "jobs_under_customers"
            and not record.get("_customer_origin_id")
            and not options.get("customer_origin_id")
        ):
            raise ValidationFailed({"customer_origin_id": [CUSTOMER_REQUIRED]})
    elif kind == "standard_cost_code":
        if record["standard_cost_code_list_id"] != erp_settings.erp_list_id(store, company_id):
            raise ErpRuleViolation(NEEDS_ERP_LIST)
        # seed 001: "At the time of export, an expense account and an income account are assigned"
        missing = {
            f: [ACCOUNT_REQUIRED]
            for f in ACCOUNT_FIELDS
            if not (options.get(f) or (record.get("_erp_custom_fields") or {}).get(f))
        }
        if missing:
            raise ValidationFailed(missing)
    elif kind == "budget":
        project = store.get("project", record["project_id"])
        if not project or not project.get("origin_id"):
            raise ErpRuleViolation(PROJECT_NOT_SYNCED)
        _cost_codes_synced(
            _live_cost_codes(store, store.query("budget_line_item", project_id=record["project_id"]))
        )
    elif kind in COMMITMENT_KINDS:
        project = store.get("project", record["project_id"])
        if not project or not project.get("origin_id"):
            raise ErpRuleViolation(PROJECT_NOT_SYNCED)
        vendor = store.get("vendor", record["vendor"]["id"]) if record.get("vendor") else None
        if not vendor or not vendor.get("origin_id"):
            raise ErpRuleViolation(VENDOR_NOT_SYNCED)
        if record["status"] not in ("Approved", "Complete"):
            raise ErpRuleViolation(NOT_APPROVED)
        _cost_codes_synced(_live_cost_codes(store, commitments.line_items(store, record)))
        if not settings["use_procore_contract_number"] and not (
            options.get("origin_code") or record.get("origin_code")
        ):
            raise ValidationFailed({"origin_code": [QB_ID_REQUIRED]})
    elif kind == "commitment_change_order":
        contract = store.get(record["_contract_kind"], record["contract_id"])
        if not contract or not contract.get("origin_id"):
            raise ErpRuleViolation(COMMITMENT_NOT_SYNCED)
        if record["status"] != "approved":
            raise ErpRuleViolation(NOT_APPROVED)
    elif kind == "requisition":
        contract = store.get(record["_commitment_kind"], record["commitment_id"])
        if not contract or not contract.get("origin_id"):
            raise ErpRuleViolation(COMMITMENT_NOT_SYNCED)
        if record["status"] not in requisitions.APPROVED:
            raise ErpRuleViolation(NOT_APPROVED)
        if not retention_item(settings):
            raise ErpRuleViolation(NO_RETAINAGE_ITEM)
        if requisitions.has_negative_values(store, record):
            raise ErpRuleViolation(NEGATIVE_INVOICE)


def retention_item(settings: Record) -> Any:
    """Where a subcontractor invoice's retainage is recorded: with the progress-claims feature on, the
    Progress Claim Retention Item (seed 000 Step 3), else the Invoice Retainage Item (seed 004). Our
    reading: Procore does not document which wins when both are set."""
    if settings.get("progress_claims_enabled") and settings.get("progress_claim_retention_item_origin_id"):
        return settings["progress_claim_retention_item_origin_id"]
    return settings.get("invoice_retainage_item_origin_id")


def apply_accept_options(
    store: Store, settings: Record, kind: str, record: Record, options: dict[str, Any]
) -> None:
    if kind == "project" and options.get("customer_origin_id"):
        record["_customer_origin_id"] = options["customer_origin_id"]
    editable = record.get("origin_id") is None or record.get("_erp", {}).get("origin_code_editable")
    if kind == "project" and options.get("origin_code") and editable:
        record["origin_code"] = options["origin_code"]
    if kind == "standard_cost_code":
        fields = dict(record.get("_erp_custom_fields") or {})
        fields.update({f: options[f] for f in ACCOUNT_FIELDS if options.get(f)})
        record["_erp_custom_fields"] = fields
    if kind in COMMITMENT_KINDS:
        if options.get("origin_code"):
            record["origin_code"] = options["origin_code"]  # "Commitment # can be changed before export"
        elif settings["use_procore_contract_number"] and not record.get("origin_code"):
            record["origin_code"] = record["number"]
    store.put(kind, record)


def _cost_code_payload(store: Store, cc: Record) -> Record:
    body = refs.cost_code_ref(cc)
    body["long_name_helper"] = cc.get("long_name_helper")
    body["standard_cost_code_origin_id"] = refs.standard_origin_id(store, cc)
    body["line_item_types"] = [
        refs.live_line_item_type(store, lit) for lit in cc.get("line_item_types") or []
    ]
    return body


def build(
    store: Store, clock: Clock, company_id: int, settings: Record, kind: str, record: Record
) -> tuple[str, Any, str]:
    """(request_name, request_data, detail placement) of the export of one item."""
    if kind == "vendor":
        vendor = records.public(record)
        return "create_vendor", {"vendor": vendor, "company_id": company_id}, "top"
    if kind == "project":
        job = {
            k: record.get(k)
            for k in (
                "id",
                "name",
                "origin_id",
                "origin_data",
                "origin_code",
                "address",
                "city",
                "state_code",
                "zip",
                "latitude",
                "longitude",
                "active",
            )
        }
        job.update({"custom_fields": {}, "erp_custom_fields": {}, "synced": bool(record.get("origin_id"))})
        if record.get("_customer_origin_id"):
            job["erp_custom_fields"]["customer_origin_id"] = record["_customer_origin_id"]
        ccs = [_cost_code_payload(store, c) for c in store.query("cost_code", project_id=record["id"])]
        return "create_or_update_job", {"job": job, "all_cost_codes": ccs, "company_id": company_id}, "top"
    if kind == "standard_cost_code":
        parent = store.get("standard_cost_code", record["parent_id"]) if record.get("parent_id") else None
        item = {
            k: record.get(k)
            for k in (
                "id",
                "standard_cost_code_list_id",
                "origin_id",
                "parent_id",
                "code",
                "full_code",
                "name",
                "origin_data",
            )
        }
        item["parent_origin_id"] = parent.get("origin_id") if parent else None
        item["long_name_helper"] = [record["full_code"].split("-"), [record["name"]]]
        item["erp_custom_fields"] = dict(record.get("_erp_custom_fields") or {})
        return "create_standard_cost_codes", [item], "each"
    if kind == "budget":
        project = store.get("project", record["project_id"]) or {}
        job_costs, txns = budget.export_transactions(store, clock, company_id, record["project_id"])
        name = "update_budget" if record.get("origin_id") else "create_budget"
        body = {
            k: record.get(k)
            for k in ("id", "origin_id", "origin_data", "synced", "custom_fields", "project_id")
        }
        return (
            name,
            {
                "job_id": project.get("origin_id"),
                "budget": body,
                "job_costs": job_costs,
                # the documented transaction has no project_id (kept on the record for the ERP API)
                "transactions": [
                    {k: v for k, v in records.public(t).items() if k != "project_id"} for t in txns
                ],
            },
            "top",
        )
    if kind in COMMITMENT_KINDS:
        commitment = records.public(record)
        commitment["vendor"] = refs.vendor_ref(store.get("vendor", record["vendor"]["id"]))
        project = store.get("project", record["project_id"])
        commitment["project"] = refs.project_ref(project)
        items = [
            records.public(refs.refresh_line(store, li))
            | {
                "cost_code": _cost_code_payload(store, store.get("cost_code", li["cost_code"]["id"])),
                "project": refs.project_ref(project),
            }
            for li in commitments.line_items(store, record)
        ]
        return (
            "create_commitment",
            {
                "job_id": project.get("origin_id"),
                "commitment": commitment,
                "commitment_items": items,
                "additional_data": {"accounting_date": None},
                "company_id": company_id,
            },
            "top",
        )
    if kind == "commitment_change_order":
        contract = store.get(record["_contract_kind"], record["contract_id"])
        project = store.get("project", record["project_id"])
        change_order = {k: v for k, v in records.public(record).items() if k != "line_items"}
        items = [
            refs.refresh_line(store, li)
            | {"cost_code": _cost_code_payload(store, store.get("cost_code", li["cost_code"]["id"]))}
            for li in record["line_items"]
        ]
        return (
            "create_commitment_change_order",
            {
                "job_origin_id": project.get("origin_id"),
                "commitment": records.public(contract),
                "commitment_items": [records.public(li) for li in commitments.line_items(store, contract)],
                "change_order": change_order,
                "change_order_items": items,
                "additional_data": {"accounting_date": None},
                "company_id": company_id,
            },
            "top",
        )
    if kind == "requisition":
        return "create_requisitions", {"requisitions": [_requisition(store, settings, record)]}, "none"
    raise ValueError(kind)


def _requisition(store: Store, settings: Record, req: Record) -> Record:
    contract = store.get(req["_commitment_kind"], req["commitment_id"])
    project = store.get("project", req["project_id"])
    lines = []
    for item in requisitions.items(store, req):
        cc = store.get("cost_code", item["cost_code"]["id"]) or item["cost_code"]
        sov = store.get("commitment_line_item", item["commitment_line_item_id"]) or {}
        amount = item["work_completed_this_period"]
        lines.append(
            {
                "procore_requisition_item_id": item["id"],
                "accounting_method": req["accounting_method"],
                "amount": amount,
                "change_order_line_item_origin_id": None,
                "commitment_item_origin_id": sov.get("origin_id"),
                "cost_code_id": cc["id"],
                "cost_code_origin_id": cc.get("origin_id"),
                "description": item["description"],
                "formatted_amount": _formatted(amount),
                "formatted_unit_cost": _formatted(item.get("unit_price") or 0),
                "line_item_description": item["description"],
                "line_item_type_origin_id": refs.live_line_item_type(store, item["line_item_type"]).get(
                    "origin_id"
                ),
                "qty": item.get("quantity") or "0.0",
                "released_work_completed_this_period": "0.0",
                "requisition_item_type": item["requisition_item_type"],
                "retainage_materials_presently_stored": "0.0",
                "retainage_materials_previously_stored": "0.0",
                "retainage_this_period": item["retainage_this_period"],
                "retainage_work_completed_this_period": item["retainage_this_period"],
                "scheduled_total_amount": item["scheduled_value"],
                "tax_code_origin_id": None,
                "unit_cost": item.get("unit_price") or "0.0",
                "uom": item.get("uom"),
            }
        )
    return {
        "procore_requisition_id": req["id"],
        "accounting_method": req["accounting_method"],
        "billing_date": req["billing_date"],
        "payment_date": req["payment_date"],
        "code": req["invoice_number"],
        "contract_id": contract["id"],
        "contract_origin_id": contract.get("origin_id"),
        "created_at": req["created_at"],
        "custom_fields": {},
        "erp_custom_fields": {"retainage_item_origin_id": retention_item(settings)},
        "formatted_payment_due": req["formatted_payment_due"],
        "invoice_number": req["invoice_number"],
        "job_origin_id": project.get("origin_id"),
        "line_items": lines,
    }


def _formatted(value: Any) -> str:
    from sim.procore_fake.domain import money

    return money.formatted(value)


def unlink_event(store: Store, company_id: int, kind: str, record: Record) -> tuple[str, Any, bool] | None:
    """(request_name, request_data, has a request detail) for the documented unlink events."""
    if kind == "vendor":
        return (
            "unlink_vendor",
            {"vendor": {"id": record["id"], "origin_id": record.get("origin_id")}, "company_id": company_id},
            False,
        )
    project = store.get("project", record.get("project_id") or 0) or {}
    if kind in COMMITMENT_KINDS:
        return (
            "unlink_commitment",
            {
                "job_origin_id": project.get("origin_id"),
                "erp_commitment_id": record["id"],
                "project_id": record["project_id"],
                "procore_commitment_id": record["id"],
                "commitment_type": commitments.KINDS[kind],
                "commitment_origin_id": record.get("origin_id"),
            },
            True,
        )
    if kind == "commitment_change_order":
        contract = store.get(record["_contract_kind"], record["contract_id"]) or {}
        return (
            "unlink_commitment_change_order",
            {
                "job_origin_id": project.get("origin_id"),
                "erp_commitment_id": record["contract_id"],
                "erp_commitment_change_order_id": record["id"],
                "commitment_origin_id": contract.get("origin_id"),
                "commitment_type": commitments.KINDS[record["_contract_kind"]],
                "commitment_change_order_origin_id": record.get("origin_id"),
                "procore_commitment_change_order_id": record["id"],
                "project_id": record["project_id"],
            },
            True,
        )
    return None
