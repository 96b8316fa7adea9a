"""Webhooks API: hooks, triggers, deliveries, resources (v1.0; v2.0 company hooks wrap in ``{"data": …}``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import records, webhooks
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import Forbidden, NotFound
from sim.procore_fake.routers.common import json_body, listing, one, query_int
from sim.procore_fake.routes import documented

router = APIRouter()
V1 = "/rest/v1.0/webhooks/hooks"
V2 = "/rest/v2.0/companies/{company_id}/webhooks/hooks"


def _scope(ctx: Ctx, company_id: Any, project_id: Any) -> int | None:
    if company_id is not None and int(company_id) != ctx.company_id:
        raise Forbidden()
    if project_id is not None:
        ctx.owned("project", int(project_id))
        return int(project_id)
    return None


def _hook(ctx: Ctx, hook_id: int) -> dict[str, Any]:
    return ctx.owned("webhook_hook", hook_id)


HOOKS = filters.ListQuery(
    filters={"namespace": filters.equals("namespace"), "api_version": filters.equals("api_version")}
)
# payload_version is taken to be the hook's api_version (v2/v3/v4 payloads; inferred).
HOOKS_V2 = filters.ListQuery(
    filters={"namespace": filters.equals("namespace"), "payload_version": filters.equals("api_version")},
    extra_params=("include_trigger_count",),  # read by list_hooks_v2
)
_STATUS = filters.Filter(
    lambda _, raw: raw[-1], lambda d, wanted, __: wanted == "any" or d["status"] == wanted
)
# The OAS says filters[status]; api-conventions.json (Procore's guide) says filter[status]: both taken.
DELIVERIES = filters.ListQuery(filters={"filters[status]": _STATUS, "filter[status]": _STATUS})


@router.get(V1, openapi_extra=documented() | HOOKS.extra())
def list_hooks(request: Request, ctx: CtxDep) -> Response:
    project_id = _scope(ctx, request.query_params.get("company_id"), request.query_params.get("project_id"))
    rows = [
        h for h in ctx.store.query("webhook_hook", company_id=ctx.company_id) if h["project_id"] == project_id
    ]
    return listing(request, rows, query=HOOKS)


@router.post(V1, status_code=201, openapi_extra=documented())
async def create_hook(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = _scope(ctx, data.get("company_id"), data.get("project_id"))
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        hook = webhooks.create_hook(
            ctx.store, ctx.sim.clock, ctx.company_id, project_id, data.get("hook") or {}
        )
    return one(hook, 201)


@router.patch(V1 + "/{hook_id}", openapi_extra=documented())
async def update_hook(hook_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        hook = _hook(ctx, hook_id)
        for key in ("destination_url", "destination_headers", "namespace", "api_version"):
            if key in (data.get("hook") or {}):
                hook[key] = data["hook"][key]
        ctx.store.put("webhook_hook", hook)
    return one(hook)


@router.delete(V1 + "/{hook_id}", openapi_extra=documented())
def delete_hook(hook_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        _hook(ctx, hook_id)
        for trigger in ctx.store.query("webhook_trigger", company_id=ctx.company_id):
            if trigger["hook_id"] == hook_id:
                ctx.store.remove("webhook_trigger", trigger["id"])
        ctx.store.remove("webhook_hook", hook_id)
    return JSONResponse({})


@router.get(V1 + "/{hook_id}/triggers", openapi_extra=documented())
def list_triggers(hook_id: int, request: Request, ctx: CtxDep) -> Response:
    _hook(ctx, hook_id)
    rows = [
        t for t in ctx.store.query("webhook_trigger", company_id=ctx.company_id) if t["hook_id"] == hook_id
    ]
    return listing(request, rows)


@router.post(V1 + "/{hook_id}/triggers", status_code=201, openapi_extra=documented())
async def create_trigger(hook_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        trigger = webhooks.create_trigger(
            ctx.store, ctx.company_id, _hook(ctx, hook_id), data.get("trigger") or {}
        )
    return one(trigger, 201)


@router.delete(V1 + "/{hook_id}/triggers/{trigger_id}", openapi_extra=documented())
def delete_trigger(hook_id: int, trigger_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        trigger = ctx.owned("webhook_trigger", trigger_id)
        if trigger["hook_id"] != hook_id:
            raise NotFound()
        ctx.store.remove("webhook_trigger", trigger_id)
    return JSONResponse({})


@router.get(
    V1 + "/{hook_id}/deliveries",
    openapi_extra=documented("filter[status]=any|successful|discarded|failing") | DELIVERIES.extra(),
)
def list_deliveries(hook_id: int, request: Request, ctx: CtxDep) -> Response:
    _hook(ctx, hook_id)
    rows = [
        webhooks.delivery_view(d)
        for d in ctx.store.query("webhook_delivery", company_id=ctx.company_id)
        if d["hook_id"] == hook_id
    ]
    return listing(request, rows, query=DELIVERIES)


@router.get("/rest/v1.0/webhooks/resources", openapi_extra=documented())
def list_resources(request: Request, ctx: CtxDep) -> Response:
    query_int(request, "project_id", required=False)
    return JSONResponse([{"name": r, "friendly_name": r} for r in webhooks.RESOURCES])


# -- v2.0 company hooks: same model, {"data": ...} envelope -----------------------------------------------
@router.get(V2, openapi_extra=documented("v2 envelope") | HOOKS_V2.extra())
def list_hooks_v2(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _scope(ctx, company_id, None)
    rows = [h for h in ctx.store.query("webhook_hook", company_id=ctx.company_id) if h["project_id"] is None]
    data = [records.public(h) for h in HOOKS_V2.apply(request, rows)]
    if filters.flag_param(request, "include_trigger_count"):
        triggers = ctx.store.query("webhook_trigger", company_id=ctx.company_id)
        for hook in data:
            hook["trigger_count"] = sum(t["hook_id"] == hook["id"] for t in triggers)
    return JSONResponse({"data": data})


@router.post(V2, status_code=201, openapi_extra=documented("v2 envelope"))
async def create_hook_v2(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _scope(ctx, company_id, None)
    require(ctx.user, "webhooks", "admin")
    with ctx.locked():
        hook = webhooks.create_hook(ctx.store, ctx.sim.clock, ctx.company_id, None, data)
    return JSONResponse({"data": records.public(hook)}, status_code=201)
