"""Bad envelopes get a SOAP Fault (Client for the caller's mistakes, Server for ours)."""

from __future__ import annotations

import pytest
from lxml import etree

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
HEADERS11 = {"Content-Type": "text/xml; charset=utf-8"}


def fault11(resp) -> tuple[str, str]:
    assert resp.status_code == 500
    assert resp.headers["content-type"].startswith("text/xml")
    root = etree.fromstring(resp.content)
    fault = root.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    assert fault is not None
    return fault.findtext("faultcode"), fault.findtext("faultstring")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<soap:Envelope", "Bad SOAP request: not well-formed XML: "),
        (b"<hello/>", "Bad SOAP request: root element is {None}hello, not a SOAP 1.1 or 1.2 Envelope"),
        (f'<s:Envelope xmlns:s="{SOAP11}"/>'.encode(), "Bad SOAP request: the Envelope has no Body"),
        (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body/></s:Envelope>'.encode(),
            "Bad SOAP request: the Body holds 0 elements, expected 1",
        ),
        (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><getLastError/></s:Body></s:Envelope>'.encode(),
            "Bad SOAP request: operation element 'getLastError' is not in namespace http://developer.intuit.com/",
        ),
        (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><getInteractiveURL xmlns="http://developer.intuit.com/"/>'
            "</s:Body></s:Envelope>".encode(),
            "Unknown operation 'getInteractiveURL'; this service implements ",
        ),
        (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><sendRequestXML xmlns="http://developer.intuit.com/">'
            "<ticket>t</ticket><qbXMLMajorVers>thirteen</qbXMLMajorVers><qbXMLMinorVers>0</qbXMLMinorVers>"
            "</sendRequestXML></s:Body></s:Envelope>".encode(),
            "Bad SOAP request: qbXMLMajorVers must be an integer, got 'thirteen'",
        ),
        (
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><sendRequestXML xmlns="http://developer.intuit.com/">'
            "<ticket>t</ticket><qbXMLMajorVers>13</qbXMLMajorVers></sendRequestXML></s:Body></s:Envelope>".encode(),
            "Bad SOAP request: required element qbXMLMinorVers is missing",
        ),
    ],
)
def test_bad_envelopes_get_client_faults(harness, body: bytes, message: str) -> None:
    code, text = fault11(harness.client.post("/qbwc", content=body, headers=HEADERS11))
    assert code == "soap:Client"
    assert text.startswith(message)


def test_entity_expansion_attack_is_refused(harness) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>'
        b'<getLastError xmlns="http://developer.intuit.com/"><ticket>&lol2;</ticket></getLastError>'
        b"</s:Body></s:Envelope>"
    )
    code, text = fault11(harness.client.post("/qbwc", content=bomb, headers=HEADERS11))
    assert (code, text) == ("soap:Client", "Bad SOAP request: XML documents with a DOCTYPE are not accepted")


def test_external_entity_is_never_fetched(harness, tmp_path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><getLastError xmlns="http://developer.intuit.com/">'
        "<ticket>&xxe;</ticket></getLastError></s:Body></s:Envelope>"
    ).encode()
    resp = harness.client.post("/qbwc", content=xxe, headers=HEADERS11)
    assert b"TOP SECRET" not in resp.content
    assert fault11(resp)[0] == "soap:Client"


def test_oversized_envelope_is_refused(make_harness) -> None:
    h = make_harness(max_envelope_bytes=2048)
    body = (
        f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><getLastError xmlns="http://developer.intuit.com/">'
        f"<ticket>{'x' * 4096}</ticket></getLastError></s:Body></s:Envelope>"
    ).encode()
    code, text = fault11(h.client.post("/qbwc", content=body, headers=HEADERS11))
    assert code == "soap:Client"
    assert text == f"Bad SOAP request: {len(body)} bytes exceeds the 2048-byte limit"


def test_soap12_fault_uses_sender_code(harness) -> None:
    resp = harness.client.post("/qbwc", content=b"<nope/>", headers={"Content-Type": "application/soap+xml"})
    assert resp.status_code == 500
    assert resp.headers["content-type"].startswith("application/soap+xml")
    root = etree.fromstring(resp.content)
    assert root.findtext(f".//{{{SOAP12}}}Code/{{{SOAP12}}}Value") == "soap12:Sender"
    assert root.findtext(f".//{{{SOAP12}}}Reason/{{{SOAP12}}}Text").startswith(
        "Bad SOAP request: root element"
    )


def test_internal_error_is_a_server_fault(harness, monkeypatch) -> None:
    def broken(*_args: object) -> str:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(harness.service, "get_last_error", broken)
    resp = harness.client.post(
        "/qbwc",
        headers=HEADERS11,
        content=(
            f'<s:Envelope xmlns:s="{SOAP11}"><s:Body><getLastError xmlns="http://developer.intuit.com/">'
            "<ticket>t</ticket></getLastError></s:Body></s:Envelope>"
        ).encode(),
    )
    assert fault11(resp) == ("soap:Server", "The connector failed to process the request; see its log.")


def test_unknown_ticket_answers_without_fault_in_every_operation(harness) -> None:
    wsc = harness.wsc
    unknown = "9f0c1d7e-0000-0000-0000-000000000000"
    reason = "Unknown session ticket; the Web Connector must authenticate again."
    assert wsc.send(unknown) == ""
    assert wsc.receive(unknown, "<QBXML/>") == -101
    assert wsc.last_error(unknown) == reason
    assert wsc.connection_error(unknown, "0x80040408", "Could not start QuickBooks.") == "done"
    assert wsc.close(unknown) == reason
