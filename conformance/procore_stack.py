"""The whole integration in one process: Procore users → fake Procore → connector → Web Connector →
QuickBooks.

    stack = ProcoreStack.create()                     # fake Procore + connector + company file, wired
    stack.export_standard_cost_code("01-100", "Site Work")   # an approver sends, the accountant accepts
    stack.sync()                                      # webhooks delivered; the connector plans the work
    stack.run_update()                                # "Update Selected" in the Web Connector
    stack.synced("standard_cost_code", code_id)       # Procore shows it Synced with the QuickBooks ListID

Everything crosses the parties' public faces: the connector reaches the fake Procore over HTTP (an
in-process ASGI transport instead of a socket), the fake Procore delivers ERP Request webhooks to the
connector's ``/procore/webhooks`` the same way, people act through the fake's ``/_sim`` web-UI routes, and
the Web Connector emulator drives the connector's SOAP service. Two virtual clocks (QuickBooks' and the
connector's, Procore's) move together in :meth:`ProcoreStack.advance`; nothing sleeps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import httpx
from fastapi import FastAPI
from lxml import etree

from conformance.procore_actions import ProcoreUserActions
from connector.app import create_app as create_connector_app
from connector.config import ProcoreSettings, Settings
from connector.procore.connection import ProcoreSide, TickReport
from connector.qbwc.qwc import QwcSpec, build_qwc
from connector.qbwc.service import QbwcService
from connector.qbxml import Request, RequestBatch, parse_response
from connector.sync.registry import install
from sim.asgi import AsgiTransport
from sim.clock import ManualClock
from sim.procore_fake.app import bind_state, create_state
from sim.procore_fake.app import create_app as create_procore_app
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.pc_time import DEFAULT_START
from sim.webconnector import KillSwitch, UpdateResult, WebConnector

PROCORE_URL = "http://procore.local"
CONNECTOR_URL = "https://connector.local"
CLIENT_ID = "qbsim-client-id"
CLIENT_SECRET = "qbsim-client-secret"
USERNAME = "procore-sync"
PASSWORD = "correct horse battery staple"
WEBHOOK_SECRET = "webhook-secret-of-this-stack"
#: seed 001 prerequisites of the company file: the accounts cost codes post to, and the retainage item.
INCOME_ACCOUNT = "Construction Income"
EXPENSE_ACCOUNT = "Job Expenses"
RETAINAGE_ITEM = "Retainage"

_PROCORE_APP: list[FastAPI] = []


def _procore_app() -> FastAPI:
    """One FastAPI app for the process; each stack binds its own simulated Procore state to it."""
    if not _PROCORE_APP:
        _PROCORE_APP.append(create_procore_app(clock=ManualClock()))
    return _PROCORE_APP[0]


class ConnectorKilled(BaseException):
    """The connector's process died here (kill -9): nothing after this point ran (test-only)."""


#: A kill point on a link: given a request, "before" (it never left) or "after" (it was carried out and
#: its answer lost; raises :class:`ConnectorKilled`), "dropped" (carried out, and the caller's connection
#: drops: what a Web Connector sees of a connector killed while answering), or None to let it pass.
KillPoint = Callable[[httpx.Request], str | None]


class Forward(httpx.BaseTransport):
    """A link between two parties whose target is set later (the fake Procore and the connector each need
    the other's), that can be cut (``down``), logs what crossed it, and can kill the connector at a
    chosen request (``kill``) or run something before one (``before``)."""

    def __init__(self) -> None:
        self.target: httpx.BaseTransport | None = None
        self.down = False
        self.log: list[tuple[str, str]] = []
        self.kill: KillPoint | None = None
        self.before: Callable[[httpx.Request], None] | None = None
        #: Answer a request instead of the target (a 429, a 503 …): return None to let it through.
        self.fault: Callable[[httpx.Request], httpx.Response | None] | None = None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("connection refused (the stack's link is down)", request=request)
        assert self.target is not None, "the stack is not wired yet"
        if self.before is not None:
            self.before(request)
        faulted = self.fault(request) if self.fault is not None else None
        if faulted is not None:
            self.log.append((request.method, f"{request.url.path} -> {faulted.status_code}"))
            return faulted
        when = self.kill(request) if self.kill is not None else None
        if when == "before":
            self.kill = None
            raise ConnectorKilled(f"killed before {request.method} {request.url.path}")
        response = self.target.handle_request(request)
        self.log.append((request.method, request.url.path))
        if when in ("after", "dropped"):
            response.read()
            self.kill = None
            if when == "dropped":  # the caller sees the connection drop, as a client of a killed server does
                raise httpx.ReadError("the server closed the connection without answering", request=request)
            raise ConnectorKilled(f"killed after {request.method} {request.url.path}")
        return response


