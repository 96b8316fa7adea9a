"""Commitment change orders (v1.0, project-scoped).

The OAS wraps create/update attributes as ``{"change_order": {...}}``; this fake's earlier
``{"commitment_change_order": {...}}`` is still taken (the ERP payloads name the object that way).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.domain import approval, change_orders
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.routers.common import json_body, listing, one, section
from sim.procore_fake.routes import documented

router = APIRouter()
BASE = "/rest/v1.0/projects/{project_id}/commitment_change_orders"


def _attrs(data: dict[str, Any]) -> dict[str, Any]:
    return section(data, "change_order" if "change_order" in data else "commitment_change_order")


def _of_vendor(cco: dict[str, Any], vendor_id: int, ctx: Any) -> bool:
    contract = ctx.store.get(cco["_contract_kind"], cco["contract_id"]) or {}
    return (contract.get("vendor") or {}).get("id") == vendor_id


# The fake's CCOs are never in a batch or legacy package and never need a signature: those filters match
# accordingly. 'view' (extended adds change events) is not modelled: the fake has no change events.
LIST = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        "filters[batch_id]": filters.ids("batch_id"),
        "filters[legacy_package_id]": filters.ids("legacy_package_id"),
        "filters[contract_id]": filters.ids("contract_id"),
        "filters[vendor_id]": filters.related(_of_vendor),
        "filters[signature_required]": filters.boolean(lambda c: bool(c.get("signature_required"))),
        "filters[executed]": filters.boolean(lambda c: bool(c.get("executed"))),
        "filters[status]": filters.one_of("status"),
        "filters[updated_at]": filters.time_range("updated_at"),
    },
    sorts={
        **filters.SORT_COMMON,
        "number": "number",
        "status": "status",
        "title": "title",
        "due_date": "due_date",
    },
)


@router.get(BASE, openapi_extra=documented() | LIST.extra())
def list_ccos(project_id: int, request: Request, ctx: CtxDep) -> Response:
    ctx.owned("project", project_id)
    require(ctx.user, "commitments", "read_only")
    rows = ctx.store.query("commitment_change_order", project_id=project_id)
    return listing(request, rows, query=LIST, ctx=ctx)


@router.post(BASE, status_code=201, openapi_extra=documented())
async def create_cco(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "commitments", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        cco = change_orders.create(ctx.store, ctx.sim.clock, ctx.company_id, project, _attrs(data))
        ctx.emit("Commitment Change Orders", "create", cco)
    return one(cco, 201)


@router.get(BASE + "/{cco_id}", openapi_extra=documented())
def show_cco(project_id: int, cco_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "commitments", "read_only")
    return one(ctx.owned("commitment_change_order", cco_id, project_id=project_id))


@router.patch(BASE + "/{cco_id}", openapi_extra=documented())
async def update_cco(project_id: int, cco_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "commitments", "admin")
    attrs = _attrs(data)
    with ctx.locked():
        cco = ctx.owned("commitment_change_order", cco_id, project_id=project_id)
        updated = change_orders.update(ctx.store, ctx.sim.clock, ctx.company_id, cco, attrs)
        approval.note_edit(ctx.store, "commitment_change_order", updated)
        ctx.emit("Commitment Change Orders", "update", updated)
    return one(updated)


@router.delete(BASE + "/{cco_id}", status_code=204, openapi_extra=documented())
def delete_cco(project_id: int, cco_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "commitments", "admin")
    with ctx.locked():
        cco = ctx.owned("commitment_change_order", cco_id, project_id=project_id)
        change_orders.delete(ctx.store, cco)
    return Response(status_code=204)
