"""Fixtures for the QBWC service tests: a fixed clock, test-only sync handlers, a scripted
QuickBooks responder, and helpers that speak SOAP the two ways clients do (zeep-style prefixed
envelopes and byte-for-byte real-QBWC envelopes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape

import httpx
import pytest
from connector_clock import FixedClock
from fastapi import FastAPI
from lxml import etree

from connector.app import create_app
from connector.config import LOOPBACK_HOSTS, Settings
from connector.qbwc.service import QbwcService
from connector.qbxml import Request, Response
from connector.work import IdMapUpdate, NewWork, Outcome, WorkItemView
from sim.asgi import asgi_client

TNS = "http://developer.intuit.com/"
XSD = Path(__file__).resolve().parents[3] / "connector" / "qbxml" / "schemas" / "qbxmlops130.xsd"


@lru_cache(maxsize=1)
def qbxml_schema() -> etree.XMLSchema:
    """The qbXML 13.0 XSD (the vendored copy in connector/qbxml/schemas), loaded once per process."""
    return etree.XMLSchema(etree.parse(str(XSD)))


def assert_valid_qbxml(document: str) -> None:
    """Every qbXML document a test produces or receives validates against the 13.0 XSD."""
    root = etree.fromstring(document.rsplit("?>", 1)[-1].encode())
    schema = qbxml_schema()
    assert schema.validate(root), f"{schema.error_log.last_error}\n{document}"


SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
QBWC_VERSION = "34.0.1001.27"


class Tickets:
    """Deterministic GUID-shaped tickets."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return f"00000000-0000-4000-8000-{self.n:012d}"


# -- test-only sync handlers (the real ones come from connector/sync) -----------------------------
def _vendor_query(name: str) -> Request:
    return Request("VendorQuery", {"FullName": [name]})


def _first(rs: Response, field: str) -> str | None:
    return str(rs.records[0][field]) if rs.records and field in rs.records[0] else None


class VendorAddHandler:
    """Adds a vendor; probe = VendorQuery by name; 3100 on a re-add counts as failed."""

    kind = "vendor_add"

    def build_request(self, item: WorkItemView) -> Request:
        return Request("VendorAdd", {"Name": item.payload["name"]})

    def build_probe(self, item: WorkItemView) -> Request:
        return _vendor_query(item.payload["name"])

    def _mapped(self, item: WorkItemView, rs: Response) -> Outcome:
        list_id = _first(rs, "ListID")
        update = IdMapUpdate(
            "vendor", item.procore_id or "", list_id or "", _first(rs, "EditSequence"), item.payload["name"]
        )
        return Outcome.done(rs, result={"ListID": list_id}, id_map=(update,))

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        return Outcome.failed(rs) if not rs.ok else self._mapped(item, rs)

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if rs.status_code == 0 and rs.records:
            return self._mapped(item, rs)
        return Outcome.resend()


class PurchaseOrderAddHandler:
    """Adds a PO naming its vendor; probe = PurchaseOrderQuery by RefNumber."""

    kind = "po_add"

    def build_request(self, item: WorkItemView) -> Request:
        p = item.payload
        return Request(
            "PurchaseOrderAdd",
            {
                "VendorRef": {"FullName": p["vendor"]},
                "RefNumber": p["ref"],
                "PurchaseOrderLineAdd": [{"Desc": "Subcontract"}],
            },
        )

    def build_probe(self, item: WorkItemView) -> Request:
        return Request("PurchaseOrderQuery", {"RefNumber": item.payload["ref"]})

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        return Outcome.failed(rs) if not rs.ok else Outcome.done(rs, result={"TxnID": _first(rs, "TxnID")})

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        return Outcome.done(rs, result={"TxnID": _first(rs, "TxnID")}) if rs.records else Outcome.resend()


class ItemServiceImportHandler:
    """Imports Service items page by page (iterator); enqueues nothing, records names seen."""

    kind = "item_service_import"

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.requests: list[Request] = []

    def build_request(self, item: WorkItemView) -> Request:
        req = Request("ItemServiceQuery", {"MaxReturned": item.payload["page"]}, iterator="Start")
        self.requests.append(req)
        return req

    def build_probe(self, item: WorkItemView) -> None:
        return None  # a query is idempotent: re-send it

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        self.seen.extend(str(r["Name"]) for r in rs.records)
        return Outcome.failed(rs) if not rs.ok else Outcome.done(rs)

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)


