"""The connector's ASGI app: the QBWC SOAP service at /qbwc (WSDL at /qbwc?wsdl).

``connector.app:app`` is the embedded default (SQLite in memory, settings from the environment);
``create_app(settings)`` builds one for tests or another database URL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from fastapi import FastAPI

from connector.config import Settings, UserSpec, users_from_env
from connector.qbwc.routes import build_router
from connector.qbwc.service import QbwcService
from connector.sync.registry import install
from connector.work import SyncHandler


def create_app(
    settings: Settings | None = None,
    handlers: Mapping[str, SyncHandler] | None = None,
    users: Sequence[UserSpec] = (),
) -> FastAPI:
    """A FastAPI app with its own :class:`QbwcService` (available as ``app.state.qbwc``)."""
    service = QbwcService(settings or Settings(), handlers)
    for user in users:
        service.users.add_user(user.username, user.password, user.company_key, user.company_file)
    app = FastAPI(title="qbsim connector", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.qbwc = service
    app.include_router(build_router(service))
    return app


def create_default_app() -> FastAPI:
    """The embedded default: settings and logins from the environment, every sync handler installed."""
    default = create_app(Settings.from_env(), users=users_from_env())
    install(default.state.qbwc)
    return default


#: The embedded default. Logins come from ``QBSIM_CONNECTOR_USERS`` (see ``connector.config``).
app = create_default_app()