@dataclass
class ProcoreStack(ProcoreUserActions):
    """A fake Procore, the connector and a fake company file, wired together on virtual clocks."""

    company: CompanyFile
    clock: ManualClock
    procore_clock: ManualClock
    procore: httpx.Client
    connector_app: FastAPI
    company_id: int
    users: dict[str, int]
    company_key: str
    #: The connector's link to Procore: set ``down`` to simulate a Procore outage.
    procore_link: Forward
    #: Procore's link to the connector (webhook deliveries).
    webhook_link: Forward
    #: The Web Connector's link to the connector (SOAP): survives a connector restart mid-session.
    qbwc_link: Forward
    database_url: str = "sqlite://"
    job_mode: str = "customers_are_jobs"
    #: client_credentials (the service account) or authorization_code (a person signed in once).
    grant: str = "client_credentials"
    #: More ``ProcoreSettings`` of the connector (e.g. ``update_synced_vendors=False``).
    procore_options: dict[str, Any] = field(default_factory=dict)
    results: list[UpdateResult] = field(default_factory=list)
    restarts: int = 0

    @classmethod
    def create(
        cls,
        *,
        job_mode: str = "customers_are_jobs",
        database_url: str = "sqlite://",
        grant: str = "client_credentials",
        procore_options: dict[str, Any] | None = None,
        seed: int = 0,
        country: str = "US",
        year: int = 2024,
        product: str = "Premier Contractor",
    ) -> ProcoreStack:
        clock = ManualClock(DEFAULT_START)
        company = CompanyFile.create(
            None, country=country, year=year, product=product, seed=seed, clock=clock
        )
        prepare_company_file(company)
        procore_clock = ManualClock(clock.now())
        webhook_link = Forward()
        state = create_state(clock=procore_clock, webhook_transport=webhook_link)
        procore_app = bind_state(_procore_app(), state)
        procore_link = Forward()  # the connector's link: what the test cuts, delays or kills
        procore_link.target = AsgiTransport(procore_app)
        # People and the test read Procore over their own link, untouched by the connector's faults.
        procore = httpx.Client(transport=AsgiTransport(procore_app), base_url=PROCORE_URL)
        seeded = procore.get("/_sim/state").json()["companies"][0]
        users = {u["name"]: u["id"] for u in seeded["users"] if not u["is_service_account"]}
        stack = cls(
            company=company,
            clock=clock,
            procore_clock=procore_clock,
            procore=procore,
            connector_app=FastAPI(),
            company_id=seeded["id"],
            users=users,
            company_key=f"procore-{seeded['id']}",
            procore_link=procore_link,
            webhook_link=webhook_link,
            qbwc_link=Forward(),
            database_url=database_url,
            job_mode=job_mode,
            grant=grant,
            procore_options=dict(procore_options or {}),
        )
        stack.start_connector()
        if grant == "authorization_code":
            stack.authorize_as("Erin Sponsor")
        stack.settings(project_mapping=job_mode)
        return stack

    # -- the connector -----------------------------------------------------------------------------
    def connector_settings(self) -> Settings:
        procore = ProcoreSettings(
            base_url=PROCORE_URL,
            company_id=self.company_id,
            company_key=self.company_key,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            webhook_url=f"{CONNECTOR_URL}/procore/webhooks",
            webhook_secret=WEBHOOK_SECRET,
            job_mode=self.job_mode,
            grant=self.grant,
            **self.procore_options,
        )
        return Settings(
            database_url=self.database_url,
            clock=self.clock.now,
            password_iterations=1_000,
            procore=(procore,),
        )

    def start_connector(self) -> None:
        """(Re)start the connector on its database, as a restarted process would: nothing but the store
        survives. Its Procore rounds never sleep (429 waits are recorded, not slept)."""
        self.waits: list[float] = []
        app = create_connector_app(
            self.connector_settings(), procore_transport=self.procore_link, procore_sleep=self.waits.append
        )
        install(app.state.qbwc)
        app.state.qbwc.users.add_user(USERNAME, PASSWORD, self.company_key, self.company.qbw_path)
        self.connector_app = app
        self.webhook_link.target = AsgiTransport(app)
        self.qbwc_link.target = AsgiTransport(app, raise_app_exceptions=False)
        self.side.connect_all()

    def authorize_as(self, person: str) -> None:
        """A person signs in once for the connector (authorization-code grant); then it registers."""
        answer = self.procore.get(
            "/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
                "sim_user_id": self.users[person],
            },
        )
        assert answer.status_code == 200, answer.text
        self.side.connections[self.company_key].client.authorize(answer.json()["code"])
        self.side.connect_all()

    def advance_connector(self, seconds: float) -> None:
        """Only the connector's (and QuickBooks') clock moves: Procore's tokens do not expire with it."""
        self.clock.advance(seconds)

    def restart(self) -> None:
        """The connector process is killed and started again on the same store (use a file database)."""
        self.side.stop()
        self.restarts += 1
        self.start_connector()

    @property
    def service(self) -> QbwcService:
        service: QbwcService = self.connector_app.state.qbwc
        return service

    @property
    def side(self) -> ProcoreSide:
        side: ProcoreSide = self.connector_app.state.procore
        return side

    def tick(self) -> TickReport:
        """One round of the connector's Procore half (what its background thread does in serve mode)."""
        return self.side.tick(self.company_key)[self.company_key]

    # -- Procore: what people do, and what Procore sends ---------------------------------------------
    def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.procore.request(method, f"/_sim/companies/{self.company_id}{path}", json=body)

    def settings(self, **changes: Any) -> httpx.Response:
        return self.sim("PATCH", "/erp/settings", {"as_user_id": self.users["Erin Sponsor"], **changes})

    def deliver(self) -> None:
        """Procore sends every due webhook now."""
        answer = self.procore.post("/_sim/webhooks/deliver")
        assert answer.status_code == 200, answer.text

    def sync(self) -> TickReport:
        """Webhooks delivered, then one connector round (read, plan, write back)."""
        self.deliver()
        return self.tick()

    def run_update(self, *, kill: KillSwitch | None = None, password: str = PASSWORD) -> UpdateResult:
        """One Web Connector update, then the connector writes back and Procore's webhooks go out."""
        qwc = build_qwc(QwcSpec(app_name="Procore", app_url=f"{CONNECTOR_URL}/qbwc", username=USERNAME))
        link = httpx.Client(transport=self.qbwc_link, base_url=CONNECTOR_URL)
        try:
            with WebConnector(qwc, password, self.company, clock=self.clock, transport=link) as wc:
                result = wc.run_update(kill=kill)
        finally:
            link.close()
        self.results.append(result)
        return result

    def advance(self, seconds: float) -> list[int]:
        """Time passes for everyone; Procore's schedules run (hourly staging …). Returns new ERP Requests."""
        self.clock.advance(seconds)
        answer = self.procore.post("/_sim/clock/advance", json={"seconds": seconds})
        assert answer.status_code == 200, answer.text
        return list(answer.json()["erp_requests"])

    # -- reading Procore back --------------------------------------------------------------------------
    def synced(self, item_type: str, item_id: int) -> bool:
        return any(i["item_type"] == item_type and i["item_id"] == item_id for i in self.lists()["synced"])

    def details(self, **filters: Any) -> list[dict[str, Any]]:
        """Procore's ERP request details (``status``, ``erp_request_id`` …), read as the service account."""
        state = self.procore.get("/_sim/state").json()
        rows = [d for d in state.get("erp_request_details", []) if d.get("company_id", self.company_id)]
        return [d for d in rows if all(d.get(k) == v for k, v in filters.items())]

    # -- reading QuickBooks back --------------------------------------------------------------------
    def records(self, kind: str) -> list[dict[str, Any]]:
        return self.company.list_records(kind)

    def account_id(self, full_name: str) -> str:
        return next(str(a["ListID"]) for a in self.records("Account") if a["FullName"] == full_name)

    # -- the seeds' workflows, as people do them ----------------------------------------------------------
    def send_and_accept(
        self, item_type: str, item_id: int, sender: str = "Erin Sponsor", **options: Any
    ) -> None:
        sent = self.act("send", sender, item_type, item_id)
        assert sent.status_code == 200, sent.text
        accepted = self.act("accept", "Alex Accountant", item_type, item_id, **options)
        assert accepted.status_code == 200, accepted.text

    def new_standard_cost_code(self, code: str, name: str) -> dict[str, Any]:
        state = self.procore.get("/_sim/state").json()["companies"][0]
        body = {
            "company_id": self.company_id,
            "standard_cost_code": {
                "standard_cost_code_list_id": state["erp_standard_cost_code_list_id"],
                "code": code,
                "name": name,
            },
        }
        return self.rest("POST", "/rest/v1.0/standard_cost_codes", body, expect=201)

    def export_standard_cost_code(self, code: str, name: str) -> dict[str, Any]:
        made = self.new_standard_cost_code(code, name)
        self.send_and_accept(
            "standard_cost_code",
            made["id"],
            income_account_origin_id=self.account_id(INCOME_ACCOUNT),
            expense_account_origin_id=self.account_id(EXPENSE_ACCOUNT),
        )
        return made

    def new_project(self, name: str = "Tower Apartments", **extra: Any) -> dict[str, Any]:
        body = {
            "company_id": self.company_id,
            "project": {"name": name, "address": "1 Main St", "city": "Austin", "state_code": "TX",
                        "zip": "78701", **extra},
        }
        return self.rest("POST", "/rest/v1.0/projects", body, expect=201)

    def new_vendor(self, name: str = "Ace Concrete", **extra: Any) -> dict[str, Any]:
        body = {"company_id": self.company_id,
                "vendor": {"name": name, "address": "9 Mill Rd", "city": "Austin", "state_code": "TX",
                           "zip": "78702", "business_phone": "512-555-0100", **extra}}
        return self.rest("POST", "/rest/v1.0/vendors", body, expect=201)

    # -- budgets (seed 002 "Set Up and Export a Budget", "Update and Export a Budget") ----------------------
    def add_budget_line(self, project_id: int, cost_code_id: int, amount: str) -> dict[str, Any]:
        """Budget > Add line item: an original budget amount on one of the project's cost codes."""
        line = {"cost_code_id": cost_code_id, "amount": amount}
        body = {"project_id": project_id, "budget_line_item": line}
        made: dict[str, Any] = self.rest("POST", "/rest/v1.0/budget_line_items", body, expect=201)
        return made

    def edit_budget_line(self, project_id: int, line_id: int, amount: str) -> dict[str, Any]:
        """An edit of a line's original budget amount (the budget must be unlocked)."""
        body = {"project_id": project_id, "budget_line_item": {"amount": amount}}
        edited: dict[str, Any] = self.rest("PATCH", f"/rest/v1.0/budget_line_items/{line_id}", body)
        return edited

    def budget_lines(self, project_id: int) -> list[dict[str, Any]]:
        """The project's budget line items as the Budget tool shows them."""
        path = f"/_sim/companies/{self.company_id}/projects/{project_id}/budget_line_items"
        answer = self.procore.get(path, params={"as_user_id": self.users["Pat Manager"]})
        assert answer.status_code == 200, answer.text
        rows: list[dict[str, Any]] = answer.json()
        return rows

    def revised_budget(self, project_id: int) -> dict[str, Decimal]:
        """Procore's Revised Budget per cost code (the Budget tool)."""
        lines = self.budget_lines(project_id)
        return {ln["cost_code"]["full_code"]: Decimal(ln["revised_budget"]) for ln in lines}

    def est_cost(self, job: str) -> dict[str, Decimal]:
        """Est. Cost per item of ``job`` in QuickBooks' Job Estimates vs. Actuals Detail report (what Procore
        reads as the Revised Budget, seed 001 "Job Costs")."""
        batch = RequestBatch("13.0")
        batch.add(Request("JobReportQuery", {"JobReportType": "JobEstimatesVsActualsDetail"}), "1")
        [rs] = parse_response(self.company.process_request(batch.to_xml()))
        if not rs.ok:
            raise AssertionError(f"JobReportQuery: {rs.status_code} {rs.status_message}")
        out: dict[str, Decimal] = {}
        inside = False
        for row in etree.fromstring(rs.raw.encode()).iter("TextRow", "DataRow", "SubtotalRow"):
            cells = {int(str(c.get("colID"))): str(c.get("value")) for c in row.iter("ColData")}
            if row.tag == "TextRow" and row.get("value") == job:
                inside = True
            elif row.tag == "SubtotalRow" and cells.get(1) == f"Total {job}":
                inside = False
            elif row.tag == "DataRow" and inside:
                out[cells[1]] = Decimal(cells[2])
        return out

    def rest(self, method: str, path: str, body: Any = None, *, expect: int = 200) -> Any:
        """A call to Procore's REST API as the company's service account (a GET's ``body`` is its query)."""
        token = self._service_token()
        query, payload = (body, None) if method == "GET" else (None, body)
        answer = self.procore.request(
            method, path, params=query, json=payload,
            headers={"Authorization": f"Bearer {token}", "Procore-Company-Id": str(self.company_id)},
        )
        assert answer.status_code == expect, answer.text
        return answer.json()

    def _service_token(self) -> str:
        if not getattr(self, "_token", None):
            answer = self.procore.post(
                "/oauth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                },
            )
            assert answer.status_code == 200, answer.text
            self._token = str(answer.json()["access_token"])
        return self._token


