"""The session driver: work queue → qbXML batch (sendRequestXML) and response → work queue.

Per sendRequestXML it batches up to ``batch_size`` pending items whose dependencies are done
(a purchase order never leaves while its vendor's add is in flight), writes them ``sent`` *before*
returning the batch, and on receiveResponseXML routes each ``...Rs`` back by requestID to the
handler of its work item. See ``connector/store/README.md`` for the crash-recovery strategy.

Both directions go through the qbXML codec (``connector.qbxml``): handlers return ``Request`` values, the
driver adds them to one ``RequestBatch`` (``onError="continueOnError"``: QuickBooks runs every request and
answers each, SDK Programmer's Guide) with each request's ``requestID`` set to its work item id (``"12"``,
or ``"12.0"``, ``"12.1"`` … when one item sends several requests), and reads QuickBooks' answer with
``parse_response`` (hardened parser, typed records).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connector.qbxml import (
    QBXMLBuildError,
    QBXMLCodecError,
    QBXMLStructureError,
    Request,
    RequestBatch,
    Response,
    parse_response,
    parse_response_element,
    parse_xml,
)
from connector.store.queue import Completion, WorkQueue, WorkRecord
from connector.work import QBXML_VERSION, HandlerRegistry, Outcome, RequestBody, WorkItemView, WorkRefused

log = logging.getLogger(__name__)

#: What the queue stores of an answer (``work_items.last_status_code`` String(80), ``iterator_id`` String(64),
#: ``iterator_remaining`` an SQL INTEGER). QuickBooks' status codes have at most 5 digits and its iteratorIDs
#: are GUIDs; an answer beyond these is not QuickBooks' and is not stored.
MAX_STATUS_CODE = 10**9
MAX_ITERATOR_ID_LENGTH = 64
MAX_ITERATOR_REMAINING = 2**31 - 1

# ProcessRequest HRESULT when the qbXML document is not well-formed / not valid: QuickBooks
# rejects the whole document before processing any request in it, so nothing was applied.
HRESULT_BAD_QBXML = "0x80040400"
#: How far progress counts a company's open items (see ``percent_done``).
PROGRESS_COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class DriverSettings:
    """Tuning of the driver."""

    batch_size: int = 20
    max_attempts: int = 5
    max_xml_bytes: int = 16 * 1024 * 1024


def _view(record: WorkRecord, is_probe: bool) -> WorkItemView:
    return WorkItemView(
        id=record.id,
        company_key=record.company_key,
        kind=record.kind,
        payload=record.payload,
        procore_id=record.procore_id,
        attempts=record.attempts,
        iterator_id=record.iterator_id,
        is_probe=is_probe,
        result=dict(record.result or {}),
    )


def no_handler_message(kind: str) -> str:
    return f"No sync handler is registered for work kind {kind!r}"


def _failed(record: WorkRecord, code: str, message: str) -> Completion:
    return Completion(record.id, "failed", code, message)


def _from_outcome(record: WorkRecord, outcome: Outcome, last: Response) -> Completion:
    """A handler's outcome as a queue completion; a done page with records left continues the iterator."""
    common: dict[str, Any] = {
        "status_code": outcome.status_code,
        "message": outcome.message,
        "result": outcome.result,
        "followups": tuple(outcome.followups),
        "id_map": tuple(outcome.id_map),
    }
    if (
        outcome.state == "done"
        and not record.sent_as_probe
        and last.iterator_id
        and (last.iterator_remaining_count or 0) > 0
    ):
        iterator = (last.iterator_id, last.iterator_remaining_count or 0)
        return Completion(record.id, "pending", iterator=iterator, **common)
    if outcome.state == "resend":
        return Completion(record.id, "pending", restart=outcome.restart, **common)
    return Completion(record.id, outcome.state, **common)


