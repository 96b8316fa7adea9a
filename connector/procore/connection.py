"""The connector's Procore half for one company: registration, intake, planning, write-back, on a schedule.

``ProcoreConnection.tick()`` is one round of what the connector does between Web Connector polls: list open
request details when the poll interval has passed (a lost webhook's request is found), read what was taken
in, plan it into work for the next Web Connector update, and write back what QuickBooks answered. The
Web Connector's own schedule carries the work out; Procore's schedules (hourly company-level staging,
two-hourly project syncs, the payment Sync Program) reach the connector as ERP Requests like any other.

``ProcoreSide`` holds the connections of one connector (one per Procore company / QuickBooks file) and, in
serve mode, runs ``tick()`` in a background thread woken by webhooks and Web Connector responses.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from connector.config import ProcoreSettings
from connector.procore.auth import AuthorizationCodeAuth, ClientCredentialsAuth
from connector.procore.client import ProcoreClient
from connector.procore.erp import ErpApi
from connector.procore.errors import ProcoreError
from connector.procore.intake import DeliveryAck, Intake
from connector.procore.writeback import FlushReport, WriteBack
from connector.store.erp import ErpStore
from connector.store.tokens import SqlTokenStore
from connector.sync.erp_requests import PlanningContext
from connector.sync.staging import StagingStore

log = logging.getLogger("connector.procore")

WEBHOOK_PATH = "/procore/webhooks"
INTEGRATION_NAME = "qbsim QuickBooks Desktop connector"


@dataclass(frozen=True)
class TickReport:
    """One round: requests found by polling, read, planned, and the write-back's report."""

    polled: int = 0
    read: int = 0
    planned: int = 0
    flushed: FlushReport = FlushReport()
    error: str = ""


