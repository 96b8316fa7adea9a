"""The web service driven byte-for-byte as the real Web Connector (a .NET SoapHttpClientProtocol) does.

What goes on the wire (flowlink's captured ``*_raw.xml`` envelopes, QBWC-PROTOCOL.md "Wire format"):
``<?xml version="1.0" encoding="utf-8"?>`` then the envelope with the ``soap``/``xsi``/``xsd`` prefixes,
no whitespace between elements, the operation element carrying the *default* namespace
(``<receiveResponseXML xmlns="http://developer.intuit.com/">``), an empty string as a self-closed
element with a space (``<hresult />``), a null string left out, and qbXML entity-escaped as text.
Headers: ``Content-Type: text/xml; charset=utf-8``, a quoted ``SOAPAction``, and .NET's user agent.

Not yet faithful: .NET also sends ``Expect: 100-continue`` (httpx has no 100-continue handshake).
Replies are parsed with the hardened lxml parser; SOAP 1.1 and 1.2 Faults become SoapCallError.
"""

from __future__ import annotations

import httpx
from lxml import etree

from sim.hardened import parse_xml
from sim.webconnector.errors import SoapCallError
from sim.webconnector.soap_service import NAMESPACE, OPERATION_PARAMS, SoapValue
from sim.webconnector.wire import MAX_REPLY_BYTES, Wire

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: What .NET 4's web-services client sends (QBWC is a .NET 4 application).
USER_AGENT = "Mozilla/4.0 (compatible; MSIE 6.0; MS Web Services Client Protocol 4.0.30319.42000)"

ENVELOPE_HEAD = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xsd="http://www.w3.org/2001/XMLSchema"><soap:Body>'
)
ENVELOPE_TAIL = "</soap:Body></soap:Envelope>"


def escape_text(value: str) -> str:
    """XmlSerializer's text escaping: ``&``, ``<`` and ``>`` (quotes stay as they are in text)."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _element(name: str, value: str | int | None) -> str:
    if value is None:
        return ""
    text = str(value)
    if text == "":
        return f"<{name} />"
    return f"<{name}>{escape_text(text)}</{name}>"


def build_envelope(operation: str, params: dict[str, str | int | None]) -> bytes:
    """The exact request bytes real QBWC sends for ``operation``."""
    names = OPERATION_PARAMS[operation]
    if not names:
        body = f'<{operation} xmlns="{NAMESPACE}" />'
    else:
        children = "".join(_element(name, params.get(name)) for name in names)
        body = f'<{operation} xmlns="{NAMESPACE}">{children}</{operation}>'
    return (ENVELOPE_HEAD + body + ENVELOPE_TAIL).encode("utf-8")


def request_headers(operation: str) -> dict[str, str]:
    return {
        "User-Agent": USER_AGENT,
        "Content-Type": "text/xml; charset=utf-8",
        "SOAPAction": f'"{NAMESPACE}{operation}"',
    }


def _fault_text(fault: etree._Element) -> str:
    for path in ("faultstring", f"{{{SOAP12}}}Reason/{{{SOAP12}}}Text"):
        node = fault.find(path)
        if node is not None and node.text:
            return node.text
    return "SOAP Fault"


def parse_reply(operation: str, status: int, content: bytes) -> SoapValue:
    """The ``…Result`` value from a reply envelope, or SoapCallError for a fault or a malformed reply."""
    try:
        envelope = parse_xml(content, cap=MAX_REPLY_BYTES)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise SoapCallError(operation, f"HTTP {status}, reply is not XML: {exc}", http_status=status) from exc
    body = envelope.find(f"{{{SOAP11}}}Body")
    if body is None:
        body = envelope.find(f"{{{SOAP12}}}Body")
    if body is None or len(body) == 0:
        raise SoapCallError(operation, f"HTTP {status}, no SOAP Body in the reply", http_status=status)
    payload = body[0]
    if etree.QName(payload).localname == "Fault":
        raise SoapCallError(operation, _fault_text(payload), http_status=status)
    if status != 200:
        raise SoapCallError(operation, f"HTTP {status} without a SOAP Fault", http_status=status)
    if payload.tag != f"{{{NAMESPACE}}}{operation}Response":
        raise SoapCallError(operation, f"unexpected reply element {payload.tag}", http_status=status)
    result = payload.find(f"{{{NAMESPACE}}}{operation}Result")
    if operation == "authenticate":
        if result is None:
            return []
        return [
            None if item.get(f"{{{XSI}}}nil") == "true" else (item.text or "")
            for item in result.findall(f"{{{NAMESPACE}}}string")
        ]
    if operation == "receiveResponseXML":
        try:
            return int((result.text or "").strip()) if result is not None else _missing(operation, status)
        except ValueError as exc:
            raise SoapCallError(
                operation, f"receiveResponseXMLResult is not an int: {result.text!r}"
            ) from exc
    if result is None or result.get(f"{{{XSI}}}nil") == "true":
        return None
    return result.text or ""


def _missing(operation: str, status: int) -> int:
    raise SoapCallError(operation, f"{operation}Result is missing", http_status=status)


class RawService:
    """SoapService that writes envelopes by hand (real-QBWC bytes) and parses replies with lxml."""

    def __init__(self, app_url: str, wire: Wire) -> None:
        self.app_url = app_url
        self.wire = wire

    def call(self, operation: str, params: dict[str, str | int | None]) -> SoapValue:
        if operation not in OPERATION_PARAMS:
            raise ValueError(f"not a QBWC operation: {operation}")
        try:
            response = self.wire.post(
                self.app_url, build_envelope(operation, params), request_headers(operation)
            )
        except httpx.HTTPError as exc:
            raise SoapCallError(operation, f"{type(exc).__name__}: {exc}") from exc
        return parse_reply(operation, response.status_code, response.content)

    def close(self) -> None:
        self.wire.close()
