"""The fake's OpenAPI document: every operation declares what it answers, so a client (or schemathesis) can
check each response against it.

FastAPI documents a route only as far as its signature: most routes here read their body themselves and
return a ``JSONResponse``, so it would declare a success of any shape and none of the errors. This adds, per
operation, the success body's shape (an array of records for a list, a record otherwise, the ``{"data"}``
envelope on ``/rest/v2.0``, nothing for a 204), each error status the face can answer with the body that
face sends (``errors.py``), the list routes' query parameters (``page``, ``per_page`` and the filters of
``x-procore-list-params``) and, on writes, a JSON-object request body. The shapes are the fake's, which
follow Procore's where Procore documents them; Procore's own OAS declares a generic error schema instead.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

LIST_PARAMS_KEY = "x-procore-list-params"
_RECORD = {"type": "object"}
_RECORDS = {"type": "array", "items": _RECORD}
# ``{"errors": "text"}`` (401/403/404 and body errors) or Rails' ``{"errors": {"field": ["message"]}}``.
_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            ]
        }
    },
}
# Budget line items' 422 ``{"error", "message"}``; billing periods' 404 ``{"exception", "message"}``.
_ERROR_MESSAGE = {
    "type": "object",
    "required": ["error", "message"],
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
}
_EXCEPTION_MESSAGE = {
    "type": "object",
    "required": ["exception", "message"],
    "properties": {"exception": {"type": "string"}, "message": {"type": "string"}},
}
_V2_ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "array", "items": {"type": "object"}},
            },
        }
    },
}
_OAUTH_ERROR = {
    "type": "object",
    "required": ["error", "error_description"],
    "properties": {"error": {"type": "string"}, "error_description": {"type": "string"}},
}
# A refused snapshot path (``/_sim/snapshot``, ``/_sim/restore``): the fake QuickBooks' body and statuses.
_SNAPSHOT_ERROR = {
    "type": "object",
    "required": ["error", "path", "reason"],
    "properties": {"error": {"type": "string"}, "path": {"type": "string"}, "reason": {"type": "string"}},
}
_SNAPSHOT_PATHS = {"/_sim/snapshot", "/_sim/restore"}
_REASONS = {
    400: "Bad request: a malformed body, a missing header or parameter",
    401: "Missing, invalid, revoked or expired access token (or client credentials on /oauth)",
    403: "The user lacks the permission, or is not a member of the company",
    404: "No such path, or no such record in this company",
    409: "The snapshot would overwrite a file that is not a snapshot",
    422: "Validation failed",
    429: "Rate limit exceeded (a sentence of text; X-Rate-Limit-* and Retry-After headers)",
}

# Reads that answer one object although their path names a collection.
_OBJECT_READS = {
    "/rest/v1.0/me",
    "/rest/v1.0/projects/{project_id}/budget",
    "/rest/v1.0/projects/{project_id}/configuration",
    "/oauth/token/info",
    "/oauth/authorize",
    "/_sim/state",
    "/_sim/companies/{company_id}/erp/lists",
    "/_sim/companies/{company_id}/erp/settings",
}


# RFC 6749 §4.1.3 / §4.4.2 / §6 and RFC 7009 §2.1 form fields (client_secret_post; Basic works too).
_OAUTH_FORMS = {
    "/oauth/token": (
        "grant_type", "client_id", "client_secret", "code", "redirect_uri", "refresh_token",
    ),
    "/oauth/revoke": ("token", "token_type_hint", "client_id", "client_secret"),
}


# Writes that answer a list: the deliveries just sent.
_ARRAY_WRITES = {"/_sim/webhooks/deliver"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": copy.deepcopy(schema)}}


def _any_of(*schemas: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [copy.deepcopy(s) for s in schemas]} if len(schemas) > 1 else schemas[0]


def _success_schema(path: str, method: str) -> dict[str, Any]:
    collection = not re.search(r"\}$", path)
    many = (method == "get" and collection and path not in _OBJECT_READS) or path in _ARRAY_WRITES
    shape = _RECORDS if many else _RECORD
    if path.startswith("/rest/v2.0/") or "/budget_changes" in path:  # the v2 envelope (budget changes too)
        return {"type": "object", "required": ["data"], "properties": {"data": copy.deepcopy(shape)}}
    return shape


def _errors(path: str) -> dict[int, dict[str, Any]]:
    """Each error status this path's face answers, with its body."""
    if path.startswith("/oauth/"):
        return {400: _json(_OAUTH_ERROR), 401: _json(_OAUTH_ERROR), 403: _json(_OAUTH_ERROR)}
    if path in _SNAPSHOT_PATHS:
        refused = _any_of(_ERRORS, _SNAPSHOT_ERROR)  # a body that is not JSON is the face's usual 400
        return {status: _json(refused) for status in (400, 403, 404, 409, 422)}
    rest_error = _any_of(_ERRORS, _V2_ERROR) if path.startswith("/rest/v2.0/") else _ERRORS
    found = {
        400: _json(rest_error),
        403: _json(_ERRORS),
        404: _json(_any_of(_ERRORS, _EXCEPTION_MESSAGE)),
        422: _json(_any_of(rest_error, _ERROR_MESSAGE)),
    }
    if path.startswith("/rest/"):
        found[401] = _json(_ERRORS)
        found[429] = {"text/plain": {"schema": {"type": "string"}}}
    return found


def _list_parameters(op: dict[str, Any]) -> list[dict[str, Any]]:
    have = {(p["in"], p["name"]) for p in op.get("parameters", [])}
    names = [("page", "integer"), ("per_page", "integer")]
    names += [(n, "string") for n in op.get(LIST_PARAMS_KEY, [])]
    return [
        {"name": name, "in": "query", "required": False, "schema": {"type": kind}}
        for name, kind in names
        if ("query", name) not in have
    ]


def _complete(path: str, method: str, op: dict[str, Any]) -> None:
    responses: dict[str, Any] = op.setdefault("responses", {})
    for status, response in list(responses.items()):
        if status == "422" and "HTTPValidationError" in str(response):
            del responses[status]  # FastAPI's own; its parameter errors are answered 400 (app.py)
    for status in [s for s in responses if s.startswith("2")]:
        if status == "204":
            responses[status] = {"description": "No content"}
            continue
        content = responses[status].setdefault("content", {}).setdefault("application/json", {})
        if not content.get("schema"):
            content["schema"] = copy.deepcopy(_success_schema(path, method))
    if path == "/oauth/authorize":
        responses["302"] = {"description": "Redirect to redirect_uri with the code"}
    for status, content in _errors(path).items():
        responses.setdefault(str(status), {"description": _REASONS[status], "content": content})
    if method == "get" and (LIST_PARAMS_KEY in op or "array" in str(_success_schema(path, method))):
        op["parameters"] = [*op.get("parameters", []), *_list_parameters(op)]
    if path in _OAUTH_FORMS:
        form = {"type": "object", "properties": {name: {"type": "string"} for name in _OAUTH_FORMS[path]}}
        content = {"application/x-www-form-urlencoded": {"schema": form}}
        op["requestBody"] = {"required": True, "content": content}
    elif method in ("post", "patch", "put") and "requestBody" not in op:
        op["requestBody"] = {
            "required": False,
            "content": {"application/json": {"schema": {"type": "object"}}},
        }


def document(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document of ``app`` with every operation's responses declared (cached on the app)."""
    if app.openapi_schema is None:
        doc = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        for path, ops in doc.get("paths", {}).items():
            for method, op in ops.items():
                _complete(path, method, op)
        app.openapi_schema = doc
    return app.openapi_schema
