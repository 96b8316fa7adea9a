"""Parsing qbXML responses (what QuickBooks returns from ProcessRequest, via QBWC's receiveResponseXML).

Responses come from outside and are treated as hostile: a hardened lxml parser (no entity resolution, no
network, no DTD loading, lxml's default depth/size limits), a byte cap checked before parsing, a DOCTYPE
refused outright. The tree is walked once; each element costs one dict lookup in a precomputed plan
(``convert.py``), never an XPath.

Typed values: money/quantities -> Decimal, dates -> date, datetimes -> datetime (aware when QuickBooks sends
an offset), booleans, ints; refs and other aggregates -> dicts; repeatable elements (lines, DataExtRet) ->
lists, even with one item. Nothing is lost: an element the tables do not know is kept raw (text, or a dict
of raw children) under its own name and its path is listed in ``Response.unknown``; a value that does not
convert (e.g. ``<Amount>abc</Amount>``) is kept as its text and listed in ``Response.invalid``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any, overload

from lxml import etree

from connector.qbxml.convert import AGGREGATE, STRING, TYPED, Plan, plan
from connector.qbxml.errors import QBXMLParseError, QBXMLStructureError, ResponseTooLargeError
from connector.qbxml.schema import schema_version

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_local = threading.local()


class Record(dict[str, Any]):
    """One ``…Ret`` aggregate as a dict of typed values; ``tag`` says which (``ItemServiceRet``)."""

    __slots__ = ("tag",)
    tag: str


class Response:
    """The answer to one request: status, typed records, iterator state, and the raw element."""

    __slots__ = (
        "_element",
        "fields",
        "invalid",
        "iterator_id",
        "iterator_remaining_count",
        "name",
        "records",
        "request_id",
        "ret_count",
        "status_code",
        "status_message",
        "status_severity",
        "unknown",
    )

    def __init__(self, element: Any, name: str) -> None:
        self._element = element
        self.name = name
        self.request_id: str | None = None
        self.status_code = 0
        self.status_severity = ""
        self.status_message = ""
        self.ret_count: int | None = None
        self.iterator_id: str | None = None
        self.iterator_remaining_count: int | None = None
        self.records: list[Record] = []
        self.fields: dict[str, Any] = {}
        self.unknown: list[str] = []
        self.invalid: list[str] = []

    @property
    def ok(self) -> bool:
        """False only for statusSeverity="Error" (Info and Warn carry data; statusCode 1 = no match)."""
        return self.status_severity != "Error"

    @property
    def raw(self) -> str:
        """The response element exactly as received (re-serialised)."""
        return etree.tostring(self._element, encoding="unicode", with_tail=False)

    def __repr__(self) -> str:
        return (f"Response({self.name} requestID={self.request_id!r} status={self.status_code} "
                f"{self.status_severity} records={len(self.records)})")


class ResponseSet(Sequence[Response]):
    """All responses of one document, in order, addressable by index or by requestID."""

    def __init__(self, responses: list[Response], message_set_status_code: int | None,
                 new_message_set_id: str | None, unknown: list[str], root: Any) -> None:
        self.responses = responses
        self.message_set_status_code = message_set_status_code
        self.new_message_set_id = new_message_set_id
        self.unknown = unknown
        self._root = root
        self._by_id = {r.request_id: r for r in responses if r.request_id is not None}

    @overload
    def __getitem__(self, index: int) -> Response: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Response]: ...
    def __getitem__(self, index: int | slice) -> Response | Sequence[Response]:
        return self.responses[index]

    def __len__(self) -> int:
        return len(self.responses)

    def __iter__(self) -> Iterator[Response]:
        return iter(self.responses)

    def by_request_id(self, request_id: str) -> Response:
        """The response to the request sent with ``requestID=request_id`` (KeyError if none)."""
        return self._by_id[request_id]

    def get(self, request_id: str) -> Response | None:
        return self._by_id.get(request_id)

    @property
    def raw(self) -> str:
        return etree.tostring(self._root, encoding="unicode")


def _parser(from_str: bool) -> Any:
    """Per-thread hardened parsers (lxml parsers are not thread-safe)."""
    key = "str_parser" if from_str else "bytes_parser"
    parser = getattr(_local, key, None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
            remove_comments=True, remove_pis=True, collect_ids=False,
            encoding="utf-8" if from_str else None,
        )
        setattr(_local, key, parser)
    return parser


def parse_xml(xml: str | bytes, max_bytes: int = DEFAULT_MAX_BYTES) -> Any:
    """Parse hostile XML into an lxml root element, or raise a named error."""
    from_str = isinstance(xml, str)
    data = xml.encode("utf-8") if from_str else xml
    if len(data) > max_bytes:
        raise ResponseTooLargeError(len(data), max_bytes)
    try:
        root = etree.fromstring(data, _parser(from_str))
    except etree.XMLSyntaxError as error:
        raise QBXMLParseError(f"response rejected by the XML parser: {error}") from None
    if root is None:
        raise QBXMLParseError("response is empty")
    if root.getroottree().docinfo.doctype:
        raise QBXMLParseError("response has a DOCTYPE; refused (qbXML responses never carry one)")
    return root


def parse_response(
    xml: str | bytes, *, version: str = "13.0", max_bytes: int = DEFAULT_MAX_BYTES
) -> ResponseSet:
    """Parse a ``<QBXML><QBXMLMsgsRs>`` document into typed responses using the ``version`` tables."""
    root = parse_xml(xml, max_bytes)
    if root.tag != "QBXML":
        raise QBXMLStructureError(f"root element is <{root.tag}>, expected <QBXML>")
    responses_table = schema_version(version).responses
    msgs = None
    unknown: list[str] = []
    for child in root:
        if child.tag == "QBXMLMsgsRs" and msgs is None:
            msgs = child
        elif isinstance(child.tag, str):
            unknown.append(child.tag)
    if msgs is None:
        raise QBXMLStructureError("no <QBXMLMsgsRs> in the response")
    status_text = msgs.get("messageSetStatusCode")
    message_set_status = _int_attr(status_text, "QBXMLMsgsRs", "messageSetStatusCode")
    responses = [_parse_rs(rs, responses_table) for rs in msgs if isinstance(rs.tag, str)]
    return ResponseSet(responses, message_set_status, msgs.get("newMessageSetID"), unknown, root)


def parse_response_element(element: Any, *, version: str = "13.0") -> Response:
    """Type one ``…Rs`` element that the caller already parsed (e.g. out of a batch it split itself).

    The element must come from a hardened parse (``parse_xml``); no re-serialisation happens here.
    """
    if not isinstance(element.tag, str) or not element.tag.endswith("Rs"):
        raise QBXMLStructureError(f"<{element.tag}> is not a qbXML response element")
    return _parse_rs(element, schema_version(version).responses)


def _int_attr(text: str | None, where: str, name: str) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise QBXMLStructureError(f"<{where}> {name}={text!r} is not an integer") from None


def _parse_rs(rs: Any, responses_table: dict[str, int]) -> Response:
    name = rs.tag
    response = Response(rs, name)
    attrib = rs.attrib
    code = attrib.get("statusCode")
    if code is None:
        raise QBXMLStructureError(f"<{name}> has no statusCode")
    response.status_code = _int_attr(code, name, "statusCode")  # type: ignore[assignment]
    response.status_severity = attrib.get("statusSeverity", "")
    response.status_message = attrib.get("statusMessage", "")
    response.request_id = attrib.get("requestID")
    response.ret_count = _int_attr(attrib.get("retCount"), name, "retCount")
    response.iterator_id = attrib.get("iteratorID")
    response.iterator_remaining_count = _int_attr(
        attrib.get("iteratorRemainingCount"), name, "iteratorRemainingCount")
    model_id = responses_table.get(name)
    if model_id is None:
        response.unknown.append(name)
        kids: dict[str, Any] = {}
    else:
        kids = plan(model_id).children
    records = response.records
    fields = response.fields
    for child in rs:
        tag = child.tag
        entry = kids.get(tag)
        if entry is not None and entry[0] == AGGREGATE and tag[-3:] == "Ret":
            record = Record()
            record.tag = tag
            records.append(_fill(record, child, entry[2], f"{name}/{tag}", response))
        elif entry is None and isinstance(tag, str) and tag[-3:] == "Ret" and len(child):
            # A Ret the tables do not know (e.g. a newer version's): still a record, with raw values.
            record = Record(_raw(child))
            record.tag = tag
            records.append(record)
            response.unknown.append(f"{name}/{tag}")
        elif isinstance(tag, str):
            _put(fields, child, entry, name, response)
    return response


def _fill(
    target: dict[str, Any], elem: Any, parse_plan: Plan, path: str, response: Response
) -> dict[str, Any]:
    """Fill ``target`` with the typed children of ``elem`` (one pass, one dict lookup per child)."""
    kids = parse_plan.children
    if parse_plan.has_attrs:
        for key, value in elem.items():
            target["@" + key] = value
    for child in elem:
        tag = child.tag
        entry = kids.get(tag)
        if entry is None:
            if isinstance(tag, str):
                _put(target, child, None, path, response)
            continue
        kind = entry[0]
        if kind == STRING:
            value: Any = child.text or ""
        elif kind == TYPED:
            text = child.text
            if not text:
                value = None
            else:
                try:
                    value = entry[1](text)
                except (ValueError, ArithmeticError):
                    value = text
                    response.invalid.append(f"{path}/{tag}")
        elif kind == AGGREGATE:
            value = _fill({}, child, entry[2], f"{path}/{tag}", response)
        else:
            value = _attr_leaf(child, entry, path, response)
        if entry[3]:
            existing = target.get(tag)
            if existing is None:
                target[tag] = [value]
            else:
                existing.append(value)
        elif tag in target:
            _keep_duplicate(target, tag, value, path, response)
        else:
            target[tag] = value
    return target


def _put(target: dict[str, Any], child: Any, entry: Any, path: str, response: Response) -> None:
    """Store a child through the generic route (unknown elements, non-Ret children of a …Rs)."""
    tag = child.tag
    if entry is None:
        value: Any = _raw(child)
        response.unknown.append(f"{path}/{tag}")
        repeat = False
    else:
        holder: dict[str, Any] = {}
        _fill_one(holder, child, entry, path, response)
        value = holder[tag]
        repeat = entry[3]
    if repeat:
        target.setdefault(tag, []).extend(value)
    elif tag in target:
        _keep_duplicate(target, tag, value, path, response)
    else:
        target[tag] = value


def _fill_one(holder: dict[str, Any], child: Any, entry: Any, path: str, response: Response) -> None:
    """The slow, general twin of _fill's inner loop for one known child."""
    kind = entry[0]
    tag = child.tag
    if kind == AGGREGATE:
        value: Any = _fill({}, child, entry[2], f"{path}/{tag}", response)
    elif kind == STRING:
        value = child.text or ""
    elif kind == TYPED:
        value = _typed(child.text, entry[1], f"{path}/{tag}", response)
    else:
        value = _attr_leaf(child, entry, path, response)
    holder[tag] = [value] if entry[3] else value