def prepare_company_file(company: CompanyFile) -> None:
    """A new contractor file with the seeds' prerequisites: the Retention/Retainage Service items and
    "Inventory and purchase orders are active" (seed 000/001 "prerequisites")."""
    names = {str(i.get("FullName")) for i in company.list_records("ItemService")}
    for item in ("Retention", RETAINAGE_ITEM):
        if item not in names:
            company.ui.create_service_item(item, account="Retainage Payable")
    company.ui.set_inventory_active(True)


# -- commitment change orders and subcontractor invoices: reading QuickBooks' job costs, shaping Procore ---
def commitment_invoiced(company: CompanyFile, job: str) -> dict[str, Decimal]:
    """Procore's "Commitment Invoiced" per item of ``job``, as the connector would read it (seed 001 Job
    Costs: the Amount of the Custom Transaction Detail report for bill lines received against a PO)."""
    report = _report(
        company,
        "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType>"
        f"<ReportEntityFilter><FullName>{xml_escape(job)}</FullName></ReportEntityFilter>"
        "<ReportTxnTypeFilter><TxnTypeFilter>Bill</TxnTypeFilter></ReportTxnTypeFilter>"
        "<SummarizeRowsBy>TotalOnly</SummarizeRowsBy><IncludeColumn>Item</IncludeColumn>"
        "<IncludeColumn>PONumber</IncludeColumn><IncludeColumn>Amount</IncludeColumn>"
        "</CustomDetailReportQueryRq>",
    )
    invoiced: dict[str, Decimal] = {}
    for row in report.iter("DataRow"):
        values = {c.get("colID"): c.get("value", "") for c in row.findall("ColData")}
        if values.get("3"):  # a P.O. #: received against a purchase order
            item = str(values.get("2"))
            invoiced[item] = invoiced.get(item, Decimal(0)) + Decimal(str(values.get("4")))
    return invoiced


