"""The two fakes a target is judged against, and the people and the Web Connector who act on them.

    with World.start() as world:                      # the fake Procore on a free port, a company file
        with launcher.launch(world.access) as target:  # the target, told the fake Procore's URL and client
            world.attach(target)
            code = world.procore.export_standard_cost_code("01-100", "Site Work")
            world.until(lambda: world.procore.item("standard_cost_code", code["id"])["status"] == "synced",
                        "the cost code shows Synced in Procore")

What the suite may do to a target is what happens to a customer's connector: Procore users act in the fake
Procore (its ``/_sim`` web-UI routes and REST API), QuickBooks users act in the company file
(``company.ui``, ``company.faults``), Procore sends its webhooks, and the Web Connector emulator runs updates
against the target's QBWC URL. What the suite may read is the two fakes' state and what crossed the wire:
every Web Connector update (SOAP calls and qbXML, :attr:`World.updates`) and every request the target made
to the fake Procore (:attr:`World.procore_calls`).

Not faithful: the target works on its own wall clock, so "until" is a bounded poll (the Web Connector
re-run as its Auto-Run would, Procore's webhooks delivered) rather than a virtual-clock step; Procore's own
clock is the simulators' ``ManualClock`` and moves only when a case moves it (hourly staging and the like).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from conformance.blackbox.target import DEFAULT_SETTLE_SECONDS, ProcoreAccess, Target
from conformance.procore_actions import ProcoreUserActions
from sim.clock import ManualClock, SystemClock
from sim.procore_fake.app import create_app as create_procore_app
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.pc_time import DEFAULT_TZ
from sim.server import BackgroundServer
from sim.webconnector import KillSwitch, UpdateResult, WebConnector
from sim.webconnector.qwc import QWCFile

#: seed 001 prerequisites of the company file: the accounts cost codes post to, the retainage items.
INCOME_ACCOUNT = "Construction Income"
EXPENSE_ACCOUNT = "Job Expenses"
RETENTION_ITEMS = ("Retention", "Retainage")
RETENTION_ACCOUNT = "Retainage Payable"
APPROVER = "Alex Accountant"
SPONSOR = "Erin Sponsor"
POLL_SECONDS = 0.1
#: The suite's own calls to the fake Procore carry this header, so they are not counted as the target's.
SUITE_HEADER = "x-qbsim-suite"


class NotSettled(AssertionError):
    """What a case waited for did not happen within the settle time; names what was awaited."""


class WallFollowingClock(ManualClock):
    """Procore's clock beside a target on the wall clock: wall time, plus whatever the cases advanced.

    A target stamps "connected" on its own clock, and seed 001 refuses projects created before the
    integration was connected: Procore's timestamps must not lag the target's.
    """

    def __init__(self) -> None:
        super().__init__(datetime.now(UTC))
        self._offset = timedelta()

    def now(self) -> datetime:
        with self._lock:
            return datetime.now(UTC) + self._offset

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._offset += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> None:
        with self._lock:
            self._offset = when - datetime.now(UTC)


@dataclass(frozen=True)
class ProcoreCall:
    """One request the target made to the fake Procore, as it crossed the wire."""

    method: str
    path: str
    status: int
    #: The ``Procore-Company-Id`` header it carried ("" without one).
    company_header: str = ""
    #: Whether it carried ``Authorization: Bearer …``.
    bearer: bool = False


class _Recorder:
    """ASGI middleware in front of the fake Procore: records every call except the suite's own ``/_sim``."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.calls: list[ProcoreCall] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        if scope["type"] != "http" or scope["path"].startswith("/_sim") or SUITE_HEADER in headers:
            await self.app(scope, receive, send)
            return
        status: dict[str, int] = {}

        async def send_recorded(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_recorded)
        finally:
            with self._lock:
                self.calls.append(ProcoreCall(
                    scope["method"], scope["path"], status.get("code", 0),
                    headers.get("procore-company-id", ""),
                    headers.get("authorization", "").lower().startswith("bearer "),
                ))


