"""The qbXML envelope around a batch, and a small reader for the responses that come back.

Requests: ``<?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="continueOnError">`` with each
request's ``requestID`` set to its work item id (``"<id>"``, or ``"<id>.<n>"`` when one item sends
several requests). QuickBooks echoes requestID on every ``...Rs`` and processes the requests in
order, continuing after an error (QBXMLMsgsRq onError, qbXML SDK Programmer's Guide).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from connector.qbwc.xmlsafe import parse_xml
from connector.sync.base import QbResponse, RequestBody, RequestElement

QBXML_VERSION = "13.0"


@dataclass(frozen=True)
class BatchEntry:
    """The request elements of one work item in a batch."""

    item_id: int
    elements: tuple[etree._Element, ...]


def to_elements(body: RequestBody, max_bytes: int) -> list[etree._Element]:
    """Normalise a handler's return value (string(s) or element(s)) into fresh elements."""
    items: Sequence[RequestElement] = [body] if isinstance(body, str | etree._Element) else list(body)
    out: list[etree._Element] = []
    for item in items:
        if isinstance(item, str):
            out.append(parse_xml(item, max_bytes))
        else:
            out.append(copy.deepcopy(item))  # a fresh tree: the batch re-parents it
    if not out:
        raise ValueError("a handler returned no request element")
    for el in out:
        if not str(el.tag).endswith("Rq"):
            raise ValueError(f"a handler returned <{el.tag}>, which is not a qbXML request (…Rq)")
    return out


def request_id(item_id: int, index: int, count: int) -> str:
    """``"12"`` for a single request, ``"12.0"``, ``"12.1"`` … for several."""
    return str(item_id) if count == 1 else f"{item_id}.{index}"


def item_id_of(request_id_text: str) -> int | None:
    """The work item id encoded in a requestID, or None when it is not one of ours."""
    head = request_id_text.split(".", 1)[0]
    return int(head) if head.isdigit() else None


def build_batch(entries: Sequence[BatchEntry]) -> str:
    """One QBXMLMsgsRq document for all entries."""
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError="continueOnError")
    for entry in entries:
        for index, el in enumerate(entry.elements):
            el.set("requestID", request_id(entry.item_id, index, len(entry.elements)))
            msgs.append(el)
    body = etree.tostring(root, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{QBXML_VERSION}"?>\n{body}'


def set_continue(el: etree._Element, iterator_id: str) -> None:
    """Turn a query request into the next page of an open iterator."""
    el.set("iterator", "Continue")
    el.set("iteratorID", iterator_id)


def _ret_fields(rs: etree._Element) -> tuple[int, str | None, str | None, str | None]:
    rets = [c for c in rs if isinstance(c.tag, str) and c.tag.endswith("Ret")]
    if not rets:
        return 0, None, None, None
    first = rets[0]
    return len(rets), first.findtext("ListID"), first.findtext("TxnID"), first.findtext("EditSequence")


def parse_responses(qbxml: str, max_bytes: int) -> list[QbResponse]:
    """Every ``...Rs`` of a QBXMLMsgsRs, in document order."""
    root = parse_xml(qbxml, max_bytes)
    msgs = root.find("QBXMLMsgsRs")
    if root.tag != "QBXML" or msgs is None:
        raise ValueError("the response is not a QBXML/QBXMLMsgsRs document")
    out: list[QbResponse] = []
    for rs in msgs:
        if not isinstance(rs.tag, str):
            continue
        code_text = rs.get("statusCode", "")
        try:
            code = int(code_text)
        except ValueError as exc:
            raise ValueError(f"<{rs.tag}> has statusCode {code_text!r}, not an integer") from exc
        count, list_id, txn_id, edit_sequence = _ret_fields(rs)
        remaining = rs.get("iteratorRemainingCount")
        out.append(
            QbResponse(
                request_id=rs.get("requestID", ""),
                name=str(rs.tag),
                status_code=code,
                status_severity=rs.get("statusSeverity", ""),
                status_message=rs.get("statusMessage", ""),
                list_id=list_id,
                txn_id=txn_id,
                edit_sequence=edit_sequence,
                ret_count=count,
                iterator_id=rs.get("iteratorID"),
                iterator_remaining_count=int(remaining) if remaining and remaining.isdigit() else None,
                element=rs,
            )
        )
    return out
