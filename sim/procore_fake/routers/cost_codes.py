"""WBS: standard cost code lists, standard cost codes (+sync), project cost codes (+sync), line item types
(+sync), cost code line item type assignments sync (ERP, documented but not in the public OAS)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import approval, cost_codes, erp_deletes, records, sync
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import Forbidden, ValidationFailed
from sim.procore_fake.routers.common import body_int, json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse
from sim.procore_fake.store import Record

router = APIRouter()


# The OAS: 'default' returns id and standard_cost_code_list_id, 'compact' adds origin_id, 'extended' (also
# when no view is given) everything.
STANDARD = filters.ListQuery(
    filters={"filters[origin_id]": filters.origin_id()},
    views={
        "default": filters.View(fields=("id", "standard_cost_code_list_id")),
        "compact": filters.View(fields=("id", "standard_cost_code_list_id", "origin_id")),
    },
    extra_params=("standard_cost_code_list_id",),
)
# The fake has no sub jobs: no cost code belongs to one, so a sub_job_id matches nothing.
PROJECT_CODES = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        "filters[origin_id]": filters.origin_id(),
        "sub_job_id": filters.ids("sub_job_id"),
    }
)
LINE_ITEM_TYPES = filters.ListQuery(filters={"filters[origin_id]": filters.origin_id()})


def _company(ctx: Ctx, company_id: int | None) -> None:
    if company_id is not None and company_id != ctx.company_id:
        raise Forbidden()


@router.get("/rest/v1.0/standard_cost_code_lists", openapi_extra=documented())
def list_lists(request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    return listing(request, ctx.store.query("standard_cost_code_list", company_id=ctx.company_id))


@router.get("/rest/v1.0/standard_cost_code_lists/{list_id}", openapi_extra=documented())
def show_list(list_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    return one(ctx.owned("standard_cost_code_list", list_id))


@router.post("/rest/v1.0/standard_cost_code_lists", status_code=201, openapi_extra=documented())
async def create_list(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "company_admin", "admin")
    attrs = section(data, "standard_cost_code_list")
    records.require_fields(attrs, "name")
    with ctx.locked():
        made = ctx.store.add(
            "standard_cost_code_list",
            {"name": attrs["name"], "is_erp_list": False, "company_id": ctx.company_id},
            company_id=ctx.company_id,
        )
    return one(made, 201)


def _std_list(ctx: Ctx, list_id: int) -> Record:
    return ctx.owned("standard_cost_code_list", list_id)


@router.get("/rest/v1.0/standard_cost_codes", openapi_extra=documented() | STANDARD.extra())
def list_standard(request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    list_id = query_int(request, "standard_cost_code_list_id")
    _std_list(ctx, list_id)
    rows = [
        c
        for c in ctx.store.query("standard_cost_code", company_id=ctx.company_id)
        if c["standard_cost_code_list_id"] == list_id
    ]
    return listing(request, sorted(rows, key=lambda c: c["full_code"]), query=STANDARD)


@router.post("/rest/v1.0/standard_cost_codes", status_code=201, openapi_extra=documented())
async def create_standard(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "company_admin", "admin")
    attrs = section(data, "standard_cost_code")
    list_id = body_int(attrs, "standard_cost_code_list_id")
    with ctx.locked():
        _std_list(ctx, list_id)
        made = cost_codes.create_standard(ctx.store, ctx.sim.clock, ctx.company_id, list_id, attrs)
    return one(made, 201)


@router.patch("/rest/v1.0/standard_cost_codes/sync", openapi_extra=documented())
async def sync_standard(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "company_admin", "admin")
    list_id = body_int(data, "standard_cost_code_list_id")
    clock = ctx.sim.clock
    with ctx.locked():
        _std_list(ctx, list_id)
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "standard_cost_code",
            parse(SyncRequest, data).updates,
            create=lambda a: approval.after_origin_change(
                ctx.store,
                "standard_cost_code",
                cost_codes.create_standard(ctx.store, clock, ctx.company_id, list_id, a),
            ),
            update=lambda r, a: approval.after_origin_change(
                ctx.store,
                "standard_cost_code",
                cost_codes.update_standard(ctx.store, clock, r, a, locks=False),
            ),
            scope=lambda r: r["standard_cost_code_list_id"] == list_id,
        )
    return JSONResponse(
        {"entities": [approval.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.get("/rest/v1.0/standard_cost_codes/{code_id}", openapi_extra=documented())
def show_standard(code_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    return one(ctx.owned("standard_cost_code", code_id))


@router.patch("/rest/v1.0/standard_cost_codes/{code_id}", openapi_extra=documented())
async def update_standard(code_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "company_admin", "admin")
    with ctx.locked():
        record = ctx.owned("standard_cost_code", code_id)
        updated = cost_codes.update_standard(
            ctx.store, ctx.sim.clock, record, section(data, "standard_cost_code")
        )
    return one(updated)


@router.delete("/rest/v1.0/standard_cost_codes/{code_id}", status_code=204, openapi_extra=documented())
def delete_standard(code_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    require(ctx.user, "company_admin", "admin")
    with ctx.locked():
        record = ctx.owned("standard_cost_code", code_id)
        # A synced code's deletion is announced to the integrator (delete_standard_cost_codes).
        erp_deletes.delete_standard_code(ctx.store, ctx.sim.clock, ctx.company_id, record)
    return Response(status_code=204)


# -- project cost codes ------------------------------------------------------------------------------------
@router.get("/rest/v1.0/cost_codes", openapi_extra=documented() | PROJECT_CODES.extra())
def list_cost_codes(request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    ctx.owned("project", project_id)
    require(ctx.user, "budget", "read_only")
    rows = ctx.store.query("cost_code", company_id=ctx.company_id, project_id=project_id)
    return listing(request, sorted(rows, key=lambda c: c["sortable_code"]), query=PROJECT_CODES)


@router.post(
    "/rest/v1.0/cost_codes",
    status_code=201,
    openapi_extra=documented("refused on ERP-integrated projects: the ERP sync endpoint must be used"),
)
async def create_cost_code(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = body_int(data, "project_id")
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        cost_codes.refuse_direct_write_on_erp_project(project)
        made = cost_codes.project_cost_code(
            ctx.store, ctx.sim.clock, ctx.company_id, project, section(data, "cost_code")
        )
    return one(made, 201)


@router.patch(
    "/rest/v1.0/cost_codes/sync", openapi_extra=documented("the way to change ERP project cost codes")
)
async def sync_cost_codes(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = query_int(request, "project_id")
    require(ctx.user, "budget", "admin")
    clock = ctx.sim.clock
    with ctx.locked():
        project = ctx.owned("project", project_id)

        def create(a: Record) -> Record:
            std = None
            if a.get("standard_cost_code_id") is not None:
                std = ctx.store.get("standard_cost_code", int(a["standard_cost_code_id"]))
                if std is None:
                    raise ValidationFailed({"standard_cost_code_id": ["is invalid"]})
            return cost_codes.project_cost_code(ctx.store, clock, ctx.company_id, project, a, standard=std)

        result = sync.run(
            ctx.store,
            ctx.company_id,
            "cost_code",
            parse(SyncRequest, data).updates,
            create=create,
            update=lambda r, a: cost_codes.update_project_cost_code(ctx.store, clock, r, a),
            scope=lambda r: r["biller_id"] == project_id,
        )
    return JSONResponse(
        {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.get("/rest/v1.0/cost_codes/{code_id}", openapi_extra=documented())
def show_cost_code(code_id: int, request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    return one(ctx.owned("cost_code", code_id, project_id=project_id))


@router.patch("/rest/v1.0/cost_codes/{code_id}", openapi_extra=documented())
async def update_cost_code(code_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = body_int(data, "project_id")
    require(ctx.user, "budget", "admin")
    with ctx.locked():
        project = ctx.owned("project", project_id)
        cost_codes.refuse_direct_write_on_erp_project(project)
        record = ctx.owned("cost_code", code_id, project_id=project_id)
        updated = cost_codes.update_project_cost_code(
            ctx.store, ctx.sim.clock, record, section(data, "cost_code")
        )
    return one(updated)


# -- line item types (cost types) -------------------------------------------------------------------------
@router.get("/rest/v1.0/line_item_types", openapi_extra=documented() | LINE_ITEM_TYPES.extra())
def list_line_item_types(request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id", required=False))
    rows = ctx.store.query("line_item_type", company_id=ctx.company_id)
    return listing(request, rows, query=LINE_ITEM_TYPES)


@router.get("/rest/v1.0/line_item_types/{type_id}", openapi_extra=documented())
def show_line_item_type(type_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    return one(ctx.owned("line_item_type", type_id))


@router.patch("/rest/v1.0/line_item_types/sync", openapi_extra=documented())
async def sync_line_item_types(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "company_admin", "admin")

    def create(a: Record) -> Record:
        records.require_fields(a, "name")
        return ctx.store.add(
            "line_item_type",
            {
                "name": a["name"],
                "code": a.get("csv_import_code", a.get("code")),
                "base_type": a.get("base_type"),
                "origin_id": a.get("origin_id"),
                "origin_data": a.get("origin_data"),
            },
            company_id=ctx.company_id,
        )

    def update(r: Record, a: Record) -> Record:
        for key in ("name", "origin_id", "origin_data", "base_type"):
            if key in a:
                r[key] = a[key]
        if "csv_import_code" in a:
            r["code"] = a["csv_import_code"]
        return ctx.store.put("line_item_type", r)

    with ctx.locked():
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "line_item_type",
            parse(SyncRequest, data).updates,
            create=create,
            update=update,
        )
    return JSONResponse(
        {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.patch(
    "/rest/v1.0/cost_code_line_item_types/sync",
    openapi_extra=documented("erp-api-reference: documented, not in the public OAS"),
)
async def sync_cost_code_line_item_types(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = query_int(request, "project_id")
    require(ctx.user, "budget", "admin")
    entities, failures = [], []
    with ctx.locked():
        ctx.owned("project", project_id)
        for attrs in parse(SyncRequest, data).updates:
            cc = ctx.store.get("cost_code", int(attrs.get("cost_code_id") or 0))
            if cc is None or cc["biller_id"] != project_id:
                failures.append({**attrs, "errors": {"cost_code_id": ["Entity with this ID not found"]}})
                continue
            for lit in cc["line_item_types"]:
                if lit["id"] == attrs.get("line_item_type_id"):
                    lit["synced"] = bool(attrs.get("synced", True))
                    ctx.store.put("cost_code", cc)
                    entities.append(
                        {"cost_code_id": cc["id"], "line_item_type_id": lit["id"], "synced": lit["synced"]}
                    )
                    break
            else:
                failures.append({**attrs, "errors": {"line_item_type_id": ["Entity with this ID not found"]}})
    return JSONResponse({"entities": entities, "errors": failures})
