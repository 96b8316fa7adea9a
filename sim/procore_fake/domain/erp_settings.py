"""The ERP Integrations tool's configuration (seed 004 "Configure Advanced Settings", seed 000/003).

One settings record per company. Connection settings (service URL / user / password, status), the general
settings, the payment "Sync Program", the project mapping chosen at implementation (QuickBooks Customers =
Jobs, or Jobs under Customers), the Direct Export switch and the progress-claims feature flag.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store

QUICKBOOKS_LIST_NAME = "QuickBooks Standard Cost Codes"

SYNC_PROGRAMS: dict[str, timedelta | None] = {
    "Daily": timedelta(days=1),
    "Every 4 Hours": timedelta(hours=4),
    "Every 2 Hours": timedelta(hours=2),
    "Hourly": timedelta(hours=1),
    "Never": None,
}
PROJECT_MAPPINGS = ("customers_are_jobs", "jobs_under_customers")
DIRECT_COST_COLUMNS = ("read_only_populate_from_erp", "editable_do_not_populate_from_erp")
VENDOR_UPDATES = ("automatically_update_vendors", "do_not_update_vendors")
# A connector is "Connected" when its service account has called Procore within this window (our choice:
# Procore does not document how the status is computed).
CONNECTED_WITHIN = timedelta(hours=24)

DEFAULTS: dict[str, Any] = {
    "service_url": None,
    "service_user": None,
    "use_events": False,
    "use_procore_contract_number": True,
    "auto_add_new_cost_codes_to_budgets": False,
    "budget_direct_cost_columns": "read_only_populate_from_erp",
    "hide_job_to_date_costs_column": False,
    "vendor_updates": "automatically_update_vendors",
    "invoice_retainage_item_origin_id": None,
    "progress_claim_retention_item_origin_id": None,
    "sync_program": "Daily",
    "project_mapping": "customers_are_jobs",
    "direct_export_enabled": False,
    "progress_claims_enabled": False,
    "quickbooks_country": "US",
    "last_connector_call_at": None,
    "last_payment_sync_at": None,
    "last_company_sync_at": None,
    "last_project_sync_at": None,
}
EDITABLE = set(DEFAULTS) - {
    "last_connector_call_at",
    "last_payment_sync_at",
    "last_company_sync_at",
    "last_project_sync_at",
    "progress_claims_enabled",
}


def get(store: Store, company_id: int) -> Record:
    rows = store.query("erp_settings", company_id=company_id)
    if not rows:
        return store.add(
            "erp_settings",
            {**DEFAULTS, "company_id": company_id, "service_password": None},
            company_id=company_id,
        )
    return rows[0]


def public_view(settings: Record, now: datetime) -> Record:
    """What the settings page shows: the password is never echoed, the status is computed."""
    view = {k: v for k, v in settings.items() if k != "service_password"}
    view["has_service_password"] = bool(settings.get("service_password"))
    view["status"] = connection_status(settings, now)
    return view


def connection_status(settings: Record, now: datetime) -> str:
    last = settings.get("last_connector_call_at")
    if settings.get("service_url") and last and now - datetime.fromisoformat(last) <= CONNECTED_WITHIN:
        return "Connected"
    return "Not Connected"


def validate_and_update(store: Store, company_id: int, changes: dict[str, Any]) -> Record:
    settings = get(store, company_id)
    errors: dict[str, list[str]] = {}
    for key in changes:
        if key not in EDITABLE and key != "service_password":
            errors.setdefault(key, []).append("is not a recognised setting")
    checks = {
        "sync_program": tuple(SYNC_PROGRAMS),
        "project_mapping": PROJECT_MAPPINGS,
        "budget_direct_cost_columns": DIRECT_COST_COLUMNS,
        "vendor_updates": VENDOR_UPDATES,
        "quickbooks_country": ("US", "CA"),
    }
    for key, allowed in checks.items():
        if key in changes and changes[key] not in allowed:
            errors.setdefault(key, []).append(f"is not included in the list ({', '.join(allowed)})")
    if errors:
        raise ValidationFailed(errors)
    settings.update(changes)
    return store.put("erp_settings", settings)


def connect(
    store: Store, company_id: int, *, service_url: str | None, metadata: dict[str, Any] | None = None
) -> Record:
    """POST erp_connections: creating the connection auto-creates the single ERP standard cost code list."""
    settings = get(store, company_id)
    settings["service_url"] = service_url
    if metadata is not None:
        settings["metadata"] = metadata
    store.put("erp_settings", settings)
    lists = [x for x in store.query("standard_cost_code_list", company_id=company_id) if x.get("is_erp_list")]
    if lists:
        erp_list = lists[0]
    else:
        erp_list = store.add(
            "standard_cost_code_list",
            {"name": QUICKBOOKS_LIST_NAME, "is_erp_list": True, "company_id": company_id},
            company_id=company_id,
        )
    return {"id": company_id, "standard_cost_code_list_id": erp_list["id"]}


def erp_list_id(store: Store, company_id: int) -> int | None:
    for row in store.query("standard_cost_code_list", company_id=company_id):
        if row.get("is_erp_list"):
            return int(row["id"])
    return None
