"""``/_sim/...`` the ERP Integrations tool as a person uses it in Procore's web UI (no public API): Configure
Settings, the progress-claims switch, Send to ERP / Retrieve / Resend / Accept / Reject / Direct Export /
Unlink, the lists, the Refresh buttons and Ready to Import (Add to Procore / Link to Existing / Link All /
Archive). The acting person is named by ``as_user_id``; Procore's permission rules apply to them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.domain import approval, budget, erp_settings, records, schedule, staging
from sim.procore_fake.domain.permissions import (
    at_least,
    is_accounting_approver,
    require,
    require_executive_sponsor,
)
from sim.procore_fake.errors import Forbidden, NotFound, ValidationFailed
from sim.procore_fake.routers.sim_common import UiDep
from sim.procore_fake.routes import sim_only
from sim.procore_fake.schemas import ErpItemAction, parse

router = APIRouter(prefix="/_sim/companies/{company_id}")
ACTIONS = ("send", "retrieve", "resend", "accept", "reject", "direct_export", "unlink")
#: seed 001 "projects" limitations: an existing project and an existing QuickBooks job are never linked.
LINK_JOB_REFUSED = ("The integration can not link an existing Procore Project to an existing QuickBooks "
                    "Desktop Job or Customer.")
REFRESH = {
    "jobs": "sync_jobs",
    "vendors": "sync_vendors",
    "commitments": "sync_commitments",
    "commitment_change_orders": "sync_commitment_change_orders",
    "payments": "sync_contract_payments",
    "standard_cost_codes": "sync_standard_cost_codes",
    "metadata": "sync_metadata",
}


@router.patch(
    "/erp/settings", openapi_extra=sim_only("ERP Integrations > Configure Settings (Admin on the ERP tool)")
)
def update_settings(ui: UiDep) -> Response:
    with ui.acting("erp_integrations", "admin"):
        changes = {k: v for k, v in ui.data.items() if k != "as_user_id"}
        if "progress_claims_enabled" in changes:
            raise ValidationFailed({"progress_claims_enabled": ["is set by the Executive Sponsor"]})
        updated = erp_settings.validate_and_update(ui.store, ui.company_id, changes)
    return JSONResponse(erp_settings.public_view(updated, ui.clock.now()))


@router.post(
    "/erp/progress_claims",
    openapi_extra=sim_only("seed 000: only the Executive Sponsor turns the progress-claims feature on"),
)
def progress_claims(ui: UiDep) -> Response:
    with ui.acting() as actor:
        require_executive_sponsor(actor)
        settings = erp_settings.get(ui.store, ui.company_id)
        enabled = bool(ui.data.get("enabled", True))
        if enabled and not settings.get("progress_claim_retention_item_origin_id"):
            raise ValidationFailed(
                {
                    "progress_claim_retention_item_origin_id": [
                        "a Retention service item must be selected before the feature can be turned on"
                    ]
                }
            )
        settings["progress_claims_enabled"] = enabled
        ui.store.put("erp_settings", settings)
    return JSONResponse({"progress_claims_enabled": settings["progress_claims_enabled"]})


@router.post(
    "/erp/items/{action}",
    openapi_extra=sim_only("Send to ERP / Retrieve / Resend / Accept / Reject / Direct Export / Unlink"),
)
def item_action(action: str, ui: UiDep) -> Response:
    if action not in ACTIONS:
        raise NotFound()
    with ui.locked():
        body = parse(ErpItemAction, ui.data)
        actor = ui.actor()
        kind, item_id = body.item_type, body.item_id
        args = (ui.store, ui.clock, ui.company_id, actor, kind, item_id)
        if action == "send":
            record = approval.send(*args)
        elif action == "retrieve":
            record = approval.retrieve(*args)
        elif action == "resend":
            record = approval.resend(*args)
        elif action == "reject":
            record = approval.reject(*args, body.reason)
        elif action == "accept":
            record = approval.accept(*args, body.model_dump(exclude_none=True))
        elif action == "direct_export":
            record = approval.direct_export(*args, body.model_dump(exclude_none=True))
        else:
            record = approval.unlink(*args)
    return JSONResponse(approval.view(kind, record))


@router.post(
    "/erp/budgets",
    openapi_extra=sim_only(
        "the project's ERP budget (what Budget > Send to ERP acts on); created on first use"
    ),
)
def project_budget(ui: UiDep) -> Response:
    with ui.acting("budget", "read_only"):
        project = ui.owned("project", ui.data.get("project_id"), field="project_id")
        erp_budget = budget.erp_budget(ui.store, ui.company_id, project)
    return JSONResponse(approval.view("budget", erp_budget))


@router.get("/erp/items/{item_type}/{item_id}", openapi_extra=sim_only())
def item_status(item_type: str, item_id: int, ui: UiDep) -> Response:
    if item_type not in approval.EXPORTABLE:
        raise NotFound()
    return JSONResponse(approval.view(item_type, ui.owned(item_type, item_id)))


@router.get(
    "/erp/lists",
    openapi_extra=sim_only(
        "Ready to Import / Ready to Export / Ready to Update / Failed to Export / Synced / Archived"
    ),
)
def erp_lists(ui: UiDep) -> Response:
    return JSONResponse(approval.lists(ui.store, ui.company_id))


@router.post(
    "/erp/refresh/{what}",
    openapi_extra=sim_only(
        "Refresh Job List / Refresh Vendors / Refresh Commitments / Sync Payments / Sync cost codes"
    ),
)
def refresh(what: str, ui: UiDep) -> Response:
    if what not in REFRESH:
        raise NotFound()
    with ui.acting() as actor:
        if what == "payments":
            # seed 002: ERP Admin, or an accounting approver, may sync payments on demand (US editions only)
            if not (at_least(actor, "erp_integrations", "admin") or is_accounting_approver(actor)):
                raise Forbidden()
            if erp_settings.get(ui.store, ui.company_id)["quickbooks_country"] != "US":
                raise ValidationFailed(
                    {
                        "base": [
                            "Invoice payments can only be imported from US editions of QuickBooks Desktop."
                        ]
                    }
                )
        else:
            require(actor, "erp_integrations", "admin")
        request_record = schedule.emit_sync(ui.store, ui.clock, ui.company_id, REFRESH[what])
        if what == "standard_cost_codes":  # the one button syncs cost codes and cost types
            schedule.emit_sync(ui.store, ui.clock, ui.company_id, "sync_standard_categories")
    return JSONResponse(
        {"erp_request_id": request_record["id"], "request_name": request_record["request_name"]}
    )


@router.post(
    "/erp/staged/link_all",
    openapi_extra=sim_only("Ready to Import: Link All (staged vendors to their suggested Procore companies)"),
)
def link_all(ui: UiDep) -> Response:
    with ui.acting("erp_integrations", "admin"):  # as "Link to Existing" for one vendor
        links = ui.data.get("links")
        if not isinstance(links, list) or not all(isinstance(x, dict) for x in links):
            raise ValidationFailed({"links": ["must be an array of {staged_id, vendor_id}"]})
        pairs = [
            (
                ui.owned("staged_record", x.get("staged_id"), field="staged_id"),
                ui.owned("vendor", x.get("vendor_id"), field="vendor_id"),
            )
            for x in links
        ]
        linked = staging.link_all_vendors(ui.store, ui.clock, ui.company_id, pairs)
    return JSONResponse([records.public(v) for v in linked])


@router.post(
    "/erp/staged/{staged_id}/{action}",
    openapi_extra=sim_only("Ready to Import: Add to Procore / Link to Existing / Archive"),
)
def staged_action(staged_id: int, action: str, ui: UiDep) -> Response:
    with ui.acting() as actor:
        staged = ui.owned("staged_record", staged_id)
        if action == "import":
            tool = "projects" if staged["item_type"] == "project" else "directory"
            require(actor, "erp_integrations", "standard" if tool == "directory" else "admin")
            made = staging.import_record(ui.store, ui.clock, ui.company_id, staged, ui.data)
            return JSONResponse(records.public(made))
        if action == "link":
            require(actor, "erp_integrations", "admin")
            if staged["item_type"] != "vendor":  # seed 001 Projects limitations: jobs are never linked
                raise ValidationFailed({"base": [LINK_JOB_REFUSED]})
            vendor = ui.owned("vendor", ui.data.get("vendor_id"), field="vendor_id")
            return JSONResponse(
                records.public(staging.link_vendor(ui.store, ui.clock, ui.company_id, staged, vendor))
            )
        if action == "archive":
            require(actor, "erp_integrations", "standard")
            return JSONResponse(records.public(staging.archive(ui.store, staged)))
    raise NotFound()
