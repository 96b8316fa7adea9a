"""``/_sim/...``: what a person does in Procore's web UI that has no public API, and simulator controls.

The acting person is named by ``as_user_id`` (the user clicking in the web UI); the same permission rules
as in Procore apply to them. Also: clock control (FakeClock only), webhook delivery control, a read-only
state view (``GET /_sim/state``, LocalStack's convention) and company/user fixtures.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.clock import FakeClock
from sim.procore_fake.deps import sim_state
from sim.procore_fake.domain import (
    accounts,
    approval,
    budget,
    erp_settings,
    records,
    schedule,
    staging,
    support,
    webhooks,
)
from sim.procore_fake.domain.permissions import (
    TOOLS,
    at_least,
    is_accounting_approver,
    require,
    require_executive_sponsor,
)
from sim.procore_fake.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from sim.procore_fake.routers.common import json_body
from sim.procore_fake.routes import sim_only
from sim.procore_fake.schemas import ErpItemAction, parse
from sim.procore_fake.state import SimState
from sim.procore_fake.store import Record

router = APIRouter(prefix="/_sim")
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


def sim_company(sim: SimState, company_id: int) -> Record:
    company = sim.store.get("company", company_id)
    if company is None:
        raise NotFound()
    return company


def acting_user(sim: SimState, company_id: int, data: dict[str, Any]) -> Record:
    # A JSON body gives an int; a query string (the GET pages) a string of digits; anything else names no one.
    user_id = data.get("as_user_id")
    if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit():
        user_id = int(user_id)
    named = isinstance(user_id, int) and not isinstance(user_id, bool)
    user = sim.store.get("user", user_id) if named else None
    if user is None or user["company_id"] != company_id:
        raise ValidationFailed({"as_user_id": ["is not a user of this company"]})
    return user


@router.get("/state", openapi_extra=sim_only("read-only view"))
def state(request: Request) -> Response:
    sim = sim_state(request)
    companies = []
    for company in sim.store.query("company"):
        cid = company["id"]
        users = [
            {
                "id": u["id"],
                "name": u["name"],
                "login": u["login"],
                "is_service_account": u["is_service_account"],
                "accounting_approver": is_accounting_approver(u),
                "is_executive_sponsor": u["is_executive_sponsor"],
                "permissions": u["permissions"],
            }
            for u in sim.store.query("user", company_id=cid)
        ]
        clients = [
            {"client_id": c["client_id"], "client_secret": c["client_secret"]}
            for c in sim.store.query("oauth_client", company_id=cid)
        ]
        companies.append(
            {
                "id": cid,
                "name": company["name"],
                "users": users,
                "oauth_clients": clients,
                "erp_settings": erp_settings.public_view(erp_settings.get(sim.store, cid), sim.clock.now()),
                "erp_standard_cost_code_list_id": erp_settings.erp_list_id(sim.store, cid),
            }
        )
    return JSONResponse({"now": sim.clock.now().isoformat(), "companies": companies})


@router.post("/clock/advance", openapi_extra=sim_only("FakeClock only; runs the sync schedule"))
async def advance(request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    if not isinstance(sim.clock, FakeClock):
        raise BadRequest("The clock can only be advanced when the fake runs on a FakeClock")
    seconds = data.get("seconds")
    if not isinstance(seconds, int | float) or seconds < 0:
        raise ValidationFailed({"seconds": ["must be a non-negative number"]})
    sim.clock.advance(float(seconds))
    emitted = schedule.run_due(sim.store, sim.clock)
    return JSONResponse({"now": sim.clock.now().isoformat(), "erp_requests": [r["id"] for r in emitted]})


@router.post("/webhooks/deliver", openapi_extra=sim_only("send every due delivery now"))
def deliver(request: Request) -> Response:
    sim = sim_state(request)
    touched = webhooks.deliver_due(sim.store, sim.clock, sim.webhook_transport)
    return JSONResponse([webhooks.delivery_view(d) for d in touched])


@router.post("/webhooks/duplicate_next", openapi_extra=sim_only("the next N deliveries go out twice"))
async def duplicate_next(request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    conf = webhooks.settings(sim.store)
    conf["duplicate_next"] = int(data.get("count", 1))
    sim.store.put("webhook_settings", conf)
    return JSONResponse({"duplicate_next": conf["duplicate_next"]})


@router.post(
    "/companies", status_code=201, openapi_extra=sim_only("a new Procore company, seeded like the first")
)
async def new_company(request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    records.require_fields(data, "name", "client_id", "client_secret")
    if sim.store.find_key("oauth_client", data["client_id"]):
        raise ValidationFailed({"client_id": ["has already been taken"]})
    seeded = accounts.seed_company(
        sim.store,
        sim.clock,
        name=data["name"],
        client_id=data["client_id"],
        client_secret=data["client_secret"],
    )
    return JSONResponse(
        {
            "company_id": seeded["company"]["id"],
            "users": {n: u["id"] for n, u in seeded["users"].items()},
            "service_account_id": seeded["service_account"]["id"],
        },
        status_code=201,
    )


@router.post(
    "/companies/{company_id}/users", status_code=201, openapi_extra=sim_only("Directory: add a user")
)
async def new_user(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    sim_company(sim, company_id)
    records.require_fields(data, "name")
    permissions = data.get("permissions") or {}
    bad = [t for t in permissions if t not in TOOLS]
    if bad:
        raise ValidationFailed({"permissions": [f"unknown tool {t}" for t in bad]})
    user = accounts.make_user(sim.store, company_id, data["name"], permissions)
    return JSONResponse({"id": user["id"], "login": user["login"]}, status_code=201)


@router.post(
    "/companies/{company_id}/accounting_approvers",
    openapi_extra=sim_only(
        "the Executive Sponsor asks Procore ERP support to grant/revoke 'Can Push to Accounting'"
    ),
)
async def approvers(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require_executive_sponsor(actor)
        target = sim.store.get("user", int(data.get("user_id") or 0))
        if target is None or target["company_id"] != company_id:
            raise ValidationFailed({"user_id": ["is not a user of this company"]})
        target["can_push_to_accounting"] = bool(data.get("grant", True))
        sim.store.put("user", target)
    return JSONResponse(
        {
            "user_id": target["id"],
            "can_push_to_accounting": target["can_push_to_accounting"],
            "accounting_approver": is_accounting_approver(target),
        }
    )


@router.patch(
    "/companies/{company_id}/erp/settings",
    openapi_extra=sim_only("ERP Integrations > Configure Settings (Admin on the ERP tool)"),
)
async def update_settings(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require(actor, "erp_integrations", "admin")
        changes = {k: v for k, v in data.items() if k != "as_user_id"}
        if "progress_claims_enabled" in changes:
            raise ValidationFailed({"progress_claims_enabled": ["is set by the Executive Sponsor"]})
        updated = erp_settings.validate_and_update(sim.store, company_id, changes)
    return JSONResponse(erp_settings.public_view(updated, sim.clock.now()))


@router.post(
    "/companies/{company_id}/erp/progress_claims",
    openapi_extra=sim_only("seed 000: only the Executive Sponsor turns the progress-claims feature on"),
)
async def progress_claims(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require_executive_sponsor(actor)
        settings = erp_settings.get(sim.store, company_id)
        if data.get("enabled", True) and not settings.get("progress_claim_retention_item_origin_id"):
            raise ValidationFailed(
                {
                    "progress_claim_retention_item_origin_id": [
                        "a Retention service item must be selected before the feature can be turned on"
                    ]
                }
            )
        settings["progress_claims_enabled"] = bool(data.get("enabled", True))
        sim.store.put("erp_settings", settings)
    return JSONResponse({"progress_claims_enabled": settings["progress_claims_enabled"]})


@router.post(
    "/companies/{company_id}/erp/items/{action}",
    openapi_extra=sim_only("Send to ERP / Retrieve / Resend / Accept / Reject / Direct Export / Unlink"),
)
async def item_action(company_id: int, action: str, request: Request) -> Response:
    sim = sim_state(request)
    if action not in ACTIONS:
        raise NotFound()
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        body = parse(ErpItemAction, data)
        actor = acting_user(sim, company_id, data)
        kind, item_id = body.item_type, body.item_id
        args = (sim.store, sim.clock, company_id, actor, kind, item_id)
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
    "/companies/{company_id}/erp/budgets",
    openapi_extra=sim_only(
        "the project's ERP budget (what Budget > Send to ERP acts on); created on first use"
    ),
)
async def project_budget(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require(actor, "budget", "read_only")
        project_id = data.get("project_id")
        owner = sim.store.owner("project", int(project_id)) if isinstance(project_id, int) else None
        if owner is None or owner[0] != company_id:
            raise ValidationFailed({"project_id": ["is invalid"]})
        erp_budget = budget.erp_budget(sim.store, company_id, sim.store.get("project", project_id))
    return JSONResponse(approval.view("budget", erp_budget))


@router.get("/companies/{company_id}/erp/items/{item_type}/{item_id}", openapi_extra=sim_only())
def item_status(company_id: int, item_type: str, item_id: int, request: Request) -> Response:
    sim = sim_state(request)
    owner = sim.store.owner(item_type, item_id)
    if item_type not in approval.EXPORTABLE or owner is None or owner[0] != company_id:
        raise NotFound()
    return JSONResponse(approval.view(item_type, sim.store.get(item_type, item_id)))


@router.get(
    "/companies/{company_id}/erp/lists",
    openapi_extra=sim_only(
        "Ready to Import / Ready to Export / Ready to Update / Failed to Export / Synced / Archived"
    ),
)
def erp_lists(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    sim_company(sim, company_id)
    return JSONResponse(approval.lists(sim.store, company_id))


@router.post(
    "/companies/{company_id}/erp/refresh/{what}",
    openapi_extra=sim_only(
        "Refresh Job List / Refresh Vendors / Refresh Commitments / Sync Payments / Sync cost codes"
    ),
)
async def refresh(company_id: int, what: str, request: Request) -> Response:
    sim = sim_state(request)
    if what not in REFRESH:
        raise NotFound()
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        if what == "payments":
            # seed 002: ERP Admin, or an accounting approver, may sync payments on demand (US editions only)
            if not (at_least(actor, "erp_integrations", "admin") or is_accounting_approver(actor)):
                raise Forbidden()
            if erp_settings.get(sim.store, company_id)["quickbooks_country"] != "US":
                raise ValidationFailed(
                    {
                        "base": [
                            "Invoice payments can only be imported from US editions of QuickBooks Desktop."
                        ]
                    }
                )
        else:
            require(actor, "erp_integrations", "admin")
        request_record = schedule.emit_sync(sim.store, sim.clock, company_id, REFRESH[what])
        if what == "standard_cost_codes":  # the one button syncs cost codes and cost types
            schedule.emit_sync(sim.store, sim.clock, company_id, "sync_standard_categories")
    return JSONResponse(
        {"erp_request_id": request_record["id"], "request_name": request_record["request_name"]}
    )


@router.post(
    "/companies/{company_id}/erp/staged/{staged_id}/{action}",
    openapi_extra=sim_only("Ready to Import: Add to Procore / Link to Existing / Archive"),
)
async def staged_action(company_id: int, staged_id: int, action: str, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        owner = sim.store.owner("staged_record", staged_id)
        if owner is None or owner[0] != company_id:
            raise NotFound()
        staged = sim.store.get("staged_record", staged_id)
        if action == "import":
            tool = "projects" if staged["item_type"] == "project" else "directory"
            require(actor, "erp_integrations", "standard" if tool == "directory" else "admin")
            made = staging.import_record(sim.store, sim.clock, company_id, staged, data)
            return JSONResponse(records.public(made))
        if action == "link":
            require(actor, "erp_integrations", "admin")
            if staged["item_type"] != "vendor":  # seed 001 Projects limitations: jobs are never linked
                raise ValidationFailed({"base": [LINK_JOB_REFUSED]})
            vendor = sim.store.get("vendor", int(data.get("vendor_id") or 0))
            if vendor is None or sim.store.owner("vendor", vendor["id"])[0] != company_id:
                raise ValidationFailed({"vendor_id": ["is invalid"]})
            return JSONResponse(
                records.public(staging.link_vendor(sim.store, sim.clock, company_id, staged, vendor))
            )
        if action == "archive":
            require(actor, "erp_integrations", "standard")
            return JSONResponse(records.public(staging.archive(sim.store, staged)))
    raise NotFound()


@router.post(
    "/companies/{company_id}/erp/support/reset",
    openapi_extra=sim_only(
        "Procore ERP support, Super User access: reset a synced job, invoice, payment or standard cost code"
    ),
)
async def support_reset(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    sim_company(sim, company_id)
    with sim.store.company_lock(company_id):
        try:
            item_id = int(data.get("item_id"))
        except (TypeError, ValueError) as exc:
            raise ValidationFailed({"item_id": ["is not a number"]}) from exc
        record = support.reset(sim.store, sim.clock, company_id, str(data.get("item_type")), item_id)
    return JSONResponse(records.public(record))


@router.post("/companies/{company_id}/vendors/merge", openapi_extra=sim_only("Directory: Vendor Merge Tool"))
async def merge(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require(actor, "directory", "admin")
        sources = data.get("source_vendor_ids")
        if not isinstance(sources, list) or not all(isinstance(x, int) for x in sources):
            raise ValidationFailed({"source_vendor_ids": ["must be an array of ids"]})
        master = support.merge_vendors(
            sim.store, sim.clock, company_id, int(data.get("master_vendor_id") or 0), sources
        )
    return JSONResponse(records.public(master))