class VendorThenPoHandler(VendorAddHandler):
    """A vendor add whose success enqueues the PO that names it (follow-up work)."""

    kind = "vendor_then_po"

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        out = super().handle_response(item, responses)
        if out.state != "done":
            return out
        po = NewWork("po_add", {"vendor": item.payload["name"], "ref": item.payload["po_ref"]})
        return Outcome.done(responses[0], result=out.result, id_map=out.id_map, followups=(po,))


# -- a scripted QuickBooks: just enough request processing for these tests -------------------------
@dataclass
class ScriptedQuickBooks:
    """Answers the test handlers' requests like QuickBooks would (statuses from STATUS-CODES.md)."""

    vendors: dict[str, str] = field(default_factory=dict)
    pos: dict[str, str] = field(default_factory=dict)
    items: list[str] = field(default_factory=list)
    adds: list[str] = field(default_factory=list)
    iterators: dict[str, list[str]] = field(default_factory=dict)
    _n: int = 0

    def _id(self) -> str:
        self._n += 1
        return f"{self._n:X}0000-1700000000"

    def process(self, qbxml: str) -> str:
        assert_valid_qbxml(qbxml)
        root = etree.fromstring(qbxml.split("?>", 2)[-1].encode())
        out = [self._one(rq) for rq in root.find("QBXMLMsgsRq")]
        response = (
            '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
            + "\n".join(out)
            + "\n</QBXMLMsgsRs>\n</QBXML>\n"
        )
        assert_valid_qbxml(response)
        return response

    @staticmethod
    def _rs(tag: str, rid: str, code: int, sev: str, msg: str, body: str = "", extra: str = "") -> str:
        return (
            f'<{tag} requestID="{rid}" statusCode="{code}" statusSeverity="{sev}" '
            f'statusMessage="{escape(msg, {chr(34): "&quot;"})}"{extra}>{body}</{tag}>'
        )

    def _one(self, rq: etree._Element) -> str:
        rid, tag = rq.get("requestID", ""), rq.tag
        if tag == "VendorAddRq":
            name = rq.findtext("VendorAdd/Name")
            if name in self.vendors:
                return self._rs(
                    "VendorAddRs",
                    rid,
                    3100,
                    "Error",
                    f'The name "{name}" of the list element is already in use.',
                )
            self.vendors[name] = self._id()
            self.adds.append(f"vendor:{name}")
            return self._rs("VendorAddRs", rid, 0, "Info", "Status OK", self._vendor_ret(name))
        if tag == "VendorQueryRq":
            name = rq.findtext("FullName")
            if name not in self.vendors:
                return self._rs(
                    "VendorQueryRs",
                    rid,
                    1,
                    "Info",
                    "A query request did not find a matching object in QuickBooks",
                )
            return self._rs("VendorQueryRs", rid, 0, "Info", "Status OK", self._vendor_ret(name))
        if tag == "PurchaseOrderAddRq":
            vendor, ref = (
                rq.findtext("PurchaseOrderAdd/VendorRef/FullName"),
                rq.findtext("PurchaseOrderAdd/RefNumber"),
            )
            if vendor not in self.vendors:
                return self._rs(
                    "PurchaseOrderAddRs",
                    rid,
                    3140,
                    "Error",
                    f'There is an invalid reference to QuickBooks Vendor "{vendor}" in the PurchaseOrder.'
                    "  QuickBooks error message: Invalid argument.  "
                    "The specified record does not exist in the list.",
                )
            self.pos[ref] = self._id()
            self.adds.append(f"po:{ref}")
            return self._rs("PurchaseOrderAddRs", rid, 0, "Info", "Status OK", self._po_ret(ref))
        if tag == "PurchaseOrderQueryRq":
            ref = rq.findtext("RefNumber")
            if ref not in self.pos:
                return self._rs(
                    "PurchaseOrderQueryRs",
                    rid,
                    1,
                    "Info",
                    "A query request did not find a matching object in QuickBooks",
                )
            return self._rs("PurchaseOrderQueryRs", rid, 0, "Info", "Status OK", self._po_ret(ref))
        if tag == "ItemServiceQueryRq":
            return self._items(rq, rid)
        raise AssertionError(f"scripted QuickBooks does not know {tag}")

    def _vendor_ret(self, name: str) -> str:
        return (
            f"<VendorRet><ListID>{self.vendors[name]}</ListID><EditSequence>1700000000</EditSequence>"
            f"<Name>{escape(name)}</Name></VendorRet>"
        )

    def _po_ret(self, ref: str) -> str:
        return f"<PurchaseOrderRet><TxnID>{self.pos[ref]}</TxnID><RefNumber>{escape(ref)}</RefNumber></PurchaseOrderRet>"  # noqa: E501

    def _items(self, rq: etree._Element, rid: str) -> str:
        if rq.get("iterator") == "Continue":
            iterator_id = rq.get("iteratorID", "")
            if iterator_id not in self.iterators:
                return self._rs(
                    "ItemServiceQueryRs",
                    rid,
                    3120,
                    "Error",
                    f'Object "{iterator_id}" specified in the request cannot be found.  '
                    "QuickBooks error message: Invalid argument.  "
                    "The specified record does not exist in the list.",
                )
            rest = self.iterators[iterator_id]
        else:
            iterator_id = "{" + f"{len(self.iterators) + 1:08d}-0000-0000-0000-000000000000" + "}"
            rest = list(self.items)
        page_size = int(rq.findtext("MaxReturned") or 100)
        page, rest = rest[:page_size], rest[page_size:]
        self.iterators[iterator_id] = rest
        body = "".join(
            f"<ItemServiceRet><ListID>I{n}</ListID><Name>{escape(n)}</Name></ItemServiceRet>" for n in page
        )
        extra = f' iteratorRemainingCount="{len(rest)}" iteratorID="{iterator_id}"'
        return self._rs("ItemServiceQueryRs", rid, 0, "Info", "Status OK", body, extra)


