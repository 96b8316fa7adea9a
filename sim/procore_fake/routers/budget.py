"""Budget: budget line items (v1.0, v1.1), budget lock, budget modifications (legacy), budget views."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import approval, budget, erp_settings, money, sync
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.domain.records import public
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.common import body_int, json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse
from sim.procore_fake.store import Record

router = APIRouter()


def _mark_budget_changed(ctx: Ctx, project_id: int) -> None:
    for b in ctx.store.query("budget", project_id=project_id):
        approval.note_edit(ctx.store, "budget", b)


def _create_line(ctx: Ctx, data: dict) -> Record:
    project_id = body_int(data, "project_id")
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        line = budget.create_line_item(
            ctx.store, ctx.sim.clock, ctx.company_id, project, section(data, "budget_line_item")
        )
        _mark_budget_changed(ctx, project_id)
    return line


@router.post("/rest/v1.0/budget_line_items", status_code=201, openapi_extra=documented())
async def create_line_item(request: Request, ctx: CtxDep) -> Response:
    return one(_create_line(ctx, await json_body(request)), 201)


@router.post("/rest/v1.1/budget_line_items", status_code=201, openapi_extra=documented())
async def create_line_item_v11(request: Request, ctx: CtxDep) -> Response:
    return one(_create_line(ctx, await json_body(request)), 201)


@router.post("/rest/v1.0/budget_line_items/sync", openapi_extra=documented())
async def sync_line_items(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = body_int(data, "project_id")
    require(ctx.user, "budget", "admin")
    clock = ctx.sim.clock
    # A line added or an original amount set through sync is the same adjustment as through POST/PATCH:
    # refused while the budget is pending acceptance, and a synced budget goes to Ready to Update (inferred:
    # Procore documents neither for sync). Origin-only items (an integrator linking lines) touch neither.
    adjusted = []

    def create(attrs: dict) -> Record:
        line = budget.create_line_item(ctx.store, clock, ctx.company_id, project, attrs)
        adjusted.append(line["id"])
        return line

    def update(line: Record, attrs: dict) -> Record:
        before = line["original_budget_amount"]
        updated = budget.update_line_item(ctx.store, clock, project, line, attrs, locks="amount" in attrs)
        if updated["original_budget_amount"] != before:
            adjusted.append(line["id"])
        return updated

    with ctx.locked():
        project = ctx.owned("project", project_id)
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "budget_line_item",
            parse(SyncRequest, data).updates,
            create=create,
            update=update,
            scope=lambda r: r["project_id"] == project_id,
        )
        if adjusted:
            _mark_budget_changed(ctx, project_id)
    return JSONResponse(
        {"entities": [approval.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


def _show(line_id: int, request: Request, ctx: Ctx) -> Response:
    project_id = query_int(request, "project_id")
    require(ctx.user, "budget", "read_only")
    return one(ctx.owned("budget_line_item", line_id, project_id=project_id))


@router.get("/rest/v1.0/budget_line_items/{line_id}", openapi_extra=documented())
def show_line_item(line_id: int, request: Request, ctx: CtxDep) -> Response:
    return _show(line_id, request, ctx)


@router.get("/rest/v1.1/budget_line_items/{line_id}", openapi_extra=documented())
def show_line_item_v11(line_id: int, request: Request, ctx: CtxDep) -> Response:
    return _show(line_id, request, ctx)


async def _update(line_id: int, request: Request, ctx: Ctx) -> Response:
    data = await json_body(request)
    project_id = body_int(data, "project_id")
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        line = ctx.owned("budget_line_item", line_id, project_id=project_id)
        updated = budget.update_line_item(
            ctx.store, ctx.sim.clock, project, line, section(data, "budget_line_item")
        )
        _mark_budget_changed(ctx, project_id)
    return one(updated)


@router.patch("/rest/v1.0/budget_line_items/{line_id}", openapi_extra=documented())
async def update_line_item(line_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _update(line_id, request, ctx)


@router.patch("/rest/v1.1/budget_line_items/{line_id}", openapi_extra=documented())
async def update_line_item_v11(line_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _update(line_id, request, ctx)


@router.get("/rest/v1.0/projects/{project_id}/budget", openapi_extra=documented())
def budget_meta(project_id: int, ctx: CtxDep) -> Response:
    project = ctx.owned("project", project_id)
    require(ctx.user, "budget", "read_only")
    settings = erp_settings.get(ctx.store, ctx.company_id)
    return JSONResponse(
        {
            "project_id": project_id,
            "locked": budget.is_locked(project),
            "direct_costs_column": settings["budget_direct_cost_columns"],
        }
    )


@router.post("/rest/v1.0/projects/{project_id}/budget/lock", status_code=201, openapi_extra=documented())
def lock_budget(project_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        project["_budget_locked"] = True
        ctx.store.put("project", project)
    return JSONResponse({"locked": True}, status_code=201)


@router.delete("/rest/v1.0/projects/{project_id}/budget/lock", openapi_extra=documented())
def unlock_budget(project_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        project["_budget_locked"] = False
        ctx.store.put("project", project)
    return JSONResponse({"locked": False})


@router.get("/rest/v1.0/projects/{project_id}/budget_modifications", openapi_extra=documented())
def list_modifications(project_id: int, request: Request, ctx: CtxDep) -> Response:
    ctx.owned("project", project_id)
    require(ctx.user, "budget", "read_only")
    return listing(request, ctx.store.query("budget_modification", project_id=project_id))


@router.post(
    "/rest/v1.0/projects/{project_id}/budget_modifications", status_code=201, openapi_extra=documented()
)
async def create_modification(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        mod = budget.create_modification(
            ctx.store, ctx.sim.clock, ctx.company_id, project, section(data, "budget_modification")
        )
        _mark_budget_changed(ctx, project_id)
    return one(mod, 201)


@router.get("/rest/v1.0/projects/{project_id}/budget_modifications/{mod_id}", openapi_extra=documented())
def show_modification(project_id: int, mod_id: int, ctx: CtxDep) -> Response:
    return one(ctx.owned("budget_modification", mod_id, project_id=project_id))


VIEWS = filters.ListQuery(sorts={"id": "id", "name": "name"})


@router.get(
    "/rest/v1.0/budget_views", openapi_extra=documented("one view: Procore Standard Budget") | VIEWS.extra()
)
def list_budget_views(request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id", required=False)
    if project_id is not None:
        ctx.owned("project", project_id)
    view = {"id": ctx.company_id, "name": "Procore Standard Budget", "description": None}
    return listing(request, [view], query=VIEWS)


@router.get("/rest/v1.0/budget_views/{view_id}/detail_rows", openapi_extra=documented())
def detail_rows(view_id: int, request: Request, ctx: CtxDep) -> Response:
    if view_id != ctx.company_id:
        raise NotFound()
    project_id = query_int(request, "project_id")
    ctx.owned("project", project_id)
    require(ctx.user, "budget", "read_only")
    settings = erp_settings.get(ctx.store, ctx.company_id)
    job_costs = {
        (j["cost_code_id"], j["line_item_type_id"]): j
        for j in ctx.store.query("erp_job_cost", project_id=project_id)
    }
    rows = []
    for line in ctx.store.query("budget_line_item", project_id=project_id):
        jc = job_costs.get((line["cost_code"]["id"], line["line_item_type"]["id"]), {})
        row = {
            "id": line["id"],
            "cost_code": line["cost_code"]["full_code"],
            "cost_type": line["line_item_type"]["name"],
            "original_budget_amount": line["original_budget_amount"],
            "budget_modifications": line["budget_modifications"],
            "revised_budget": line["revised_budget"],
        }
        if settings["budget_direct_cost_columns"] == "read_only_populate_from_erp":
            jtd = money.parse(jc.get("job_to_date_cost", 0))
            invoiced = money.parse(jc.get("commitment_invoiced", 0))
            row["job_to_date_cost"] = money.fmt(jtd)
            # seed 001: direct costs = job to date cost minus commitment invoiced
            row["direct_costs"] = money.fmt(jtd - invoiced)
            row["direct_costs_editable"] = False
        else:
            total = sum(
                (
                    money.parse(li["amount"])
                    for li in ctx.store.query("direct_cost_line_item", project_id=project_id)
                    if li["cost_code"]["id"] == line["cost_code"]["id"]
                ),
                money.parse(0),
            )
            row["direct_costs"] = money.fmt(total)
            row["direct_costs_editable"] = True
        if settings["hide_job_to_date_costs_column"]:
            row.pop("job_to_date_cost", None)
        rows.append(row)
    return listing(request, rows)


# -- budget changes (v1.0 paths, v2-style {"data": ...} envelope per the OAS) -------------------------------
CHANGES = "/rest/v1.0/projects/{project_id}/budget_changes"


@router.get(CHANGES, openapi_extra=documented('responses wrap in {"data": ...}'))
def list_budget_changes(project_id: int, request: Request, ctx: CtxDep) -> Response:
    ctx.owned("project", project_id)
    require(ctx.user, "budget", "read_only")
    rows = [public(c) for c in ctx.store.query("budget_change", project_id=project_id)]
    return JSONResponse({"data": rows})


@router.post(
    CHANGES, status_code=201, openapi_extra=documented('body is not wrapped; response {"data": ...}')
)
async def create_budget_change(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        change = budget.create_budget_change(ctx.store, ctx.sim.clock, ctx.company_id, project, data)
        _mark_budget_changed(ctx, project_id)
    return JSONResponse({"data": public(change)}, status_code=201)


@router.get(CHANGES + "/{change_id}", openapi_extra=documented())
def show_budget_change(project_id: int, change_id: int, ctx: CtxDep) -> Response:
    return JSONResponse({"data": public(ctx.owned("budget_change", change_id, project_id=project_id))})


@router.patch(CHANGES + "/{change_id}", openapi_extra=documented())
async def update_budget_change(project_id: int, change_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        change = ctx.owned("budget_change", change_id, project_id=project_id)
        updated = budget.update_budget_change(ctx.store, ctx.sim.clock, change, data)
        _mark_budget_changed(ctx, project_id)
    return JSONResponse({"data": public(updated)})


@router.patch("/rest/v1.0/projects/{project_id}/budget_modifications/{mod_id}", openapi_extra=documented())
async def update_modification(project_id: int, mod_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "budget", "admin")
    attrs = section(data, "budget_modification")
    with ctx.locked():
        mod = ctx.owned("budget_modification", mod_id, project_id=project_id)
        updated = budget.update_modification(ctx.store, ctx.sim.clock, mod, attrs)
        _mark_budget_changed(ctx, project_id)
    return one(updated)


@router.delete("/rest/v1.0/projects/{project_id}/budget_modifications/{mod_id}", openapi_extra=documented())
def delete_modification(project_id: int, mod_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        mod = ctx.owned("budget_modification", mod_id, project_id=project_id)
        budget.delete_adjustment(ctx.store, "budget_modification", mod)
    return JSONResponse({})


@router.delete(CHANGES + "/{change_id}", status_code=204, openapi_extra=documented())
def delete_budget_change(project_id: int, change_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        change = ctx.owned("budget_change", change_id, project_id=project_id)
        budget.delete_adjustment(ctx.store, "budget_change", change)
    return Response(status_code=204)
