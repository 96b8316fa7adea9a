"""The served WSDL, and zeep (the emulator's client) driving the service through it, no sockets."""

from __future__ import annotations

import requests
from lxml import etree
from requests.adapters import BaseAdapter
from zeep import Client
from zeep.transports import Transport

WSDL_NS = "http://schemas.xmlsoap.org/wsdl/"
SOAP_NS = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12_NS = "http://schemas.xmlsoap.org/wsdl/soap12/"


class AsgiAdapter(BaseAdapter):
    """A requests adapter that hands every request to an in-process httpx client (the app, no sockets)."""

    def __init__(self, client) -> None:
        super().__init__()
        self.client = client

    def send(self, request, **_kwargs) -> requests.Response:
        resp = self.client.request(
            request.method, request.url, content=request.body, headers=dict(request.headers)
        )
        out = requests.Response()
        out.status_code = resp.status_code
        out._content = resp.content
        out.headers.update(resp.headers)
        out.url = request.url
        out.request = request
        out.encoding = "utf-8"
        return out

    def close(self) -> None:
        return None


def zeep_client(client, url: str = "http://testserver/qbwc?wsdl") -> Client:
    session = requests.Session()
    session.mount("http://", AsgiAdapter(client))
    return Client(url, transport=Transport(session=session))


def test_wsdl_is_the_official_one_with_our_address(harness) -> None:
    resp = harness.client.get("/qbwc?wsdl")
    assert resp.status_code == 200
    root = etree.fromstring(resp.content)
    locations = [a.get("location") for ns in (SOAP_NS, SOAP12_NS) for a in root.iter(f"{{{ns}}}address")]
    assert locations == ["http://testserver/qbwc", "http://testserver/qbwc"]
    operations = [op.get("name") for op in root.find(f"{{{WSDL_NS}}}portType")]
    assert operations == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "connectionError",
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "closeConnection",
    ]


def test_wsdl_address_from_settings(make_harness) -> None:
    h = make_harness(public_url="https://connector.example.com/qbwc")
    root = etree.fromstring(h.client.get("/qbwc?wsdl").content)
    assert {a.get("location") for a in root.iter(f"{{{SOAP_NS}}}address")} == {
        "https://connector.example.com/qbwc"
    }


def test_get_without_wsdl_query_is_404(harness) -> None:
    assert harness.client.get("/qbwc").status_code == 404


def test_zeep_drives_a_whole_session_through_the_served_wsdl(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Zeep Vendor"}, procore_id="7")
    svc = zeep_client(harness.client).service
    assert svc.serverVersion() == "qbsim-connector 0.1.0"
    assert svc.clientVersion(strVersion=kit.QBWC_VERSION) is None  # "" comes back as an empty element
    auth = svc.authenticate(strUserName="acme", strPassword="s3cret")
    ticket, company = auth
    assert company == r"C:\Company\acme.qbw"
    request = svc.sendRequestXML(
        ticket=ticket,
        strHCPResponse=kit.hcp_response(),
        strCompanyFileName=company,
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )
    assert '<VendorAddRq requestID="1"><VendorAdd><Name>Zeep Vendor</Name>' in request
    assert (
        svc.receiveResponseXML(ticket=ticket, response=harness.qb.process(request), hresult="", message="")
        == 100
    )
    assert svc.closeConnection(ticket=ticket) == "OK: 1 done, 0 failed, 0 left for the next update."


def test_zeep_sees_negative_percent_and_last_error(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    svc = zeep_client(harness.client).service
    ticket = svc.authenticate(strUserName="acme", strPassword="s3cret")[0]
    svc.sendRequestXML(
        ticket=ticket,
        strHCPResponse=kit.hcp_response(),
        strCompanyFileName="",
        qbXMLCountry="US",
        qbXMLMajorVers=13,
        qbXMLMinorVers=0,
    )
    message = "QuickBooks found an error when parsing the provided XML text stream."
    assert svc.receiveResponseXML(ticket=ticket, response="", hresult="0x80040400", message=message) == -101
    assert (
        svc.getLastError(ticket=ticket) == f"QuickBooks could not process the request (0x80040400): {message}"
    )
    assert (
        svc.connectionError(ticket=ticket, hresult="0x80040408", message="Could not start QuickBooks.")
        == r"C:\Company\acme.qbw"
    )


def test_zeep_soap12_binding(harness, kit) -> None:
    client = zeep_client(harness.client)
    svc12 = client.bind("TroubleshootWebServiceFS", "TroubleshootWebServiceFSSoap12")
    assert svc12.serverVersion() == "qbsim-connector 0.1.0"
    assert svc12.authenticate(strUserName="acme", strPassword="nope")[1] == "nvu"


def _locations(resp) -> set[str]:
    root = etree.fromstring(resp.content)
    return {a.get("location") for ns in (SOAP_NS, SOAP12_NS) for a in root.iter(f"{{{ns}}}address")}


def test_a_forged_host_header_is_refused_without_a_public_url(harness) -> None:
    resp = harness.client.get("/qbwc?wsdl", headers={"Host": "evil.example:443"})
    assert resp.status_code == 400
    assert resp.headers["content-type"].startswith("text/plain")
    assert resp.text == (
        "Invalid Host header 'evil.example': this connector serves its WSDL only to testserver, localhost, "
        "127.0.0.1, ::1 unless its public URL is configured (QBSIM_CONNECTOR_PUBLIC_URL).\n"
    )


def test_loopback_hosts_are_echoed_with_their_port(make_harness) -> None:
    from connector.config import LOOPBACK_HOSTS, Settings

    assert Settings().allowed_hosts == LOOPBACK_HOSTS == ("localhost", "127.0.0.1", "::1")
    h = make_harness(allowed_hosts=LOOPBACK_HOSTS)
    for host, url in [
        ("127.0.0.1:8765", "http://127.0.0.1:8765/qbwc"),
        ("LOCALHOST:9", "http://localhost:9/qbwc"),
        ("[::1]:8080", "http://[::1]:8080/qbwc"),
    ]:
        resp = h.client.get("/qbwc?wsdl", headers={"Host": host})
        assert resp.status_code == 200, host
        assert {u.lower() for u in _locations(resp)} == {url}
    assert h.client.get("/qbwc?wsdl").status_code == 400  # "testserver" is not loopback


def test_a_configured_public_url_wins_over_any_host_header(make_harness) -> None:
    h = make_harness(public_url="https://connector.example.com/qbwc")
    resp = h.client.get("/qbwc?wsdl", headers={"Host": "evil.example"})
    assert resp.status_code == 200
    assert _locations(resp) == {"https://connector.example.com/qbwc"}