def _answer_problem(responses: Sequence[Response]) -> str | None:
    """Why an item's responses cannot be taken at all (not QuickBooks' shape), or None."""
    seen: set[str | None] = set()
    for rs in responses:
        if rs.request_id in seen:
            return f"QuickBooks answered requestID {rs.request_id!r} more than once"
        seen.add(rs.request_id)
        if not -MAX_STATUS_CODE < rs.status_code < MAX_STATUS_CODE:
            shown = str(rs.status_code)[:40]
            return f"QuickBooks answered {rs.name} with statusCode {shown}, not a status code"
        if rs.iterator_id is not None and len(rs.iterator_id) > MAX_ITERATOR_ID_LENGTH:
            return f"QuickBooks answered {rs.name} with an iteratorID of {len(rs.iterator_id)} characters"
        remaining = rs.iterator_remaining_count
        if remaining is not None and not 0 <= remaining <= MAX_ITERATOR_REMAINING:
            return (f"QuickBooks answered {rs.name} with iteratorRemainingCount {str(remaining)[:40]}, "
                    "not a count")
    return None


def _check_storable(completion: Completion) -> None:
    """Raise TypeError/ValueError for a completion the store cannot hold (a handler bug, not QuickBooks')."""
    for text in (completion.status_code, completion.message):
        if text is not None and not isinstance(text, str):
            raise TypeError(f"status {text!r} is not text")
    for update in completion.id_map:
        if not isinstance(update.qb_id, str) or not update.qb_id:
            raise TypeError(f"id map entry {update!r} has no QuickBooks id")
        for value in (update.procore_id, update.edit_sequence, update.name):
            if value is not None and not isinstance(value, str):
                raise TypeError(f"id map entry {update!r} holds {value!r}, not text")
    if completion.result is not None:
        json.dumps(dict(completion.result))  # the result column is JSON


def _log_outcome(record: WorkRecord, completion: Completion) -> None:
    """One line per work item QuickBooks answered: done, failed with its status code, or not yet."""
    item = f"work item {record.id} ({record.kind})"
    if completion.state == "failed":
        log.warning("%s failed: %s %s", item, completion.status_code, completion.message)
    elif completion.state == "done":
        log.info("%s done", item)
    else:
        log.info("%s %s: %s", item, completion.state, completion.message or "continues next request")


def request_id(item_id: int, index: int, count: int) -> str:
    """``"12"`` for a single request, ``"12.0"``, ``"12.1"`` … for several."""
    return str(item_id) if count == 1 else f"{item_id}.{index}"


