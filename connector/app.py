"""The connector's ASGI app: the QBWC SOAP service at /qbwc (WSDL at /qbwc?wsdl) and, when Procore
companies are configured, Procore's ERP Request webhooks at /procore/webhooks.

``connector.app:app`` is the embedded default (SQLite in memory, settings from the environment);
``create_app(settings)`` builds one for tests or another database URL.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI

from connector.config import Settings, UserSpec, users_from_env
from connector.procore.connection import ProcoreConnection, ProcoreSide
from connector.procore.routes import build_webhook_router
from connector.qbwc.routes import build_router
from connector.qbwc.service import QbwcService
from connector.store.db import make_session_factory
from connector.store.erp import ErpStore
from connector.sync.registry import install
from connector.sync.staging import StagingStore
from connector.work import SyncHandler


def build_procore_side(
    service: QbwcService,
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    sleep: Callable[[float], None] | None = None,
) -> ProcoreSide:
    """One :class:`ProcoreConnection` per configured Procore company, over the service's database."""
    sessions = make_session_factory(service.engine)
    store = ErpStore(sessions, service.queue, settings.clock)
    staging = StagingStore(service.engine)
    connections = {}
    for procore in settings.procore:
        service.users.ensure_company(procore.company_key)
        connections[procore.company_key] = ProcoreConnection(
            procore, sessions, store, staging, settings.clock, transport=transport, sleep=sleep
        )
    return ProcoreSide(connections)


def create_app(
    settings: Settings | None = None,
    handlers: Mapping[str, SyncHandler] | None = None,
    users: Sequence[UserSpec] = (),
    *,
    procore_transport: httpx.BaseTransport | None = None,
    procore_sleep: Callable[[float], None] | None = None,
    background: bool = False,
) -> FastAPI:
    """A FastAPI app with its own :class:`QbwcService` (``app.state.qbwc``) and, when ``settings.procore``
    names Procore companies, its Procore half (``app.state.procore``, a :class:`ProcoreSide`).

    ``background=True`` (serve mode) registers with Procore when the app starts and runs the Procore
    rounds in a thread; tests leave it off and call ``app.state.procore.tick()`` on their own clock.
    """
    settings = settings or Settings()
    service = QbwcService(settings, handlers)
    for user in users:
        service.users.add_user(user.username, user.password, user.company_key, user.company_file)
    side = build_procore_side(service, settings, transport=procore_transport, sleep=procore_sleep)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if background and side.connections:
            side.connect_all()
            side.start()
        try:
            yield
        finally:
            if background:
                side.stop()

    app = FastAPI(title="qbsim connector", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.qbwc = service
    app.state.procore = side
    app.include_router(build_router(service))
    if side.connections:
        service.observers.append(side)
        app.include_router(build_webhook_router(side))
    return app


def create_default_app() -> FastAPI:
    """The embedded default: settings and logins from the environment, every sync handler installed."""
    default = create_app(Settings.from_env(), users=users_from_env())
    install(default.state.qbwc)
    return default


#: The embedded default. Logins come from ``QBSIM_CONNECTOR_USERS`` (see ``connector.config``).
app = create_default_app()