@dataclass
class ProcorePeople(ProcoreUserActions):
    """What people do in the fake Procore and what they see there (its web-UI routes and REST API)."""

    http: httpx.Client
    company_id: int
    users: dict[str, int]
    client_id: str
    client_secret: str = field(repr=False)
    _token: str | None = None
    _counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, f"/_sim/companies/{self.company_id}{path}", json=body)

    def settings(self, **changes: Any) -> httpx.Response:
        return self.sim("PATCH", "/erp/settings", {"as_user_id": self.users[SPONSOR], **changes})

    def send_and_accept(self, item_type: str, item_id: int, sender: str = SPONSOR, **options: Any) -> None:
        sent = self.act("send", sender, item_type, item_id)
        assert sent.status_code == 200, sent.text
        accepted = self.act("accept", APPROVER, item_type, item_id, **options)
        assert accepted.status_code == 200, accepted.text

    def deliver(self) -> None:
        """Procore sends every due webhook now."""
        self.http.post("/_sim/webhooks/deliver").raise_for_status()

    def advance(self, seconds: float) -> list[int]:
        """Procore's clock moves and its schedules run (hourly staging …); the new ERP Request ids."""
        answer = self.http.post("/_sim/clock/advance", json={"seconds": seconds})
        answer.raise_for_status()
        return list(answer.json()["erp_requests"])

    def unique(self, prefix: str) -> str:
        """A name no earlier case used (one Procore company and one company file serve the whole run)."""
        return f"{prefix} {next(self._counter)}"

    def unique_code(self) -> str:
        """A cost code no earlier case used, shaped like Procore's ``01-100``."""
        n = next(self._counter)
        return f"{10 + n // 900:02d}-{100 + n % 900:03d}"

    # -- reading Procore back ------------------------------------------------------------------------
    def status(self, item_type: str, item_id: int) -> str:
        return str(self.item(item_type, item_id)["status"])

    def details(self, item_type: str, item_id: int) -> list[dict[str, Any]]:
        """Procore's ERP request details of one item (the integrator closes them success / failed)."""
        found: list[dict[str, Any]] = self.rest(
            "GET", f"/rest/v1.0/companies/{self.company_id}/erp_request_details",
            {"filters[item_type]": item_type, "filters[item_id]": item_id},
        )
        return found

    # -- making things, as people do in Procore --------------------------------------------------------
    def rest(self, method: str, path: str, body: Any = None, *, expect: int = 200,
             query: dict[str, Any] | None = None) -> Any:
        """Procore's REST API as the company's service account (a GET's ``body`` is its query)."""
        query, payload = (body, None) if method == "GET" else (query, body)
        answer = self.http.request(
            method, path, params=query, json=payload,
            headers={"Authorization": f"Bearer {self._service_token()}",
                     "Procore-Company-Id": str(self.company_id)},
        )
        assert answer.status_code == expect, answer.text
        return answer.json() if answer.content else None

    def _service_token(self) -> str:
        if self._token is None:
            answer = self.http.post("/oauth/token", data={
                "grant_type": "client_credentials", "client_id": self.client_id,
                "client_secret": self.client_secret,
            })
            assert answer.status_code == 200, answer.text
            self._token = str(answer.json()["access_token"])
        return self._token

    def new_standard_cost_code(self, code: str, name: str) -> dict[str, Any]:
        state = self.http.get("/_sim/state").json()["companies"][0]
        body = {"company_id": self.company_id, "standard_cost_code": {
            "standard_cost_code_list_id": state["erp_standard_cost_code_list_id"], "code": code,
            "name": name}}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/standard_cost_codes", body, expect=201)
        return made

    def new_project(self, name: str, **extra: Any) -> dict[str, Any]:
        body = {"company_id": self.company_id, "project": {
            "name": name, "address": "1 Main St", "city": "Austin", "state_code": "TX", "zip": "78701",
            **extra}}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/projects", body, expect=201)
        return made

    def new_vendor(self, name: str, **extra: Any) -> dict[str, Any]:
        body = {"company_id": self.company_id, "vendor": {
            "name": name, "address": "9 Mill Rd", "city": "Austin", "state_code": "TX", "zip": "78702",
            "business_phone": "512-555-0100", **extra}}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/vendors", body, expect=201)
        return made

    def new_work_order(self, project_id: int, vendor_id: int, lines: list[dict[str, Any]],
                       **extra: Any) -> dict[str, Any]:
        body = {"title": "Sitework", "description": "Pour slab and footings", "vendor_id": vendor_id,
                "status": "Approved", "line_items": lines, **extra}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/work_order_contracts",
                                         {"project_id": project_id, "work_order_contract": body}, expect=201)
        return made

    # -- budgets, change orders, subcontractor invoices (seed 002's financial workflows) -----------------
    def new_budget_line(self, project_id: int, cost_code_id: int, amount: str) -> dict[str, Any]:
        """Budget > Add line item: an original budget amount on one of the project's cost codes."""
        line = {"cost_code_id": cost_code_id, "amount": amount}
        body = {"project_id": project_id, "budget_line_item": line}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/budget_line_items", body, expect=201)
        return made

    def new_change_order(self, project_id: int, contract_id: int, title: str,
                         lines: list[dict[str, Any]]) -> dict[str, Any]:
        """An approved commitment change order on a commitment."""
        body = {"change_order": {"contract_id": contract_id, "title": title, "status": "approved",
                                 "line_items": lines}}
        made: dict[str, Any] = self.rest(
            "POST", f"/rest/v1.0/projects/{project_id}/commitment_change_orders", body, expect=201)
        return made

    def commitment_lines(self, project_id: int, contract_id: int) -> list[dict[str, Any]]:
        """A work order contract's schedule of values, as Procore shows it."""
        found: list[dict[str, Any]] = self.rest(
            "GET", f"/rest/v1.0/work_order_contracts/{contract_id}/line_items", {"project_id": project_id})
        return found

    def new_invoice(self, project_id: int, commitment_id: int, number: str, items: list[dict[str, Any]],
                    **extra: Any) -> dict[str, Any]:
        """An approved subcontractor invoice (requisition) billing lines of a commitment."""
        body = {"commitment_id": commitment_id, "invoice_number": number, "billing_date": "2024-02-29",
                "payment_date": "2024-03-30", "status": "approved", "items": items, **extra}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/requisitions",
                                         {"project_id": project_id, "requisition": body}, expect=201)
        return made

    def project_cost_codes(self, project_id: int) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project_id})
        return sorted(found, key=lambda c: c["full_code"])


