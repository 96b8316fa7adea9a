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

import gc
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, overload

from lxml import etree

from connector.qbxml import record_layout
from connector.qbxml.convert import AGGREGATE, STRING, TYPED, Plan, plan
from connector.qbxml.errors import QBXMLParseError, QBXMLStructureError, ResponseTooLargeError
from connector.qbxml.schema import MODELS, schema_version

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_local = threading.local()
_TYPING = threading.Lock()
# "@name" keys of every attribute the tables know, made once: records share them (a report's 100,000
# ColData cells would otherwise hold 200,000 copies of "@colID" and "@value").
_PREFIXED: dict[str, str] = {name: "@" + name for model in MODELS for name in model[1]}


_GC_LOCK = threading.Lock()
_gc_pausers = 0
_gc_was_enabled = False


@contextmanager
def collections_paused() -> Iterator[None]:
    """The cyclic garbage collector paused while a response is typed, as it was afterwards.

    Typing 10,000 records allocates some 60,000 dicts and lists, which triggers collections that traverse
    every container of the process (a connector's heap is large), and they can free nothing: records
    are acyclic (values, dicts and lists of values) and the element proxies die by reference counting.
    Pausing saves that traversal, about a fifth of a large parse. Reference counting still frees
    everything as usual. Threads typing at once share the pause (a count); the last one out restores
    the collector only if it was enabled when the first one came in.
    """
    global _gc_pausers, _gc_was_enabled
    with _GC_LOCK:
        if _gc_pausers == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_pausers += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_pausers -= 1
            if _gc_pausers == 0 and _gc_was_enabled:
                gc.enable()


class Record(dict[str, Any]):
    """One ``…Ret`` aggregate as a dict of typed values; ``tag`` says which (``ItemServiceRet``)."""

    __slots__ = ("tag",)
    tag: str