PREFERENCES = (
    "<AccountingPreferences>\n<IsUsingAccountNumbers>false</IsUsingAccountNumbers>\n"
    "<IsRequiringAccounts>true</IsRequiringAccounts>\n<IsUsingClassTracking>true</IsUsingClassTracking>\n"
    "<IsUsingAuditTrail>true</IsUsingAuditTrail>\n"
    "<IsAssigningJournalEntryNumbers>true</IsAssigningJournalEntryNumbers>\n"
    "</AccountingPreferences>\n<FinanceChargePreferences>\n<GracePeriod>0</GracePeriod>\n"
    "<IsAssessingForOverdueCharges>false</IsAssessingForOverdueCharges>\n"
    "<CalculateChargesFrom>DueDate</CalculateChargesFrom>\n"
    "<IsMarkedToBePrinted>false</IsMarkedToBePrinted>\n</FinanceChargePreferences>\n<JobsAndEstimatesPreferences>\n"
    "<IsUsingEstimates>true</IsUsingEstimates>\n<IsUsingProgressInvoicing>true</IsUsingProgressInvoicing>\n"
    "<IsPrintingItemsWithZeroAmounts>false</IsPrintingItemsWithZeroAmounts>\n</JobsAndEstimatesPreferences>\n"
    "<MultiCurrencyPreferences>\n<IsMultiCurrencyOn>false</IsMultiCurrencyOn>\n</MultiCurrencyPreferences>\n"
    "<PurchasesAndVendorsPreferences>\n<IsUsingInventory>false</IsUsingInventory>\n"
    "<DaysBillsAreDue>10</DaysBillsAreDue>\n"
    "<IsAutomaticallyUsingDiscounts>false</IsAutomaticallyUsingDiscounts>\n</PurchasesAndVendorsPreferences>\n"
    "<ReportsPreferences>\n<AgingReportBasis>AgeFromDueDate</AgingReportBasis>\n"
    "<SummaryReportBasis>Accrual</SummaryReportBasis>\n</ReportsPreferences>\n"
    "<TimeTrackingPreferences>\n<FirstDayOfWeek>Monday</FirstDayOfWeek>\n</TimeTrackingPreferences>\n"
    "<CurrentAppAccessRights>\n<IsAutomaticLoginAllowed>false</IsAutomaticLoginAllowed>\n"
    "<IsPersonalDataAccessAllowed>false</IsPersonalDataAccessAllowed>\n</CurrentAppAccessRights>\n"
)