@dataclass
class World:
    """The fake Procore (served on a free port), a fake company file, and the target once attached."""

    company: CompanyFile
    procore: ProcorePeople
    access: ProcoreAccess
    server: BackgroundServer
    recorder: _Recorder
    settle_seconds: float = DEFAULT_SETTLE_SECONDS
    target: Target | None = None
    #: Every Web Connector update the suite ran, in order (SOAP calls, qbXML exchanged, errors).
    updates: list[UpdateResult] = field(default_factory=list)

    @classmethod
    @contextmanager
    def start(cls, *, procore_port: int = 0, settle_seconds: float = DEFAULT_SETTLE_SECONDS,
              year: int = 2024, product: str = "Premier Contractor",
              job_mode: str = "customers_are_jobs") -> Iterator[World]:
        recorder = _Recorder(create_procore_app(clock=WallFollowingClock()))
        server = BackgroundServer(recorder, port=procore_port).start()  # type: ignore[arg-type]
        company = CompanyFile.create(None, country="US", year=year, product=product,
                                     clock=SystemClock(DEFAULT_TZ))
        http = httpx.Client(base_url=server.url, timeout=30.0, headers={SUITE_HEADER: "1"})
        try:
            prepare_company_file(company)
            seeded = http.get("/_sim/state").raise_for_status().json()["companies"][0]
            client = seeded["oauth_clients"][0]
            people = ProcorePeople(
                http=http, company_id=int(seeded["id"]),
                users={u["name"]: u["id"] for u in seeded["users"] if not u["is_service_account"]},
                client_id=client["client_id"], client_secret=client["client_secret"],
            )
            access = ProcoreAccess(
                procore_url=server.url.replace("127.0.0.1", "localhost"), client_id=people.client_id,
                client_secret=people.client_secret, company_id=people.company_id, qbw_path=company.qbw_path,
                job_mode=job_mode,
            )
            # seed 001 "Projects": the implementation setting, chosen once for the run in Procore's ERP tool
            people.settings(project_mapping=access.job_mode).raise_for_status()
            yield cls(company=company, procore=people, access=access, server=server, recorder=recorder,
                      settle_seconds=settle_seconds)
        finally:
            http.close()
            server.stop()
            company.close()

    def attach(self, target: Target) -> None:
        self.target = target

    # -- what crossed the wire ------------------------------------------------------------------------
    @property
    def procore_calls(self) -> list[ProcoreCall]:
        return list(self.recorder.calls)

    def requests_sent(self, since: int = 0) -> list[str]:
        """The qbXML requests the target sent through the Web Connector (updates ``since`` on)."""
        return [r for update in self.updates[since:] for r in update.requests]

    # -- the Web Connector -----------------------------------------------------------------------------
    def qwc(self) -> QWCFile:
        """The application as a person adds it to the Web Connector: the target's URL and user name."""
        target = self._target()
        return QWCFile(
            app_name=f"qbsim conformance: {target.name}", app_url=target.qbwc_url,
            app_support=target.qbwc_url, user_name=target.username,
            owner_id="{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}",
            file_id="{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}", qb_type="QBFS",
        )

    def run_update(self, *, password: str | None = None, kill: KillSwitch | None = None,
                   **options: Any) -> UpdateResult:
        """One "Update Selected" against the target's URL, over real HTTP (``kill``: the Web Connector
        dies mid-session)."""
        target = self._target()
        with WebConnector(self.qwc(), target.password if password is None else password, self.company,
                          **options) as wc:
            result = wc.run_update(kill=kill)
        self.updates.append(result)
        return result

    def until(self, done: Callable[[], bool], what: str, *, updates: bool = True,
              deliver: bool = True) -> None:
        """Deliver Procore's webhooks and run the Web Connector (as its Auto-Run would) until ``done()``.

        ``deliver=False``: Procore's webhooks are held back (lost, as far as the target can tell) while
        this waits; they go out at a later ``deliver``, as Procore's retries would.

        A target works on its own clock in its own threads or process: this is a bounded poll of the
        fakes' state, failing with ``what`` after ``settle_seconds``.
        """
        deadline = time.monotonic() + self.settle_seconds
        while True:
            if deliver:
                self.procore.deliver()
            if updates:
                self.run_update()
            if done():
                return
            if time.monotonic() > deadline:
                raise NotSettled(f"not within {self.settle_seconds:g} s: {what}")
            time.sleep(POLL_SECONDS)

    def _target(self) -> Target:
        if self.target is None:
            raise RuntimeError("no target attached to this world")
        return self.target


def prepare_company_file(company: CompanyFile) -> None:
    """A contractor file with the seeds' prerequisites, as the accountant sets it up (seed 000 Steps 1-2):
    the Retention/Retainage Service items and "Inventory and purchase orders are active"."""
    names = {str(i.get("FullName")) for i in company.list_records("ItemService")}
    for item in RETENTION_ITEMS:
        if item not in names:
            company.ui.create_service_item(item, account=RETENTION_ACCOUNT)
    company.ui.set_inventory_active(True)
