"""``qbsim up --dir DIR``: the fake Procore, a fake company file and the connector on localhost, wired.

    fake Procore  <-- OAuth, ERP API --  connector  <-- SOAP --  qbsim webconnector  --> company file
       (Dispatcher: webhooks, sync schedule) --> POST /procore/webhooks

Each listening socket is bound first (port 0 unless one is given), so every app is built knowing every
URL, then uvicorn serves those very sockets: no "free port" can be taken between choosing and binding it.
The fake Procore's ``Dispatcher`` delivers webhooks and runs its sync schedule on the wall clock; the
connector registers with it at start-up (ERP connection Connected, the ERP Requests webhook pointing at
``/procore/webhooks`` with a generated Bearer secret) and runs its Procore rounds in a thread. Everything
persistent lives in DIR (``procore.sqlite``, ``connector.sqlite``, ``company.qbw.sqlite``), and
``stack.json`` tells people and tools where everything is.

Not faithful: all three run in one process on the wall clock; a real deployment has the connector on a
public https host and QuickBooks on a Windows PC. DIR must not hold a stack already (no resume: the
ports, the webhook and the generated password of an earlier run would no longer match).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import typer
import uvicorn
from rich.console import Console
from rich.table import Table

log = logging.getLogger("qbsim.up")

HOST = "127.0.0.1"
#: The Web Connector refuses an AppURL that is an IP address (QBWC1001), so URLs name ``localhost``.
URL_HOST = "localhost"
BACKLOG = 64
READY_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 10.0

COMPANY_FILE = "company.qbw.sqlite"
PROCORE_DB = "procore.sqlite"
CONNECTOR_DB = "connector.sqlite"
QWC_FILE = "qbsim-stack.qwc"
STACK_FILE = "stack.json"

QBWC_USERNAME = "procore-sync"
APP_NAME = "Procore (qbsim up)"
# The OAuth app the fake Procore seeds (sim/procore_fake/README.md): the connector's service account.
PROCORE_CLIENT_ID = "qbsim-client-id"
PROCORE_CLIENT_SECRET = "qbsim-client-secret"
# Seeds 000 / 002 / 004 name the retention item "Retention", "Retainage" (and "Retainage Payable"): both
# Service items exist so either setting can be chosen in Procore.
RETENTION_ITEMS = ("Retention", "Retainage")
RETENTION_ACCOUNT = "Retainage Payable"


class UpError(Exception):
    """``qbsim up`` cannot start; the message is one line saying why."""


@dataclass(frozen=True)
class StackInfo:
    """What ``stack.json`` holds (the first seven keys are read by external tools: do not rename)."""

    procore_url: str
    connector_url: str
    quickbooks_url: str
    qbwc_username: str
    qbwc_password: str
    qwc_path: str
    company_file: str
    procore_company_id: int
    webhook_url: str
    procore_users: dict[str, int] = field(default_factory=dict)
    qbw_path: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def prepare_dir(directory: Path) -> Path:
    """Create DIR if needed; refuse a file, an unwritable directory or one that already holds a stack."""
    if directory.exists() and not directory.is_dir():
        raise UpError(f"--dir {directory}: is a file, not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        raise UpError(f"--dir {directory}: not writable ({exc.strerror or exc})") from None
    for name in (COMPANY_FILE, PROCORE_DB, CONNECTOR_DB, STACK_FILE):
        if (directory / name).exists():
            raise UpError(f"--dir {directory}: already holds a stack ({name}); use an empty directory")
    return directory.resolve()


def bind(port: int, what: str) -> socket.socket:
    """A listening socket on 127.0.0.1:``port`` (0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if os.name == "posix":
        # On POSIX this only lets a port whose last connections linger in TIME_WAIT be reused (a stack
        # restarted on the same ports); a port another process listens on is still refused.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise UpError(f"--{what}-port {port}: cannot listen on {HOST}:{port} ({reason})") from None
    sock.listen(BACKLOG)
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://{URL_HOST}:{sock.getsockname()[1]}"


class _Served:
    """One uvicorn server on an already-listening socket, in a thread."""

    def __init__(self, name: str, app: Any, sock: socket.socket, log_level: str, lifespan: str) -> None:
        self.name = name
        self.sock = sock
        config = uvicorn.Config(
            app,
            log_config=None,  # records go to the root handler qbsim configured
            log_level=log_level,
            lifespan=lifespan,
            access_log=log_level == "debug",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, name=f"serve-{name}", daemon=True
        )

    def start(self) -> None:
        self.thread.start()

    def wait_started(self, deadline: float) -> None:
        """Until uvicorn has run the app's start-up (the connector registers with Procore there)."""
        while not self.server.started:
            if not self.thread.is_alive():
                raise UpError(f"the {self.name} stopped while starting (see the log above)")
            if time.monotonic() > deadline:
                raise UpError(f"the {self.name} did not start within {READY_TIMEOUT_SECONDS:.0f} s")
            time.sleep(0.02)  # polling a ready flag, bounded by the deadline

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(STOP_TIMEOUT_SECONDS)
        self.sock.close()


class Stack:
    """The three parties of ``qbsim up``, started by :meth:`start` and stopped by :meth:`stop`."""

    def __init__(
        self,
        directory: Path,
        *,
        procore_port: int = 0,
        connector_port: int = 0,
        quickbooks_port: int = 0,
        log_level: str = "info",
        password_factory: Callable[[], str] = lambda: secrets.token_urlsafe(18),
    ) -> None:
        self.directory = prepare_dir(directory)
        self.log_level = log_level
        self._password_factory = password_factory
        self._served: list[_Served] = []
        self._dispatcher: Any = None
        self._company: Any = None
        socks: list[socket.socket] = []
        try:
            for port, what in ((procore_port, "procore"), (quickbooks_port, "quickbooks"),
                               (connector_port, "connector")):
                socks.append(bind(port, what))
        except UpError:
            for sock in socks:
                sock.close()
            raise
        self._procore_sock, self._quickbooks_sock, self._connector_sock = socks

    def start(self) -> StackInfo:
        try:
            return self._start()
        except BaseException:
            self.stop()
            raise

    def _start(self) -> StackInfo:
        from connector.app import create_app as create_connector_app
        from connector.config import ProcoreSettings, Settings, UserSpec
        from connector.qbwc.qwc import QwcSpec, build_qwc
        from connector.sync.registry import install
        from sim.clock import SystemClock
        from sim.procore_fake.app import create_app as create_procore_app
        from sim.procore_fake.dispatcher import Dispatcher
        from sim.quickbooks_fake import CompanyFile
        from sim.quickbooks_fake.http import create_app as create_company_app
        from sim.quickbooks_fake.pc_time import DEFAULT_TZ

        procore_url = url_of(self._procore_sock)
        quickbooks_url = url_of(self._quickbooks_sock)
        connector_root = url_of(self._connector_sock)
        connector_url = f"{connector_root}/qbwc"
        webhook_url = f"{connector_root}/procore/webhooks"

        # (a) the fake Procore, its background workers on the wall clock
        procore = create_procore_app(database_url=f"sqlite:///{self.directory / PROCORE_DB}")
        self._dispatcher = Dispatcher(procore.state.sim).start()
        self._serve("fake Procore", procore, self._procore_sock, lifespan="off")

        # (b) a new contractor company file with the seeds' prerequisites (000 Steps 1-2, 002, 004)
        company_path = self.directory / COMPANY_FILE
        company = CompanyFile.create(
            company_path, country="US", year=2024, product="Premier Contractor", clock=SystemClock(DEFAULT_TZ)
        )
        self._company = company
        for name in RETENTION_ITEMS:
            company.ui.create_service_item(name, account=RETENTION_ACCOUNT)
        company.ui.set_inventory_active(True)
        self._serve("company file", create_company_app(company), self._quickbooks_sock, lifespan="off")

        # (c) the connector, told the fake Procore's URL, OAuth app and seeded company
        seeded = self._procore_company(procore_url)
        company_id = int(seeded["id"])
        company_key = f"procore-{company_id}"
        password = self._password_factory()
        settings = Settings(
            database_url=f"sqlite:///{self.directory / CONNECTOR_DB}",
            public_url=connector_url,
            procore=(
                ProcoreSettings(
                    base_url=procore_url,
                    company_id=company_id,
                    company_key=company_key,
                    client_id=PROCORE_CLIENT_ID,
                    client_secret=PROCORE_CLIENT_SECRET,
                    webhook_url=webhook_url,
                    webhook_secret=secrets.token_urlsafe(24),
                ),
            ),
        )
        users = [UserSpec(QBWC_USERNAME, password, company_key, company.qbw_path)]
        connector = create_connector_app(settings, users=users, background=True)
        install(connector.state.qbwc)
        self._serve("connector", connector, self._connector_sock, lifespan="on")

        deadline = time.monotonic() + READY_TIMEOUT_SECONDS
        for served in self._served:
            served.wait_started(deadline)
        qwc_path = self.directory / QWC_FILE
        qwc = build_qwc(QwcSpec(app_name=APP_NAME, app_url=connector_url, username=QBWC_USERNAME))
        qwc_path.write_text(qwc, encoding="utf-8")
        info = StackInfo(
            procore_url=procore_url,
            connector_url=connector_url,
            quickbooks_url=quickbooks_url,
            qbwc_username=QBWC_USERNAME,
            qbwc_password=password,
            qwc_path=str(qwc_path),
            company_file=str(company_path),
            procore_company_id=company_id,
            webhook_url=webhook_url,
            procore_users={u["name"]: u["id"] for u in seeded["users"] if not u["is_service_account"]},
            qbw_path=company.qbw_path,
        )
        # Written last and atomically: a tool that sees stack.json finds all three answering.
        partial = self.directory / f".{STACK_FILE}.tmp"
        partial.write_text(info.to_json(), encoding="utf-8")
        os.chmod(partial, 0o600)  # it holds the Web Connector password
        partial.replace(self.directory / STACK_FILE)
        return info

    def _serve(self, name: str, app: Any, sock: socket.socket, *, lifespan: str) -> None:
        served = _Served(name, app, sock, self.log_level, lifespan)
        self._served.append(served)
        served.start()

    @staticmethod
    def _procore_company(procore_url: str) -> dict[str, Any]:
        """The seeded company as the fake's ``GET /_sim/state`` lists it (id, users, OAuth app)."""
        try:
            with httpx.Client(base_url=procore_url, timeout=READY_TIMEOUT_SECONDS) as http:
                companies = http.get("/_sim/state").raise_for_status().json()["companies"]
        except httpx.HTTPError as exc:
            raise UpError(f"the fake Procore at {procore_url} did not answer /_sim/state ({exc})") from None
        return dict(companies[0])

    def stop(self) -> None:
        """Stop the connector first (its rounds call Procore), then the company file and the fake Procore."""
        for served in reversed(self._served):
            served.stop()
        self._served.clear()
        if self._dispatcher is not None:
            self._dispatcher.stop()
            self._dispatcher = None
        for sock in (self._procore_sock, self._quickbooks_sock, self._connector_sock):
            sock.close()
        if self._company is not None:
            self._company.close()
            self._company = None


def serve_until_signalled(stack: Stack, show: Callable[[StackInfo], None]) -> StackInfo:
    """Start ``stack``, show it, and run until SIGINT (Ctrl-C) or SIGTERM; then stop all three."""
    stopping = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        log.info("%s received: stopping", signal.Signals(signum).name)
        stopping.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = stack.start()
        show(info)
        while not stopping.wait(0.5):  # a timeout keeps the main thread responsive to signals
            pass
        return info
    finally:
        stack.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def show_stack(console: Console) -> Callable[[StackInfo], None]:
    def show(info: StackInfo) -> None:
        table = Table(title="qbsim up: fake Procore, connector, QuickBooks company file", show_header=False)
        table.add_column("key", style="bold")
        table.add_column("value")
        for key, value in asdict(info).items():
            table.add_row(key, json.dumps(value) if isinstance(value, dict) else str(value))
        console.print(table)
        approver = info.procore_users.get("Alex Accountant", "?")
        items = f"{info.procore_url}/_sim/companies/{info.procore_company_id}/erp/items"
        lines = [
            f"Procore users act through {items}/send|accept (accounting approver: Alex Accountant, user "
            f"{approver}); then run the Web Connector:",
            f"  qbsim webconnector {info.qwc_path} --password {info.qbwc_password}"
            f" --company {info.quickbooks_url}",
            "Ctrl-C (or SIGTERM) stops all three.",
        ]
        for line in lines:
            console.print(line, markup=False, highlight=False, soft_wrap=True)

    return show


def up(
    directory: Path = typer.Option(  # noqa: B008
        ..., "--dir", envvar="QBSIM_UP_DIR",
        help="Directory for the company file, the databases, stack.json and the .qwc.",
    ),
    procore_port: int = typer.Option(0, envvar="QBSIM_UP_PROCORE_PORT",
                                     help="Port of the fake Procore (0: a free one)."),
    connector_port: int = typer.Option(0, envvar="QBSIM_UP_CONNECTOR_PORT",
                                       help="Port of the connector (0: a free one)."),
    quickbooks_port: int = typer.Option(0, envvar="QBSIM_UP_QUICKBOOKS_PORT",
                                         help="Port of the company file's HTTP face (0: a free one)."),
    log_level: str = typer.Option("info", envvar="QBSIM_UP_LOG_LEVEL", help="debug, info, warning, error."),
) -> None:
    """Start the fake Procore, the connector and a new contractor company file on localhost, wired together;
    write DIR/stack.json and the .qwc; run until Ctrl-C or SIGTERM."""
    from connector.configfile import ConfigError
    from connector.logs import configure_logging

    console = Console()
    try:
        configure_logging(log_level)
        stack = Stack(
            directory,
            procore_port=procore_port,
            connector_port=connector_port,
            quickbooks_port=quickbooks_port,
            log_level=log_level.lower(),
        )
        serve_until_signalled(stack, show_stack(console))
    except (UpError, ConfigError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    console.print("qbsim up: stopped.", markup=False, highlight=False)
