"""The fake Procore REST API as a FastAPI ASGI app.

``app`` is a module-level instance (in-memory SQLite, seed 0, wall clock); ``create_app`` builds one for
tests with an injected clock, seed, database and rate limits. A client talks to it exactly as to Procore:
point both its login (OAuth) base URL and its API base URL at this app's root.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sim.procore_fake import openapi
from sim.procore_fake.clock import Clock, SystemClock
from sim.procore_fake.domain import accounts
from sim.procore_fake.errors import NOT_FOUND, OAuthError, ProcoreError, ValidationFailed
from sim.procore_fake.ratelimit import RateLimitConfig, RateLimiter
from sim.procore_fake.routers import (
    billing,
    budget,
    change_orders,
    commitments,
    companies,
    cost_codes,
    direct_costs,
    erp,
    oauth,
    payments,
    projects,
    requisitions,
    sim,
    sim_erp_deletes,
    sim_job_costs,
    sim_views,
    vendors,
    webhooks,
)
from sim.procore_fake.state import STATE_SCOPE_KEY, SimState
from sim.procore_fake.store import Store

ROUTERS = (
    oauth,
    companies,
    projects,
    vendors,
    cost_codes,
    budget,
    commitments,
    change_orders,
    requisitions,
    payments,
    direct_costs,
    billing,
    erp,
    webhooks,
    sim_erp_deletes,
    sim_views,
    sim_job_costs,
    sim,
)


def _with_rate_headers(request: Request, response: Response) -> Response:
    for key, value in getattr(request.state, "rate_headers", {}).items():
        response.headers.setdefault(key, value)
    return response


def create_state(
    *,
    database_url: str = "sqlite://",
    seed: int = 0,
    clock: Clock | None = None,
    rate_limit: RateLimitConfig | None = None,
    webhook_transport: httpx.BaseTransport | None = None,
    company_header_mode: str = "strict",
) -> SimState:
    """The simulated Procore itself (store, clock, limits, seeded company), without the HTTP app."""
    if company_header_mode not in ("strict", "lenient"):
        raise ValueError("company_header_mode must be 'strict' or 'lenient'")
    store = Store(database_url, seed=seed)
    the_clock = clock or SystemClock()
    state = SimState(
        store=store,
        clock=the_clock,
        limiter=RateLimiter(rate_limit),
        webhook_transport=webhook_transport,
        company_header_mode=company_header_mode,
    )
    # A database that already holds companies (a file from an earlier run) is reopened, not reseeded.
    if not store.query("company"):
        state.seeded = accounts.seed_company(store, the_clock)
    return state


def bind_state(app: FastAPI, state: SimState) -> Any:
    """An ASGI app serving ``state`` through ``app``'s routes: several simulated Procores can share one
    FastAPI app (building FastAPI's per-app route state for ~170 routes costs far more than a request)."""

    async def scoped(scope: dict[str, Any], receive: Any, send: Any) -> None:
        await app({**scope, STATE_SCOPE_KEY: state}, receive, send)

    return scoped


def create_app(
    *,
    database_url: str = "sqlite://",
    seed: int = 0,
    clock: Clock | None = None,
    rate_limit: RateLimitConfig | None = None,
    webhook_transport: httpx.BaseTransport | None = None,
    company_header_mode: str = "strict",
) -> FastAPI:
    """Build a fake Procore.

    ``rate_limit=None`` reports rate-limit headers but never answers 429. ``webhook_transport`` replaces the
    network for webhook deliveries. ``company_header_mode`` is ``strict`` (documented rules) or ``lenient``
    (see :class:`~sim.procore_fake.state.SimState`).
    """
    state = create_state(
        database_url=database_url,
        seed=seed,
        clock=clock,
        rate_limit=rate_limit,
        webhook_transport=webhook_transport,
        company_header_mode=company_header_mode,
    )
    app = FastAPI(
        title="qbsim fake Procore API",
        version="1.0",
        description="Procore REST API v1.0 paths, OAuth and the ERP Integrations tool (simulated).",
    )
    app.state.sim = state

    @app.exception_handler(ProcoreError)
    async def procore_error(request: Request, exc: ProcoreError) -> Response:
        body: Any = exc.body()
        if isinstance(exc, ValidationFailed) and request.url.path.startswith("/rest/v2.0/"):
            body = exc.v2_body()
        if isinstance(body, str):
            response: Response = PlainTextResponse(body, status_code=exc.status_code, headers=exc.headers)
        else:
            response = JSONResponse(body, status_code=exc.status_code, headers=exc.headers)
        return _with_rate_headers(request, response)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code in (404, 405):
            # A verb Procore has no route for (PUT on a vendor, DELETE on a project) is a path it does not
            # have: Rails answers unrouted requests with its 404, not a 405 (inferred; Starlette's Allow
            # header would list only one of several routes on the path anyway).
            return JSONResponse({"errors": NOT_FOUND}, status_code=404)
        return JSONResponse({"errors": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = str(err["loc"][-1]) if err.get("loc") else "base"
            errors.setdefault(field, []).append(str(err.get("msg", "is invalid")))
        if request.url.path.startswith("/oauth/"):
            # RFC 6749 §4.1.2.1 / §5.2: a missing or malformed parameter is invalid_request
            text = "; ".join(f"{k} {', '.join(v)}" for k, v in errors.items())
            return JSONResponse(OAuthError("invalid_request", text).body(), status_code=400)
        return _with_rate_headers(request, JSONResponse({"errors": errors}, status_code=400))

    @app.middleware("http")
    async def rate_headers(request: Request, call_next: Any) -> Response:
        response = await call_next(request)
        return _with_rate_headers(request, response)

    for module in ROUTERS:
        app.include_router(module.router)
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    return app


app = create_app()
