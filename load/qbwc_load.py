"""Many customers' Web Connectors updating against one connector, for load tests (no locust import here).

Each simulated customer is what one Procore company runs: a QuickBooks company file (the fake, in this
process), the Web Connector emulator with the connector's .qwc and password, and a connector login bound
to its own company key. One iteration is what an accountant's "Update Selected" (or Auto-Run) does
after Procore accepted exports: ``queue_work`` puts ``codes_per_update`` cost code exports for the
customer in the connector's store -- standing in for accepted ERP requests, since the connector has no
Procore intake yet -- and ``update`` runs one Web Connector update against the connector *by URL*, over
real HTTP, so the connector is measured as it is deployed.

Every SOAP call is timed at the HTTP transport (``on_call(operation, milliseconds, bytes, error)``), the
way locust reports requests, and reported a second time as ``"<operation> (connector)"`` with the time the
connector says it spent (its ``Server-Timing`` header): the first includes the load generator's own
scheduling (one gevent process running every customer's QuickBooks), the second does not.
``locustfile.py`` turns these into locust events.

The connector's database is shared with the served connector (``db_url``): a SQLite file is enough for
a few dozen Web Connectors on one machine; point both at PostgreSQL for more.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from connector.qbwc.qwc import QwcSpec, build_qwc
from connector.store.db import database_url, make_engine, make_session_factory
from connector.store.queue import WorkQueue
from connector.store.users import UserStore
from connector.sync.cost_codes import CostCode, enqueue_exports
from sim.quickbooks_fake import CompanyFile
from sim.webconnector import Outcome, UpdateResult, WebConnector

#: on_call(operation, elapsed milliseconds, response bytes, error or None)
CallTimer = Callable[[str, float, int, Exception | None], None]

PASSWORD = "load-test password"
INCOME_ACCOUNT = "Construction Income"  # in every fake company file's contractor chart of accounts
EXPENSE_ACCOUNT = "Job Expenses"
SOAP_NAMESPACE = "http://developer.intuit.com/"
#: Suffix of the operation names that report the connector's own time (its Server-Timing header).
CONNECTOR_SIDE = " (connector)"


class UpdateFailed(Exception):
    """An update that did not complete, or left work failed: a load-test failure, not a slow request."""


def server_milliseconds(server_timing: str) -> float | None:
    """The ``qbwc;dur=MS`` entry of a Server-Timing header (the connector's own time), or None."""
    for metric in server_timing.split(","):
        name, _, params = metric.strip().partition(";")
        if name == "qbwc":
            for param in params.split(";"):
                key, _, value = param.strip().partition("=")
                if key == "dur":
                    try:
                        return float(value)
                    except ValueError:
                        return None
    return None


class TimedTransport(httpx.HTTPTransport):
    """An HTTP transport that reports each SOAP call's wall time, named by its SOAPAction."""

    def __init__(self, on_call: CallTimer, local_address: str | None = None) -> None:
        # A new connection per call: under load the generator can leave one idle past uvicorn's 5 s
        # keep-alive, and a request sent as the server closes it dies "disconnected without a response".
        super().__init__(local_address=local_address, limits=httpx.Limits(max_keepalive_connections=0))
        self._on_call = on_call

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        action = request.headers.get("SOAPAction", "").strip('"')
        operation = action.removeprefix(SOAP_NAMESPACE) or request.url.path
        started = time.perf_counter()
        try:
            response = super().handle_request(request)
            response.read()
        except Exception as exc:
            self._on_call(operation, (time.perf_counter() - started) * 1000, 0, exc)
            raise
        error = None if response.status_code < 400 else UpdateFailed(f"HTTP {response.status_code}")
        self._on_call(operation, (time.perf_counter() - started) * 1000, len(response.content), error)
        spent = server_milliseconds(response.headers.get("Server-Timing", ""))
        if spent is not None:  # what the connector itself spent, free of this process's scheduling
            self._on_call(f"{operation}{CONNECTOR_SIDE}", spent, len(response.content), error)
        return response


@dataclass
class ConnectorStore:
    """The served connector's database, opened from the load generator to add logins and queue work."""

    db_url: str
    queue: WorkQueue = field(init=False)
    users: UserStore = field(init=False)

    def __post_init__(self) -> None:
        engine = make_engine(self.db_url)  # migrated: the generator may start before the connector did
        if engine.dialect.name == "postgresql":
            # Every customer's greenlet queues work at once: a connection each, not 50 pooled ones that
            # 200 greenlets time out waiting for (QueuePool limit … reached).
            engine.dispose()
            engine = create_engine(database_url(self.db_url), poolclass=NullPool)
        sessions = make_session_factory(engine)
        self.queue = WorkQueue(sessions, lambda: datetime.now(UTC))
        # The connector hashes with its own cost; a cheap KDF keeps the load on the sync path.
        self.users = UserStore(sessions, 1_000)


_codes = itertools.count()


@dataclass
class Customer:
    """One Procore company's QuickBooks side: company file, Web Connector, connector login."""

    index: int
    connector_url: str
    store: ConnectorStore
    codes_per_update: int = 20
    #: Connect from :attr:`client_address` (needs a loopback that answers all of 127.0.0.0/8: Linux).
    own_address: bool = True
    company: CompanyFile = field(init=False)
    #: Every cost code queued for this customer so far (its company file must hold each exactly once).
    queued: list[str] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.company = CompanyFile.create(seed=self.index)
        self.store.users.add_user(self.username, PASSWORD, self.company_key, self.company.qbw_path)

    @property
    def client_address(self) -> str:
        """This customer's own loopback address (127.x.y.z, never .0 or .255), as each customer's Web
        Connector runs on its own machine: the connector's login throttle counts attempts per client
        address, and two hundred customers behind one address would look like one guesser to it."""
        n = self.index
        return f"127.{1 + n // 64516 % 254}.{1 + n // 254 % 254}.{1 + n % 254}"

    @property
    def username(self) -> str:
        return f"load-{self.index}"

    @property
    def company_key(self) -> str:
        return f"load-company-{self.index}"

    def queue_work(self) -> int:
        """Queue this update's cost code exports (unique codes across the whole run)."""
        codes = []
        for _ in range(self.codes_per_update):
            n = next(_codes)
            codes.append(CostCode(str(100_000 + n), f"L{n:07d}", f"Load cost code {n}", INCOME_ACCOUNT,
                                  EXPENSE_ACCOUNT))
        queued = enqueue_exports(self.store.queue, self.company_key, codes).queued
        self.queued.extend(cc.code for cc in codes if cc.procore_id in queued)
        return len(queued)

    def duplicates_or_missing(self) -> str | None:
        """Why the company file does not hold each queued cost code exactly once (None when it does)."""
        names = [i["Name"] for i in self.company.list_records("ItemService") if i["Name"].startswith("L")]
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        twice = sorted(name for name, count in counts.items() if count > 1)
        missing = sorted(set(self.queued) - set(counts))
        extra = sorted(set(counts) - set(self.queued))
        if not (twice or missing or extra):
            return None
        return (f"{self.username}: company file holds {len(twice)} code(s) twice {twice[:3]}, misses "
                f"{len(missing)} {missing[:3]}, has {len(extra)} never queued {extra[:3]}")

    def update(self, on_call: CallTimer) -> UpdateResult:
        """One "Update Selected" against the connector; raises UpdateFailed unless everything synced."""
        qwc = build_qwc(QwcSpec(app_name="Procore", app_url=f"{self.connector_url.rstrip('/')}/qbwc",
                                username=self.username))
        transport = TimedTransport(on_call, self.client_address if self.own_address else None)
        with httpx.Client(transport=transport, timeout=60.0) as http, \
                WebConnector(qwc, PASSWORD, self.company, transport=http) as wc:
            result = wc.run_update()
        if result.outcome not in (Outcome.COMPLETED, Outcome.NO_WORK):
            raise UpdateFailed(f"{self.username}: update ended {result.outcome.value}: {result.status}")
        failed = [r for r in self.store.queue.items(self.company_key, ["failed"])]
        if failed:
            first = failed[0]
            raise UpdateFailed(f"{self.username}: {len(failed)} work item(s) failed, first "
                               f"{first.last_status_code}: {first.last_status_message}")
        if result.outcome is Outcome.COMPLETED:  # exactly once on the QuickBooks side, after every update
            problem = self.duplicates_or_missing()
            if problem is not None:
                raise UpdateFailed(problem)
        return result