class Response:
    """The answer to one request: status, typed records, iterator state, and the raw element.

    Status and iterator attributes are read when the document is parsed. The typed content (``records``,
    ``fields``, ``unknown``, ``invalid``) is built on first access of any of them, in one walk, and kept:
    a caller that only checks a status, or reads a few fields through ``views``, never pays for it.
    """

    __slots__ = (
        "_element",
        "_fields",
        "_invalid",
        "_kids",
        "_records",
        "_typed",
        "_unknown",
        "iterator_id",
        "iterator_remaining_count",
        "name",
        "request_id",
        "ret_count",
        "status_code",
        "status_message",
        "status_severity",
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
        self._records: list[Record] = []
        self._fields: dict[str, Any] = {}
        self._unknown: list[str] = []
        self._invalid: list[str] = []
        self._kids: dict[str, Any] = {}
        self._typed = True  # _parse_rs sets False until the walk has run

    @property
    def records(self) -> list[Record]:
        """The ``…Ret`` aggregates as typed Records, in document order."""
        if not self._typed:
            self._type()
        return self._records

    @property
    def fields(self) -> dict[str, Any]:
        """The non-Ret children (ListDelRs' ListID/TimeDeleted, ErrorRecovery, ...), typed."""
        if not self._typed:
            self._type()
        return self._fields

    @property
    def unknown(self) -> list[str]:
        """Paths of elements the tables do not know (kept raw in records/fields)."""
        if not self._typed:
            self._type()
        return self._unknown

    @property
    def invalid(self) -> list[str]:
        """Paths of values that did not convert (kept as text) and of duplicated single elements."""
        if not self._typed:
            self._type()
        return self._invalid

    @property
    def views(self) -> list[RecordView]:
        """The ``…Ret`` aggregates as ``RecordView``s: read-only mappings that type a field when it is read.

        Equal, key for key, to ``records``; for reading a few fields of many records without typing the
        rest. A view keeps the response's XML tree alive; a Record does not.
        """
        kids = self._kids
        views = []
        for child in self._element:
            tag = child.tag
            entry = kids.get(tag)
            if entry is not None and entry[0] == AGGREGATE and tag[-3:] == "Ret":
                views.append(RecordView(child, entry[2], entry[4]))
            elif entry is None and isinstance(tag, str) and tag[-3:] == "Ret" and len(child):
                views.append(RecordView(child, None, tag))
        return views

    def select(self, *names: str) -> list[tuple[Any, ...]]:
        """For each ``…Ret`` record the typed values of ``names`` (None where absent); nothing else is typed.

        ``response.select("ListID", "EditSequence")`` reads what a sync needs from 10,000 records for a
        fraction of the full parse: values as ``records``/``views`` give them (see ``RecordView``).
        """
        with collections_paused():
            return self._select(names)

    def _select(self, names: tuple[str, ...]) -> list[tuple[Any, ...]]:
        kids = self._kids
        view = RecordView(self._element, None, "")
        get = view.get
        rows: list[tuple[Any, ...]] = []
        # Ret tag -> per name (name, 0 plain single leaf / 1 typed single leaf / 2 anything else, entry)
        wanted: dict[str, list[tuple[str, int, Any]]] = {}
        # Ret tag -> compiled picker of the names at the positions the first record had them (or None)
        pickers: dict[str, Any] = {}
        for child in self._element:
            tag = child.tag
            pick = pickers.get(tag)
            if pick is not None:
                found_row = pick(child)
                if found_row is not None:
                    rows.append(found_row)
                    continue
            entry = kids.get(tag)
            if entry is None or entry[0] != AGGREGATE or tag[-3:] != "Ret":
                if entry is None and isinstance(tag, str) and tag[-3:] == "Ret" and len(child):
                    view._elem, view._plan = child, None
                    rows.append(tuple([get(name) for name in names]))
                continue
            sub = entry[2]
            specs = wanted.get(tag)
            if specs is None:
                specs = wanted[tag] = [_select_spec(name, sub.children.get(name)) for name in names]
            hints = sub.positions
            row: list[Any] = []
            append = row.append
            for name, code, spec in specs:
                # The common case inline: a single plain or typed leaf where it stood in the last record.
                if code < 2:
                    index = hints.get(name)
                    if index is not None:
                        try:
                            found = child[index]
                        except IndexError:
                            pass
                        else:
                            if found.tag == name:
                                text = found.text
                                if code == 0:
                                    append(text or "")
                                else:
                                    append(_typed_quietly(text, spec) if text else None)
                                continue
                view._elem, view._plan = child, sub
                append(get(name))
            rows.append(tuple(row))
            if tag not in pickers:
                pickers[tag] = _picker(specs, hints)
        return rows

    def _type(self) -> None:
        with _TYPING:  # two threads reading one response's records type it once
            if not self._typed:
                with collections_paused():
                    self._walk()

    def _walk(self) -> None:
        name = self.name
        kids = self._kids
        records = self._records
        fields = self._fields
        for child in self._element:
            tag = child.tag
            entry = kids.get(tag)
            if entry is not None and entry[0] == AGGREGATE and tag[-3:] == "Ret":
                layouts = entry[2].layouts
                if layouts:
                    record = layouts[0](child)
                    if record is not None:
                        records.append(record)
                        continue
                records.append(self._record(child, entry))
            elif entry is None and isinstance(tag, str) and tag[-3:] == "Ret" and len(child):
                # A Ret the tables do not know (e.g. a newer version's): still a record, with raw values.
                record = Record(_raw(child))
                record.tag = tag
                records.append(record)
                self._unknown.append(f"{name}/{tag}")
            elif isinstance(tag, str):
                _put(fields, child, entry, name, self)
        self._typed = True

    def _record(self, child: Any, entry: Any) -> Record:
        """A record the last layout did not read: another layout, or the generic walk (and maybe a new
        layout made from it, when the walk found nothing to note)."""
        sub = entry[2]
        layouts = sub.layouts
        # The list only grows (to MAX_LAYOUTS): a snapshot and a swap stay valid whatever another thread does.
        for index, reader in enumerate(layouts[1:], 1):
            record = reader(child)
            if record is not None:
                layouts[0], layouts[index] = reader, layouts[0]  # the last used is tried first
                return record
        notes = len(self._unknown) + len(self._invalid)
        record = Record()
        record.tag = entry[4]
        _fill(record, child, sub, f"{self.name}/{child.tag}", self)
        if (len(layouts) < record_layout.MAX_LAYOUTS and sub.refusals < record_layout.MAX_REFUSALS
                and notes == len(self._unknown) + len(self._invalid)):
            reader = record_layout.reader_for(child, sub, Record, entry[4])
            if reader is None:
                sub.refusals += 1
            else:
                layouts.insert(0, reader)
        return record

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
        response._unknown.append(name)
    else:
        response._kids = plan(model_id).children
    response._typed = False
    return response


def _fill(
    target: dict[str, Any], elem: Any, parse_plan: Plan, path: Any, response: Response
) -> dict[str, Any]:
    """Fill ``target`` with the typed children of ``elem`` (one pass, one dict lookup per child)."""
    kids = parse_plan.children
    if parse_plan.has_attrs:
        for key, value in elem.items():
            target[_PREFIXED.get(key) or "@" + key] = value
    for child in elem:
        entry = kids.get(child.tag)
        if entry is None:
            tag = child.tag
            if isinstance(tag, str):
                _put(target, child, None, path, response)
            continue
        kind = entry[0]
        key = entry[4]
        if kind == STRING:
            value: Any = child.text or ""
        elif kind == TYPED:
            value = child.text
            if value:
                try:
                    value = entry[1](value)
                except (ValueError, ArithmeticError):
                    value = _typed(value, entry[5], (path, key), response)
            else:
                value = None
        elif kind == AGGREGATE:
            sub = entry[2]
            if not sub.children and not len(child):
                # An aggregate of attributes only (a report's ColData/RowData): no walk needed.
                value = {_PREFIXED.get(name) or "@" + name: attr for name, attr in child.items()}
            else:
                value = _fill({}, child, sub, (path, key), response)
        else:
            value = _attr_leaf(child, entry, path, response)
        if entry[3]:
            existing = target.get(key)
            if existing is None:
                target[key] = [value]
            else:
                existing.append(value)
        elif key in target:
            _keep_duplicate(target, key, value, path, response)
        else:
            target[key] = value
    return target


def _put(target: dict[str, Any], child: Any, entry: Any, path: Any, response: Response) -> None:
    """Store a child through the generic route (unknown elements, non-Ret children of a …Rs)."""
    tag = child.tag
    if entry is None:
        value: Any = _raw(child)
        response._unknown.append(f"{_text_path(path)}/{tag}")
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


def _fill_one(holder: dict[str, Any], child: Any, entry: Any, path: Any, response: Response) -> None:
    """The slow, general twin of _fill's inner loop for one known child."""
    kind = entry[0]
    tag = child.tag
    if kind == AGGREGATE:
        value: Any = _fill({}, child, entry[2], (path, tag), response)
    elif kind == STRING:
        value = child.text or ""
    elif kind == TYPED:
        value = _typed(child.text, entry[5], (path, tag), response)
    else:
        value = _attr_leaf(child, entry, path, response)
    holder[tag] = [value] if entry[3] else value


def _typed(text: str | None, converter: Any, where: Any, response: Response) -> Any:
    if not text:
        return None
    try:
        return converter(text)
    except (ValueError, ArithmeticError):
        response._invalid.append(_text_path(where))
        return text


def _select_spec(name: str, entry: Any) -> tuple[str, int, Any]:
    if entry is not None and not entry[3] and entry[0] in (STRING, TYPED):
        return name, 0 if entry[0] == STRING else 1, entry
    return name, 2, entry


def _picker(specs: list[tuple[str, int, Any]], hints: dict[str, int]) -> Any:
    """``pick(elem) -> tuple | None``: the single leaves ``specs`` name, read at the positions ``hints``
    give, as ``select`` reads them; None (``select`` reads that record itself) when an element is not
    where it was, or a value needs more than its fast converter. None when some name is no single leaf."""
    if not specs or any(code > 1 or name not in hints for name, code, _ in specs):
        return None
    key = tuple((name, code, hints[name], id(entry[1])) for name, code, entry in specs)
    found = _PICKERS.get(key)
    if found is None:
        if len(_PICKERS) >= _MAX_PICKERS:
            _PICKERS.clear()
        found = _PICKERS[key] = _compile_picker(specs, hints)
    return found


_PICKERS: dict[tuple[Any, ...], Any] = {}
_MAX_PICKERS = 256


def _compile_picker(specs: list[tuple[str, int, Any]], hints: dict[str, int]) -> Any:
    env: dict[str, Any] = {}
    fetch = [f"        e{index} = elem[{hints[name]}]" for index, (name, _, _) in enumerate(specs)]
    tags = " or ".join(f"e{index}.tag != {name!r}" for index, (name, _, _) in enumerate(specs))
    values = []
    for index, (_, code, entry) in enumerate(specs):
        if code == 0:
            values.append(f"e{index}.text or ''")
        else:
            env[f"c{index}"] = entry[1]
            values.append(f"(c{index}(t{index}) if (t{index} := e{index}.text) else None)")
    lines = ["def pick(elem):", "    try:", *fetch, "    except IndexError:", "        return None",
             f"    if {tags}:", "        return None", "    try:", f"        return ({', '.join(values)},)",
             "    except (ValueError, ArithmeticError):", "        return None"]
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<qbXML select picker>", "exec"), env, namespace)
    return namespace["pick"]


def _typed_quietly(text: str, entry: Any) -> Any:
    """A leaf typed as the full parse types it (fast converter, then the tolerant one), or its text."""
    try:
        return entry[1](text)
    except (ValueError, ArithmeticError):
        try:
            return entry[5](text)
        except (ValueError, ArithmeticError):
            return text


def _text_path(path: Any) -> str:
    """Paths are built only for notes: a nested aggregate passes ``(parent path, name)`` down instead."""
    return path if path.__class__ is str else f"{_text_path(path[0])}/{path[1]}"


def _attr_leaf(child: Any, entry: Any, path: Any, response: Response) -> Any:
    """A leaf that may carry attributes: the plain value, or ``{"#text": value, "@attr": ...}``."""
    text = child.text or ""
    value: Any = text
    if entry[1] is not None and text:
        try:
            value = entry[1](text)
        except (ValueError, ArithmeticError):
            response._invalid.append(f"{_text_path(path)}/{child.tag}")
    if len(child.attrib):
        result = {"@" + k: v for k, v in child.items()}
        result["#text"] = value
        return result
    return value


def _keep_duplicate(target: dict[str, Any], tag: str, value: Any, path: Any, response: Response) -> None:
    """A second occurrence of a single-occurrence element: keep both (as a list) and flag it."""
    previous = target[tag]
    target[tag] = [*previous, value] if isinstance(previous, list) else [previous, value]
    response._invalid.append(f"{_text_path(path)}/{tag}")


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


_MISSING = object()


class RecordView(Mapping[str, Any]):
    """One ``…Ret`` element read lazily: ``view["ListID"]`` finds and types that child on each access.

    The same keys and values as the Record the full parse makes (typed by the same plan; repeatable
    elements as lists, unknown elements raw, a duplicated single element as a list, a value that does not
    convert as its text), with two differences: the paths of unknown/invalid values are not collected
    (``Response.unknown``/``.invalid`` come from the full parse), and a single element that QuickBooks
    wrongly sent twice reads as its first occurrence (the full parse makes it a list and flags it).
    ``record()`` gives the full Record of this element.
    """

    __slots__ = ("_elem", "_plan", "tag")

    def __init__(self, elem: Any, parse_plan: Plan | None, tag: str) -> None:
        self._elem = elem
        self._plan = parse_plan
        self.tag = tag

    def __getitem__(self, key: str) -> Any:
        value = self.get(key, _MISSING)
        if value is _MISSING:
            raise KeyError(key)
        return value

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        elem = self._elem
        parse_plan = self._plan
        if key[:1] == "@":
            if parse_plan is None or parse_plan.has_attrs:
                found = elem.get(key[1:])
                if found is not None:
                    return found
            return default
        entry = parse_plan.children.get(key) if parse_plan is not None else None
        if entry is not None and not entry[3]:
            # A single element: QuickBooks writes children in schema order, so where it stood in the last
            # record read is the best first guess (one index and one tag compare, no scan).
            hints = parse_plan.positions
            index = hints.get(key)
            child = None
            if index is not None and index < len(elem):
                child = elem[index]
                if child.tag != key:
                    child = None
            if child is None:
                for index, candidate in enumerate(elem):
                    if candidate.tag == key:
                        child = candidate
                        hints[key] = index
                        break
                else:
                    return default
            kind = entry[0]
            if kind == STRING:
                return child.text or ""
            if kind == TYPED:
                text = child.text
                if not text:
                    return None
                return _typed_quietly(text, entry)
            holder: dict[str, Any] = {}
            _fill_one(holder, child, entry, "", Response(elem, ""))
            return holder[key]
        # Repeatable or unknown: every occurrence, as the full parse collects them.
        matches = list(elem.iterchildren(key))
        if not matches:
            return default
        holder = {}
        scratch = Response(elem, "")  # collects invalid/unknown notes that only the full parse reports
        for child in matches:
            _put(holder, child, entry, "", scratch)
        return holder[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def _keys(self) -> list[str]:
        keys: dict[str, None] = {}
        if self._plan is None or self._plan.has_attrs:
            for key in self._elem.keys():  # noqa: SIM118 - lxml attributes, not a dict
                keys["@" + key] = None
        for child in self._elem:
            if isinstance(child.tag, str):
                keys[child.tag] = None
        return list(keys)

    def record(self) -> Record:
        """The full typed Record of this element (what ``Response.records`` holds)."""
        record = Record() if self._plan is not None else Record(_raw(self._elem))
        record.tag = self.tag
        if self._plan is not None:
            _fill(record, self._elem, self._plan, self.tag, Response(self._elem, ""))
        return record

    def __repr__(self) -> str:
        return f"RecordView({self.tag})"
