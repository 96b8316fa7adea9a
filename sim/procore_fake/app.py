"""The fake Procore REST API as a FastAPI ASGI app.

``create_app`` builds one with an injected clock, seed, database and rate limits (``uvicorn --factory
sim.procore_fake.app:create_app`` serves the defaults). Importing this module builds nothing: the route
modules are imported by the first ``create_app`` call, and ``app`` (in-memory SQLite, seed 0, wall clock,
for ``uvicorn sim.procore_fake.app:app``) is built on first access. A client talks to the fake exactly as
to Procore: point both its login (OAuth) base URL and its API base URL at this app's root.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from sim.clock import Clock, ManualClock, SystemClock
from sim.procore_fake import docs_pages, openapi
from sim.procore_fake.deps import sim_state
from sim.procore_fake.domain import accounts
from sim.procore_fake.errors import NOT_FOUND, OAuthError, ProcoreError, ValidationFailed
from sim.procore_fake.faults import Faults
from sim.procore_fake.ratelimit import RateLimitConfig, RateLimiter
from sim.procore_fake.state import STATE_SCOPE_KEY, SimState
from sim.procore_fake.store import Store

# The route modules in registration order (``sim.procore_fake.routers.<name>``). They are imported by
# ``create_app``, not here: declaring ~170 FastAPI routes is most of the cost of importing the fake, and
# ``qbsim --help`` or a test that only needs the domain should not pay it.
ROUTERS = (
    "oauth",
    "companies",
    "projects",
    "vendors",
    "cost_codes",
    "budget",
    "commitments",
    "change_orders",
    "requisitions",
    "payments",
    "direct_costs",
    "billing",
    "erp",
    "webhooks",
    "sim_job_costs",
    "sim_controls",
    "sim_admin",
    "sim_erp",
    "sim_support",
    "sim_views",
)


def _error_response(request: Request, exc: ProcoreError) -> Response:
    """The body a ProcoreError renders: text or JSON (the v2 envelope for v2.0 validation errors)."""
    body: Any = exc.body()
    if isinstance(exc, ValidationFailed) and request.url.path.startswith("/rest/v2.0/"):
        body = exc.v2_body()
    if isinstance(body, str):
        return PlainTextResponse(body, status_code=exc.status_code, headers=exc.headers)
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


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
    snapshot_dir: str | Path | None = None,
) -> SimState:
    """The simulated Procore itself (store, clock, limits, faults, seeded company), without the HTTP app.

    ``snapshot_dir``: the directory ``/_sim/snapshot`` and ``/_sim/restore`` are confined to (``None``:
    any path, from callers on this machine only).
    """
    if company_header_mode not in ("strict", "lenient"):
        raise ValueError("company_header_mode must be 'strict' or 'lenient'")
    if snapshot_dir is not None and not Path(snapshot_dir).is_dir():
        raise ValueError(f"snapshot directory {snapshot_dir} does not exist")
    store = Store(database_url, seed=seed)
    the_clock = clock or SystemClock()
    state = SimState(
        store=store,
        clock=the_clock,
        limiter=RateLimiter(rate_limit),
        webhook_transport=webhook_transport,
        company_header_mode=company_header_mode,
        seed=seed,
        faults=Faults(seed),
        snapshot_dir=Path(snapshot_dir) if snapshot_dir is not None else None,
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
    snapshot_dir: str | Path | None = None,
) -> FastAPI:
    """Build a fake Procore.

    ``rate_limit=None`` reports rate-limit headers but never answers 429. ``webhook_transport`` replaces the
    network for webhook deliveries. ``company_header_mode`` is ``strict`` (documented rules) or ``lenient``
    (see :class:`~sim.procore_fake.state.SimState`). ``snapshot_dir``: see :func:`create_state`.
    """
    state = create_state(
        database_url=database_url,
        seed=seed,
        clock=clock,
        rate_limit=rate_limit,
        webhook_transport=webhook_transport,
        company_header_mode=company_header_mode,
        snapshot_dir=snapshot_dir,
    )
    app = FastAPI(
        title="qbsim fake Procore API",
        version="1.0",
        description="Procore REST API v1.0 paths, OAuth and the ERP Integrations tool (simulated).",
        docs_url=None,  # docs_pages serves /docs and /redoc from local assets
        redoc_url=None,
    )
    app.state.sim = state

    @app.exception_handler(ProcoreError)
    async def procore_error(request: Request, exc: ProcoreError) -> Response:
        return _with_rate_headers(request, _error_response(request, exc))

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

    @app.middleware("http")
    async def fault_rules(request: Request, call_next: Any) -> Response:
        """``/_sim/faults`` rules on API requests (the controls themselves are never faulted)."""
        path = request.url.path
        if path.startswith(("/rest/", "/oauth/")):
            sim = sim_state(request)
            fault = sim.faults.match("request", request.method, path)
            if fault is not None and fault.action == "status":
                return _error_response(request, fault.error())
            if fault is not None and fault.action == "delay" and isinstance(sim.clock, ManualClock):
                sim.clock.advance(float(fault.delay_seconds or 0))
        return await call_next(request)

    for name in ROUTERS:
        app.include_router(importlib.import_module(f"sim.procore_fake.routers.{name}").router)
    app.openapi = lambda: openapi.document(app)  # type: ignore[method-assign]
    docs_pages.install(app)
    return app


_DEFAULT: list[FastAPI] = []


def __getattr__(name: str) -> Any:
    """``app``: the default fake (in-memory, seed 0, wall clock), built when first asked for."""
    if name == "app":
        if not _DEFAULT:
            _DEFAULT.append(create_app())
        return _DEFAULT[0]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
