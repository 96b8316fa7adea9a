"""Reading and parsing request bodies, shared by the REST routes and ``/oauth/*``.

Procore is a Rails application: a write takes JSON, a urlencoded form (``formdata.py``) or multipart/form-data
(``multipart.py``). The body is hostile: its size is capped before it is read (``Content-Length``) and while
it is read (a chunked or lying body), and the form/multipart parse runs in a worker thread so a slow parse
cannot stall the event loop every company shares. Errors are :class:`BodyRefused` with the text the client
sees; each caller wraps it in its own error body (``{"errors": ...}`` for REST, RFC 6749 for OAuth).
"""

from __future__ import annotations

import json
from typing import Any, Literal

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sim.capped_body import BodyTooLarge
from sim.capped_body import read_capped as read_body
from sim.procore_fake.formdata import parse_form
from sim.procore_fake.multipart import MalformedMultipart, parse_multipart

MAX_BODY_BYTES = 5 * 1024 * 1024
TOO_LARGE = "Request body too large"


class BodyRefused(ValueError):
    """A request body this fake will not take; the text is what the client is told."""


async def read_capped(request: Request) -> bytes:
    """The body, refused as soon as it is known to exceed :data:`MAX_BODY_BYTES` (never read whole first)."""
    try:
        return await read_body(request, MAX_BODY_BYTES)
    except BodyTooLarge:
        raise BodyRefused(TOO_LARGE) from None


def media_type(request: Request) -> str:
    """``multipart/form-data; boundary=x`` -> ``multipart/form-data``."""
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _form(raw: bytes) -> dict[str, Any]:
    try:
        return parse_form(raw)
    except ValueError as exc:  # UnicodeDecodeError included
        raise BodyRefused("The request body is not a valid form") from exc


def _multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    try:
        return parse_multipart(raw, content_type)
    except MalformedMultipart as exc:
        raise BodyRefused(f"The request body is not valid multipart/form-data: {exc}") from exc


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BodyRefused("The request body is not valid JSON") from exc


async def read_params(request: Request, *, otherwise: Literal["json", "form"]) -> Any:
    """The parsed body by its media type; ``otherwise`` is how a body of any other type is read (the REST
    API assumes JSON, the token endpoint a form, as OAuth clients send). An empty body is ``{}``."""
    raw = await read_capped(request)
    if not raw:
        return {}
    media = media_type(request)
    if media.startswith("multipart/"):
        return await run_in_threadpool(_multipart, raw, request.headers.get("content-type", ""))
    if media == "application/x-www-form-urlencoded" or (otherwise == "form" and media != "application/json"):
        return await run_in_threadpool(_form, raw)
    return _json(raw)