# -- HCP response ---------------------------------------------------------------------------------
def hcp_response(
    product: str = "QuickBooks Premier Contractor Edition 2024",
    major: str = "34",
    country: str = "US",
    versions: Sequence[str] = ("12.0", "13.0", "14.0", "15.0", "16.0"),
) -> str:
    """strHCPResponse as QuickBooks returns it for Host/Company/PreferencesQuery (requestIDs 0..2)."""
    supported = "\n".join(f"<SupportedQBXMLVersion>{v}</SupportedQBXMLVersion>" for v in versions)
    return (
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        '<HostQueryRs requestID="0" statusCode="0" statusSeverity="Info" statusMessage="Status OK">\n<HostRet>\n'  # noqa: E501
        f"<ProductName>{product}</ProductName>\n<MajorVersion>{major}</MajorVersion>\n"
        f"<MinorVersion>0</MinorVersion>\n<Country>{country}</Country>\n{supported}\n"
        "<IsAutomaticLogin>false</IsAutomaticLogin>\n<QBFileMode>SingleUser</QBFileMode>\n</HostRet>\n</HostQueryRs>\n"
        '<CompanyQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">\n'
        "<CompanyRet>\n<IsSampleCompany>false</IsSampleCompany>\n<CompanyName>Acme Builders</CompanyName>\n"
        "</CompanyRet>\n</CompanyQueryRs>\n"
        '<PreferencesQueryRs requestID="2" statusCode="0" statusSeverity="Info" statusMessage="Status OK">\n'
        f"<PreferencesRet>\n{PREFERENCES}</PreferencesRet>\n</PreferencesQueryRs>\n</QBXMLMsgsRs>\n</QBXML>\n"
    )


# -- SOAP by hand ------------------------------------------------------------------------------------
def envelope(
    op: str, params: Sequence[tuple[str, str | int | None]], style: str = "qbwc", version: str = "1.1"
) -> bytes:
    """A request envelope: ``qbwc`` = what the real Web Connector sends; ``zeep`` = prefixed ns0."""
    env_ns = SOAP12 if version == "1.2" else SOAP11
    if style == "qbwc":
        inner = "".join(
            f"<{k} />" if v is None or v == "" else f"<{k}>{escape(str(v))}</{k}>" for k, v in params
        )
        body = f'<{op} xmlns="{TNS}">{inner}</{op}>'
        return (
            f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env_ns}" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
            f"<soap:Body>{body}</soap:Body></soap:Envelope>"
        ).encode()
    inner = "".join(f"<ns0:{k}>{escape(str(v))}</ns0:{k}>" for k, v in params if v is not None)
    return (
        f"<?xml version='1.0' encoding='utf-8'?>\n<soap-env:Envelope xmlns:soap-env=\"{env_ns}\">"
        f'<soap-env:Body><ns0:{op} xmlns:ns0="{TNS}">{inner}</ns0:{op}></soap-env:Body></soap-env:Envelope>'
    ).encode()


@dataclass
class SoapResult:
    """A decoded SOAP answer."""

    status: int
    content_type: str
    root: etree._Element

    def result(self, op: str) -> etree._Element:
        found = self.root.find(f".//{{{TNS}}}{op}Result")
        assert found is not None, etree.tostring(self.root)
        return found

    def text(self, op: str) -> str:
        return self.result(op).text or ""

    def strings(self, op: str) -> list[str]:
        return [s.text or "" for s in self.result(op).findall(f"{{{TNS}}}string")]


