"""QBXMLRP2 ProcessRequest: one qbXML request document in, one response document out.

Imitates QuickBooks Desktop's request processor:

1. size cap and hardened parse (not well-formed → 0x80040400); a ``<?qbxml version?>`` is required
   (without one QuickBooks cannot pick a schema → 0x80040400);
2. the version must be one this edition supports (HostRet SupportedQBXMLVersion) → else 0x80040423;
3. the whole document is validated against the qbXML 13.0 XSD before anything runs (→ 0x80040400),
   except string lengths: a value longer than the field's ``maxLength`` is not a parse error in real
   QuickBooks but statusCode 3070 on that request (captured: "The string "a5ad6d73" in the field
   "AccountNumber" is too long."), so lengths are checked per request and validation sees the value
   cut to the limit. Documents declaring 14.0–16.0 may carry elements those versions added; the fake
   implements the 13.0 feature set, so such elements (the generated list ``_generated_qbxml_newer``)
   are removed before validation and ignored, like fields an older implementation does not know. Any other
   unknown element still fails validation, as it would in real QuickBooks;
   Then per request, the field formats QuickBooks checks itself (``formats``): an impossible date →
   3020, a malformed ListID/TxnID → 3000; every date is rewritten in QuickBooks' one shape;
4. ``onError``: ``stopOnError`` answers up to and including the first request whose status is an
   Error and nothing after; ``continueOnError`` answers all. ``rollbackOnError`` is refused with
   0x80040400: Intuit's OSR says for QuickBooks Desktop "rollbackOnError is not valid and will produce
   an error" (reproduced at is2qb.com "QBXML Message Information"); the exact error is not
   documented, the parse HRESULT is the fake's choice;
5. each request runs atomically (a failing Add/Mod changes nothing) and is answered with its ``…Rs``,
   ``requestID`` echoed, statusCode/Severity/Message as QuickBooks writes them;
6. a handler that fails on a schema-valid request (a defect in the fake, logged) answers that request
   1000 "There has been an internal error when processing the request." (OSR), its savepoint rolled
   back, the rest per ``onError``; an HRESULT raised mid-way (a fault rule) or a failure outside the
   handlers rolls back the whole message set and raises 0x80040402: never half a response.
"""

from __future__ import annotations

import difflib
import logging
from typing import TYPE_CHECKING, Any

from lxml import etree

from ._generated_qbxml_newer import NEWER_THAN_13
from .edition import KNOWN_VERSIONS
from .errors import (
    InsufficientPermission,
    InternalError,
    InvalidRequestId,
    QBXMLError,
    QBXMLParseError,
    StatusError,
    StringTooLong,
    UnsupportedRequest,
    UnsupportedVersionError,
)
from .formats import check_requests
from .hardened import parse_request
from .qbxml_io import document, element_to_doc, response_lines
from .registry import Reply, RequestContext, get_handler, handled_requests
from .schema import ElementDecl, message_decl, validate
from .store import FileBusy

if TYPE_CHECKING:
    from .company_api import ProcessingCompany

log = logging.getLogger(__name__)
OK_MESSAGE = "Status OK"


def _version_number(version: str) -> float:
    try:
        return float(version.removeprefix("CA"))
    except ValueError:
        return 0.0


def _strip_newer(root: etree._Element) -> list[str]:
    removed: list[str] = []
    for el in list(root.iter()):
        if isinstance(el.tag, str) and el.tag in NEWER_THAN_13 and el.getparent() is not None:
            removed.append(el.tag)
            el.getparent().remove(el)
    return removed


MAX_REQUEST_ID = 50


def _note_unsupported(company: ProcessingCompany, name: str) -> None:
    """WireMock-style help: remember the unsupported request and the closest supported ones.

    QuickBooks' own 1030 text stays untouched on the wire; the hint shows in ``/_sim/state``.
    """
    closest = difflib.get_close_matches(name, handled_requests(), n=3, cutoff=0.5)
    company.unsupported.append({"request": f"{name}Rq", "closest_supported": [f"{c}Rq" for c in closest]})
    del company.unsupported[:-20]
    log.info("unsupported qbXML request %sRq; closest supported: %s", name, closest)


