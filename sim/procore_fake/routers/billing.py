"""Billing periods (the invoicing periods subcontractor invoices belong to) and v2.0 payment details."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.domain import records, requisitions
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.domain.validation import Errors
from sim.procore_fake.errors import BillingPeriodNotFound, NotFound, ValidationFailed
from sim.procore_fake.routers.common import json_body, listing, one, section
from sim.procore_fake.routes import documented

router = APIRouter()
BASE = "/rest/v1.0/projects/{project_id}/billing_periods"


def _dates(attrs: dict, errors: Errors | None = None) -> dict:
    """ISO dates, every bad one reported (with any errors already collected) in one 422."""
    errors = Errors() if errors is None else errors
    out = {}
    for key in ("start_date", "end_date", "due_date"):
        if key in attrs and attrs[key] is not None:
            try:
                out[key] = date.fromisoformat(str(attrs[key])).isoformat()
            except ValueError:
                errors.add(key, "is not a valid date")
    if out.get("start_date") and out.get("end_date") and out["end_date"] < out["start_date"]:
        errors.add("end_date", "must be after the start date")
    errors.raise_if_any()
    return out


def _period(ctx: CtxDep, project_id: int, period_id: int) -> dict:
    owner = ctx.store.owner("billing_period", period_id)
    if owner != (ctx.company_id, project_id):
        raise BillingPeriodNotFound()
    return ctx.store.get("billing_period", period_id)


LIST = filters.ListQuery(
    filters={"filters[id]": filters.ids(), **filters.TIMESTAMPS, "filters[status]": filters.one_of("status")}
)


@router.get(BASE, openapi_extra=documented() | LIST.extra())
def list_periods(project_id: int, request: Request, ctx: CtxDep) -> Response:
    ctx.owned("project", project_id)
    return listing(request, ctx.store.query("billing_period", project_id=project_id), query=LIST)


@router.post(BASE, status_code=201, openapi_extra=documented())
async def create_period(project_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "invoicing", "admin")
    attrs = section(data, "billing_period")
    errors = Errors()
    errors.blank(attrs, "start_date", "end_date", "due_date")
    dates = _dates(attrs, errors)
    with ctx.locked():
        ctx.owned("project", project_id)
        position = len(ctx.store.query("billing_period", project_id=project_id)) + 1
        body = {"project_id": project_id, "position": position, "status": "open", **dates}
        records.stamp(body, ctx.sim.clock, created=True)
        made = ctx.store.add("billing_period", body, company_id=ctx.company_id, project_id=project_id)
    return one(made, 201)


@router.get(BASE + "/{period_id}", openapi_extra=documented('404 body {"exception", "message"}'))
def show_period(project_id: int, period_id: int, ctx: CtxDep) -> Response:
    return one(_period(ctx, project_id, period_id))


@router.patch(BASE + "/{period_id}", openapi_extra=documented())
async def update_period(project_id: int, period_id: int, request: Request, ctx: CtxDep) -> Response:
    data = await json_body(request)
    require(ctx.user, "invoicing", "admin")
    with ctx.locked():
        period = _period(ctx, project_id, period_id)
        period.update(_dates({**period, **section(data, "billing_period")}))
        records.stamp(period, ctx.sim.clock)
        ctx.store.put("billing_period", period)
    return one(period)


@router.delete(BASE + "/{period_id}", openapi_extra=documented())
def delete_period(project_id: int, period_id: int, ctx: CtxDep) -> Response:
    require(ctx.user, "invoicing", "admin")
    with ctx.locked():
        _period(ctx, project_id, period_id)
        if any(
            r.get("period_id") == period_id for r in ctx.store.query("requisition", project_id=project_id)
        ):
            raise ValidationFailed({"base": ["Billing periods with invoices cannot be deleted."]})
        ctx.store.remove("billing_period", period_id)
    return JSONResponse({})


@router.patch(
    "/rest/v2.0/companies/{company_id}/projects/{project_id}/requisitions/{req_id}/payment_details",
    openapi_extra=documented("update an invoice's due date (QuickBooks 'Bill Due')"),
)
async def payment_details(
    company_id: int, project_id: int, req_id: int, request: Request, ctx: CtxDep
) -> Response:
    data = await json_body(request)
    if company_id != ctx.company_id:
        raise NotFound()
    require(ctx.user, "invoicing", "admin")
    with ctx.locked():
        req = ctx.owned("requisition", req_id, project_id=project_id)
        due = _dates({"due_date": data.get("due_date")}).get("due_date")
        req = requisitions.set_payment_date(ctx.store, ctx.sim.clock, req, due)
    return JSONResponse({"data": records.public(req)})
