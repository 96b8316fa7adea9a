"""SOAP 1.1 / 1.2 envelopes of the QBWC service (document/literal, namespace http://developer.intuit.com/).

Reads both what zeep sends (prefixed ``ns0:`` elements) and what the real Web Connector sends
(default namespace on the operation element, qbXML entity-escaped inside ``<response>``, empty
``<hresult />`` ``<message />``). Writes responses the way the ASP.NET services in Intuit's samples
do: ``<opResponse xmlns="http://developer.intuit.com/"><opResult>…</opResult></opResponse>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from lxml import etree

from connector.qbwc.xmlsafe import UnsafeXmlError, parse_xml

TNS = "http://developer.intuit.com/"
SOAP11_NS = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_NS = "http://www.w3.org/2003/05/soap-envelope"
SOAP11_CONTENT_TYPE = "text/xml; charset=utf-8"
SOAP12_CONTENT_TYPE = "application/soap+xml; charset=utf-8"

# Parameter names exactly as in the WSDL; ints are the two minOccurs=1 s:int elements.
OPERATIONS: dict[str, tuple[str, ...]] = {
    "serverVersion": (),
    "clientVersion": ("strVersion",),
    "authenticate": ("strUserName", "strPassword"),
    "sendRequestXML": (
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ),
    "receiveResponseXML": ("ticket", "response", "hresult", "message"),
    "connectionError": ("ticket", "hresult", "message"),
    "getLastError": ("ticket",),
    "closeConnection": ("ticket",),
}
INT_PARAMS = frozenset({"qbXMLMajorVers", "qbXMLMinorVers"})
# Envelope + Body + operation + its 6 parameters at most (sendRequestXML); the rest is headroom for a
# SOAP Header some stacks add. qbXML travels entity-escaped as text, so it never counts.
MAX_ENVELOPE_ELEMENTS = 64


class SoapFault(Exception):
    """A fault to send back: ``code`` is "Client" (the request is wrong) or "Server"."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SoapCall:
    """One decoded operation call."""

    soap_version: str  # "1.1" | "1.2"
    operation: str
    params: dict[str, str | int | None]


def soap_version_of(content_type: str | None) -> str:
    """SOAP 1.2 travels as application/soap+xml, SOAP 1.1 as text/xml."""
    return "1.2" if content_type and "application/soap+xml" in content_type.lower() else "1.1"


def parse_envelope(
    body: bytes, content_type: str | None, max_bytes: int, max_elements: int = MAX_ENVELOPE_ELEMENTS
) -> SoapCall:
    """Decode a request envelope or raise :class:`SoapFault` ("Client").

    Blocking (lxml): the HTTP layer calls it off the event loop.
    """
    try:
        root = parse_xml(body, max_bytes, max_elements)
    except UnsafeXmlError as exc:
        raise SoapFault("Client", f"Bad SOAP request: {exc}") from exc
    qname = etree.QName(root)
    if qname.localname != "Envelope" or qname.namespace not in (SOAP11_NS, SOAP12_NS):
        raise SoapFault(
            "Client",
            f"Bad SOAP request: root element is {{{qname.namespace}}}{qname.localname}, "
            "not a SOAP 1.1 or 1.2 Envelope",
        )
    version = "1.2" if qname.namespace == SOAP12_NS else "1.1"
    envelope_ns = qname.namespace
    body_el = root.find(f"{{{envelope_ns}}}Body")
    if body_el is None:
        raise SoapFault("Client", "Bad SOAP request: the Envelope has no Body")
    children = [c for c in body_el if isinstance(c.tag, str)]
    if len(children) != 1:
        raise SoapFault("Client", f"Bad SOAP request: the Body holds {len(children)} elements, expected 1")
    op_el = children[0]
    op_q = etree.QName(op_el)
    if op_q.namespace != TNS:
        raise SoapFault(
            "Client", f"Bad SOAP request: operation element {op_q.localname!r} is not in namespace {TNS}"
        )
    if op_q.localname not in OPERATIONS:
        raise SoapFault(
            "Client",
            f"Unknown operation {op_q.localname!r}; this service implements " + ", ".join(OPERATIONS),
        )
    return SoapCall(version, op_q.localname, _read_params(op_q.localname, op_el))


def _read_params(operation: str, op_el: etree._Element) -> dict[str, str | int | None]:
    """Parameters by exact (qualified) name; unknown elements are ignored, as ASP.NET's XmlSerializer does."""
    params: dict[str, str | int | None] = dict.fromkeys(OPERATIONS[operation])
    for child in op_el:
        if not isinstance(child.tag, str):
            continue
        q = etree.QName(child)
        if q.namespace != TNS or q.localname not in params:
            continue
        text = child.text or ""
        if q.localname in INT_PARAMS:
            try:
                params[q.localname] = int(text.strip())
            except ValueError as exc:
                raise SoapFault(
                    "Client", f"Bad SOAP request: {q.localname} must be an integer, got {text!r}"
                ) from exc
        else:
            params[q.localname] = text
    for name in INT_PARAMS & set(params):
        if params[name] is None:
            raise SoapFault("Client", f"Bad SOAP request: required element {name} is missing")
    return params


def _envelope(version: str, body_xml: str) -> bytes:
    ns = SOAP12_NS if version == "1.2" else SOAP11_NS
    prefix = "soap12" if version == "1.2" else "soap"
    return (
        f'<?xml version="1.0" encoding="utf-8"?><{prefix}:Envelope xmlns:{prefix}="{ns}" '
        f'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f"<{prefix}:Body>{body_xml}</{prefix}:Body></{prefix}:Envelope>"
    ).encode()


def build_response(version: str, operation: str, result: str | int | Sequence[str]) -> bytes:
    """``<{op}Response><{op}Result>…`` in document/literal form; a list becomes ArrayOfString."""
    if isinstance(result, str):
        inner = escape(result)
    elif isinstance(result, int):
        inner = str(result)
    else:
        inner = "".join(f"<string>{escape(s)}</string>" for s in result)
    return _envelope(
        version,
        f'<{operation}Response xmlns="{TNS}"><{operation}Result>{inner}</{operation}Result>'
        f"</{operation}Response>",
    )


def build_fault(version: str, fault: SoapFault) -> bytes:
    """A SOAP Fault: soap:Client/soap:Server (1.1) or soap12:Sender/soap12:Receiver (1.2)."""
    text = escape(fault.message)
    if version == "1.2":
        value = "soap12:Sender" if fault.code == "Client" else "soap12:Receiver"
        return _envelope(
            version,
            f"<soap12:Fault><soap12:Code><soap12:Value>{value}</soap12:Value></soap12:Code>"
            f'<soap12:Reason><soap12:Text xml:lang="en">{text}</soap12:Text></soap12:Reason></soap12:Fault>',
        )
    return _envelope(
        version,
        f"<soap:Fault><faultcode>soap:{fault.code}</faultcode><faultstring>{text}</faultstring></soap:Fault>",
    )
