"""Small helpers for the HTTP face: JSON bodies, paginated lists, project lookups."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.bodies import BodyRefused, UnstorableValue, read_params
from sim.procore_fake.deps import Ctx
from sim.procore_fake.domain.records import as_int, public
from sim.procore_fake.errors import BadRequest, ValidationFailed
from sim.procore_fake.filters import ListQuery
from sim.procore_fake.pagination import paginate
from sim.procore_fake.store import Record


async def json_body(request: Request) -> dict[str, Any]:
    try:
        data = await read_params(request, otherwise="json")
    except UnstorableValue as exc:
        raise ValidationFailed(exc.errors) from exc
    except BodyRefused as exc:
        raise BadRequest(str(exc)) from exc
    if isinstance(data, list):
        return {"updates": data}  # older ERP docs show bare arrays for sync bodies
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object")
    return data


def listing(
    request: Request,
    items: list[Record],
    *,
    max_per_page: int | None = None,
    query: ListQuery | None = None,
    ctx: Ctx | None = None,
) -> Response:
    """A paginated list; ``query`` filters and sorts first, so ``Total`` counts the filtered set."""
    kwargs = {"max_per_page": max_per_page} if max_per_page else {}
    rows = [public(i) for i in (query.apply(request, items, ctx) if query else items)]
    chunk, headers = paginate(request, query.render(request, rows) if query else rows, **kwargs)
    return JSONResponse(chunk, headers=headers)


def one(record: Record, status_code: int = 200) -> Response:
    return JSONResponse(public(record), status_code=status_code)


def query_int(request: Request, name: str, *, required: bool = True) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        if required:
            raise ValidationFailed({name: ["is missing"]}, status_code=400)
        return None
    return as_int(raw, name)


def body_int(data: dict[str, Any], name: str) -> int:
    if data.get(name) is None:
        raise ValidationFailed({name: ["is missing"]}, status_code=400)
    return as_int(data[name], name)


def section(data: dict[str, Any], name: str) -> dict[str, Any]:
    """Procore wraps create/update attributes: ``{"project_id": 1, "budget_line_item": {...}}``."""
    value = data.get(name)
    if not isinstance(value, dict):
        raise ValidationFailed({name: ["is missing"]}, status_code=400)
    return value