class Wsc:
    """Calls the service over HTTP (in process) the way a Web Connector does."""

    def __init__(self, client: httpx.Client, style: str = "qbwc", version: str = "1.1") -> None:
        self.client, self.style, self.version = client, style, version

    def call(self, op: str, *params: tuple[str, str | int | None]) -> SoapResult:
        if self.version == "1.2":
            headers = {"Content-Type": f'application/soap+xml; charset=utf-8; action="{TNS}{op}"'}
        else:
            headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{TNS}{op}"'}
        resp = self.client.post(
            "/qbwc", content=envelope(op, params, self.style, self.version), headers=headers
        )
        return SoapResult(resp.status_code, resp.headers["content-type"], etree.fromstring(resp.content))

    def authenticate(self, user: str = "acme", password: str = "s3cret") -> list[str]:
        return self.call("authenticate", ("strUserName", user), ("strPassword", password)).strings(
            "authenticate"
        )

    def send(self, ticket: str, hcp: str = "", company_file: str = r"C:\Company\acme.qbw") -> str:
        return self.call(
            "sendRequestXML",
            ("ticket", ticket),
            ("strHCPResponse", hcp),
            ("strCompanyFileName", company_file),
            ("qbXMLCountry", "US"),
            ("qbXMLMajorVers", 13),
            ("qbXMLMinorVers", 0),
        ).text("sendRequestXML")

    def receive(self, ticket: str, response: str = "", hresult: str = "", message: str = "") -> int:
        return int(
            self.call(
                "receiveResponseXML",
                ("ticket", ticket),
                ("response", response),
                ("hresult", hresult),
                ("message", message),
            ).text("receiveResponseXML")
        )

    def last_error(self, ticket: str) -> str:
        return self.call("getLastError", ("ticket", ticket)).text("getLastError")

    def close(self, ticket: str) -> str:
        return self.call("closeConnection", ("ticket", ticket)).text("closeConnection")

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        return self.call(
            "connectionError", ("ticket", ticket), ("hresult", hresult), ("message", message)
        ).text("connectionError")

    def run_update(self, qb: ScriptedQuickBooks, hcp: str | None = None) -> list[int]:
        """One whole update session, as QBWC drives it; returns the percentages received."""
        ticket, status = self.authenticate()[:2]
        assert status not in ("nvu", "none", "busy"), status
        percents: list[int] = []
        request = self.send(ticket, hcp if hcp is not None else hcp_response())
        while request:
            percent = self.receive(ticket, qb.process(request))
            percents.append(percent)
            if percent < 0 or percent == 100:
                break
            request = self.send(ticket)
        self.close(ticket)
        return percents


@dataclass
class Harness:
    """An app, its service, its clock and a Web Connector speaking to it."""

    client: httpx.Client
    service: QbwcService
    clock: FixedClock
    wsc: Wsc
    qb: ScriptedQuickBooks
    settings: Settings
    #: Every client the fixture opened (this one and restarts), closed at teardown.
    opened: list[httpx.Client] = field(default_factory=list)
    #: The ASGI app behind ``client`` (for a second client, e.g. from another address).
    app: FastAPI | None = None

    def reopen(self) -> Harness:
        """A new app on the same database URL (a connector restart)."""
        app = create_app(self.settings, self.service.handlers)
        client = asgi_client(app)
        self.opened.append(client)
        return Harness(
            client, app.state.qbwc, self.clock, Wsc(client), self.qb, self.settings, self.opened, app
        )


@pytest.fixture
def make_harness(tmp_path: object) -> Iterator[Callable[..., Harness]]:
    clients: list[httpx.Client] = []

    def make(**overrides: object) -> Harness:
        clock = FixedClock()
        values: dict[str, object] = {
            "clock": clock,
            "ticket_factory": Tickets(),
            "password_iterations": 1000,
            # httpx's in-process base URL is http://testserver: let the WSDL echo it, as it echoes loopback.
            "allowed_hosts": ("testserver", *LOOPBACK_HOSTS),
        }
        values.update(overrides)
        settings = Settings(**values)  # type: ignore[arg-type]
        handlers = [
            VendorAddHandler(),
            PurchaseOrderAddHandler(),
            ItemServiceImportHandler(),
            VendorThenPoHandler(),
        ]
        app = create_app(settings, {h.kind: h for h in handlers})
        service: QbwcService = app.state.qbwc
        service.users.add_user("acme", "s3cret", "acme-co", r"C:\Company\acme.qbw")
        client = asgi_client(app)
        clients.append(client)
        return Harness(client, service, clock, Wsc(client), ScriptedQuickBooks(), settings, clients, app)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def harness(make_harness: Callable[..., Harness]) -> Harness:
    return make_harness()


@dataclass(frozen=True)
class Kit:
    """Helpers for test modules (conftest modules cannot be imported under --import-mode=importlib)."""

    hcp_response: Callable[..., str] = hcp_response
    assert_valid_qbxml: Callable[[str], None] = assert_valid_qbxml
    envelope: Callable[..., bytes] = envelope
    Wsc: type[Wsc] = Wsc
    ScriptedQuickBooks: type[ScriptedQuickBooks] = ScriptedQuickBooks
    FixedClock: type[FixedClock] = FixedClock
    TNS: str = TNS
    QBWC_VERSION: str = QBWC_VERSION


@pytest.fixture
def kit() -> Kit:
    return Kit()
