"""``make load``: serve the connector on localhost in its own process, run locust headless against it, then
check that every queued item was synced exactly once.

    python -m load.run [locust options, e.g. --users 20 --spawn-rate 5 --run-time 1m]
    QBSIM_LOAD_CONNECTOR_DB=postgresql://… python -m load.run …     (make load-postgres does this)

The connector runs as it is deployed (``qbsim connector serve``, uvicorn) on a free port, and the run stops
unless *that* connector answers there. Its store is a SQLite file (WAL) unless ``QBSIM_LOAD_CONNECTOR_DB``
names another database. After locust, the connector's store is read (read only) for the exactly-once check:
nothing left queued or failed, no item queued twice, one id map entry per synced cost code; each company
file is checked by the customers themselves after every update (``qbwc_load``). Exit status: non-zero when
locust saw a failure or a check failed. Results: ``load-results_*.csv`` (locust ``--csv``),
``load-results.html``, ``load-results.json``, ``load-results_summary.md`` (p50/p95 per SOAP operation,
updates/s, the connector's CPU use); the connector's own output goes to ``load-connector.log``.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, text

from connector.store.db import database_url
from load.qbwc_load import CONNECTOR_SIDE

DB = Path(".load.db")
LOG = Path("load-connector.log")
RESULTS = "load-results"
STARTUP_SECONDS = 30.0
OPERATIONS = ("authenticate", "sendRequestXML", "receiveResponseXML", "getLastError", "closeConnection")


def free_port() -> int:
    """A port nobody listens on now (bound to 0, then released for the connector to take)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, server: subprocess.Popen[bytes]) -> None:
    """Until *our* connector answers on ``port`` — its WSDL, not merely an open socket, so another
    process that took the port in between is never load-tested by mistake (polling a starting process
    is the only way)."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the connector exited with status {server.returncode} before listening")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/qbwc?wsdl", timeout=0.5) as answer:
                if b"TroubleshootWebServiceFS" in answer.read():  # the official WSDL's service
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the connector did not listen on port {port} within {STARTUP_SECONDS:.0f} s")


def exactly_once_problems(db_url: str) -> list[str]:
    """What the connector's store says went wrong: work left queued or failed, a code queued twice, a
    synced code without (or with several) id map entries. Read only."""
    engine = create_engine(database_url(db_url).difference_update_query(["timeout"]))
    problems: list[str] = []
    with engine.connect() as conn:
        for state, count in conn.execute(text(
                "SELECT state, count(*) FROM work_items WHERE state <> 'done' GROUP BY state ORDER BY state"
        )):
            problems.append(f"{count} work item(s) left {state}")
        for company, procore_id, count in conn.execute(text(
                "SELECT company_key, procore_id, count(*) FROM work_items GROUP BY company_key, procore_id "
                "HAVING count(*) > 1 ORDER BY company_key, procore_id LIMIT 5")):
            problems.append(f"{company}: cost code {procore_id} queued {count} times")
        done = conn.execute(text("SELECT count(*) FROM work_items WHERE state = 'done'")).scalar() or 0
        mapped = conn.execute(text("SELECT count(*) FROM id_map")).scalar() or 0
        if done != mapped:
            problems.append(f"{done} work item(s) done but {mapped} id map entries")
        if done == 0:
            problems.append("nothing was synced")
    engine.dispose()
    return problems


def percentile(response_times: dict[str, int], fraction: float) -> int:
    """The response time (ms, locust's rounding) below which ``fraction`` of the requests fell."""
    total = sum(response_times.values())
    seen = 0
    for milliseconds in sorted(response_times, key=float):
        seen += response_times[milliseconds]
        if seen >= fraction * total:
            return round(float(milliseconds))
    return 0


def summary(stats_json: Path, seconds: float, cpu_seconds: float, users: str, store: str) -> str:
    """The goal table of one run: p50/p95 per SOAP operation, updates/s, the connector's CPU use.

    Read from locust's ``--json-file`` (written at shutdown from the final stats): its CSV files are
    rewritten once a second, so the last second of a run may be missing from them.
    """
    entries = {entry["name"]: entry for entry in json.loads(stats_json.read_text())}
    lines = ["| store | companies | operation | requests | failures | p50 ms | p95 ms |",
             "|---|---|---|---|---|---|---|"]
    names = [*OPERATIONS, *(f"{op}{CONNECTOR_SIDE}" for op in OPERATIONS), "update"]
    for name in names:
        entry = entries.get(name)
        if entry is not None:
            times = {str(k): int(v) for k, v in dict(entry["response_times"]).items()}
            counts = f"{entry['num_requests']} | {entry['num_failures']}"
            lines.append(f"| {store} | {users} | {name} | {counts} | "
                         f"{percentile(times, 0.5)} | {percentile(times, 0.95)} |")
    updates = int(entries["update"]["num_requests"]) if "update" in entries else 0
    rate, cpu = updates / seconds, 100 * cpu_seconds / seconds
    lines.append("")
    lines.append(f"{store}, {users} companies: {updates} updates in {seconds:.0f} s = {rate:.2f} updates/s; "
                 f"connector CPU {cpu_seconds:.1f} s = {cpu:.0f}% of one core")
    return "\n".join(lines) + "\n"


def _option(args: list[str], *names: str) -> str:
    for index, arg in enumerate(args):
        if arg in names and index + 1 < len(args):
            return args[index + 1]
    return "?"


def main(locust_args: list[str]) -> int:
    db_url = os.environ.get("QBSIM_LOAD_CONNECTOR_DB", "").strip()
    if not db_url:
        DB.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
        db_url = f"sqlite:///{DB}"
    store = database_url(db_url).get_backend_name()
    qbsim = Path(sys.executable).with_name("qbsim")  # the console script beside this interpreter
    log = LOG.open("wb")  # uvicorn's access log would drown locust's summary
    port = free_port()
    server = subprocess.Popen([str(qbsim), "connector", "serve", "--port", str(port), "--db-url", db_url],
                              stdout=log, stderr=subprocess.STDOUT)
    args = locust_args or ["--users", "20", "--spawn-rate", "5", "--run-time", "1m"]
    cpu_seconds, started = 0.0, time.monotonic()
    try:
        wait_for_port(port, server)
        started = time.monotonic()
        status = subprocess.call(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
             "--headless", "--host", f"http://localhost:{port}",  # QBWC refuses an IP address in AppURL
             "--csv", RESULTS, "--html",
             f"{RESULTS}.html", "--json-file", RESULTS, "--exit-code-on-error", "1", "--stop-timeout", "120",
             *args],
            env={**os.environ, "QBSIM_LOAD_DB_URL": db_url},
        )
    finally:
        seconds = time.monotonic() - started
        server.terminate()
        try:
            _, _, usage = os.wait4(server.pid, 0)  # the connector's own CPU time, all threads
            cpu_seconds = usage.ru_utime + usage.ru_stime
        except ChildProcessError:
            pass
        log.close()
    problems = exactly_once_problems(db_url)
    for problem in problems:
        print(f"load: exactly-once check failed: {problem}", file=sys.stderr)
    stats = Path(f"{RESULTS}.json")
    if stats.exists():
        table = summary(stats, seconds, cpu_seconds, _option(args, "-u", "--users"), store)
        Path(f"{RESULTS}_summary.md").write_text(table)
        print(table)
    if status != 0:
        print(f"load: locust exited {status} (a failed update or SOAP call; see {RESULTS}_failures.csv)",
              file=sys.stderr)
    return 1 if problems or status != 0 else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