def _too_long(el: etree._Element, decl: ElementDecl, found: list[StringTooLong]) -> None:
    """Collect (and cut, for validation) values longer than their field's maxLength."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        child_decl = decl.child(child.tag)
        if child_decl is None:
            continue
        limit = child_decl.max_length
        if limit is not None and child.text is not None and len(child.text) > limit:
            found.append(StringTooLong(child.text, child.tag))
            child.text = child.text[:limit]
        if child_decl.is_complex:
            _too_long(child, child_decl, found)


def string_lengths(msgs: etree._Element) -> dict[int, StringTooLong]:
    """Per request (by position in the message set): the first too-long value, as QuickBooks reports."""
    out: dict[int, StringTooLong] = {}
    for index, el in enumerate(e for e in msgs if isinstance(e.tag, str)):
        try:
            decl = message_decl(el.tag)
        except KeyError:
            continue  # not a qbXML request: schema validation refuses the document
        found: list[StringTooLong] = []
        _too_long(el, decl, found)
        if found:
            out[index] = found[0]
    return out


def names_in(doc: Any) -> set[str]:
    """Every Name/FullName value anywhere in a request (what fault rules match ``object_name`` on)."""
    found: set[str] = set()
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key in ("Name", "FullName") and isinstance(value, str):
                found.add(value)
            else:
                found |= names_in(value)
    elif isinstance(doc, list):
        for item in doc:
            found |= names_in(item)
    return found


def check_document(company: ProcessingCompany,
                   qbxml: str | bytes) -> tuple[etree._Element, str, dict[int, StatusError]]:
    """Steps 1–3: parse, version, schema, field formats. Returns QBXMLMsgsRq, the version and, per
    request, the status to answer instead of running it (3070 first, then 3020/3000)."""
    tree, version = parse_request(qbxml, company.max_request_bytes)
    if version is None:
        raise QBXMLParseError("no <?qbxml version=...?> processing instruction")
    if version not in KNOWN_VERSIONS or not company.edition.supports(version):
        raise UnsupportedVersionError(version)
    root = tree.getroot()
    if root.tag != "QBXML":
        raise QBXMLParseError(f"root element is {root.tag!r}, not QBXML")
    if _version_number(version) > 13.0:
        _strip_newer(root)
    msgs = root.find("QBXMLMsgsRq")
    too_long = string_lengths(msgs) if msgs is not None else {}
    errors = validate(tree)
    if errors:
        raise QBXMLParseError("; ".join(errors[:3]))
    if msgs is None:
        # SignonMsgsRq (QuickBooks Online Edition) and subscriptions are not simulated.
        raise QBXMLParseError("no QBXMLMsgsRq (subscription/sign-on message sets are not simulated)")
    if msgs.get("onError") == "rollbackOnError":
        raise QBXMLParseError("onError=rollbackOnError is not valid for QuickBooks Desktop")
    refused: dict[int, StatusError] = {**check_requests(msgs), **too_long}
    return msgs, version, refused


def process(company: ProcessingCompany, qbxml: str | bytes, ticket: str | None = None) -> str:
    """Run a request document against ``company`` (caller holds the company lock)."""
    if ticket is not None:
        company.require_session(ticket)
    msgs, version, refused = check_document(company, qbxml)
    stop_on_error = msgs.get("onError") == "stopOnError"
    include_data = msgs.get("responseData", "includeAll") != "includeNone"
    lines: list[str] = []
    try:
        with company.store.transaction():
            requests = [el for el in msgs if isinstance(el.tag, str)]
            for index, el in enumerate(requests):
                status_is_error = _one_request(company, el, version, ticket, lines, refused.get(index),
                                               include_data)
                if status_is_error and stop_on_error:
                    break
    except QBXMLError:
        company.faults.flush()
        raise
    except FileBusy as exc:  # the rules' counters stay in memory; the next message set writes them
        raise QBXMLError("0x8004041B", detail=str(exc)) from exc
    except Exception as exc:  # a bug in a handler must never produce half a response
        log.exception("internal failure while processing a message set")
        company.faults.flush()
        raise QBXMLError("0x80040402", detail=f"internal failure: {exc!r}") from exc
    company.after_request()
    return document(lines)


#: Request names that change the company file; everything else (``…Query``) only reads it.
WRITE_SUFFIXES = ("Add", "Mod", "Del", "Void", "Merge")


def is_write(name: str) -> bool:
    """Whether a request changes data (``VendorAdd``, ``TxnDel``, ``ListMerge`` …).

    ``ListDisplayAdd``/``TxnDisplayMod`` only open a QuickBooks window, so they count as reads.
    """
    return name.endswith(WRITE_SUFFIXES) and "Display" not in name


def _one_request(company: ProcessingCompany, el: etree._Element, version: str, ticket: str | None,
                 lines: list[str], refused: StatusError | None, include_data: bool = True) -> bool:
    """Answer one request into ``lines``; return True if its status is an Error.

    ``include_data`` False is ``responseData="includeNone"``: statuses only, no Ret elements.
    """
    name = el.tag[:-2]
    rs_name = f"{name}Rs"
    body = element_to_doc(el, message_decl(el.tag))
    attrs = {k: v for k, v in el.attrib.items()}
    ctx = RequestContext(company=company, name=name, element=el, body=body, attrs=attrs,
                         version=version, ticket=ticket)
    outcome = company.faults.match("request", name, names_in(body))
    if outcome is not None and outcome.error is not None:
        raise outcome.error
    if outcome is not None and outcome.delay_seconds:
        company.advance_clock(outcome.delay_seconds)
    reply = Reply()
    status: StatusError | None = None
    try:
        if outcome is not None and outcome.status is not None:
            raise outcome.status
        if len(attrs.get("requestID", "")) > MAX_REQUEST_ID:
            raise InvalidRequestId(attrs["requestID"])
        if refused is not None:
            raise refused
        if ticket is not None and company.sessions[ticket].read_only and is_write(name):
            raise InsufficientPermission()
        handler = get_handler(name)
        if handler is None:
            _note_unsupported(company, name)
            raise UnsupportedRequest()
        with company.store.transaction():
            reply = handler(ctx)
        status = reply.status
    except StatusError as err:
        status = err
        reply = Reply(children=[(err.ret_name, err.ret)] if err.ret is not None and err.ret_name else [])
    except QBXMLError:
        raise
    except Exception:  # a defect in a handler: this request's status, not the whole message set's
        log.exception("internal failure in the %s handler", name)
        status = InternalError()
        reply = Reply()
    rs_attrs: dict[str, str] = {}
    if "requestID" in attrs:
        rs_attrs["requestID"] = attrs["requestID"]
    if status is None:
        rs_attrs.update(statusCode="0", statusSeverity="Info", statusMessage=OK_MESSAGE)
    else:
        rs_attrs.update(statusCode=str(status.code), statusSeverity=status.severity,
                        statusMessage=status.message)
    rs_attrs.update(reply.attrs)
    children = reply.children if include_data else []
    lines.extend(response_lines(rs_name, rs_attrs, children, message_decl(rs_name)))
    return status is not None and status.severity == "Error"