def item_id_of(request_id_text: str | None) -> int | None:
    """The work item id encoded in a requestID, or None when it is not one of ours."""
    head = (request_id_text or "").split(".", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else None


def requests_of(body: RequestBody) -> list[Request]:
    """A handler's request(s) as a list; anything but codec requests is a handler bug."""
    requests = [body] if isinstance(body, Request) else list(body)
    if not requests:
        raise ValueError("a handler returned no request")
    for request in requests:
        if not isinstance(request, Request):
            raise TypeError(f"a handler returned {type(request).__name__}, not a connector.qbxml.Request")
    return requests


def continued(request: Request, iterator_id: str) -> Request:
    """The next page of an open iterator: the same query with ``iterator="Continue"`` and its id."""
    return Request(
        request.name,
        request.fields,
        iterator="Continue",
        iterator_id=iterator_id,
        meta_data=request.meta_data,
        include_ret_element=request.include_ret_element,
    )


class SessionDriver:
    """Builds batches and applies responses for one company's queue."""

    def __init__(self, queue: WorkQueue, handlers: HandlerRegistry, settings: DriverSettings) -> None:
        self._queue = queue
        self._handlers = handlers
        self._settings = settings

    # -- sendRequestXML --------------------------------------------------------------------------
    def next_request(self, company_key: str, ticket: str) -> str | None:
        """The next batch document, or None when nothing can be sent now."""
        while True:
            self._queue.fail_blocked(company_key, ticket)
            records = self._queue.next_batch(company_key, self._settings.batch_size)
            if not records:
                return None
            batch = RequestBatch(QBXML_VERSION, on_error="continueOnError")
            sent: list[tuple[int, bool]] = []
            for record in records:
                as_probe = self._add(batch, record, ticket)
                if as_probe is not None:
                    sent.append((record.id, as_probe))
            if sent:
                self._queue.mark_sent(sent, ticket)
                return batch.to_xml()
            # every selected item failed before sending; their dependants may now be blocked

    def _fail(self, record: WorkRecord, ticket: str, code: str, message: str) -> None:
        self._queue.complete(record.id, ticket, state="failed", status_code=code, message=message)

    def _add(self, batch: RequestBatch, record: WorkRecord, ticket: str) -> bool | None:
        """Add ``record``'s request(s) to ``batch``; True when sent as its probe, None when it failed."""
        handler = self._handlers.get(record.kind)
        if handler is None:
            self._fail(record, ticket, "no-handler", no_handler_message(record.kind))
            return None
        if record.attempts >= self._settings.max_attempts:
            self._fail(
                record,
                ticket,
                "attempts",
                f"Gave up after {record.attempts} attempts; last status {record.last_status_code}: "
                f"{record.last_status_message}",
            )
            return None
        try:
            body = handler.build_probe(_view(record, True)) if record.probe else None
            as_probe = body is not None
            if body is None:
                body = handler.build_request(_view(record, False))
            requests = requests_of(body)
        except WorkRefused as refused:
            self._fail(record, ticket, refused.status_code, refused.message)
            return None
        except Exception as exc:  # a handler bug must not take the Web Connector session down
            log.exception("handler %s failed to build work item %s", record.kind, record.id)
            self._fail(record, ticket, "handler-error", f"{type(exc).__name__}: {exc}")
            return None
        if record.iterator_id and not as_probe:
            requests = [continued(r, record.iterator_id) for r in requests]
        try:
            if len(requests) > 1:
                # A refused add leaves a batch unchanged, so one request is safe; several are checked
                # together first, so that no item goes out with part of its requests.
                trial = RequestBatch(QBXML_VERSION, on_error="continueOnError")
                for index, request in enumerate(requests):
                    trial.add(request, request_id(record.id, index, len(requests)))
            for index, request in enumerate(requests):
                batch.add(request, request_id(record.id, index, len(requests)))
        except QBXMLBuildError as exc:
            # The codec refused what the handler built (a value QuickBooks would refuse): nothing is sent.
            self._fail(record, ticket, "qbxml-build", f"The request cannot be written as qbXML: {exc}")
            return None
        return as_probe

    # -- receiveResponseXML ----------------------------------------------------------------------
    def in_flight(self, company_key: str, ticket: str) -> list[WorkRecord]:
        """Items this session sent and has no answer for yet."""
        return self._queue.in_flight(company_key, ticket)

    def apply_response(self, company_key: str, ticket: str, qbxml: str) -> None:
        """Route every ``...Rs`` to its work item's handler (raises ValueError on a broken document).

        Handlers run first, then every item's outcome (state, id map, follow-ups) is written in one
        transaction: the queue never holds half a response, and N items cost one commit. Staged
        import records are written by their handler in its own transaction before that; they are
        upserts by ListID, so a response applied again after a failure re-stages the same rows.
        """
        responses, unreadable = self._read(qbxml)
        grouped: dict[int, list[Response]] = {}
        for rs in responses:
            item_id = item_id_of(rs.request_id)
            if item_id is not None:
                grouped.setdefault(item_id, []).append(rs)
        records = self.in_flight(company_key, ticket)
        completions = [
            self._completion(record, grouped.get(record.id, []), unreadable.get(record.id))
            for record in records
        ]
        self._complete(ticket, records, completions)
        for record, completion in zip(records, completions, strict=True):
            _log_outcome(record, completion)
        # Dependants of what just failed are finished too (failed unsent): progress must count them.
        self._queue.fail_blocked(company_key, ticket)

    def _read(self, qbxml: str) -> tuple[list[Response], dict[int, str]]:
        """The document's responses, and why an item's response could not be read (by item id).

        A document that is not qbXML raises (ValueError: the caller probes the whole batch). One ``…Rs``
        the codec refuses (a statusCode that is not a number, say) concerns its own item only: the others
        are applied, that one is read element by element and its item probed.
        """
        max_bytes = self._settings.max_xml_bytes
        try:
            return list(parse_response(qbxml, version=QBXML_VERSION, max_bytes=max_bytes)), {}
        except QBXMLStructureError as whole:
            root = parse_xml(qbxml, max_bytes)
            msgs = root.find("QBXMLMsgsRs") if root.tag == "QBXML" else None
            if msgs is None:
                raise whole from None
        responses: list[Response] = []
        unreadable: dict[int, str] = {}
        for element in msgs:
            if not isinstance(element.tag, str):
                continue
            try:
                responses.append(parse_response_element(element, version=QBXML_VERSION))
            except QBXMLCodecError as exc:
                item_id = item_id_of(element.get("requestID"))
                if item_id is not None:
                    unreadable.setdefault(item_id, f"QuickBooks' {element.tag} could not be read: {exc}")
        return responses, unreadable

    def _complete(self, ticket: str, records: Sequence[WorkRecord], completions: list[Completion]) -> None:
        """Write every outcome in one transaction; should that fail, each alone, so one cannot sink all."""
        try:
            self._queue.complete_many(ticket, completions)
            return
        except Exception:  # a store refusal (a value the database will not bind): isolate the item
            log.exception("recording %d outcomes at once failed; recording them one by one", len(completions))
        for index, (record, completion) in enumerate(zip(records, completions, strict=True)):
            try:
                self._queue.complete_many(ticket, [completion])
            except Exception as exc:
                log.exception("recording the outcome of work item %s failed", record.id)
                why = f"The outcome could not be recorded: {type(exc).__name__}: {exc}"
                completions[index] = _failed(record, "store-error", why)
                self._queue.complete_many(ticket, [completions[index]])

    def _completion(self, record: WorkRecord, responses: Sequence[Response], unreadable: str | None = None
                    ) -> Completion:
        """What becomes of one in-flight item, given its responses (none: fate unknown)."""
        problem = unreadable or _answer_problem(responses)
        if problem is not None:
            # QuickBooks may have applied the request; what it answered cannot be taken: probe first.
            return Completion(record.id, "pending", "UnreadableAnswer", problem, probe=True)
        if not responses:
            # Not in the response at all: fate unknown, so probe before any re-send.
            return Completion(record.id, "pending", None, "no response for this request", probe=True)
        handler = self._handlers.get(record.kind)
        if handler is None:
            return _failed(record, "no-handler", no_handler_message(record.kind))
        view = _view(record, record.sent_as_probe)
        try:
            if record.sent_as_probe:
                outcome = handler.handle_probe_response(view, responses)
            else:
                outcome = handler.handle_response(view, responses)
            completion = _from_outcome(record, outcome, responses[-1])
            _check_storable(completion)
        except WorkRefused as refused:
            return _failed(record, refused.status_code, refused.message)
        except Exception as exc:
            log.exception("handler %s failed on the response for work item %s", record.kind, record.id)
            return _failed(record, "handler-error", f"{type(exc).__name__}: {exc}")
        return completion

    def apply_hresult(self, company_key: str, ticket: str, hresult: str, message: str) -> None:
        """ProcessRequest threw instead of answering.

        0x80040400: the document was rejected before any request ran → nothing applied. A lone item
        fails for good; items of a larger batch go back pending, each to be sent alone, so the bad
        one is isolated. Any other HRESULT: the fate is unknown → probe before re-sending.
        """
        in_flight = self.in_flight(company_key, ticket)
        for record in in_flight:
            if hresult.lower() == HRESULT_BAD_QBXML:
                if len(in_flight) == 1:
                    self._queue.complete(
                        record.id, ticket, state="failed", status_code=hresult, message=message
                    )
                else:
                    self._queue.complete(
                        record.id, ticket, state="pending", status_code=hresult, message=message, solo=True
                    )
            else:
                self._queue.complete(
                    record.id, ticket, state="pending", status_code=hresult, message=message, probe=True
                )

    # -- progress --------------------------------------------------------------------------------
    def percent_done(self, company_key: str, ticket: str) -> int:
        """Finished / (finished + remaining) of this session's work; 100 only when nothing remains."""
        # Counted up to PROGRESS_COUNT_LIMIT: beyond it the bar moves against that many (still 99 at most
        # while anything is open), and a round trip never counts a huge queue.
        remaining = self._queue.remaining(company_key, at_most=PROGRESS_COUNT_LIMIT)
        if remaining == 0:
            return 100
        finished = self._queue.finished_in(ticket)
        return max(1, min(99, finished * 100 // (finished + remaining)))
