"""Companies and the current user."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake import filters
from sim.procore_fake.deps import CtxDep
from sim.procore_fake.routers.common import listing
from sim.procore_fake.routes import documented

router = APIRouter()


# The fake has no free companies, so include_free_companies changes nothing (faithfully).
LIST = filters.ListQuery(extra_params=("include_free_companies",))


@router.get(
    "/rest/v1.0/companies",
    openapi_extra=documented("a user sees the companies they belong to") | LIST.extra(),
)
def list_companies(request: Request, ctx: CtxDep) -> Response:
    company = ctx.store.get("company", ctx.user["company_id"])
    return listing(request, [company] if company else [], query=LIST)


@router.get("/rest/v1.0/me", openapi_extra=documented())
def me(ctx: CtxDep) -> Response:
    return JSONResponse({"id": ctx.user["id"], "login": ctx.user["login"], "name": ctx.user["name"]})
