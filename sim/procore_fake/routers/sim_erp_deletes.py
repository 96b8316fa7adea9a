"""``/_sim/...`` web-UI actions that emit ERP events without a public API: "Link All" vendors on Ready to
Import, deleting project cost codes in the project's Admin tool, and ERP support's Super User deletes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.deps import sim_state
from sim.procore_fake.domain import erp_deletes, records, staging
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound, ValidationFailed
from sim.procore_fake.routers.common import json_body
from sim.procore_fake.routers.sim import acting_user, sim_company
from sim.procore_fake.routes import sim_only
from sim.procore_fake.store import Record, Store

router = APIRouter(prefix="/_sim")


def _owned(store: Store, company_id: int, kind: str, item_id: Any, field: str) -> Record:
    owner = store.owner(kind, item_id) if isinstance(item_id, int) else None
    if owner is None or owner[0] != company_id:
        raise ValidationFailed({field: ["is invalid"]})
    return store.get(kind, item_id)


@router.post(
    "/companies/{company_id}/erp/staged/link_all",
    openapi_extra=sim_only("Ready to Import: Link All (staged vendors to their suggested Procore companies)"),
)
async def link_all(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        require(actor, "erp_integrations", "admin")  # as "Link to Existing" for one vendor
        links = data.get("links")
        if not isinstance(links, list) or not all(isinstance(x, dict) for x in links):
            raise ValidationFailed({"links": ["must be an array of {staged_id, vendor_id}"]})
        pairs = [
            (
                _owned(sim.store, company_id, "staged_record", x.get("staged_id"), "staged_id"),
                _owned(sim.store, company_id, "vendor", x.get("vendor_id"), "vendor_id"),
            )
            for x in links
        ]
        linked = staging.link_all_vendors(sim.store, sim.clock, company_id, pairs)
    return JSONResponse([records.public(v) for v in linked])


@router.post(
    "/companies/{company_id}/projects/{project_id}/cost_codes/delete",
    openapi_extra=sim_only(
        "project Admin tool: delete cost codes (v1.0 has no DELETE for project cost codes)"
    ),
)
async def delete_project_codes(company_id: int, project_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    with sim.store.company_lock(company_id):
        actor = acting_user(sim, company_id, data)
        owner = sim.store.owner("project", project_id)
        if owner is None or owner[0] != company_id:
            raise NotFound()
        require(actor, "projects", "admin")
        result = erp_deletes.request_project_codes_delete(
            sim.store, sim.clock, company_id, sim.store.get("project", project_id), data.get("cost_code_ids")
        )
    return JSONResponse(result)


@router.post(
    "/companies/{company_id}/erp/support/delete",
    openapi_extra=sim_only(
        "Procore ERP support, Super User access: delete synced standard or project cost codes"
    ),
)
async def support_delete(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    data = await json_body(request)
    sim_company(sim, company_id)
    with sim.store.company_lock(company_id):
        deleted = erp_deletes.support_delete(
            sim.store, sim.clock, company_id, str(data.get("item_type")), data.get("item_ids")
        )
    return JSONResponse({"deleted": [d["id"] for d in deleted]})
