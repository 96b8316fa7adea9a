"""raw_envelopes=True: the bytes a real Web Connector (.NET SoapHttpClientProtocol) puts on the wire."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, Request, Response

from sim.webconnector import Outcome, SoapCallError, WebConnector
from sim.webconnector.soap_raw import build_envelope, parse_reply

HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
    "<soap:Body>"
)
TAIL = "</soap:Body></soap:Envelope>"
ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorAddRq requestID="7"><VendorAdd><Name>Smith &amp; Sons</Name></VendorAdd></VendorAddRq>'
    "</QBXMLMsgsRq></QBXML>"
)


def test_envelopes_byte_for_byte(make_wc, script, company):
    script.requests = [ADD]
    result = make_wc(raw_envelopes=True).run_update()
    assert result.outcome is Outcome.COMPLETED
    bodies = {r.operation: r.body for r in script.received}
    assert (
        bodies["serverVersion"]
        == f'{HEAD}<serverVersion xmlns="http://developer.intuit.com/" />{TAIL}'.encode()
    )
    assert (
        bodies["authenticate"]
        == (
            f'{HEAD}<authenticate xmlns="http://developer.intuit.com/"><strUserName>procore</strUserName>'
            f"<strPassword>s3cret</strPassword></authenticate>{TAIL}"
        ).encode()
    )
    qb_response = result.exchanges[-1].response
    escaped = qb_response.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert (
        bodies["receiveResponseXML"]
        == (
            f'{HEAD}<receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>TICKET-1</ticket>'
            f"<response>{escaped}</response><hresult /><message /></receiveResponseXML>{TAIL}"
        ).encode()
    )
    # QuickBooks' header, entity-escaped, exactly as in the flowlink capture
    assert (
        b'<response>&lt;?xml version="1.0" ?&gt;\n&lt;QBXML&gt;\n&lt;QBXMLMsgsRs&gt;'
        in bodies["receiveResponseXML"]
    )


def test_later_send_request_carries_empty_hcp_element(make_wc, script):
    script.requests = [ADD, ADD]
    script.percents = [50, 100]
    make_wc(raw_envelopes=True).run_update()
    second = [r.body for r in script.received if r.operation == "sendRequestXML"][1]
    assert (
        b"<ticket>TICKET-1</ticket><strHCPResponse /><strCompanyFileName>C:\\Users\\Public\\Documents\\Intuit"
        in second
    )
    assert second.endswith(
        b"<qbXMLCountry>US</qbXMLCountry><qbXMLMajorVers>16</qbXMLMajorVers>"
        b"<qbXMLMinorVers>0</qbXMLMinorVers></sendRequestXML></soap:Body></soap:Envelope>"
    )


def test_headers(make_wc, script):
    make_wc(raw_envelopes=True).run_update()
    headers = script.received[2].headers
    assert headers["soapaction"] == '"http://developer.intuit.com/authenticate"'
    assert headers["content-type"] == "text/xml; charset=utf-8"
    assert (
        headers["user-agent"]
        == "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)"
    )


def test_parse_error_goes_out_as_filled_hresult_and_message(make_wc, script):
    script.requests = ["<QBXML><oops></QBXML>"]
    make_wc(raw_envelopes=True).run_update()
    body = next(r.body for r in script.received if r.operation == "receiveResponseXML")
    assert body.endswith(
        b"<ticket>TICKET-1</ticket><response /><hresult>0x80040400</hresult>"
        b"<message>QuickBooks found an error when parsing the provided XML text stream.</message>"
        b"</receiveResponseXML></soap:Body></soap:Envelope>"
    )


def test_zeep_mode_sends_prefixed_envelopes(make_wc, script):
    make_wc().run_update()
    body = script.received[2].body
    assert b'<ns0:authenticate xmlns:ns0="http://developer.intuit.com/">' in body
    assert b"<ns0:strUserName>procore</ns0:strUserName>" in body


def test_catches_a_service_that_only_understands_zeep(make_wc, script):
    """A service that looks for the ``ns0:`` prefix works under zeep and breaks under real QBWC bytes."""
    picky = FastAPI()

    @picky.post("/qbwc")
    async def handler(request: Request) -> Response:
        body = await request.body()
        if b"<ns0:" not in body:
            fault = (
                '<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
                "<soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Unknown operation"
                "</faultstring></soap:Fault></soap:Body></soap:Envelope>"
            )
            return Response(fault, status_code=500, media_type="text/xml")
        return Response(b"", status_code=500)

    raw = make_wc(raw_envelopes=True, transport=picky)
    assert isinstance(raw, WebConnector)
    result = raw.run_update()
    assert result.outcome is Outcome.CALL_FAILED
    assert (result.errors[-1].code, result.errors[-1].message) == (
        "QBWC1012",
        "Authentication failed due to error message: Unknown operation.",
    )


# -- reply parsing (hardened) ---------------------------------------------------------------------------
def _reply(inner: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soap:Body>'
        f"{inner}</soap:Body></soap:Envelope>"
    ).encode()


def test_authenticate_reply_with_nil_items():
    reply = _reply(
        '<authenticateResponse xmlns="http://developer.intuit.com/"><authenticateResult><string>T-1</string>'
        '<string xsi:nil="true" /><string>60</string></authenticateResult></authenticateResponse>'
    )
    assert parse_reply("authenticate", 200, reply) == ["T-1", None, "60"]


def test_missing_result_element_is_none_and_empty_is_empty():
    assert (
        parse_reply(
            "sendRequestXML", 200, _reply('<sendRequestXMLResponse xmlns="http://developer.intuit.com/" />')
        )
        is None
    )
    assert (
        parse_reply(
            "sendRequestXML",
            200,
            _reply(
                '<sendRequestXMLResponse xmlns="http://developer.intuit.com/"><sendRequestXMLResult />'
                "</sendRequestXMLResponse>"
            ),
        )
        == ""
    )


def test_receive_result_must_be_an_int():
    bad = _reply(
        '<receiveResponseXMLResponse xmlns="http://developer.intuit.com/"><receiveResponseXMLResult>lots'
        "</receiveResponseXMLResult></receiveResponseXMLResponse>"
    )
    with pytest.raises(SoapCallError, match="receiveResponseXMLResult is not an int: 'lots'"):
        parse_reply("receiveResponseXML", 200, bad)


def test_entity_expansion_reply_is_refused():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
        b'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        b'<closeConnectionResponse xmlns="http://developer.intuit.com/"><closeConnectionResult>&lol2;'
        b"</closeConnectionResult></closeConnectionResponse></soap:Body></soap:Envelope>"
    )
    with pytest.raises(SoapCallError, match="DOCTYPE is not allowed"):
        parse_reply("closeConnection", 200, bomb)


def test_soap12_fault_text():
    fault = (
        b'<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault>'
        b'<env:Code><env:Value>env:Receiver</env:Value></env:Code><env:Reason><env:Text xml:lang="en">'
        b"Database is locked</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>"
    )
    with pytest.raises(SoapCallError) as info:
        parse_reply("getLastError", 500, fault)
    assert (info.value.detail, info.value.http_status) == ("Database is locked", 500)


def test_wrong_reply_element_is_refused():
    with pytest.raises(SoapCallError, match="unexpected reply element"):
        parse_reply(
            "getLastError", 200, _reply('<closeConnectionResponse xmlns="http://developer.intuit.com/" />')
        )


def test_build_envelope_omits_none_and_escapes_text():
    body = build_envelope("connectionError", {"ticket": "a<b>&c", "hresult": None, "message": ""})
    assert body.endswith(
        b'<connectionError xmlns="http://developer.intuit.com/"><ticket>a&lt;b&gt;&amp;c</ticket><message />'
        b"</connectionError></soap:Body></soap:Envelope>"
    )


def test_nil_result_is_none():
    reply = _reply(
        '<getLastErrorResponse xmlns="http://developer.intuit.com/"><getLastErrorResult xsi:nil="true" />'
        "</getLastErrorResponse>"
    )
    assert parse_reply("getLastError", 200, reply) is None