def _typed(text: str | None, converter: Any, where: str, response: Response) -> Any:
    if not text:
        return None
    try:
        return converter(text)
    except (ValueError, ArithmeticError):
        response.invalid.append(where)
        return text


def _attr_leaf(child: Any, entry: Any, path: str, response: Response) -> Any:
    """A leaf that may carry attributes: the plain value, or ``{"#text": value, "@attr": ...}``."""
    text = child.text or ""
    value: Any = text
    if entry[1] is not None and text:
        try:
            value = entry[1](text)
        except (ValueError, ArithmeticError):
            response.invalid.append(f"{path}/{child.tag}")
    if len(child.attrib):
        result = {"@" + k: v for k, v in child.items()}
        result["#text"] = value
        return result
    return value


def _keep_duplicate(target: dict[str, Any], tag: str, value: Any, path: str, response: Response) -> None:
    """A second occurrence of a single-occurrence element: keep both (as a list) and flag it."""
    previous = target[tag]
    target[tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
    response.invalid.append(f"{path}/{tag}")


def _raw(elem: Any) -> Any:
    """An unknown element as raw strings: its text, or a dict of its children (repeats become lists)."""
    children = [c for c in elem if isinstance(c.tag, str)]
    attrs = {"@" + k: v for k, v in elem.items()}
    if not children:
        if attrs:
            attrs["#text"] = elem.text or ""
            return attrs
        return elem.text or ""
    result: dict[str, Any] = attrs
    for child in children:
        value = _raw(child)
        if child.tag in result:
            previous = result[child.tag]
            result[child.tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            result[child.tag] = value
    return result