class ProcoreConnection:
    """One Procore company ↔ one QuickBooks company file (``settings.company_key``)."""

    def __init__(
        self,
        settings: ProcoreSettings,
        sessions: sessionmaker[Session],
        store: ErpStore,
        staging: StagingStore,
        clock: Callable[[], datetime],
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.settings = settings
        self.company_key = settings.company_key
        tokens = SqlTokenStore(sessions, f"procore:{settings.company_id}")
        auth = (
            ClientCredentialsAuth(settings.client_id, settings.client_secret, store=tokens)
            if settings.grant == "client_credentials"
            else AuthorizationCodeAuth(settings.client_id, settings.client_secret, tokens)
        )
        extra: dict[str, Any] = {"sleep": sleep} if sleep is not None else {}
        self.client = ProcoreClient(
            settings.base_url,
            settings.company_id,
            auth,
            login_url=settings.login_url,
            transport=transport,
            timeout=settings.timeout_seconds,
            clock=clock,
            **extra,
        )
        self.erp = ErpApi(self.client)
        self._clock = clock
        self._store = store
        self.intake = Intake(self.company_key, self.erp, store, self._planning)
        self.writeback = WriteBack(
            self.company_key, self.erp, store, staging, clock, store.id_map,
            update_synced_vendors=settings.update_synced_vendors,
        )
        self._last_poll: datetime | None = None
        self._lock = threading.Lock()  # one round at a time per company (webhook thread, scheduler)

    def _planning(self) -> PlanningContext:
        return PlanningContext(
            job_mode=self.settings.job_mode, connected_at=self._store.connected_at(self.company_key)
        )

    def connect(self) -> None:
        """Register with Procore: the ERP connection (shown Connected) and the ERP Requests webhook."""
        service_url = self.settings.webhook_url
        if service_url:
            self.erp.create_connection(service_url, metadata={"integration": INTEGRATION_NAME})
            secret = self.settings.webhook_secret
            headers = {"Authorization": f"Bearer {secret}"} if secret else None
            registration = self.erp.register_webhook(service_url, destination_headers=headers)
            self._store.mark_connected(self.company_key)
            log.info("connected to Procore company %s (webhook hook %s)", self.settings.company_id,
                     registration.hook.get("id"))

    def accept(self, delivery: Any) -> DeliveryAck:
        return self.intake.accept(delivery)

    def tick(self, *, poll: bool | None = None) -> TickReport:
        """One round. Each step runs whatever the one before met: a Procore outage or a defect in one
        step is logged and reported, and the other steps (and the next round) go on; nothing is lost."""
        with self._lock:
            now = self._clock()
            due = self._last_poll is None or now - self._last_poll >= self.settings.poll_every
            errors: list[str] = []

            def step(name: str, run: Callable[[], Any], empty: Any) -> Any:
                try:
                    return run()
                except ProcoreError as exc:
                    log.warning("Procore %s for %s stopped: %s", name, self.company_key, exc)
                    errors.append(str(exc))
                except Exception as exc:
                    log.exception("Procore %s for %s failed", name, self.company_key)
                    errors.append(f"{name}: {type(exc).__name__}: {exc}")
                return empty

            polled = 0
            if poll if poll is not None else due:
                self._last_poll = now  # even when it fails: the next poll waits its interval
                polled = step("poll", self.intake.poll, 0)
            read = step("read", self.intake.read, 0)
            planned = step("plan", self.intake.plan, 0)
            flushed = step("write-back", self.writeback.flush, FlushReport())
            return TickReport(polled, read, planned, flushed, error="; ".join(errors))

    def plan_local(self) -> int:
        """Plan what was already read (no Procore call): authenticate does this before answering.

        Never waits for a round in progress (it may be waiting out Procore's Retry-After, and the Web
        Connector would time out): that round plans what it read itself.
        """
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            return self.intake.plan()
        finally:
            self._lock.release()

    def close(self) -> None:
        self.client.close()


class ProcoreSide:
    """Every Procore connection of one connector, and the background round that drives them."""

    def __init__(self, connections: Mapping[str, ProcoreConnection]) -> None:
        self.connections = dict(connections)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def by_company_id(self, company_id: int) -> ProcoreConnection | None:
        for connection in self.connections.values():
            if connection.settings.company_id == company_id:
                return connection
        return None

    def tick(self, company_key: str | None = None) -> dict[str, TickReport]:
        """A round for one company or each (a company's failure is in its own report)."""
        keys = [company_key] if company_key is not None else list(self.connections)
        return {k: self.connections[k].tick() for k in keys if k in self.connections}

    def wake(self) -> None:
        """Run a round soon (a webhook arrived, QuickBooks answered)."""
        self._wake.set()

    # -- the QBWC service's observer hooks ---------------------------------------------------------
    def before_authenticate(self, company_key: str) -> None:
        """Plan what was read; never a reason for the Web Connector's authenticate to fail."""
        connection = self.connections.get(company_key)
        if connection is None:
            return
        try:
            connection.plan_local()
        except Exception:
            log.exception("planning before authenticate failed for %s; the next round plans it", company_key)

    def after_response(self, company_key: str) -> None:
        if company_key in self.connections:
            self.wake()

    # -- serve mode ------------------------------------------------------------------------------
    def connect_all(self) -> None:
        for connection in self.connections.values():
            try:
                connection.connect()
            except ProcoreError as exc:  # Procore down at start: webhooks wait; polling still finds work
                log.error("could not register with Procore company %s: %s",
                          connection.settings.company_id, exc)

    def start(self, every_seconds: float = 2.0) -> None:
        """Rounds in a daemon thread: every ``every_seconds`` of wall time, or at once when woken."""
        if self._thread is not None:
            return

        def run() -> None:
            while not self._stop.is_set():
                self._wake.wait(every_seconds)
                self._wake.clear()
                if self._stop.is_set():
                    break
                try:
                    self.tick()
                except Exception:  # a bug in one round must not end the loop
                    log.exception("Procore round failed")

        self._thread = threading.Thread(target=run, name="procore-rounds", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        for connection in self.connections.values():
            connection.close()
