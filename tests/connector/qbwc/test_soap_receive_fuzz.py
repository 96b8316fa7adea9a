"""Property: whatever arrives at POST /qbwc, the answer is a SOAP response of the operation called or a
SOAP *Client* fault that says what was wrong, never a Server fault, another status or an exception.

Envelopes are generated for every operation (both envelope styles, SOAP 1.1 and 1.2, missing, empty,
repeated, unknown and hostile parameters, real and unknown tickets, odd strHCPResponse and qbXML
responses) and then mutated at the byte level (truncated, spliced, a byte replaced). Derandomized and
bounded, so it runs the same few hundred examples everywhere in a few seconds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from connector.qbwc.soap import OPERATIONS

TNS = "http://developer.intuit.com/"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
FAULT_PREFIXES = ("Bad SOAP request: ", "Unknown operation ")
# Stands for a ticket that opened a real session: each example replaces it with a fresh one.
LIVE_TICKET = "LIVE-TICKET"

INTERESTING = st.sampled_from(
    [
        "",
        " ",
        "²",
        "٣٤",
        "3" * 5000,
        "-1",
        "13",
        "0",
        "0x80040400",
        "nvu",
        "acme",
        "s3cret",
        "<QBXML/>",
        "&amp;",
        "\u202e",
        "\U0001f600",
        "00000000-0000-4000-8000-000000000001",
    ]
)
# Characters XML 1.0 can carry, so the envelope stays well-formed and the operation runs.
TEXT = st.one_of(
    INTERESTING, st.text(st.characters(min_codepoint=0x20, exclude_categories=["Cs"]), max_size=30)
)
# Anything, control characters and lone surrogates included.
RAW_TEXT = st.text(max_size=20)


def _qbxml_response(draw: st.DrawFn) -> str:
    code = draw(st.sampled_from(["0", "1", "3100", "-1", "x", "9" * 40]))
    rid = draw(st.sampled_from(["1", "2", "0", "", "abc", "9" * 30]))
    body = draw(
        st.sampled_from(
            [
                "",
                "<VendorRet><ListID>80000001-1</ListID><EditSequence>1</EditSequence><Name>V</Name></VendorRet>",
                "<VendorRet><EditSequence>1</EditSequence><EditSequence>2</EditSequence></VendorRet>",
                "<VendorRet/>",
            ]
        )
    )
    return (
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        f'<VendorAddRs requestID="{rid}" statusCode="{code}" statusSeverity="Info" statusMessage="m">'
        f"{body}</VendorAddRs>\n</QBXMLMsgsRs>\n</QBXML>\n"
    )


@st.composite
def parameter_value(draw: st.DrawFn, name: str, hcp_response, text: st.SearchStrategy[str]) -> str | None:
    """None = an empty element; otherwise the element's text (escaped when written).

    Mostly what a real Web Connector sends, so most examples get past the envelope and into the
    operation; choices are weighted by repetition in ``sampled_from``.
    """
    choice = draw(st.sampled_from(["real"] * 5 + ["empty", "text"]))
    if choice == "empty":
        return None
    if choice == "text":
        return draw(text)
    if name == "ticket":
        return LIVE_TICKET
    if name == "strHCPResponse":
        return hcp_response(
            product=draw(st.sampled_from(["QuickBooks Pro 2024", "QuickBooks Online", ""]) | text),
            major=draw(st.sampled_from(["34", "31", "", "²", "9" * 5000]) | text),
            country=draw(st.sampled_from(["US", "CA", "UK", "", "us"])),
        )
    if name == "response":
        return _qbxml_response(draw)
    if name in ("qbXMLMajorVers", "qbXMLMinorVers") and draw(st.sampled_from([True] * 4 + [False])):
        return draw(st.sampled_from(["13", "0"]))
    if name in ("qbXMLMajorVers", "qbXMLMinorVers"):
        return str(draw(st.sampled_from([13, 0, 12, 16]) | st.integers() | st.just("9" * 5000)))
    if name == "strUserName":
        return "acme"
    if name == "strPassword":
        return draw(st.sampled_from(["s3cret", "wrong"]))
    if name == "hresult":
        return draw(st.sampled_from(["", "", "0x80040400", "0x80040408", "junk"]))
    if name == "strVersion":
        return draw(st.sampled_from(["34.0.1001.27", "2.3.0.215", "1.0", "x"]))
    return ""


@st.composite
def envelope(draw: st.DrawFn, hcp_response, mutate: bool) -> tuple[bytes, str | None]:
    """A request envelope and its Content-Type: well-formed, or (``mutate``) raw text and byte edits."""
    # The two operations that carry QuickBooks' own documents weigh most.
    deep = ["sendRequestXML", "receiveResponseXML"] * 4
    op = draw(st.sampled_from([*OPERATIONS, *OPERATIONS, *deep, "getInteractiveURL", "Authenticate", ""]))
    expected = list(OPERATIONS.get(op, ()))
    extra = draw(st.lists(st.sampled_from([*expected, "extra", "Ticket"]), max_size=4))
    params = draw(st.sampled_from([expected + extra, extra, draw(st.permutations(expected)) + extra]))
    text = RAW_TEXT | TEXT if mutate else TEXT
    values = [(name, draw(parameter_value(name, hcp_response, text))) for name in params]
    version = draw(st.sampled_from(["1.1", "1.2"]))
    env_ns = draw(st.sampled_from([{"1.1": SOAP11, "1.2": SOAP12}[version]] * 9 + ["urn:not-soap"]))
    op_ns = draw(st.sampled_from([TNS] * 9 + ["urn:other"]))
    if draw(st.booleans()):  # zeep style: prefixed elements
        inner = "".join(f"<ns0:{k} />" if v is None else f"<ns0:{k}>{escape(v)}</ns0:{k}>" for k, v in values)
        operation = f'<ns0:{op} xmlns:ns0="{op_ns}">{inner}</ns0:{op}>' if op else ""
    else:  # the real Web Connector: default namespace on the operation element
        inner = "".join(f"<{k} />" if v is None else f"<{k}>{escape(v)}</{k}>" for k, v in values)
        operation = f'<{op} xmlns="{op_ns}">{inner}</{op}>' if op else ""
    header = "<soap:Header><x:Trace xmlns:x='urn:x'>1</x:Trace></soap:Header>" if draw(st.booleans()) else ""
    twice = draw(st.sampled_from([""] * 19 + [operation]))
    text = (
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{env_ns}">{header}'
        f"<soap:Body>{operation}{twice}</soap:Body></soap:Envelope>"
    )
    body = text.encode("utf-8", "surrogatepass")
    mutation = draw(st.sampled_from(["none", "truncate", "insert", "replace"])) if mutate else "none"
    if mutation == "truncate":
        body = body[: draw(st.integers(0, len(body) - 1))]
    elif mutation == "insert":
        at = draw(st.integers(0, len(body)))
        body = body[:at] + draw(st.binary(min_size=1, max_size=8)) + body[at:]
    elif mutation == "replace":
        at = draw(st.integers(0, len(body) - 1))
        body = body[:at] + bytes([draw(st.integers(0, 255))]) + body[at + 1 :]
    content_type = "application/soap+xml; charset=utf-8" if version == "1.2" else "text/xml; charset=utf-8"
    return body, draw(st.sampled_from([content_type, None, "application/json"]))


def _check_answer(resp, body: bytes) -> None:
    assert resp.status_code in (200, 500), (resp.status_code, body[:300])
    root = etree.fromstring(resp.content)
    assert etree.QName(root).localname == "Envelope"
    if resp.status_code == 200:
        assert root.find(f".//{{{TNS}}}*") is not None, resp.content
        return
    fault_11 = root.find(f"{{{SOAP11}}}Body/{{{SOAP11}}}Fault")
    if fault_11 is not None:
        code, text = fault_11.findtext("faultcode"), fault_11.findtext("faultstring") or ""
        assert code == "soap:Client", (code, text, body[:300])
    else:
        value = root.findtext(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault/{{{SOAP12}}}Code/{{{SOAP12}}}Value")
        text = root.findtext(f"{{{SOAP12}}}Body/{{{SOAP12}}}Fault/{{{SOAP12}}}Reason/{{{SOAP12}}}Text") or ""
        assert value == "soap12:Sender", (value, text, body[:300])
    assert text.startswith(FAULT_PREFIXES) and len(text) > len("Bad SOAP request: "), (text, body[:300])


FUZZ = settings(
    max_examples=150,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _fuzz(make_harness, kit, mutate: bool) -> None:
    # Throttling would answer most authenticates nvu before the store is reached: fuzz behind it.
    harness = make_harness(login_free_failures=10**9)
    service = harness.service

    @FUZZ
    @given(envelope(kit.hcp_response, mutate))
    def answers(case: tuple[bytes, str | None]) -> None:
        body, content_type = case
        if LIVE_TICKET.encode() in body:
            if service.queue.remaining("acme-co") == 0:
                service.queue.enqueue("acme-co", "vendor_add", {"name": "Fuzz Vendor"})
            ticket = service.authenticate("acme", "s3cret")[0]  # replaces the previous live session
            body = body.replace(LIVE_TICKET.encode(), ticket.encode())
        headers = {"Content-Type": content_type} if content_type else {}
        _check_answer(harness.client.post("/qbwc", content=body, headers=headers), body)

    answers()


def test_well_formed_envelopes_get_a_response_or_a_client_fault(make_harness, kit) -> None:
    _fuzz(make_harness, kit, mutate=False)


def test_mutated_envelopes_get_a_response_or_a_client_fault(make_harness, kit) -> None:
    _fuzz(make_harness, kit, mutate=True)
