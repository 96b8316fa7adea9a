"""Reading and parsing request bodies, shared by the REST routes and ``/oauth/*``.

Procore is a Rails application: a write takes JSON, a urlencoded form (``formdata.py``) or multipart/form-data
(``multipart.py``). The body is hostile: its size is capped before it is read (``Content-Length``) and while
it is read (a chunked or lying body), and the form/multipart parse runs in a worker thread so a slow parse
cannot stall the event loop every company shares. Errors are :class:`BodyRefused` with the text the client
sees; each caller wraps it in its own error body (``{"errors": ...}`` for REST, RFC 6749 for OAuth).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, Literal

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from sim.capped_body import BodyTooLarge
from sim.capped_body import read_capped as read_body
from sim.procore_fake.formdata import parse_form
from sim.procore_fake.multipart import MalformedMultipart, parse_multipart

MAX_BODY_BYTES = 5 * 1024 * 1024
TOO_LARGE = "Request body too large"
NOT_JSON = "The request body is not valid JSON"
# Ruby's JSON.parse (what Rails decodes a JSON body with) refuses nesting deeper than max_nesting = 100 with
# a ParserError, which Rails answers 400; Python's parser would recurse until RecursionError instead.
MAX_JSON_DEPTH = 100
NOT_FINITE = "is not a finite number"
NOT_UNICODE = "is not valid Unicode (a lone surrogate)"
_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyRefused(ValueError):
    """A request body this fake will not take; the text is what the client is told."""


class UnstorableValue(BodyRefused):
    """A well-formed JSON body holding a value no record can keep: a non-finite number (``NaN``,
    ``Infinity``, ``1e999999``) or a string with a lone surrogate (``"\\ud800"``, which no UTF-8 response
    can carry). Stored, either made every later list of that kind fail to render for the whole company;
    refused before anything is stored, naming each offending value's place (``vendor.name``)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(f"{k} {', '.join(v)}" for k, v in errors.items()))
        self.errors = errors


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


def _unstorable(data: Any) -> dict[str, list[str]]:
    """Each non-finite number or lone-surrogate string (values and keys) by its dotted place; iterative,
    so the walk itself cannot overflow the stack; ``BodyRefused`` beyond :data:`MAX_JSON_DEPTH`."""
    found: dict[str, list[str]] = {}
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        place, value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth >= MAX_JSON_DEPTH:
                raise BodyRefused(NOT_JSON)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, child in items:
                name = f"{place}.{key}" if place else str(key)
                if isinstance(key, str) and _SURROGATE.search(key):
                    found.setdefault(_SURROGATE.sub("\ufffd", name), []).append(NOT_UNICODE)
                    continue
                stack.append((name, child, depth + 1))
        elif isinstance(value, float) and not math.isfinite(value):
            found.setdefault(place or "base", []).append(NOT_FINITE)
        elif isinstance(value, str) and _SURROGATE.search(value):
            found.setdefault(place or "base", []).append(NOT_UNICODE)
    return dict(sorted(found.items()))


def loads_json(raw: str | bytes) -> Any:
    """Parse JSON from outside: ``BodyRefused`` when it is not JSON or nests too deep, ``UnstorableValue``
    when it holds what cannot be stored (see there)."""
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: nesting deeper than the stack
        raise BodyRefused(NOT_JSON) from exc
    unstorable = _unstorable(data)
    if unstorable:
        raise UnstorableValue(unstorable)
    return data


async def read_params(request: Request, *, otherwise: Literal["json", "form"]) -> Any:
    """The parsed body by its media type; ``otherwise`` is how a body of any other type is read (the REST
    API assumes JSON, the token endpoint a form, as OAuth clients send). An empty body is ``{}``."""
    raw = await read_capped(request)
    if not raw:
        return {}
    media = media_type(request)
    form = media == "application/x-www-form-urlencoded"
    form = form or (otherwise == "form" and media != "application/json")
    if media.startswith("multipart/"):
        data = await run_in_threadpool(_multipart, raw, request.headers.get("content-type", ""))
    elif form:
        data = await run_in_threadpool(_form, raw)
    else:
        return loads_json(raw)
    # A part's declared charset (unicode_escape, say) can still decode to a lone surrogate.
    unstorable = _unstorable(data)
    if unstorable:
        raise UnstorableValue(unstorable)
    return data
