"""This repository's connector as a conformance target: built in-process, served on a free localhost port.

It is configured exactly as an operator configures it (``connector.config.Settings``: the fake Procore's
URL, the OAuth client, the Procore company, a webhook URL and secret, one Web Connector login) and runs in
serve mode (it registers with Procore when it starts and runs its Procore rounds in a thread). From then on
the suite reaches it only by URL, like any other target.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from conformance.blackbox.target import ProcoreAccess, Target, TargetError
from conformance.serve import bind

USERNAME = "procore-sync"
READY_TIMEOUT_SECONDS = 30.0


@dataclass
class OurConnector:
    """``connector.app.create_app`` in serve mode on an in-memory database (or ``database_url``).

    ``wrap`` puts an ASGI middleware in front of the app: how the suite's own tests build deliberately
    broken doubles of this connector (a proxy that rewrites what crosses the wire).
    """

    name: str = "qbsim connector"
    database_url: str = "sqlite://"
    wrap: Callable[[Any], Any] | None = None
    password: str = field(default_factory=lambda: secrets.token_urlsafe(18), repr=False)

    def launch(self, access: ProcoreAccess) -> AbstractContextManager[Target]:
        return self._launch(access)

    @contextmanager
    def _launch(self, access: ProcoreAccess) -> Iterator[Target]:
        from connector.app import create_app
        from connector.config import ProcoreSettings, Settings, UserSpec
        from connector.sync.registry import install

        company_key = f"procore-{access.company_id}"
        # The socket is bound first: the webhook URL the connector registers must name its own port.
        holder: dict[str, Any] = {}

        async def app(scope: Any, receive: Any, send: Any) -> None:
            await holder["app"](scope, receive, send)

        with bind(app, lifespan="on") as served:
            settings = Settings(
                database_url=self.database_url,
                public_url=f"{served.url}/qbwc",
                password_iterations=1_000,  # the KDF's cost is not what the suite judges
                procore=(
                    ProcoreSettings(
                        base_url=access.procore_url,
                        company_id=access.company_id,
                        company_key=company_key,
                        client_id=access.client_id,
                        client_secret=access.client_secret,
                        webhook_url=f"{served.url}/procore/webhooks",
                        webhook_secret=secrets.token_urlsafe(24),
                        # its own config's poll interval (poll_every_seconds), set as the suite asks
                        poll_every=timedelta(seconds=access.poll_seconds),
                        job_mode=access.job_mode,  # its own config mirrors Procore's project mapping
                    ),
                ),
            )
            users = [UserSpec(USERNAME, self.password, company_key, access.qbw_path)]
            built = create_app(settings, users=users, background=True)
            install(built.state.qbwc)
            holder["app"] = self.wrap(built) if self.wrap is not None else built
            served.start()
            deadline = time.monotonic() + READY_TIMEOUT_SECONDS
            while not served.server.started:  # the lifespan (registering with Procore) has run
                if not served.thread.is_alive():
                    raise TargetError("our connector stopped while starting (see the log above)")
                if time.monotonic() > deadline:
                    raise TargetError(f"our connector did not start within {READY_TIMEOUT_SECONDS:.0f} s")
                time.sleep(0.02)  # polling a ready flag, bounded by the deadline
            yield Target(self.name, f"{served.url}/qbwc", USERNAME, self.password)
