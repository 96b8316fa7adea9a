"""The envelope parser's element cap and where it runs: a padded envelope is refused before its tree is
built, and parsing never happens on the event loop that serves every other Web Connector."""

from __future__ import annotations

import threading
from xml.sax.saxutils import escape

import pytest
from lxml import etree

from connector.qbwc import routes
from connector.qbwc.soap import SoapFault, parse_envelope
from connector.qbwc.xmlsafe import UnsafeXmlError, parse_xml

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
TNS = "http://developer.intuit.com/"
HEADERS11 = {"Content-Type": "text/xml; charset=utf-8"}


def padded_authenticate(padding: str) -> bytes:
    return (
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><authenticate xmlns="{TNS}">'
        f"<strUserName>acme</strUserName><strPassword>s3cret</strPassword>{padding}"
        "</authenticate></s:Body></s:Envelope>"
    ).encode()


def fault(resp) -> tuple[str, str]:
    assert resp.status_code == 500
    body = etree.fromstring(resp.content).find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert body is not None
    return body.findtext("faultcode"), body.findtext("faultstring")


def test_an_authenticate_padded_with_tiny_elements_is_refused_before_login(harness) -> None:
    # 5 elements of envelope + 60 of padding: one over the cap of 64.
    body = padded_authenticate("<a/>" * 60)
    resp = harness.client.post("/qbwc", content=body, headers=HEADERS11)
    assert fault(resp) == ("soap:Client", "Bad SOAP request: document has more than 64 elements")


def test_an_envelope_at_the_cap_is_answered(harness) -> None:
    body = padded_authenticate("<a/>" * (64 - 5))
    resp = harness.client.post("/qbwc", content=body, headers=HEADERS11)
    assert resp.status_code == 200
    assert [s.text for s in etree.fromstring(resp.content).iter(f"{{{TNS}}}string")][1] == "none"


def test_the_cap_is_a_setting(make_harness) -> None:
    h = make_harness(max_envelope_elements=6)
    resp = h.client.post("/qbwc", content=padded_authenticate("<a/><a/>"), headers=HEADERS11)
    assert fault(resp) == ("soap:Client", "Bad SOAP request: document has more than 6 elements")


def test_the_parse_stops_at_the_cap_instead_of_reading_the_whole_document() -> None:
    """What follows the cap is never parsed: a syntax error 80 KB further on is not what is reported."""
    document = b"<r>" + b"<a/>" * 20_000 + b"<broken" + b"</r>"
    with pytest.raises(UnsafeXmlError) as refused:
        parse_xml(document, 1 << 20, max_elements=100)
    assert str(refused.value) == "document has more than 100 elements"
    with pytest.raises(UnsafeXmlError) as uncapped:
        parse_xml(document, 1 << 20)
    assert str(uncapped.value).startswith("not well-formed XML: ")


def test_escaped_qbxml_counts_as_text_not_elements() -> None:
    """A real receiveResponseXML carries its qbXML entity-escaped: thousands of Rets, four elements."""
    rets = "".join(f"<VendorRet><ListID>{n}</ListID><Name>V{n}</Name></VendorRet>" for n in range(5000))
    qbxml = f'<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs><VendorQueryRs requestID="1">{rets}</VendorQueryRs></QBXMLMsgsRs></QBXML>'  # noqa: E501
    body = (
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><receiveResponseXML xmlns="{TNS}"><ticket>t</ticket>'
        f"<response>{escape(qbxml)}</response><hresult /><message /></receiveResponseXML>"
        "</s:Body></s:Envelope>"
    ).encode()
    call = parse_envelope(body, "text/xml", 16 << 20)
    assert call.params["response"] == qbxml


def test_other_padding_is_still_bounded_by_the_parser_limits() -> None:
    """Comments and processing instructions are dropped while parsing; a text node is capped by libxml2."""
    call = parse_envelope(padded_authenticate("<!-- -->" * 100_000 + "<?pi x?>" * 100_000), None, 16 << 20)
    assert call.params == {"strUserName": "acme", "strPassword": "s3cret"}
    with pytest.raises(SoapFault) as refused:
        parse_envelope(padded_authenticate(f"<a>{'x' * 10_000_001}</a>"), None, 16 << 20)
    assert refused.value.message.startswith(
        "Bad SOAP request: not well-formed XML: Resource limit exceeded: Text node too long"
    )


def test_the_envelope_is_parsed_off_the_event_loop(harness, monkeypatch) -> None:
    """The in-process client runs the app's event loop in the calling thread: the parse must not."""
    parsed_in: list[int] = []

    def recording_parse(*args: object) -> object:
        parsed_in.append(threading.get_ident())
        return parse_envelope(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(routes, "parse_envelope", recording_parse)
    assert harness.wsc.call("serverVersion").text("serverVersion") == "qbsim-connector 0.1.0"
    assert len(parsed_in) == 1
    assert parsed_in[0] != threading.get_ident()


def test_every_answer_says_how_long_the_connector_spent_on_it(harness) -> None:
    resp = harness.client.post("/qbwc", content=padded_authenticate(""), headers=HEADERS11)
    assert resp.status_code == 200
    name, duration = resp.headers["Server-Timing"].split(";")
    assert name == "qbwc" and duration.startswith("dur=") and float(duration.removeprefix("dur=")) >= 0
