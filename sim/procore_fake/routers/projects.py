"""Projects: v1.0 list/create/show/update/sync, v1.1 list, company-scoped list, ERP configuration."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.conventions import MAX_PER_PAGE_V11_PROJECTS
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import approval, projects, sync
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import Forbidden, NotFound
from sim.procore_fake.routers.common import json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse
from sim.procore_fake.store import Record

router = APIRouter()


def _check_company(ctx: Ctx, company_id: int | None) -> None:
    if company_id is not None and company_id != ctx.company_id:
        raise Forbidden()


def _in_vendor_directory(project: Record, vendor_id: int, ctx: Ctx) -> bool:
    vendor = ctx.store.get("vendor", vendor_id)
    return vendor is not None and project["id"] in vendor["_project_ids"]


_FILTERS = {
    "filters[name]": filters.search("name"),
    **filters.TIMESTAMPS,
    "filters[origin_id]": filters.origin_id(),
    "filters[id]": filters.ids(),
    "filters[synced]": filters.boolean(lambda p: bool(p.get("origin_id"))),
    "filters[vendor_id]": filters.related(_in_vendor_directory),
    "filters[custom_fields]": filters.json_object("_custom_field_values"),  # the fake never sets any
}
_SORTS = {**filters.SORT_COMMON, "name": "name", "project_number": "project_number"}
_STATUS = ("filters[by_status]",)  # read by _visible: its default is Active, not "no filter"
# The fake has no project templates and no demo projects: these filters match accordingly.
V10 = filters.ListQuery(
    filters={**_FILTERS, "filters[from_project_template_id]": filters.ids("from_project_template_id")},
    sorts=_SORTS,
    views={"compact": filters.View(fields=("id", "name", "display_name"))},
    view_param="serializer_view",
    extra_params=_STATUS,
)
# v1.1 'normal' is documented as "more fields" without naming them: it answers the full record like
# 'extended'. 'ids' also lifts per_page to 200000 at Procore; the fake keeps its clamp (not faithful).
V11 = filters.ListQuery(
    filters={
        **_FILTERS,
        "filters[project_number]": filters.equals("project_number"),
        "filters[is_demo]": filters.boolean(lambda p: False),
        "filters[template]": filters.boolean(lambda p: False),
        # The fake's company defines no owner types, departments, regions, offices, programs, stages,
        # project types or bid types: a project carries none, so any id asked for matches nothing.
        **{
            f"filters[by_{name}]": filters.ids(f"_{name}_id")
            for name in (
                "owner_type",
                "department",
                "region",
                "office",
                "program",
                "stage",
                "type",
                "bid_type",
            )
        },
    },
    sorts=_SORTS,
    views={
        "ids": filters.View(shape=lambda p: p["id"]),
        "compact": filters.View(fields=("id", "name")),
    },
    extra_params=_STATUS,
)


def _visible(ctx: Ctx, request: Request) -> list[Record]:
    rows = ctx.store.query("project", company_id=ctx.company_id)
    status = request.query_params.get("filters[by_status]", "Active")
    if status == "Active":
        rows = [p for p in rows if p.get("active")]
    elif status == "Inactive":
        rows = [p for p in rows if not p.get("active")]
    return rows


@router.get("/rest/v1.0/projects", openapi_extra=documented() | V10.extra())
def list_projects(request: Request, ctx: CtxDep) -> Response:
    _check_company(ctx, query_int(request, "company_id"))
    require(ctx.user, "projects", "read_only")
    return listing(request, _visible(ctx, request), query=V10, ctx=ctx)


@router.get("/rest/v1.1/projects", openapi_extra=documented("per_page max 300") | V11.extra())
def list_projects_v11(request: Request, ctx: CtxDep) -> Response:
    _check_company(ctx, query_int(request, "company_id"))
    require(ctx.user, "projects", "read_only")
    return listing(
        request, _visible(ctx, request), max_per_page=MAX_PER_PAGE_V11_PROJECTS, query=V11, ctx=ctx
    )


# The OAS lists no query parameters here; the v1.0 list's are taken (inferred: same Rails index).
@router.get("/rest/v1.0/companies/{company_id}/projects", openapi_extra=documented() | V10.extra())
def list_company_projects(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _check_company(ctx, company_id)
    require(ctx.user, "projects", "read_only")
    return listing(request, _visible(ctx, request), query=V10, ctx=ctx)


@router.post("/rest/v1.0/projects", status_code=201, openapi_extra=documented())
async def create_project(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _check_company(ctx, data.get("company_id"))
    require(ctx.user, "projects", "admin")
    with ctx.locked():
        project = projects.create(ctx.store, ctx.sim.clock, ctx.company_id, section(data, "project"))
        ctx.emit("Projects", "create", project | {"project_id": project["id"]})
    return one(project, 201)


@router.patch(
    "/rest/v1.0/projects/sync", openapi_extra=documented("ERP sync: id wins, else origin_id upsert")
)
async def sync_projects(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _check_company(ctx, data.get("company_id"))
    require(ctx.user, "projects", "admin")
    clock = ctx.sim.clock
    with ctx.locked():
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "project",
            parse(SyncRequest, data).updates,
            create=lambda a: projects.create(ctx.store, clock, ctx.company_id, a),
            update=lambda r, a: approval.after_origin_change(
                ctx.store, "project", projects.update(ctx.store, clock, r, a, locks=False)
            ),
        )
    return JSONResponse(
        {"entities": [approval.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.get("/rest/v1.0/projects/{project_id}", openapi_extra=documented())
def show_project(project_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "projects", "read_only")
    return one(ctx.owned("project", project_id))


@router.patch("/rest/v1.0/projects/{project_id}", openapi_extra=documented())
async def update_project(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "projects", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        updated = projects.update(ctx.store, ctx.sim.clock, project, section(data, "project"))
        approval.note_edit(ctx.store, "project", updated)
        ctx.emit("Projects", "update", updated | {"project_id": updated["id"]})
    return one(updated)


@router.patch(
    "/rest/v1.0/projects/{project_id}/configuration",
    openapi_extra=documented("ERP: erp_job_cost_transaction_syncing_enabled"),
)
async def update_configuration(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "projects", "admin")
    config = section(data, "configuration")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        current = project.setdefault("_configuration", {"erp_job_cost_transaction_syncing_enabled": False})
        for key, value in config.items():
            if key not in current:
                raise NotFound()
            current[key] = bool(value)
        ctx.store.put("project", project)
    return JSONResponse(current)
