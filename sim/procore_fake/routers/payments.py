"""Contract payments ("Payments Issued" on a commitment)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import Ctx, CtxDep
from sim.procore_fake.domain import attachments, commitments, requisitions
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.common import body_int, json_body, listing, one, query_int, section
from sim.procore_fake.routes import documented

router = APIRouter()


LIST = filters.ListQuery(extra_params=("contract_id",))  # required here; read below


@router.get("/rest/v1.0/contract_payments", openapi_extra=documented() | LIST.extra())
def list_payments(request: Request, ctx: CtxDep) -> Response:
    project_id = query_int(request, "project_id")
    contract_id = query_int(request, "contract_id")
    ctx.owned("project", project_id)
    require(ctx.user, "commitments", "read_only")
    rows = [
        p
        for p in ctx.store.query("contract_payment", project_id=project_id)
        if p["contract_id"] == contract_id
    ]
    return listing(request, rows)


@router.post("/rest/v1.0/contract_payments", status_code=201, openapi_extra=documented())
async def create_payment(request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    project_id = body_int(data, "project_id")
    contract_id = body_int(data, "contract_id")
    require(ctx.user, "commitments", "admin")
    with ctx.locked():
        ctx.owned("project", project_id)
        _, contract = commitments.find_commitment(ctx.store, ctx.company_id, contract_id)
        attrs = section(data, "contract_payment")
        payment = requisitions.create_payment(
            ctx.store, ctx.sim.clock, ctx.company_id, project_id, contract, attrs
        )
        files = attachments.uploads(data, attrs)
        payment = attachments.attach(ctx.store, "contract_payment", payment, files)
    return one(payment, 201)


def _payment(ctx: Ctx, payment_id: int, project_id: int | None, contract_id: int | None) -> dict:
    payment = ctx.owned("contract_payment", payment_id, project_id=project_id)
    if contract_id is not None and payment["contract_id"] != contract_id:
        raise NotFound()
    return payment


@router.get("/rest/v1.0/contract_payments/{payment_id}", openapi_extra=documented())
def show_payment(payment_id: int, request: Request, ctx: CtxDep) -> Response:
    return one(_payment(ctx, payment_id, query_int(request, "project_id"), query_int(request, "contract_id")))


@router.patch("/rest/v1.0/contract_payments/{payment_id}", openapi_extra=documented())
async def update_payment(payment_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "commitments", "admin")
    attrs = section(data, "contract_payment")
    with ctx.locked():
        payment = _payment(ctx, payment_id, body_int(data, "project_id"), data.get("contract_id"))
        payment = requisitions.update_payment(ctx.store, ctx.sim.clock, payment, attrs)
        payment = attachments.attach(ctx.store, "contract_payment", payment, attachments.uploads(data, attrs))
    return one(payment)


@router.delete("/rest/v1.0/contract_payments/{payment_id}", openapi_extra=documented())
def delete_payment(payment_id: int, request: Request, ctx: CtxDep) -> Response:
    require(ctx.user, "commitments", "admin")
    with ctx.locked():
        payment = _payment(
            ctx, payment_id, query_int(request, "project_id"), query_int(request, "contract_id")
        )
        requisitions.delete_payment(ctx.store, ctx.company_id, payment)
    return JSONResponse({})
