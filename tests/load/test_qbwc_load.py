"""The load generator's customers against a connector served on a real socket (no locust in this process:
it monkey-patches the standard library on import)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conformance.serve import Served, serve
from connector.app import create_app
from connector.config import Settings
from connector.sync.registry import install
from load.qbwc_load import CONNECTOR_SIDE, ConnectorStore, Customer, UpdateFailed, server_milliseconds

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Served, str]]:
    # Two processes write this file (the served connector, the locust run): wait up to 30 s for the other's
    # write lock rather than SQLite's default 5 s, which a loaded CI machine can exceed.
    db_url = f"sqlite:///{tmp_path / 'connector.db'}?timeout=30"
    app = create_app(Settings(database_url=db_url))
    install(app.state.qbwc)
    with serve(app) as running:
        yield running, db_url


def test_two_customers_update_by_url_and_every_call_is_timed(served: tuple[Served, str]) -> None:
    running, db_url = served
    store = ConnectorStore(db_url)
    customers = [Customer(n, running.url, store, codes_per_update=5) for n in range(2)]
    calls: list[tuple[str, int, Exception | None]] = []
    for customer in customers:
        assert customer.queue_work() == 5
        result = customer.update(lambda op, ms, size, err: calls.append((op, size, err)))
        assert result.outcome.value == "completed"
    for customer in customers:  # each company file got its own five Service items, nothing else
        mine = sorted(i["Name"] for i in customer.company.list_records("ItemService") if i["Name"][0] == "L")
        assert len(mine) == 5
        assert [r.state for r in store.queue.items(customer.company_key)] == ["done"] * 5
    operations = [op for op, _, _ in calls if not op.endswith(CONNECTOR_SIDE)]
    connector_side = [op.removesuffix(CONNECTOR_SIDE) for op, _, _ in calls if op.endswith(CONNECTOR_SIDE)]
    assert operations[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert {"sendRequestXML", "receiveResponseXML", "closeConnection"} <= set(operations)
    assert connector_side == operations  # every SOAP answer said how long the connector spent on it
    assert all(size > 0 and err is None for _, size, err in calls)
    # nothing left to do: the next update authenticates to "none" and closes
    again: list[str] = []
    customers[0].update(lambda op, ms, size, err: again.append(op))
    assert [op for op in again if not op.endswith(CONNECTOR_SIDE)] == ["serverVersion", "clientVersion",
                                                                      "authenticate"]


def test_the_connector_side_time_is_read_from_server_timing() -> None:
    assert server_milliseconds("qbwc;dur=12.5") == 12.5
    assert server_milliseconds("db;dur=3, qbwc;desc=x;dur=7") == 7.0
    assert server_milliseconds("qbwc;dur=fast") is None
    assert server_milliseconds("") is None


def test_failed_work_is_a_load_failure(served: tuple[Served, str]) -> None:
    running, db_url = served
    store = ConnectorStore(db_url)
    customer = Customer(7, running.url, store, codes_per_update=1)
    customer.queue_work()
    customer.company.faults.add(action="status", request_type="ItemServiceAdd", status_code=3180,
                                status_message="There was an error when saving a Service item.")
    expected = (r"^load-7: 1 work item\(s\) failed, first 3180: "
                r"There was an error when saving a Service item\.$")
    with pytest.raises(UpdateFailed, match=expected):
        customer.update(lambda *call: None)


def test_locustfile_runs_headless_without_failures(served: tuple[Served, str], tmp_path: Path) -> None:
    """Locust in its own process (gevent), two users, one update each: exit status 0 means no failures.

    Bounded by work, not time (``QBSIM_LOAD_UPDATES=1``: locust quits once both users did their update).
    Why it flaked: it read locust's CSV, which a greenlet rewrites once a second and locust does not write
    again at shutdown, so an update finished in the last second before exit (on a loaded machine, the
    only one, finishing during the stop timeout) was missing from it. The stats are read from
    ``--json-file`` (written at shutdown from the final stats), and the run is bounded by work, not by a
    4 s ``--run-time`` the users' start (a company file, a login) could outlast.
    """
    running, db_url = served
    csv = tmp_path / "run"
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"), "--headless",
         "--users", "2", "--spawn-rate", "2", "--run-time", "180s", "--host", running.url, "--only-summary",
         "--stop-timeout", "90", "--csv", str(csv), "--json-file", str(csv), "--exit-code-on-error", "1"],
        cwd=ROOT,
        env={**_env(), "QBSIM_LOAD_DB_URL": db_url, "QBSIM_LOAD_CODES": "3", "QBSIM_LOAD_UPDATES": "1"},
        capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    stats = {entry["name"]: entry for entry in json.loads((csv.parent / "run.json").read_text())}
    assert stats["update"]["num_requests"] == 2 and stats["update"]["num_failures"] == 0  # one each
    assert stats["authenticate"]["num_requests"] == 2
    failures = (csv.parent / "run_failures.csv").read_text().strip().splitlines()
    assert failures[1:] == []


def test_a_company_file_holding_a_code_twice_is_a_load_failure(served: tuple[Served, str]) -> None:
    running, db_url = served
    customer = Customer(9, running.url, ConnectorStore(db_url), codes_per_update=2)
    customer.queue_work()
    customer.update(lambda *call: None)
    assert customer.duplicates_or_missing() is None
    customer.queued.append("L9999999")  # queued, never synced
    twice = customer.company.list_records("ItemService")[-1]["Name"]
    customer.queued.remove(twice)  # synced, never queued
    assert customer.duplicates_or_missing() == (
        "load-9: company file holds 0 code(s) twice [], misses 1 ['L9999999'], "
        f"has 1 never queued ['{twice}']"
    )


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("QBSIM_LOAD")}


def test_each_customer_connects_from_its_own_loopback_address(tmp_path: Path) -> None:
    """The connector's login throttle counts per client address: customers sharing 127.0.0.1 looked like
    one guesser once their authenticates overlapped, and were answered "nvu"."""
    db_url = f"sqlite:///{tmp_path / 'connector.db'}"
    app = create_app(Settings(database_url=db_url))
    install(app.state.qbwc)
    callers: list[str] = []

    @app.middleware("http")
    async def record_caller(request, call_next):  # type: ignore[no-untyped-def]
        callers.append(request.client.host)
        return await call_next(request)

    with serve(app) as running:
        store = ConnectorStore(db_url)
        customers = [Customer(n, running.url, store, codes_per_update=1) for n in (0, 253, 254, 70_000)]
        assert [c.client_address for c in customers] == ["127.1.1.1", "127.1.1.254", "127.1.2.1",
                                                        "127.2.22.151"]
        for customer in customers[:2]:
            customer.queue_work()
            customer.update(lambda *call: None)
    assert set(callers) == {"127.1.1.1", "127.1.1.254"}
