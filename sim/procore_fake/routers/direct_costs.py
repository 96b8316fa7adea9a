"""Direct costs (v1.0 and v1.1) with line items and the sync action."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.domain import attachments, direct_costs, records, sync
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.common import json_body, listing, one, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse

router = APIRouter()


LIST = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        "filters[origin_id]": filters.origin_id(),
        "filters[invoice_number]": filters.equals("invoice_number"),
        **filters.TIMESTAMPS,
        # A direct cost's payment date is its paid_date attribute (the filter's field name is inferred).
        "filters[payment_date]": filters.time_range("paid_date"),
        "filters[received_date]": filters.time_range("received_date"),
    }
)
LINES = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        **filters.TIMESTAMPS,
        # "or within the specified range of Cost Code IDs": the range syntax is undocumented; ids only.
        "filters[cost_code_id]": filters.ids("cost_code.id"),
        "filters[line_item_type_id]": filters.ids("line_item_type.id"),
    }
)


def _routes(version: str) -> None:
    base = f"/rest/{version}/projects/{{project_id}}/direct_costs"

    @router.get(base, name=f"list_direct_costs_{version}", openapi_extra=documented() | LIST.extra())
    def list_costs(project_id: int, request: Request, ctx: CtxDep) -> Response:
        ctx.owned("project", project_id)
        require(ctx.user, "direct_costs", "read_only")
        return listing(request, ctx.store.query("direct_cost", project_id=project_id), query=LIST)

    @router.post(base, name=f"create_direct_cost_{version}", status_code=201, openapi_extra=documented())
    async def create_cost(project_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        require(ctx.user, "direct_costs", "admin")
        with ctx.locked():
            project = ctx.owned("project", project_id)
            attrs = section(data, "direct_cost")
            cost = direct_costs.create(ctx.store, ctx.sim.clock, ctx.company_id, project, attrs)
            cost = attachments.attach(ctx.store, "direct_cost", cost, attachments.uploads(data, attrs))
        return one(cost, 201)

    @router.get(f"{base}/{{cost_id}}", name=f"show_direct_cost_{version}", openapi_extra=documented())
    def show_cost(project_id: int, cost_id: int, ctx: CtxDep) -> Response:
        require(ctx.user, "direct_costs", "read_only")
        return one(ctx.owned("direct_cost", cost_id, project_id=project_id))

    @router.patch(f"{base}/{{cost_id}}", name=f"update_direct_cost_{version}", openapi_extra=documented())
    async def update_cost(project_id: int, cost_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        require(ctx.user, "direct_costs", "admin")
        attrs = section(data, "direct_cost")
        with ctx.locked():
            cost = ctx.owned("direct_cost", cost_id, project_id=project_id)
            updated = direct_costs.update(ctx.store, ctx.sim.clock, cost, attrs)
            files = attachments.uploads(data, attrs)
            updated = attachments.attach(ctx.store, "direct_cost", updated, files)
        return one(updated)

    @router.delete(f"{base}/{{cost_id}}", name=f"delete_direct_cost_{version}", openapi_extra=documented())
    def delete_cost(project_id: int, cost_id: int, ctx: CtxDep) -> Response:
        require(ctx.user, "direct_costs", "admin")
        with ctx.locked():
            cost = ctx.owned("direct_cost", cost_id, project_id=project_id)
            direct_costs.delete(ctx.store, cost)
        return JSONResponse({})


@router.get(
    "/rest/v1.0/projects/{project_id}/direct_costs/{cost_id}/line_items",
    openapi_extra=documented() | LINES.extra(),
)
def list_lines(project_id: int, cost_id: int, request: Request, ctx: CtxDep) -> Response:
    cost = ctx.owned("direct_cost", cost_id, project_id=project_id)
    return listing(request, direct_costs.lines(ctx.store, cost), query=LINES)


@router.post(
    "/rest/v1.0/projects/{project_id}/direct_costs/{cost_id}/line_items",
    status_code=201,
    openapi_extra=documented(),
)
async def create_line(project_id: int, cost_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "direct_costs", "admin")
    with ctx.locked():
        cost = ctx.owned("direct_cost", cost_id, project_id=project_id)
        line = direct_costs.add_line(
            ctx.store, ctx.sim.clock, ctx.company_id, cost, section(data, "line_item")
        )
    return one(line, 201)


@router.patch("/rest/v1.0/projects/{project_id}/direct_costs/sync", openapi_extra=documented())
async def sync_costs(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "direct_costs", "admin")
    clock = ctx.sim.clock
    with ctx.locked():
        project = ctx.owned("project", project_id)
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "direct_cost",
            parse(SyncRequest, data).updates,
            create=lambda a: direct_costs.create(ctx.store, clock, ctx.company_id, project, a),
            # The ERP owns synced direct costs: the sync action may update them, users may not.
            update=lambda r, a: direct_costs.update(ctx.store, clock, r, a, locks=False),
            scope=lambda r: r["project_id"] == project_id,
        )
    return JSONResponse(
        {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


LINE = "/rest/v1.0/projects/{project_id}/direct_costs/{cost_id}/line_items/{line_id}"


def _line(ctx: CtxDep, project_id: int, cost_id: int, line_id: int) -> tuple[dict, dict]:
    cost = ctx.owned("direct_cost", cost_id, project_id=project_id)
    line = ctx.owned("direct_cost_line_item", line_id, project_id=project_id)
    if line["direct_cost_id"] != cost_id:
        raise NotFound()
    return cost, line


@router.get(LINE, openapi_extra=documented())
def show_line(project_id: int, cost_id: int, line_id: int, ctx: CtxDep) -> Response:
    return one(_line(ctx, project_id, cost_id, line_id)[1])


@router.patch(LINE, openapi_extra=documented())
async def update_line(project_id: int, cost_id: int, line_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "direct_costs", "admin")
    attrs = section(data, "line_item")
    with ctx.locked():
        cost, line = _line(ctx, project_id, cost_id, line_id)
        updated = direct_costs.update_line(ctx.store, cost, line, attrs)
    return one(updated)


@router.delete(LINE, openapi_extra=documented())
def delete_line(project_id: int, cost_id: int, line_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "direct_costs", "admin")
    with ctx.locked():
        cost, line = _line(ctx, project_id, cost_id, line_id)
        direct_costs.delete_line(ctx.store, cost, line)
    return JSONResponse({})


# Registered last so that the literal ".../direct_costs/sync" and ".../line_items" routes win the match.
for _version in ("v1.0", "v1.1"):
    _routes(_version)
