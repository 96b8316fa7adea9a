"""Company directory vendors (v1.0), project vendors (v1.0 and v1.1), inactive vendors, vendors/sync."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import approval, erp_settings, sync, vendors
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import Forbidden, NotFound
from sim.procore_fake.routers.common import json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse

router = APIRouter()

# The fake's vendors have no parent company, trades or standard cost codes: those filters match nothing
# (as Procore's would in a directory without them). Procore also searches "keywords", which the fake's
# vendors do not have; ABN/EIN is ``business_register``.
_SHARED = {
    "filters[search]": filters.search("name", "origin_code", "business_register"),
    "filters[id]": filters.ids(),
    "filters[parent_id]": filters.ids("parent.id"),
    "filters[trade_id]": filters.ids("_trade_ids"),
    "filters[standard_cost_code_id]": filters.ids("_standard_cost_code_ids"),
}
_SORTS = {**filters.SORT_COMMON, "name": "name"}
COMPANY = filters.ListQuery(
    filters={**_SHARED, "filters[origin_id]": filters.origin_id(), **filters.TIMESTAMPS}, sorts=_SORTS
)
INACTIVE = filters.ListQuery(sorts=_SORTS)
PROJECT = filters.ListQuery(
    filters={**_SHARED, "filters[abbreviated_name]": filters.one_of("abbreviated_name")}, sorts=_SORTS
)


def _company(ctx: Ctx, company_id: int | None) -> None:
    if company_id is not None and company_id != ctx.company_id:
        raise Forbidden()


@router.get("/rest/v1.0/vendors", openapi_extra=documented() | COMPANY.extra())
def list_vendors(request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    require(ctx.user, "directory", "read_only")
    rows = [v for v in ctx.store.query("vendor", company_id=ctx.company_id) if v["is_active"]]
    return listing(request, rows, query=COMPANY)


@router.post("/rest/v1.0/vendors", status_code=201, openapi_extra=documented())
async def create_vendor(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "directory", "admin")
    with ctx.locked():
        vendor = vendors.create(ctx.store, ctx.sim.clock, ctx.company_id, section(data, "vendor"))
        ctx.emit("Vendors", "create", vendor)
    return one(vendor, 201)


@router.patch("/rest/v1.0/vendors/sync", openapi_extra=documented())
async def sync_vendors(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "directory", "admin")
    clock = ctx.sim.clock
    with ctx.locked():
        settings = erp_settings.get(ctx.store, ctx.company_id)
        result = sync.run(
            ctx.store,
            ctx.company_id,
            "vendor",
            parse(SyncRequest, data).updates,
            create=lambda a: approval.after_origin_change(
                ctx.store, "vendor", vendors.create(ctx.store, clock, ctx.company_id, a)
            ),
            update=lambda r, a: approval.after_origin_change(
                ctx.store,
                "vendor",
                vendors.update(ctx.store, clock, r, vendors.refresh_filter(settings, r, a), locks=False),
            ),
        )
    return JSONResponse(
        {"entities": [approval.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.get("/rest/v1.0/vendors/{vendor_id}", openapi_extra=documented())
def show_vendor(vendor_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, query_int(request, "company_id"))
    require(ctx.user, "directory", "read_only")
    return one(ctx.owned("vendor", vendor_id))


@router.patch("/rest/v1.0/vendors/{vendor_id}", openapi_extra=documented())
async def update_vendor(vendor_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _company(ctx, data.get("company_id"))
    require(ctx.user, "directory", "admin")
    with ctx.locked():
        vendor = ctx.owned("vendor", vendor_id)
        updated = vendors.update(ctx.store, ctx.sim.clock, vendor, section(data, "vendor"))
        approval.note_edit(ctx.store, "vendor", updated)
        ctx.emit("Vendors", "update", updated)
    return one(updated)


@router.get(
    "/rest/v1.0/companies/{company_id}/vendors/inactive", openapi_extra=documented() | INACTIVE.extra()
)
def inactive_vendors(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _company(ctx, company_id)
    require(ctx.user, "directory", "read_only")
    rows = [v for v in ctx.store.query("vendor", company_id=ctx.company_id) if not v["is_active"]]
    return listing(request, rows, query=INACTIVE)


@router.patch("/rest/v1.0/companies/{company_id}/vendors/inactive/{vendor_id}", openapi_extra=documented())
def reactivate_vendor(company_id: int, vendor_id: int, ctx: CtxDep) -> Response:
    _company(ctx, company_id)
    require(ctx.user, "directory", "admin")
    with ctx.locked():
        vendor = ctx.owned("vendor", vendor_id)
        vendor["is_active"] = True
        ctx.store.put("vendor", vendor)
    return one(vendor)


def _project_vendors(project_id: int, request: Request, ctx: Ctx) -> Response:
    ctx.owned("project", project_id)
    require(ctx.user, "directory", "read_only")
    rows = [
        v for v in ctx.store.query("vendor", company_id=ctx.company_id) if project_id in v["_project_ids"]
    ]
    return listing(request, rows, query=PROJECT)


@router.get("/rest/v1.0/projects/{project_id}/vendors", openapi_extra=documented() | PROJECT.extra())
def project_vendors(project_id: int, request: Request, ctx: CtxDep) -> Response:
    return _project_vendors(project_id, request, ctx)


@router.get("/rest/v1.1/projects/{project_id}/vendors", openapi_extra=documented() | PROJECT.extra())
def project_vendors_v11(project_id: int, request: Request, ctx: CtxDep) -> Response:
    return _project_vendors(project_id, request, ctx)


@router.post(
    "/rest/v1.0/projects/{project_id}/vendors/{vendor_id}/actions/add",
    status_code=201,
    openapi_extra=documented(),
)
def add_vendor_to_project(project_id: int, vendor_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "directory", "standard")
    with ctx.locked():
        ctx.owned("project", project_id)
        vendor = vendors.add_to_project(ctx.store, ctx.owned("vendor", vendor_id), project_id)
    return one(vendor, 201)


@router.get("/rest/v1.0/projects/{project_id}/vendors/{vendor_id}", openapi_extra=documented())
def show_project_vendor(project_id: int, vendor_id: int, ctx: CtxDep) -> Response:
    ctx.owned("project", project_id)
    vendor = ctx.owned("vendor", vendor_id)
    if project_id not in vendor["_project_ids"]:
        raise NotFound()
    return one(vendor)