def job_actual_costs(company: CompanyFile, job: str) -> dict[str, Decimal]:
    """Act. Cost per item row of ``job`` in QuickBooks' Job Estimates vs. Actuals Detail (JobReportQuery):
    what Procore's Job to Date Cost reads (seed 001 Job Costs)."""
    report = _report(company, "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType>"
                              f"<ReportEntityFilter><FullName>{xml_escape(job)}</FullName></ReportEntityFilter>"
                              "</JobReportQueryRq>")
    costs: dict[str, Decimal] = {}
    for row in report.iter("DataRow"):
        values = {c.get("colID"): c.get("value", "") for c in row.findall("ColData")}
        if values.get("3"):
            costs[str(values.get("1"))] = Decimal(str(values["3"]).replace(",", ""))
    return costs


def _report(company: CompanyFile, request: str) -> Any:
    answer = company.process_request(
        '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML>'
        f'<QBXMLMsgsRq onError="stopOnError">{request}</QBXMLMsgsRq></QBXML>'
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    report = etree.fromstring(answer.encode(), parser).find(".//ReportRet")
    assert report is not None, answer
    return report


def rewrite_erp_requests(stack: ProcoreStack, change: Callable[[str, Any], Any]) -> None:
    """Procore sends ERP Requests whose ``request_data`` is ``change(request_name, request_data)``: what the
    fake's own prerequisite checks never let through, for testing the connector's own refusals."""

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.method != "GET" or "/erp_requests/" not in request.url.path:
            return None
        assert stack.procore_link.target is not None
        answer = stack.procore_link.target.handle_request(request)
        answer.read()
        body = answer.json()
        body["request_data"] = change(body.get("request_name"), body.get("request_data"))
        return httpx.Response(answer.status_code, json=body, request=request)

    stack.procore_link.fault = fault


# -- what never syncs: a request Procore would send for it -----------------------------------------------
def disguise_next_erp_request(stack: ProcoreStack, request_name: str, request_data: Any) -> None:
    """The next ERP Request the connector reads from Procore comes back as ``request_name`` with
    ``request_data`` (its id and details kept): how a test makes Procore ask for what the fake never emits
    (seed 001 "Limitations": prime contracts, owner invoices, sub jobs …), to judge the connector's
    refusal."""

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.method != "GET" or "/erp_requests/" not in request.url.path:
            return None
        assert stack.procore_link.target is not None
        answer = stack.procore_link.target.handle_request(request)
        answer.read()
        body = answer.json()
        body["request_name"], body["request_data"] = request_name, request_data
        stack.procore_link.fault = None  # the next one only
        return httpx.Response(answer.status_code, json=body, request=request)

    stack.procore_link.fault = fault
