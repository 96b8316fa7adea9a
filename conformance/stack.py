"""The whole Web Connector path in one process: fake company file ← emulator → connector.

    stack = Stack.create()                       # QuickBooks 2024 Premier Contractor, US
    stack.connector.export_cost_codes(stack.company_key, codes)
    result = stack.run_update()                  # "Update Selected" in the Web Connector
    stack.company.list_records("ItemService")    # what QuickBooks now holds

One virtual clock drives all three parties (the fake's ``ManualClock``): QuickBooks' timestamps,
the connector's ticket expiry and QWCLog.txt stay in step and no test sleeps. The Web Connector
user's password is typed into the emulator separately from the .qwc, as a person does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conformance.target import ConnectorTarget, InProcessConnector
from connector.sync.context import SyncOptions
from sim.asgi import AsgiTransport
from sim.clock import ManualClock
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app as create_company_app
from sim.quickbooks_fake.pc_time import DEFAULT_START
from sim.webconnector import HttpCompany, KillSwitch, UpdateResult, WebConnector

USERNAME = "procore-sync"
PASSWORD = "correct horse battery staple"
COMPANY_KEY = "procore-demo"
FAKE_URL = "http://quickbooks.local:8765"


@dataclass
class Stack:
    """A company file, a connector and the Web Connector between them."""

    company: CompanyFile
    connector: ConnectorTarget
    clock: ManualClock
    username: str = USERNAME
    password: str = PASSWORD
    company_key: str = COMPANY_KEY
    results: list[UpdateResult] = field(default_factory=list)
    #: Reach the company file through its HTTP face (``POST /qbxml``, ``/_sim/session/*``) instead of
    #: in-process calls — the same fake, over the wire a Web Connector on another machine would use.
    company_over_http: bool = False
    #: Options for every Web Connector of this stack (e.g. ``raw_envelopes=True``: byte-for-byte real
    #: QBWC envelopes instead of zeep's).
    web_connector_options: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        *,
        country: str = "US",
        year: int = 2024,
        product: str = "Premier Contractor",
        seed: int = 0,
        options: SyncOptions | None = None,
        connector: Callable[[ManualClock], ConnectorTarget] | None = None,
        connector_settings: dict[str, Any] | None = None,
        company_over_http: bool = False,
        web_connector_options: dict[str, Any] | None = None,
    ) -> Stack:
        """A fresh stack; ``connector`` builds another target on the shared clock."""
        clock = ManualClock(DEFAULT_START)
        company = CompanyFile.create(
            None, country=country, year=year, product=product, seed=seed, clock=clock
        )
        target: ConnectorTarget = (
            connector(clock)
            if connector is not None
            else InProcessConnector.create(clock=clock.now, options=options, settings=connector_settings)
        )
        stack = cls(
            company=company,
            connector=target,
            clock=clock,
            company_over_http=company_over_http,
            web_connector_options=dict(web_connector_options or {}),
        )
        target.add_user(stack.username, stack.password, stack.company_key, company.qbw_path)
        return stack

    def web_connector(self, *, password: str | None = None, **options: Any) -> WebConnector:
        """The Web Connector with the connector's .qwc loaded and the password typed in."""
        return WebConnector(
            self.connector.qwc(self.username),
            self.password if password is None else password,
            self._company_link(),
            clock=self.clock,
            transport=self.connector.transport,
            **{**self.web_connector_options, **options},
        )

    def _company_link(self) -> CompanyFile | HttpCompany:
        if not self.company_over_http:
            return self.company
        # The link owns this transport: closing the Web Connector closes it (and its event loops).
        return HttpCompany(FAKE_URL, transport=AsgiTransport(create_company_app(self.company)))

    def run_update(
        self, *, password: str | None = None, kill: KillSwitch | None = None, **options: Any
    ) -> UpdateResult:
        """One "Update Selected"; the result is also kept in ``results``."""
        with self.web_connector(password=password, **options) as wc:
            result = wc.run_update(kill=kill)
        self.results.append(result)
        return result

    def advance(self, minutes: float) -> None:
        """Let time pass (e.g. until a dead Web Connector session's ticket expires)."""
        self.clock.advance(minutes * 60)

    def documents(self, result: UpdateResult | None = None) -> list[str]:
        """Every qbXML document (requests and responses, the HCP query included) of an update."""
        results = [result] if result is not None else self.results
        out: list[str] = []
        for res in results:
            for exchange in res.exchanges:
                out.append(exchange.request)
                if exchange.response:
                    out.append(exchange.response)
        return out

    def items(self, kind: str) -> list[dict[str, Any]]:
        """Live records of one QuickBooks list (``ItemService``, ``Vendor`` …), as QuickBooks holds them."""
        return self.company.list_records(kind)
