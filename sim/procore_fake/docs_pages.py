"""The fake's OpenAPI pages, ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), working with no network.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, which a CI runner or a laptop on a plane cannot
reach. The assets are served from the ``fastapi-offline`` package instead (it ships Swagger UI's bundle and
CSS and ReDoc's standalone build, and is kept up with FastAPI's releases), under ``/_docs-assets``. The
document gains what the pages need to be useful: Procore's OAuth 2.0 scheme (authorization code and client
credentials on ``/oauth/authorize`` and ``/oauth/token``, required by every ``/rest`` operation), and a
description on each operation saying whether Procore documents it or the fake inferred it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.staticfiles import StaticFiles
from starlette.responses import HTMLResponse

ASSETS_URL = "/_docs-assets"
ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
OAUTH_SCHEME = "procoreOAuth"
_SOURCES = {
    "documented": "Documented in Procore's REST API reference; the fake follows it.",
    "inferred": "Not in Procore's REST API reference: the fake's shape is inferred from Procore's behaviour.",
    "sim": "Simulator control (not Procore's): what a person or a schedule does, and read-only views.",
}


def with_oauth_and_descriptions(doc: dict[str, Any]) -> dict[str, Any]:
    """Add Procore's OAuth scheme (and require it on ``/rest``) and a description on every operation."""
    components = doc.setdefault("components", {})
    components.setdefault("securitySchemes", {})[OAUTH_SCHEME] = {
        "type": "oauth2",
        "description": "Procore's OAuth 2.0: a service account's client credentials, or a person's "
        "authorization code. Access tokens last 5400 s; refresh tokens rotate on use.",
        "flows": {
            "authorizationCode": {
                "authorizationUrl": "/oauth/authorize",
                "tokenUrl": "/oauth/token",
                "refreshUrl": "/oauth/token",
                "scopes": {},
            },
            "clientCredentials": {"tokenUrl": "/oauth/token", "scopes": {}},
        },
    }
    for path, operations in doc.get("paths", {}).items():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if path.startswith("/rest/"):
                operation.setdefault("security", [{OAUTH_SCHEME: []}])
            if not operation.get("description"):
                source = "sim" if path.startswith("/_sim") else str(operation.get("x-procore-source", ""))
                summary = operation.get("summary", "")
                note = _SOURCES.get(source, _SOURCES["inferred"])
                operation["description"] = f"{summary}. {note}" if summary else note
    return doc


def install(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` from local assets (build ``app`` with ``docs_url=redoc_url=None``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    document = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None or OAUTH_SCHEME not in app.openapi_schema.get("components", {}).get(
            "securitySchemes", {}
        ):
            app.openapi_schema = with_oauth_and_descriptions(document())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    # Plain Starlette routes, not API routes: the pages are no part of the API the document describes.
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=f"{root}{redirect}",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            init_oauth={"clientId": "qbsim-client-id", "usePkceWithAuthorizationCodeGrant": False},
        )

    async def swagger_ui_redirect(request: Request) -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )

    app.add_route("/docs", swagger_ui, include_in_schema=False)
    app.add_route(redirect, swagger_ui_redirect, include_in_schema=False)
    app.add_route("/redoc", redoc, include_in_schema=False)
