"""The ERP Integration ("ERP Platform") API the connector uses (erp-api-reference.json).

Paths marked ``inferred`` are our guesses where Procore publishes only a reference anchor or a suffix.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.clock import iso
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import erp_costs, erp_requests, erp_settings, external_data, records, staging
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import Forbidden, ValidationFailed
from sim.procore_fake.routers.common import body_int, json_body, listing, one
from sim.procore_fake.routes import documented, inferred
from sim.procore_fake.schemas import ErpRequestView, RequestDetailUpdate, SyncRequest, parse

router = APIRouter()
PREFIX = "/rest/v1.0/companies/{company_id}"


def _erp_ctx(ctx: Ctx, company_id: int | None, level: str) -> None:
    if company_id is not None and company_id != ctx.company_id:
        raise Forbidden()
    require(ctx.user, "erp_integrations", level)
    if ctx.user.get("is_service_account"):
        settings = erp_settings.get(ctx.store, ctx.company_id)
        settings["last_connector_call_at"] = ctx.now.isoformat()
        ctx.store.put("erp_settings", settings)


@router.post(
    PREFIX + "/erp_connections",
    status_code=201,
    openapi_extra=documented("creating the connection creates the ERP standard cost code list"),
)
async def create_connection(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    connection = data.get("connection") or {}
    with ctx.locked():
        made = erp_settings.connect(
            ctx.store,
            ctx.company_id,
            service_url=connection.get("service_url"),
            metadata=connection.get("metadata"),
        )
    return JSONResponse(made, status_code=201)


@router.patch(
    PREFIX + "/erp_connections",
    openapi_extra=inferred("anchor erp-connections#update-erp-metadata-configuration; path is our guess"),
)
async def update_connection(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    connection = data.get("connection") or {}
    with ctx.locked():
        settings = erp_settings.get(ctx.store, ctx.company_id)
        made = erp_settings.connect(
            ctx.store,
            ctx.company_id,
            service_url=connection.get("service_url", settings.get("service_url")),
            metadata=connection.get("metadata", settings.get("metadata")),
        )
    return JSONResponse(made)


@router.get(
    PREFIX + "/erp_requests/{request_id}",
    responses={200: {"model": ErpRequestView}},
    openapi_extra=inferred("anchor erp-requests#show-erp-request; path is our guess"),
)
def show_request(company_id: int, request_id: int, ctx: CtxDep) -> Response:
    _erp_ctx(ctx, company_id, "standard")
    view = ErpRequestView.model_validate(erp_requests.view(ctx.owned("erp_request", request_id)))
    return JSONResponse(view.model_dump())


@router.get(PREFIX + "/erp_request_details", openapi_extra=documented("filters[item_id]"))
def list_details(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _erp_ctx(ctx, company_id, "standard")
    rows = ctx.store.query("erp_request_detail", company_id=ctx.company_id)
    for key in ("item_id", "item_type", "status", "erp_request_id"):
        value = request.query_params.get(f"filters[{key}]")
        if value is not None:
            rows = [r for r in rows if str(r[key]) == value]
    return listing(request, rows)


async def _update_detail(company_id: int, detail_id: int, request: Request, ctx: Ctx) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    if not isinstance(data.get("request_detail"), dict):
        raise ValidationFailed({"request_detail": ["is missing"]}, status_code=400)
    changes = parse(RequestDetailUpdate, data["request_detail"]).model_dump()
    with ctx.locked():
        detail = ctx.owned("erp_request_detail", detail_id)
        updated = erp_requests.close_detail(ctx.store, detail, changes, ctx.sim.clock)
    return one(updated)


@router.patch(PREFIX + "/erp_request_details/sync", openapi_extra=documented("2022 dictionary"))
async def bulk_details(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    entities, failures = [], []
    with ctx.locked():
        for attrs in parse(SyncRequest, data).updates:
            owner = ctx.store.owner("erp_request_detail", int(attrs.get("id") or 0))
            if owner is None or owner[0] != ctx.company_id:
                failures.append({**attrs, "errors": {"id": ["Entity with this ID not found"]}})
                continue
            try:
                entities.append(
                    erp_requests.close_detail(
                        ctx.store, ctx.store.get("erp_request_detail", int(attrs["id"])), attrs, ctx.sim.clock
                    )
                )
            except ValidationFailed as exc:
                failures.append({**attrs, "errors": exc.errors})
    return JSONResponse({"entities": entities, "errors": failures})


@router.patch(PREFIX + "/erp_request_details/{detail_id}", openapi_extra=documented("closing out"))
async def patch_detail(company_id: int, detail_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _update_detail(company_id, detail_id, request, ctx)


@router.put(PREFIX + "/erp_request_details/{detail_id}", openapi_extra=documented("closing out (PUT)"))
async def put_detail(company_id: int, detail_id: int, request: Request, ctx: CtxDep) -> Response:
    return await _update_detail(company_id, detail_id, request, ctx)


@router.patch(PREFIX + "/external_data/sync", openapi_extra=documented())
async def sync_external(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    with ctx.locked():
        result = external_data.sync(
            ctx.store, ctx.sim.clock, ctx.company_id, parse(SyncRequest, data).updates
        )
    return JSONResponse(result)


@router.get(PREFIX + "/external_data", openapi_extra=documented("path only"))
def list_external(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _erp_ctx(ctx, company_id, "standard")
    return listing(request, ctx.store.query("external_data", company_id=ctx.company_id))


# -- staged records ------------------------------------------------------------------------------------
STAGED = PREFIX + "/erp_staged_records"
STAGED_NOTE = "docs show only the suffix /staged_records; the prefix is our guess"


@router.get(STAGED, openapi_extra=inferred(STAGED_NOTE))
def list_staged(company_id: int, request: Request, ctx: CtxDep) -> Response:
    _erp_ctx(ctx, company_id, "standard")
    rows = ctx.store.query("staged_record", company_id=ctx.company_id)
    status = request.query_params.get("filters[status]")
    if status is not None:
        rows = [r for r in rows if r["status"] == status]
    return listing(request, rows)


@router.post(STAGED, status_code=201, openapi_extra=inferred(STAGED_NOTE))
async def create_staged(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    attrs = data.get("staged_record", data)
    with ctx.locked():
        made = staging.upsert(ctx.store, ctx.sim.clock, ctx.company_id, attrs)
    return one(made, 201)


@router.patch(STAGED + "/sync", openapi_extra=inferred(STAGED_NOTE))
async def sync_staged(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    entities, failures = [], []
    with ctx.locked():
        for attrs in parse(SyncRequest, data).updates:
            try:
                entities.append(
                    records.public(staging.upsert(ctx.store, ctx.sim.clock, ctx.company_id, attrs))
                )
            except ValidationFailed as exc:
                failures.append({**attrs, "errors": exc.errors})
    return JSONResponse({"entities": entities, "errors": failures})


@router.put(STAGED + "/{staged_id}", openapi_extra=inferred(STAGED_NOTE))
async def update_staged(company_id: int, staged_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    attrs = data.get("staged_record", data)
    with ctx.locked():
        existing = ctx.owned("staged_record", staged_id)
        made = staging.upsert(
            ctx.store,
            ctx.sim.clock,
            ctx.company_id,
            {"item_type": existing["item_type"], "origin_id": existing["origin_id"], **attrs},
        )
    return one(made)


# -- direct syncs into Procore ---------------------------------------------------------------------------
@router.patch("/rest/v1.0/erp_job_costs/sync", openapi_extra=documented("not in the public OAS"))
async def sync_job_costs(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, data.get("company_id"), "admin")
    if not data.get("job_origin_id"):
        raise ValidationFailed({"job_origin_id": ["is missing"]}, status_code=400)
    with ctx.locked():
        result = erp_costs.sync_job_costs(
            ctx.store, ctx.sim.clock, ctx.company_id, data["job_origin_id"], parse(SyncRequest, data).updates
        )
    return JSONResponse(
        {"entities": [records.public(e) for e in result["entities"]], "errors": result["errors"]}
    )


@router.delete("/rest/v1.0/erp_job_costs/{job_cost_id}", openapi_extra=documented("path only"))
def delete_job_cost(job_cost_id: int, ctx: CtxDep) -> Response:
    _erp_ctx(ctx, None, "admin")
    with ctx.locked():
        ctx.owned("erp_job_cost", job_cost_id)
        ctx.store.remove("erp_job_cost", job_cost_id)
    return JSONResponse({})


@router.patch("/rest/v1.0/erp_transactions/sync", openapi_extra=documented())
async def sync_transactions(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, None, "admin")
    project_id = body_int(data, "project_id")
    with ctx.locked():
        ctx.owned("project", project_id)
        result = erp_costs.sync_transactions(ctx.store, project_id, parse(SyncRequest, data).updates)
    return JSONResponse(result)


@router.patch(PREFIX + "/invoice_payments/sync", openapi_extra=documented("not in the public OAS"))
async def sync_invoice_payments(company_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    _erp_ctx(ctx, company_id, "admin")
    with ctx.locked():
        result = erp_costs.sync_invoice_payments(
            ctx.store, ctx.sim.clock, ctx.company_id, parse(SyncRequest, data).updates
        )
        settings = erp_settings.get(ctx.store, ctx.company_id)
        settings["last_payment_sync_at"] = iso(ctx.now)
        ctx.store.put("erp_settings", settings)
    return JSONResponse(result)
