"""``/_sim/...`` Admin work with no public API: the company Directory (a new company, users, the Vendor Merge
Tool), Procore ERP support granting "Can Push to Accounting" at the Executive Sponsor's request, and a
project Admin deleting synced project cost codes (v1.0 has no DELETE for them)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.domain import accounts, erp_deletes, records, support
from sim.procore_fake.domain.permissions import (
    TOOLS,
    is_accounting_approver,
    require,
    require_executive_sponsor,
)
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.routers.common import json_body
from sim.procore_fake.routers.sim_common import SimDep, UiDep
from sim.procore_fake.routes import sim_only

router = APIRouter(prefix="/_sim")


@router.post(
    "/companies", status_code=201, openapi_extra=sim_only("a new Procore company, seeded like the first")
)
async def new_company(request: Request, sim: SimDep) -> Response:
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
def new_user(ui: UiDep) -> Response:
    records.require_fields(ui.data, "name")
    permissions = ui.data.get("permissions") or {}
    if not isinstance(permissions, dict):
        raise ValidationFailed({"permissions": ["must be an object of tool: level"]})
    bad = [t for t in permissions if t not in TOOLS]
    if bad:
        raise ValidationFailed({"permissions": [f"unknown tool {t}" for t in bad]})
    user = accounts.make_user(ui.store, ui.company_id, ui.data["name"], permissions)
    return JSONResponse({"id": user["id"], "login": user["login"]}, status_code=201)


@router.post(
    "/companies/{company_id}/accounting_approvers",
    openapi_extra=sim_only(
        "the Executive Sponsor asks Procore ERP support to grant/revoke 'Can Push to Accounting'"
    ),
)
def approvers(ui: UiDep) -> Response:
    with ui.acting() as actor:
        require_executive_sponsor(actor)
        target = ui.member(ui.data.get("user_id"), "user_id")
        target["can_push_to_accounting"] = bool(ui.data.get("grant", True))
        ui.store.put("user", target)
    return JSONResponse(
        {
            "user_id": target["id"],
            "can_push_to_accounting": target["can_push_to_accounting"],
            "accounting_approver": is_accounting_approver(target),
        }
    )


@router.post("/companies/{company_id}/vendors/merge", openapi_extra=sim_only("Directory: Vendor Merge Tool"))
def merge(ui: UiDep) -> Response:
    with ui.acting("directory", "admin"):
        sources = ui.data.get("source_vendor_ids")
        if not isinstance(sources, list) or not all(isinstance(x, int) for x in sources):
            raise ValidationFailed({"source_vendor_ids": ["must be an array of ids"]})
        master_id = ui.data.get("master_vendor_id")
        master = support.merge_vendors(
            ui.store, ui.clock, ui.company_id, master_id if isinstance(master_id, int) else 0, sources
        )
    return JSONResponse(records.public(master))


@router.post(
    "/companies/{company_id}/projects/{project_id}/cost_codes/delete",
    openapi_extra=sim_only(
        "project Admin tool: delete cost codes (v1.0 has no DELETE for project cost codes)"
    ),
)
def delete_project_codes(project_id: int, ui: UiDep) -> Response:
    with ui.acting() as actor:
        project = ui.owned("project", project_id)
        require(actor, "projects", "admin")
        result = erp_deletes.request_project_codes_delete(
            ui.store, ui.clock, ui.company_id, project, ui.data.get("cost_code_ids")
        )
    return JSONResponse(result)
