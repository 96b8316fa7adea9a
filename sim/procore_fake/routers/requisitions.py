"""Subcontractor invoices (requisitions): v1.0 and v1.1 list/create/show/update/delete, contract items."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.domain import approval, attachments, requisitions
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.common import body_int, json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented

router = APIRouter()


def _is_last(req: dict[str, Any], ctx: Any) -> bool:
    """The commitment's latest invoice (Procore: "the last item"; inferred as per commitment)."""
    siblings = ctx.store.query("requisition", project_id=req["project_id"])
    return req["id"] == max(r["id"] for r in siblings if r["commitment_id"] == req["commitment_id"])


_FILTERS = {
    "filters[id]": filters.ids(),
    "filters[commitment_id]": filters.ids("commitment_id"),
    "filters[period_id]": filters.ids("period_id"),
    "filters[status]": filters.one_of("status"),
    **filters.TIMESTAMPS,
    "filters[origin_id]": filters.origin_id(),
}
LIST = {
    "v1.0": filters.ListQuery(filters=_FILTERS),
    "v1.1": filters.ListQuery(
        filters={
            **_FILTERS,
            "filters[is_last]": filters.boolean_with(_is_last),
        }
    ),
}


def _routes(version: str) -> None:
    base = f"/rest/{version}/requisitions"

    @router.get(base, name=f"list_requisitions_{version}", openapi_extra=documented() | LIST[version].extra())
    def list_reqs(request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        ctx.owned("project", project_id)
        require(ctx.user, "invoicing", "read_only")
        rows = ctx.store.query("requisition", project_id=project_id)
        return listing(request, rows, query=LIST[version], ctx=ctx)

    @router.post(base, name=f"create_requisition_{version}", status_code=201, openapi_extra=documented())
    async def create_req(request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "invoicing", "admin")
        attrs = dict(section(data, "requisition"))
        if "commitment_id" in data:
            attrs.setdefault("commitment_id", data["commitment_id"])
        with ctx.locked():
            project = ctx.owned("project", project_id)
            req = requisitions.create(ctx.store, ctx.sim.clock, ctx.company_id, project, attrs)
            req = attachments.attach(ctx.store, "requisition", req, attachments.uploads(data, attrs))
            ctx.emit("Requisitions", "create", req)
        return one(req, 201)

    @router.get(f"{base}/{{req_id}}", name=f"show_requisition_{version}", openapi_extra=documented())
    def show_req(req_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        require(ctx.user, "invoicing", "read_only")
        return one(ctx.owned("requisition", req_id, project_id=project_id))

    @router.patch(f"{base}/{{req_id}}", name=f"update_requisition_{version}", openapi_extra=documented())
    async def update_req(req_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "invoicing", "admin")
        attrs = section(data, "requisition")
        with ctx.locked():
            req = ctx.owned("requisition", req_id, project_id=project_id)
            updated = requisitions.update(ctx.store, ctx.sim.clock, req, attrs)
            updated = attachments.attach(ctx.store, "requisition", updated, attachments.uploads(data, attrs))
            approval.note_edit(ctx.store, "requisition", updated)
            ctx.emit("Requisitions", "update", updated)
        return one(updated)

    @router.delete(f"{base}/{{req_id}}", name=f"delete_requisition_{version}", openapi_extra=documented())
    def delete_req(req_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        require(ctx.user, "invoicing", "admin")
        with ctx.locked():
            req = ctx.owned("requisition", req_id, project_id=project_id)
            requisitions.delete(ctx.store, req)
        return JSONResponse({})


for _version in ("v1.0", "v1.1"):
    _routes(_version)


@router.get("/rest/v1.0/requisitions/{req_id}/contract_items", openapi_extra=documented())
def list_items(req_id: int, request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    require(ctx.user, "invoicing", "read_only")
    req = ctx.owned("requisition", req_id, project_id=project_id)
    return listing(request, requisitions.items(ctx.store, req))


@router.get("/rest/v1.0/requisitions/{req_id}/contract_items/{item_id}", openapi_extra=documented())
def show_item(req_id: int, item_id: int, request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    ctx.owned("requisition", req_id, project_id=project_id)
    item = ctx.owned("requisition_item", item_id, project_id=project_id)
    if item["requisition_id"] != req_id:
        raise NotFound()
    return one(item)


@router.patch("/rest/v1.0/requisitions/{req_id}/contract_items/{item_id}", openapi_extra=documented())
async def update_item(req_id: int, item_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = query_int(request, "project_id")
    require(ctx.user, "invoicing", "admin")
    attrs = section(data, "contract_item")
    with ctx.locked():
        req = ctx.owned("requisition", req_id, project_id=project_id)
        item = ctx.owned("requisition_item", item_id, project_id=project_id)
        if item["requisition_id"] != req_id:
            raise NotFound()
        updated = requisitions.update_item(ctx.store, req, item, attrs)
    return one(updated)


@router.get("/rest/v1.0/requisitions/{req_id}/detail", openapi_extra=documented())
def requisition_detail(req_id: int, request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    req = ctx.owned("requisition", req_id, project_id=project_id)
    return JSONResponse(
        {
            "id": req["id"],
            "summary": req["summary"],
            "contract_items": [i for i in requisitions.items(ctx.store, req)],
        }
    )
