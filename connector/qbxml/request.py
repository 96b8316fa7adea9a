"""Building qbXML requests: ``Request`` (one …Rq) and ``RequestBatch`` (one ``QBXMLMsgsRq``).

Imitates what QuickBooks' request processor demands of a document: elements in XSD order (QuickBooks
rejects the whole document with 0x80040400 otherwise), one branch per schema choice, required elements
present, values in the qbXML lexical forms. The caller's dict order never matters: children are sorted by
their rank in the generated order tables.

Value conventions: a leaf takes a typed Python value (see ``values.py``); an aggregate takes a Mapping
(``{"ListID": ...}`` or ``{"FullName": ...}`` for refs); a repeatable element takes a list (or one value);
``None`` means "leave the element out"; ``"@name"`` keys set attributes (``{"@defMacro": "TxnID:Bill1"}``);
an element with attributes and text takes ``{"#text": value, "@useMacro": ...}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import Any

from connector.qbxml import render_plan
from connector.qbxml.errors import (
    ChoiceConflictError,
    FieldTooLongError,
    InvalidCharacterError,
    InvalidEnumError,
    InvalidRequestIDError,
    InvalidValueError,
    IteratorError,
    MissingElementError,
    NotRepeatableError,
    QBXMLBuildError,
    UnknownAttributeError,
    UnknownElementError,
    UnknownRequestError,
)
from connector.qbxml.schema import (
    ENUM_SETS,
    ENUMS,
    MODELS,
    MSGS_RQ_ATTRS,
    SUPPORTED_VERSIONS,
    closest,
    schema_version,
)
from connector.qbxml.values import FORMATTERS, NEEDS_WORK, STRING_TYPES, escape

MAX_REQUEST_ID_LENGTH = 50  # QuickBooks statusCode 1060: "The maximum is 50 characters."
_rank = itemgetter(0)
_needs_work = NEEDS_WORK.search


class Request:
    """One qbXML request, e.g. ``Request("ItemServiceAdd", {"Name": "01-100", ...})``.

    ``name`` is the request without ``Rq`` (``"ItemServiceQuery"``; ``"ItemServiceQueryRq"`` is accepted).
    For Add/Mod requests ``fields`` fill the ``<ItemServiceAdd>`` aggregate; for queries they are the query
    filters. ``iterator``/``iterator_id``/``meta_data`` set the attributes of that name on queries that
    support them; ``include_ret_element`` lists the Ret elements to return. Nothing is checked until the
    request is added to a batch, because what is valid depends on the batch's qbXML version.
    """

    __slots__ = ("fields", "include_ret_element", "iterator", "iterator_id", "meta_data", "name")

    def __init__(
        self,
        name: str,
        fields: Mapping[str, Any] | None = None,
        *,
        iterator: str | None = None,
        iterator_id: str | None = None,
        meta_data: str | None = None,
        include_ret_element: Sequence[str] = (),
    ) -> None:
        self.name = name[:-2] if name[-2:] == "Rq" else name
        self.fields: Mapping[str, Any] = fields if fields is not None else {}
        self.iterator = iterator
        self.iterator_id = iterator_id
        self.meta_data = meta_data
        self.include_ret_element = (include_ret_element if include_ret_element.__class__ is tuple
                                    else tuple(include_ret_element))

    def __repr__(self) -> str:
        return f"Request({self.name!r}, {dict(self.fields)!r})"


class RequestBatch:
    """Many requests in one ``QBXMLMsgsRq`` document; requestIDs map each response back to its work item.

    ``add`` checks and renders a request immediately (so errors point at the caller's line) and returns its
    requestID: the caller's own ``request_id`` or the next free integer ("1", "2", ...).
    """

    def __init__(
        self,
        version: str = "13.0",
        on_error: str = "stopOnError",
        *,
        response_data: str | None = None,
        new_message_set_id: str | None = None,
        old_message_set_id: str | None = None,
        ascii_only: bool = False,
    ) -> None:
        schema_version(version)  # refuses an unsupported version here, not at the first add
        self.version = version
        attrs = {"onError": on_error, "responseData": response_data,
                 "newMessageSetID": new_message_set_id, "oldMessageSetID": old_message_set_id}
        self._msgs_attrs = _render_attrs(attrs, MSGS_RQ_ATTRS, "QBXMLMsgsRq")
        self.on_error = on_error
        self.ascii_only = ascii_only
        self._parts: list[str] = []  # markup at even indexes, values at odd ones (escaped by to_xml)
        self._escaped = 0  # the values before this index of _parts are escaped
        self._requests: dict[str, Request] = {}
        self._next_id = 1
        self._chosen_ids = False  # whether a caller chose a requestID (an automatic one may then be taken)
        self._plans = _REQUEST_PLANS[version]

    def add(self, request: Request, request_id: str | None = None) -> str:
        """Render ``request`` into the batch; returns its requestID."""
        if request_id is None and not self._chosen_ids:
            # The commonest case first and with the least bookkeeping: an automatic id (no caller-chosen
            # id to collide with), a plain request, the shape the last request of its type had.
            request_plan = self._plans.get(request.name)
            if (
                request_plan is not None
                and request.iterator is None
                and request.iterator_id is None
                and request.meta_data is None
                and not request.include_ret_element
                and (last := request_plan.shapes.last) is not None
            ):
                parts = self._parts
                mark = len(parts)
                number = self._next_id
                if last(parts, request.fields, f"{request_plan.id_opening}{number}{request_plan.id_closing}"):
                    request_id = str(number)
                    self._requests[request_id] = request  # the renderer checked every value
                    self._next_id = number + 1
                    return request_id
                del parts[mark:]
        requests = self._requests
        if request_id is None:
            request_id = str(self._next_id)
            while request_id in requests:
                self._next_id += 1
                request_id = str(self._next_id)
            automatic = True
        elif not isinstance(request_id, str) or not request_id:
            raise InvalidRequestIDError(request_id, "must be a non-empty str")
        elif len(request_id) > MAX_REQUEST_ID_LENGTH:
            raise InvalidRequestIDError(request_id, f"is longer than {MAX_REQUEST_ID_LENGTH} characters")
        elif request_id in requests:
            raise InvalidRequestIDError(request_id, "is already used in this batch")
        else:
            automatic = False
            self._chosen_ids = True  # from now on an automatic id must be checked against the taken ones
        parts = self._parts  # pieces escaped and joined by to_xml
        request_plan = self._plans.get(request.name)
        # The commonest case inline: the shape the last request of this type had, a plain requestID.
        if (
            request_plan is not None
            and request.iterator is None
            and request.iterator_id is None
            and request.meta_data is None
            and not request.include_ret_element
            and (last := request_plan.shapes.last) is not None
            and (automatic or request_id.isalnum() and request_id.isascii())
        ):
            mark = len(parts)
            if last(parts, request.fields, f"{request_plan.id_opening}{request_id}{request_plan.id_closing}"):
                requests[request_id] = request  # the renderer checked every value, forbidden characters too
                if automatic:
                    self._next_id += 1
                return request_id
            del parts[mark:]
        _render_into(parts, request, self.version, request_id)
        requests[request_id] = request  # only now is an automatic id used up
        if automatic:
            self._next_id += 1
        return request_id

    @property
    def requests(self) -> Mapping[str, Request]:
        """requestID -> Request, in batch order."""
        return self._requests

    def __len__(self) -> int:
        return len(self._requests)

    def to_xml(self) -> str:
        """The whole qbXML document, ready for QBWC's sendRequestXML / QBXMLRP2 ProcessRequest."""
        parts = self._parts
        if self._escaped < len(parts):
            render_plan.escape_values(parts, self._escaped)  # every value added since, in one pass
            self._escaped = len(parts)
        document = (
            f'<?xml version="1.0" ?>\n<?qbxml version="{self.version}"?>\n'
            f"<QBXML><QBXMLMsgsRq{self._msgs_attrs}>{''.join(parts)}</QBXMLMsgsRq></QBXML>"
        )
        if self.ascii_only:
            return document.encode("ascii", "xmlcharrefreplace").decode("ascii")
        return document


def render_request(request: Request, version: str, request_id: str | None) -> str:
    """One ``<…Rq>`` element as text, checked against the ``version`` tables.

    The compiled plans (``shape_plan.py``, ``render_plan.py``) render the common case; anything they do not
    handle themselves, and every error, goes through the generic walker below, which gives the same text
    or the exact error.
    """
    out: list[str] = []
    _render_into(out, request, version, request_id)
    return "".join(render_plan.escape_values(out))


def _render_into(out: list[str], request: Request, version: str, request_id: str | None) -> None:
    """Append the request's pieces to ``out``: markup at even indexes, values not yet escaped at odd ones
    (the generic walker's text, already escaped, goes in as markup). Nothing is appended on an error."""
    if (
        request.iterator is None
        and request.iterator_id is None
        and request.meta_data is None
        and not request.include_ret_element
    ):
        request_plan = _REQUEST_PLANS.get(version, _NO_PLANS).get(request.name)
        if request_plan is None:
            request_plan = _request_plan(version, request.name)
        if request_plan is not None:
            mark = len(out)
            try:
                render_plan.render_rq_into(out, request_plan, request.fields, request_id)
            except render_plan.Fallback:
                del out[mark:]
            else:
                return
    out += (render_request_generic(request, version, request_id), "")


# version -> request name -> plan, filled on first use of each request type
_REQUEST_PLANS: dict[str, dict[str, render_plan.RequestPlan]] = {
    version: {} for version in SUPPORTED_VERSIONS}
_NO_PLANS: dict[str, render_plan.RequestPlan] = {}


def _request_plan(version: str, name: str) -> render_plan.RequestPlan | None:
    """The compiled plan of a request type; None for an unknown type (the generic walker says why)."""
    if version not in SUPPORTED_VERSIONS:
        return None
    rq_name = name + "Rq"
    model_id = schema_version(version).requests.get(rq_name)
    if model_id is None:
        return None
    spec = MODELS[model_id][0].get(name)
    inner = name if spec is not None and spec[1] is None else None
    if inner is None and name in MODELS[model_id][0]:
        return None
    found = render_plan.RequestPlan(rq_name, model_id, inner)
    _REQUEST_PLANS[version][name] = found
    return found


def render_request_generic(request: Request, version: str, request_id: str | None) -> str:
    """The generic walker: every check with its path, one recursive pass (the reference for the plans)."""
    try:
        return _render_request(request, version, request_id)
    except UnknownElementError as error:
        raise _with_version_note(error, request, version, request_id) from None


def _render_request(request: Request, version: str, request_id: str | None) -> str:
    schema = schema_version(version)
    rq_name = request.name + "Rq"
    model_id = schema.requests.get(rq_name)
    if model_id is None:
        raise UnknownRequestError(request.name, version, closest(request.name, schema.request_names()))
    model = MODELS[model_id]
    children = model[0]
    spec = children.get(request.name)
    if spec is not None and spec[1] is None:
        if "IncludeRetElement" in request.fields:
            hint = " (it belongs to the request: pass Request(..., include_ret_element=[...]))"
            raise UnknownElementError(f"{rq_name}/{request.name}", "IncludeRetElement", None, hint)
        content: dict[str, Any] = {request.name: request.fields}
    else:
        content = dict(request.fields)
    if request.include_ret_element:
        content["IncludeRetElement"] = list(request.include_ret_element)
    _check_iterator(request, rq_name)
    attrs = {"requestID": request_id, "iterator": request.iterator, "iteratorID": request.iterator_id,
             "metaData": request.meta_data}
    out: list[str] = []
    _render_aggregate(out, rq_name, model, content, "", attrs)
    return "".join(out)


def _with_version_note(
    error: UnknownElementError, request: Request, version: str, request_id: str | None
) -> UnknownElementError:
    """Say so when the element exists in another qbXML version (e.g. a 16.0 field in a 13.0 batch)."""
    for other in SUPPORTED_VERSIONS:
        if other == version:
            continue
        try:
            _render_request(request, other, request_id)
        except UnknownElementError as again:
            if (again.path, again.name) == (error.path, error.name):
                continue
        except QBXMLBuildError:
            pass
        note = f" in qbXML {version} (it exists in qbXML {other})"
        return UnknownElementError(error.path, error.name, error.suggestion, note)
    return error


def _check_iterator(request: Request, path: str) -> None:
    if request.iterator in ("Continue", "Stop") and not request.iterator_id:
        raise IteratorError(path, f'iterator="{request.iterator}" needs the iteratorID QuickBooks returned')
    if request.iterator_id is not None and request.iterator in (None, "Start"):
        raise IteratorError(path, 'iteratorID is only sent with iterator="Continue" or "Stop"')


def _render_attrs(
    values: Mapping[str, Any], allowed: Mapping[str, tuple[str, int | None, bool]], path: str
) -> str:
    parts: list[str] = []
    for name, value in values.items():
        if value is None:
            continue
        spec = allowed.get(name)
        if spec is None:
            raise UnknownAttributeError(path, name, list(allowed))
        attr_path = f"{path}/@{name}"
        text = FORMATTERS[spec[0]](value, attr_path)
        if "\n" in text or "\t" in text:  # attribute-value normalisation would turn them into spaces
            text = text.replace("\n", "&#10;").replace("\t", "&#9;")
        if spec[1] is not None and text not in ENUM_SETS[spec[1]]:
            raise InvalidEnumError(attr_path, text, ENUMS[spec[1]], closest(text, ENUMS[spec[1]]))
        parts.append(f' {name}="{text}"')
    for name, spec in allowed.items():
        if spec[2] and values.get(name) is None:
            raise MissingElementError(path, [f"@{name}"])
    return "".join(parts)


def _render_aggregate(
    out: list[str],
    name: str,
    model: tuple[Any, ...],
    fields: Mapping[str, Any],
    parent: str,
    extra_attrs: Mapping[str, Any] | None = None,
) -> None:
    """Append ``<name attrs>children in schema order</name>`` to ``out``."""
    path = f"{parent}/{name}" if parent else name
    children = model[0]
    items: list[tuple[int, str, Any, tuple[Any, ...]]] = []
    attrs: dict[str, Any] | None = dict(extra_attrs) if extra_attrs else None
    for key, value in fields.items():
        if value is None:
            continue
        spec = children.get(key)
        if spec is None:
            if key[:1] == "@":
                if attrs is None:
                    attrs = {}
                attrs[key[1:]] = value
                continue
            raise UnknownElementError(path, key, closest(key, children))
        items.append((spec[0], key, value, spec))
    if len(items) > 1:
        items.sort(key=_rank)
    if model[3] or model[4]:
        _check_structure(model, items, path)
    if attrs:
        out.append(f"<{name}{_render_attrs(attrs, model[1], path)}>")
    elif model[1] and any(spec[2] for spec in model[1].values()):
        out.append(f"<{name}{_render_attrs({}, model[1], path)}>")
    else:
        out.append(f"<{name}>")
    for _, key, value, spec in items:
        cls = value.__class__
        if cls is list or cls is tuple:
            if not spec[3]:
                raise NotRepeatableError(f"{path}/{key}")
            for item in value:
                _render_child(out, key, item, spec, path)
        elif (
            cls is str  # inlined fast path: a plain, safe string leaf without enum or length issue
            and spec[2] is None
            and spec[5] is None
            and spec[1] in STRING_TYPES
            and _needs_work(value) is None
            and (spec[4] is None or len(value) <= spec[4])
        ):
            out.append(f"<{key}>{value}</{key}>")
        else:
            _render_child(out, key, value, spec, path)
    out.append(f"</{name}>")


def _render_child(out: list[str], key: str, value: Any, spec: tuple[Any, ...], path: str) -> None:
    code = spec[1]
    sub = spec[2]
    if sub is None:
        out.append(f"<{key}>{_leaf_text(value, spec, path, key)}</{key}>")
        return
    model = MODELS[sub]
    if code is None:
        if value.__class__ is not dict and not isinstance(value, Mapping):
            raise InvalidValueError(f"{path}/{key}", "aggregate", value, "expected a mapping of children")
        _render_aggregate(out, key, model, value, path)
        return
    # A leaf with attributes (e.g. <TxnID useMacro="...">): a plain value or {"#text": ..., "@attr": ...}.
    if isinstance(value, Mapping):
        attrs = {k[1:]: v for k, v in value.items() if k[:1] == "@"}
        unknown = [k for k in value if k[:1] != "@" and k != "#text"]
        if unknown:
            raise UnknownElementError(f"{path}/{key}", unknown[0], "#text")
        text = _leaf_text(value.get("#text", ""), spec, path, key)
        out.append(f"<{key}{_render_attrs(attrs, model[1], f'{path}/{key}')}>{text}</{key}>")
        return
    out.append(f"<{key}>{_leaf_text(value, spec, path, key)}</{key}>")


def _leaf_text(value: Any, spec: tuple[Any, ...], path: str, key: str) -> str:
    code = spec[1]
    if value.__class__ is str and code in STRING_TYPES:
        try:
            text = escape(value, path)  # fast path for the commonest case
        except InvalidCharacterError as error:
            raise InvalidCharacterError(f"{path}/{key}", error.index, chr(error.codepoint)) from None
    else:
        text = FORMATTERS[code](value, f"{path}/{key}")
    max_length = spec[4]
    if max_length is not None and value.__class__ is str and len(value) > max_length:
        raise FieldTooLongError(f"{path}/{key}", max_length, len(value))
    enum_index = spec[5]
    if enum_index is not None and text not in ENUM_SETS[enum_index]:
        allowed = ENUMS[enum_index]
        raise InvalidEnumError(f"{path}/{key}", text, allowed, closest(text, allowed))
    if spec[6] is not None:
        _check_bounds(int(text), spec[6], f"{path}/{key}", value)
    return text


def _check_bounds(number: int, bounds: tuple[int | None, int | None], path: str, value: Any) -> None:
    low, high = bounds
    if (low is not None and number < low) or (high is not None and number > high):
        limits = f"{'' if low is None else low}..{'' if high is None else high}"
        raise InvalidValueError(path, "INTTYPE", value, f"outside the allowed range {limits}")


def _check_structure(model: tuple[Any, ...], items: list[tuple[int, str, Any, Any]], path: str) -> None:
    present = {item[1] for item in items}
    for group in model[3]:
        if not any(name in present for name in group):
            raise MissingElementError(path, group)
    for choice in model[4]:
        used = [branch for branch in choice if any(name in present for name in branch)]
        if len(used) > 1:
            names = [name for branch in used for name in branch if name in present]
            raise ChoiceConflictError(path, names)
