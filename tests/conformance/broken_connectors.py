"""Deliberately broken doubles of this repository's connector, for proving the conformance suite catches
them: an ASGI middleware in front of the real connector rewrites the qbXML of every sendRequestXML answer.

* :func:`drop_request_ids` — the qbXML requests lose their ``requestID`` attributes;
* :func:`out_of_order` — the children of every ``…Add`` element are sent in reverse (schema) order;
* :func:`ignore_edit_sequence` — every ``…Mod`` carries the EditSequence "1", whatever QuickBooks said;
* :func:`re_add_after_lost_response` — the connector is shown every query's answer as "no match", so the
  probe after a lost response finds nothing and the connector adds the record again.

Use: ``OurConnector(wrap=drop_request_ids)`` as the suite's ``qbsim_target_launcher``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
RESULT = "{http://developer.intuit.com/}sendRequestXMLResult"
RESPONSE = "{http://developer.intuit.com/}response"
NO_MATCH = "A query request did not find a matching object in QuickBooks"
Rewrite = Callable[[str], str]


def _without_request_ids(qbxml: str) -> str:
    return re.sub(r'\s+requestID="[^"]*"', "", qbxml)


def _stale_edit_sequences(qbxml: str) -> str:
    return re.sub(r"<EditSequence>[^<]*</EditSequence>", "<EditSequence>1</EditSequence>", qbxml)


def _reversed_adds(qbxml: str) -> str:
    root = etree.fromstring(qbxml.encode("utf-8"), PARSER)
    for add in root.iter():
        if isinstance(add.tag, str) and add.tag.endswith("Add") and len(add) > 1:
            children = list(add)
            for child in children:
                add.remove(child)
            add.extend(reversed(children))
    head = qbxml[: qbxml.index("<QBXML")]  # the <?xml?> and <?qbxml?> declarations, as they were
    return head + etree.tostring(root, encoding="unicode")


def _middleware(rewrite: Rewrite) -> Callable[[Any], Any]:
    def wrap(app: Any) -> Any:
        async def broken(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] != "POST":
                await app(scope, receive, send)
                return
            start: dict[str, Any] = {}
            chunks: list[bytes] = []

            async def buffer(message: Any) -> None:
                if message["type"] == "http.response.start":
                    start.update(message)
                    return
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = _rewrite_envelope(b"".join(chunks), rewrite)
                headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
                headers.append((b"content-length", str(len(body)).encode()))
                await send({**start, "headers": headers})
                await send({"type": "http.response.body", "body": body})

            await app(scope, receive, buffer)

        return broken

    return wrap


def _rewrite_envelope(body: bytes, rewrite: Rewrite) -> bytes:
    try:
        root = etree.fromstring(body, PARSER)
    except etree.XMLSyntaxError:
        return body  # not SOAP (the WSDL, a webhook answer): passed on untouched
    for result in root.iter(RESULT):
        if result.text and result.text.lstrip().startswith("<?xml"):
            result.text = rewrite(result.text)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _queries_found_nothing(qbxml: str) -> str:
    root = etree.fromstring(qbxml.encode("utf-8"), PARSER)
    for rs in root.iter():
        if isinstance(rs.tag, str) and rs.tag.endswith("QueryRs") and rs.get("statusCode") == "0":
            for child in list(rs):
                rs.remove(child)
            rs.set("statusCode", "1")
            rs.set("statusSeverity", "Info")
            rs.set("statusMessage", NO_MATCH)
    return qbxml[: qbxml.index("<QBXML")] + etree.tostring(root, encoding="unicode")


def _request_middleware(rewrite: Rewrite) -> Callable[[Any], Any]:
    """Rewrite the qbXML the Web Connector hands the connector in receiveResponseXML."""

    def wrap(app: Any) -> Any:
        async def broken(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] != "http" or scope["method"] != "POST":
                await app(scope, receive, send)
                return
            chunks: list[bytes] = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            body = _rewrite_request(b"".join(chunks), rewrite)
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            sent = False

            async def replay() -> Any:
                nonlocal sent
                if sent:
                    return await receive()  # the disconnect, when it comes
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            await app({**scope, "headers": headers}, replay, send)

        return broken

    return wrap


def _rewrite_request(body: bytes, rewrite: Rewrite) -> bytes:
    try:
        root = etree.fromstring(body, PARSER)
    except etree.XMLSyntaxError:
        return body  # a webhook delivery (JSON): passed on untouched
    for response in root.iter(RESPONSE):
        if response.text and "<QBXML" in response.text:
            response.text = rewrite(response.text)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


drop_request_ids = _middleware(_without_request_ids)
out_of_order = _middleware(_reversed_adds)
ignore_edit_sequence = _middleware(_stale_edit_sequences)
re_add_after_lost_response = _request_middleware(_queries_found_nothing)
