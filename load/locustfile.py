"""Locust: many customers' QuickBooks Web Connectors updating against one connector.

    qbsim connector serve --port 8765 --db-url sqlite:///load.db &
    QBSIM_LOAD_DB_URL=sqlite:///load.db locust -f load/locustfile.py --headless -u 20 -r 5 -t 2m \
        --host http://localhost:8765

(``make load`` does both.) Each locust user is one customer (see ``qbwc_load``): every task queues
``QBSIM_LOAD_CODES`` cost code exports (default 20) and runs one Web Connector update by URL. Locust
reports each SOAP callback by operation name and the whole update as ``update``; an update that does not
complete, leaves work failed, or leaves the company file without each queued code exactly once, is a
failure.

``QBSIM_LOAD_UPDATES=N`` bounds the run by work instead of time: each user stops after N updates, and
locust quits once every user has (a run that must finish some updates, however slow the machine).
"""

from __future__ import annotations

import itertools
import logging
import os
import time

from locust import User, between, events, task
from locust.env import Environment
from locust.exception import StopUser

from load.qbwc_load import ConnectorStore, Customer

logging.getLogger("httpx").setLevel(logging.WARNING)  # one INFO line per SOAP call otherwise
logging.getLogger("alembic").setLevel(logging.WARNING)  # the store migrating, on every start

_indexes = itertools.count()
_store: ConnectorStore | None = None
_finished_users = itertools.count(1)


def store() -> ConnectorStore:
    global _store
    if _store is None:
        _store = ConnectorStore(os.environ.get("QBSIM_LOAD_DB_URL", "sqlite:///load.db"))
    return _store


def first_customer(environment: Environment) -> int:
    """Where this process numbers its customers from: ``QBSIM_LOAD_FIRST_CUSTOMER``, else 100,000 apart per
    locust worker (the master hands out worker indexes), so two workers never share a login or company."""
    explicit = os.environ.get("QBSIM_LOAD_FIRST_CUSTOMER", "").strip()
    if explicit:
        return int(explicit)
    return 100_000 * int(getattr(environment.runner, "worker_index", 0) or 0)


class WebConnectorUser(User):
    # QBWC's Auto-Run runs every few minutes; compressed so a short run has many updates.
    wait_time = between(0.2, 1.0)

    def on_start(self) -> None:
        codes = int(os.environ.get("QBSIM_LOAD_CODES", "20"))
        index = first_customer(self.environment) + next(_indexes)
        self.customer = Customer(index, self.host or "http://localhost:8765", store(), codes)
        self.updates_left = int(os.environ.get("QBSIM_LOAD_UPDATES", "0")) or None

    def _report(self, operation: str, milliseconds: float, size: int, error: Exception | None) -> None:
        events.request.fire(request_type="SOAP", name=operation, response_time=milliseconds,
                            response_length=size, exception=error, context={})

    def on_stop(self) -> None:
        # Stopped between queueing and syncing (the run ended): sync what was queued, so the exactly-once
        # check after the run finds nothing left behind by the load generator itself.
        if getattr(self, "unsynced", False):
            self._update(0)

    @task
    def update(self) -> None:
        # On a SQLite store this waits in C for the connector's write lock, stopping every greenlet of this
        # process meanwhile (not in a gevent thread pool: the store's locks are gevent's here, unusable
        # from a real thread). Short, since the connector queues its writers in-process; none on PostgreSQL.
        queued = self.customer.queue_work()
        self.unsynced = True
        self._update(queued)
        if self.updates_left is not None:
            self.updates_left -= 1
            if self.updates_left <= 0:
                runner = self.environment.runner
                if runner is not None and next(_finished_users) >= self.environment.parsed_options.num_users:
                    runner.quit()  # every user did its updates: the run is over, whatever --run-time says
                raise StopUser()

    def _update(self, queued: int) -> None:
        started = time.perf_counter()
        error: Exception | None = None
        try:
            self.customer.update(self._report)
        except Exception as exc:  # reported to locust as this update's failure
            error = exc
        if error is None:
            self.unsynced = False
        events.request.fire(request_type="QBWC", name="update", response_time=(time.perf_counter() - started)
                            * 1000, response_length=queued, exception=error, context={})
