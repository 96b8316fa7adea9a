"""Test doubles for the Web Connector emulator's two counterparts.

* ``ScriptedService`` — a small QBWC SOAP service (FastAPI) answering per the official WSDL with canned
  behaviour, accepting both zeep-style (prefixed) and real-QBWC-style envelopes, recording every call.
* ``StubCompany`` — a company file honouring the fake's contract (``begin_session``/``end_session``/
  ``process_request``/``qbw_path``; errors carry ``hresult`` + QuickBooks' message). It answers the
  Host/Company/Preferences query with a response shaped like consolibyte's captured strHCPResponse and
  every other request with a Status OK ``…Rs``; a request that is not well-formed is 0x80040400.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response
from lxml import etree

NS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

QB_MESSAGES = {  # STATUS-CODES.md
    "0x80040400": "QuickBooks found an error when parsing the provided XML text stream.",
    "0x80040408": "Could not start QuickBooks.",
    "0x80040410": "The QuickBooks company data file is currently open in a mode other than the one "
    "specified by your application.",
    "0x8004040D": "The ticket parameter is invalid",
}

SUPPORTED_VERSIONS = ("12.0", "13.0", "16.0", "2.0")  # the stub's HostRet, in that (unsorted) order
QBW_PATH = r"C:\Users\Public\Documents\Intuit\QuickBooks\Company Files\Harbor Construction.qbw"
APP_URL = "http://localhost:8000/qbwc"


def qwc_text(
    *,
    app_url: str = APP_URL,
    support: str = "http://localhost:8000/support",
    scheduler: str = "",
    user: str = "procore",
) -> str:
    return (
        '<?xml version="1.0"?>\n<QBWCXML>\n<AppName>Procore QBD Connector</AppName>\n<AppID></AppID>\n'
        f"<AppURL>{app_url}</AppURL>\n<AppDescription>Procore sync</AppDescription>\n"
        f"<AppSupport>{support}</AppSupport>\n<UserName>{user}</UserName>\n"
        "<OwnerID>{57F3B9B6-86F1-4FCD-B1EF-166DE1813D20}</OwnerID>\n"
        "<FileID>{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}</FileID>\n<QBType>QBFS</QBType>\n"
        f"{scheduler}<IsReadOnly>false</IsReadOnly>\n</QBWCXML>\n"
    )


# -- the company file double -----------------------------------------------------------------------
class StubQBXMLError(Exception):
    def __init__(self, hresult: str) -> None:
        self.hresult = hresult
        self.message = QB_MESSAGES[hresult]
        super().__init__(f"{hresult}: {self.message}")


def _hcp_response(owner_ids: list[str]) -> str:
    ok = 'statusCode="0" statusSeverity="Info" statusMessage="Status OK"'
    data_ext = "".join(
        f"<DataExtRet>\n<OwnerID>{owner}</OwnerID>\n<DataExtName>AppLock</DataExtName>\n"
        "<DataExtType>STR255TYPE</DataExtType>\n<DataExtValue>UNLOCKED</DataExtValue>\n</DataExtRet>\n"
        for owner in owner_ids
    )
    versions = "".join(f"<SupportedQBXMLVersion>{v}</SupportedQBXMLVersion>\n" for v in SUPPORTED_VERSIONS)
    return (
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        f'<HostQueryRs requestID="0" {ok}>\n<HostRet>\n'
        "<ProductName>QuickBooks Premier Contractor Edition 2024</ProductName>\n"
        "<MajorVersion>34</MajorVersion>\n<MinorVersion>0</MinorVersion>\n<Country>US</Country>\n"
        f"{versions}<IsAutomaticLogin>false</IsAutomaticLogin>\n<QBFileMode>SingleUser</QBFileMode>\n"
        "</HostRet>\n</HostQueryRs>\n"
        f'<CompanyQueryRs requestID="1" {ok}>\n<CompanyRet>\n'
        "<IsSampleCompany>false</IsSampleCompany>\n<CompanyName>Harbor Construction</CompanyName>\n"
        f"{data_ext}</CompanyRet>\n</CompanyQueryRs>\n"
        f'<PreferencesQueryRs requestID="2" {ok}>\n'
        "<PreferencesRet>\n<AccountingPreferences>\n<IsUsingAccountNumbers>false</IsUsingAccountNumbers>\n"
        "</AccountingPreferences>\n</PreferencesRet>\n</PreferencesQueryRs>\n</QBXMLMsgsRs>\n</QBXML>\n"
    )


@dataclass
class StubCompany:
    qbw_path: str = QBW_PATH
    session_faults: list[str] = field(default_factory=list)
    request_faults: list[str] = field(default_factory=list)
    sessions: list[tuple[str, str]] = field(default_factory=list)
    open_tickets: set[str] = field(default_factory=set)
    ended: list[str] = field(default_factory=list)
    processed: list[str] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def begin_session(self, app_name: str, mode: str = "DoNotCare", *, read_only: bool = False) -> str:
        if self.session_faults:
            raise StubQBXMLError(self.session_faults.pop(0))
        ticket = f"QB-{next(self._ids)}"
        self.sessions.append((app_name, mode))
        self.open_tickets.add(ticket)
        return ticket

    def end_session(self, ticket: str) -> None:
        self.open_tickets.discard(ticket)
        self.ended.append(ticket)

    def qbxml_versions_for_session(self, ticket: str) -> list[str]:
        if ticket not in self.open_tickets:
            raise StubQBXMLError("0x8004040D")
        return list(SUPPORTED_VERSIONS)

    def process_request(self, qbxml: str, ticket: str | None = None) -> str:
        if ticket is not None and ticket not in self.open_tickets:
            raise StubQBXMLError("0x8004040D")
        if self.request_faults:
            raise StubQBXMLError(self.request_faults.pop(0))
        try:
            root = etree.fromstring(
                qbxml.encode("utf-8"), etree.XMLParser(resolve_entities=False, no_network=True)
            )
        except etree.XMLSyntaxError as exc:
            raise StubQBXMLError("0x80040400") from exc
        msgs = root.find("QBXMLMsgsRq")
        if msgs is None:
            raise StubQBXMLError("0x80040400")
        if msgs.find("HostQueryRq") is not None:
            return _hcp_response([o.text or "" for o in msgs.iter("OwnerID")])
        self.processed.append(qbxml)
        rs = "".join(
            f'<{rq.tag[:-2]}Rs requestID="{rq.get("requestID", "")}" statusCode="0" statusSeverity="Info" '
            'statusMessage="Status OK" />\n'
            for rq in msgs
            if isinstance(rq.tag, str)
        )
        return f'<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n{rs}</QBXMLMsgsRs>\n</QBXML>\n'


# -- the SOAP service double ------------------------------------------------------------------------
@dataclass
class Received:
    operation: str
    params: dict[str, str | None]
    body: bytes
    headers: dict[str, str]


@dataclass
class ScriptedService:
    """Canned answers per operation; lists are consumed in order (the last item repeats)."""

    server_version: str | None = "1.0.0"
    client_version: str | None = ""
    auth: list[str | None] = field(default_factory=lambda: ["TICKET-1", ""])
    requests: list[str] = field(default_factory=list)
    percents: list[int] | None = None
    last_error: list[str] = field(default_factory=lambda: ["No more requests"])
    connection_error: list[str] = field(default_factory=lambda: ["done"])
    close: str = "OK"
    faults: dict[str, str] = field(default_factory=dict)
    raw_replies: dict[str, bytes] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    _sent: int = 0
    _acked: int = 0

    @property
    def operations(self) -> list[str]:
        return [r.operation for r in self.received]

    def params(self, operation: str) -> list[dict[str, str | None]]:
        return [r.params for r in self.received if r.operation == operation]

    @staticmethod
    def _take(items: list[str]) -> str:
        return items.pop(0) if len(items) > 1 else items[0]

    def answer(self, operation: str, params: dict[str, str | None]) -> Any:
        if operation == "serverVersion":
            return self.server_version
        if operation == "clientVersion":
            return self.client_version
        if operation == "authenticate":
            return self.auth
        if operation == "sendRequestXML":
            if self._sent < len(self.requests):
                self._sent += 1
                return self.requests[self._sent - 1]
            return ""
        if operation == "receiveResponseXML":
            self._acked += 1
            if self.percents is not None:
                return self.percents[min(self._acked, len(self.percents)) - 1]
            return int(100 * self._acked / max(len(self.requests), 1))
        if operation == "getLastError":
            return self._take(self.last_error)
        if operation == "connectionError":
            return self._take(self.connection_error)
        if operation == "closeConnection":
            return self.close
        raise AssertionError(operation)


def _result_xml(operation: str, value: Any) -> str:
    if operation == "authenticate":
        items = "".join(
            '<string xsi:nil="true" />' if item is None else f"<string>{_esc(item)}</string>"
            for item in value
        )
        inner = f"<authenticateResult>{items}</authenticateResult>"
    elif value is None:
        inner = ""
    else:
        inner = f"<{operation}Result>{_esc(str(value))}</{operation}Result>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11}" xmlns:xsi="{XSI}">'
        f'<soap:Body><{operation}Response xmlns="{NS}">{inner}</{operation}Response>'
        "</soap:Body></soap:Envelope>"
    )


def _fault_xml(text: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><soap:Fault>'
        f"<faultcode>soap:Server</faultcode><faultstring>{_esc(text)}</faultstring></soap:Fault>"
        "</soap:Body></soap:Envelope>"
    )


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def service_app(script: ScriptedService) -> FastAPI:
    app = FastAPI()

    @app.post("/qbwc")
    async def qbwc(request: Request) -> Response:
        body = await request.body()
        envelope = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
        call = envelope.find(f"{{{SOAP11}}}Body")[0]
        operation = etree.QName(call).localname
        params = {etree.QName(child).localname: (child.text or "") for child in call}
        script.received.append(Received(operation, params, body, dict(request.headers)))
        if operation in script.raw_replies:
            return Response(script.raw_replies[operation], media_type="text/xml")
        if operation in script.faults:
            return Response(_fault_xml(script.faults[operation]), status_code=500, media_type="text/xml")
        value = script.answer(operation, params)
        return Response(_result_xml(operation, value), media_type="text/xml; charset=utf-8")

    return app


def company_http_app(company: StubCompany) -> FastAPI:
    """The fake's HTTP face, over the stub (same routes and error shape as the contract)."""
    from fastapi.responses import JSONResponse

    app = FastAPI()

    def _err(exc: StubQBXMLError) -> JSONResponse:
        return JSONResponse({"error": "QBXMLError", "hresult": exc.hresult, "message": exc.message}, 422)

    @app.post("/qbxml")
    async def qbxml(request: Request, ticket: str | None = None) -> Response:
        try:
            text = company.process_request((await request.body()).decode("utf-8"), ticket)
        except StubQBXMLError as exc:
            return _err(exc)
        return Response(text, media_type="text/xml")

    @app.post("/_sim/session/begin")
    async def begin(payload: dict[str, str]) -> Response:
        try:
            return JSONResponse(
                {"ticket": company.begin_session(payload["app_name"], payload.get("mode", ""))}
            )
        except StubQBXMLError as exc:
            return _err(exc)

    @app.post("/_sim/session/end")
    async def end(payload: dict[str, str]) -> dict[str, bool]:
        company.end_session(payload["ticket"])
        return {"ok": True}

    @app.get("/_sim/session/versions")
    async def versions(ticket: str) -> Response:
        try:
            return JSONResponse({"versions": company.qbxml_versions_for_session(ticket)})
        except StubQBXMLError as exc:
            return _err(exc)

    @app.get("/_sim/state")
    async def state() -> dict[str, Any]:
        return {"company": {"qbw_path": company.qbw_path}}

    return app


@pytest.fixture
def company() -> StubCompany:
    return StubCompany()


@pytest.fixture
def script() -> ScriptedService:
    return ScriptedService()


@pytest.fixture
def make_wc(script: ScriptedService, company: StubCompany) -> Iterator[Callable[..., Any]]:
    from sim.webconnector import WebConnector

    made: list[Any] = []

    def make(**kwargs: Any) -> Any:
        qwc = kwargs.pop("qwc", qwc_text())
        wc = WebConnector(
            qwc,
            kwargs.pop("password", "s3cret"),
            kwargs.pop("company", company),
            transport=kwargs.pop("transport", service_app(script)),
            **kwargs,
        )
        made.append(wc)
        return wc

    yield make
    for wc in made:
        wc.close()


@pytest.fixture
def qwc() -> Callable[..., str]:
    """Builds .qwc text (keyword overrides: app_url, support, scheduler, user)."""
    return qwc_text


@pytest.fixture
def service_factory() -> Callable[[ScriptedService], FastAPI]:
    return service_app


@pytest.fixture
def company_http_factory() -> Callable[[StubCompany], FastAPI]:
    return company_http_app
