"""Commitments: ``work_order_contracts`` and ``purchase_order_contracts`` (list/create/show/update/delete,
line items, sync) and the combined ``commitments`` list/show."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.domain import approval, attachments, commitments, records, sync
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.common import body_int, json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import SyncRequest, parse

router = APIRouter()
RESOURCE = {
    "work_order_contract": "Work Order Contracts",
    "purchase_order_contract": "Purchase Order Contracts",
}


# The fake's contracts never require a signature and belong to no change order batch or package; those
# filters match accordingly. Procore's 'view' shapes (compact by default) are not in the OAS subset.
_LINES = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        **filters.TIMESTAMPS,
        # "or within the specified range of Cost Code IDs": the range syntax is undocumented; ids only.
        "filters[cost_code_id]": filters.ids("cost_code.id"),
        "filters[line_item_type_id]": filters.ids("line_item_type.id"),
    }
)
CONTRACTS = filters.ListQuery(
    filters={
        "filters[id]": filters.ids(),
        "filters[status]": filters.one_of("status"),
        **filters.TIMESTAMPS,
        "filters[include_deleted]": filters.include_deleted(),
        "filters[origin_id]": filters.origin_id(),
    }
)
V2_CONTRACTS = filters.ListQuery(
    filters={
        "filters[include_deleted]": filters.include_deleted(),
        "filters[accounting_method]": filters.one_of("accounting_method"),
        "filters[type]": filters.one_of("type"),
        **filters.TIMESTAMPS,
        "filters[deleted_at]": filters.time_range("deleted_at"),
        "filters[id]": filters.ids(),
        "filters[signature_required]": filters.boolean(lambda c: bool(c.get("signature_required"))),
        "filters[status]": filters.one_of("status"),
        "filters[vendor_id]": filters.ids("vendor.id"),
        "filters[executed]": filters.boolean(lambda c: bool(c.get("executed"))),
    }
)


def _routes(kind: str) -> None:
    base = f"/rest/v1.0/{kind}s"
    wrapper = kind

    @router.get(base, name=f"list_{kind}s", openapi_extra=documented() | CONTRACTS.extra())
    def list_contracts(request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        ctx.owned("project", project_id)
        require(ctx.user, "commitments", "read_only")
        return listing(request, ctx.store.query(kind, project_id=project_id), query=CONTRACTS)

    @router.post(base, name=f"create_{kind}", status_code=201, openapi_extra=documented())
    async def create_contract(request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "commitments", "admin")
        with ctx.locked():
            project = ctx.owned("project", project_id)
            attrs = section(data, wrapper)
            made = commitments.create(ctx.store, ctx.sim.clock, ctx.company_id, kind, project, attrs)
            made = attachments.attach(ctx.store, kind, made, attachments.uploads(data, attrs))
            ctx.emit(RESOURCE[kind], "create", made)
        return one(made, 201)

    @router.patch(f"{base}/sync", name=f"sync_{kind}s", openapi_extra=documented())
    async def sync_contracts(request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "commitments", "admin")
        clock = ctx.sim.clock
        with ctx.locked():
            project = ctx.owned("project", project_id)
            result = sync.run(
                ctx.store,
                ctx.company_id,
                kind,
                parse(SyncRequest, data).updates,
                create=lambda a: approval.after_origin_change(
                    ctx.store, kind, commitments.create(ctx.store, clock, ctx.company_id, kind, project, a)
                ),
                update=lambda r, a: approval.after_origin_change(
                    ctx.store, kind, commitments.update(ctx.store, clock, ctx.company_id, kind, r, a)
                ),
                scope=lambda r: r["project_id"] == project_id,
            )
        return JSONResponse(
            {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
        )

    @router.get(f"{base}/{{contract_id}}", name=f"show_{kind}", openapi_extra=documented())
    def show_contract(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        require(ctx.user, "commitments", "read_only")
        return one(ctx.owned(kind, contract_id, project_id=project_id))

    @router.patch(f"{base}/{{contract_id}}", name=f"update_{kind}", openapi_extra=documented())
    async def update_contract(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "commitments", "admin")
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)
            attrs = section(data, wrapper)
            updated = commitments.update(ctx.store, ctx.sim.clock, ctx.company_id, kind, contract, attrs)
            updated = attachments.attach(ctx.store, kind, updated, attachments.uploads(data, attrs))
            approval.note_edit(ctx.store, kind, updated)
            ctx.emit(RESOURCE[kind], "update", updated)
        return one(updated)

    @router.delete(f"{base}/{{contract_id}}", name=f"delete_{kind}", openapi_extra=documented())
    def delete_contract(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        require(ctx.user, "commitments", "admin")
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)
            commitments.delete(ctx.store, kind, contract)
        return JSONResponse({})

    @router.get(
        f"{base}/{{contract_id}}/line_items",
        name=f"list_{kind}_line_items",
        openapi_extra=documented() | _LINES.extra(),
    )
    def list_lines(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        contract = ctx.owned(kind, contract_id, project_id=project_id)
        return listing(request, commitments.line_items(ctx.store, contract), query=_LINES)

    @router.post(
        f"{base}/{{contract_id}}/line_items",
        name=f"create_{kind}_line_item",
        status_code=201,
        openapi_extra=documented(),
    )
    async def create_line(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "commitments", "admin")
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)
            line = commitments.add_line_item(
                ctx.store, ctx.sim.clock, ctx.company_id, kind, contract, section(data, "line_item")
            )
            commitments.totals(ctx.store, kind, ctx.store.get(kind, contract_id))
        return one(line, 201)

    @router.get(
        f"{base}/{{contract_id}}/line_items/{{line_id}}",
        name=f"show_{kind}_line_item",
        openapi_extra=documented(),
    )
    def show_line(contract_id: int, line_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        ctx.owned(kind, contract_id, project_id=project_id)
        line = ctx.owned("commitment_line_item", line_id, project_id=project_id)
        if line["holder"]["id"] != contract_id:
            raise NotFound()
        return one(line)

    @router.patch(
        f"{base}/{{contract_id}}/line_items/{{line_id}}",
        name=f"update_{kind}_line_item",
        openapi_extra=documented(),
    )
    async def update_line(contract_id: int, line_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = body_int(data, "project_id")
        require(ctx.user, "commitments", "admin")
        attrs = section(data, "line_item")
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)
            line = ctx.owned("commitment_line_item", line_id, project_id=project_id)
            if line["holder"]["id"] != contract_id:
                raise NotFound()
            updated = commitments.update_line_item(ctx.store, kind, contract, line, attrs)
        return one(updated)

    @router.delete(
        f"{base}/{{contract_id}}/line_items/{{line_id}}",
        name=f"delete_{kind}_line_item",
        openapi_extra=documented(),
    )
    def delete_line(contract_id: int, line_id: int, request: Request, ctx: CtxDep) -> Response:
        project_id = query_int(request, "project_id")
        require(ctx.user, "commitments", "admin")
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)
            line = ctx.owned("commitment_line_item", line_id, project_id=project_id)
            if line["holder"]["id"] != contract_id:
                raise NotFound()
            commitments.delete_line_item(ctx.store, kind, contract, line)
        return JSONResponse({})


@router.get("/rest/v1.0/commitments", openapi_extra=documented())
def list_commitments(request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    ctx.owned("project", project_id)
    require(ctx.user, "commitments", "read_only")
    rows = [r for kind in commitments.KINDS for r in ctx.store.query(kind, project_id=project_id)]
    return listing(request, sorted(rows, key=lambda r: r["id"]))


@router.get("/rest/v1.0/commitments/{contract_id}", openapi_extra=documented())
def show_commitment(contract_id: int, request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    require(ctx.user, "commitments", "read_only")
    for kind in commitments.KINDS:
        owner = ctx.store.owner(kind, contract_id)
        if owner == (ctx.company_id, project_id):
            return one(ctx.store.get(kind, contract_id))
    raise NotFound()


V2 = "/rest/v2.0/companies/{company_id}/projects/{project_id}/commitment_contracts"


@router.get(V2, openapi_extra=documented('v2 envelope {"data": [...]}') | V2_CONTRACTS.extra())
def list_commitment_contracts_v2(company_id: int, project_id: int, request: Request, ctx: CtxDep) -> Response:
    if company_id != ctx.company_id:
        raise NotFound()
    ctx.owned("project", project_id)
    require(ctx.user, "commitments", "read_only")
    rows = [r for kind in commitments.KINDS for r in ctx.store.query(kind, project_id=project_id)]
    rows = V2_CONTRACTS.apply(request, sorted(rows, key=lambda r: r["id"]))
    return JSONResponse({"data": [records.public(r) for r in rows]})


@router.get(V2 + "/{commitment_contract_id}", openapi_extra=documented('v2 envelope {"data": {...}}'))
def show_commitment_contract_v2(
    company_id: int, project_id: int, commitment_contract_id: int, ctx: CtxDep
) -> Response:
    if company_id != ctx.company_id:
        raise NotFound()
    require(ctx.user, "commitments", "read_only")
    for kind in commitments.KINDS:
        if ctx.store.owner(kind, commitment_contract_id) == (ctx.company_id, project_id):
            return JSONResponse({"data": records.public(ctx.store.get(kind, commitment_contract_id))})
    raise NotFound()


def _line_sync(kind: str) -> None:
    @router.patch(
        f"/rest/v1.0/{kind}s/{{contract_id}}/line_items/sync",
        name=f"sync_{kind}_line_items",
        openapi_extra=documented("ERP sync of schedule-of-values lines"),
    )
    async def sync_lines(contract_id: int, request: Request, ctx: CtxDep) -> Response:
        data = await json_body(request)
        project_id = query_int(request, "project_id")
        require(ctx.user, "commitments", "admin")
        clock = ctx.sim.clock
        with ctx.locked():
            contract = ctx.owned(kind, contract_id, project_id=project_id)

            def update(record: dict[str, Any], attrs: dict[str, Any]) -> dict[str, Any]:
                for key in ("origin_id", "origin_data", "description"):
                    if key in attrs:
                        record[key] = attrs[key]
                return ctx.store.put("commitment_line_item", record)

            result = sync.run(
                ctx.store,
                ctx.company_id,
                "commitment_line_item",
                parse(SyncRequest, data).updates,
                # the ERP's own lines: the editing lock of an approved, synced commitment does not bind it
                create=lambda a: commitments.add_line_item(
                    ctx.store, clock, ctx.company_id, kind, contract, a, locks=False
                ),
                update=update,
                scope=lambda r: r["holder"]["id"] == contract_id,
            )
            commitments.totals(ctx.store, kind, ctx.store.get(kind, contract_id))
        return JSONResponse(
            {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
        )


# ".../line_items/sync" must be registered before ".../line_items/{line_id}" so that it wins the match.
for _kind in commitments.KINDS:
    _line_sync(_kind)
for _kind in commitments.KINDS:
    _routes(_kind)
