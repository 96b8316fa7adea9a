"""``make load``: serve the connector on localhost in its own process, run locust headless against it.

    python -m load.run [locust options, e.g. --users 20 --spawn-rate 5 --run-time 1m]

The connector runs as it is deployed (``qbsim connector serve``, uvicorn, a SQLite file shared with the
load generator, which adds logins and queues work in it). Exit status is locust's: non-zero when any
update failed. Results: ``load-results_stats.csv`` and friends (locust ``--csv``); the connector's own
output goes to ``load-connector.log``.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

DB = Path(".load.db")
LOG = Path("load-connector.log")
STARTUP_SECONDS = 30.0


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


def main(locust_args: list[str]) -> int:
    DB.unlink(missing_ok=True)
    db_url = f"sqlite:///{DB}?timeout=30"  # two processes write it: wait for the other's lock
    qbsim = Path(sys.executable).with_name("qbsim")  # the console script beside this interpreter
    log = LOG.open("wb")  # uvicorn's access log would drown locust's summary
    port = free_port()
    server = subprocess.Popen([str(qbsim), "connector", "serve", "--port", str(port), "--db-url", db_url],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, server)
        args = locust_args or ["--users", "20", "--spawn-rate", "5", "--run-time", "1m"]
        return subprocess.call(
            [sys.executable, "-m", "locust", "-f", str(Path(__file__).with_name("locustfile.py")),
             "--headless", "--host", f"http://localhost:{port}", "--csv", "load-results",
             "--exit-code-on-error", "1", "--stop-timeout", "120", *args],
            env={**os.environ, "QBSIM_LOAD_DB_URL": db_url},
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
