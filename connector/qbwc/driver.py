"""The session driver: work queue → qbXML batch (sendRequestXML) and response → work queue.

Per sendRequestXML it batches up to ``batch_size`` pending items whose dependencies are done
(a purchase order never leaves while its vendor's add is in flight), writes them ``sent`` *before*
returning the batch, and on receiveResponseXML routes each ``...Rs`` back by requestID to the
handler of its work item. See ``connector/store/README.md`` for the crash-recovery strategy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from connector.qbwc.qbxml_io import (
    BatchEntry,
    build_batch,
    item_id_of,
    parse_responses,
    set_continue,
    to_elements,
)
from connector.store.queue import Completion, WorkQueue, WorkRecord
from connector.sync.base import HandlerRegistry, Outcome, QbResponse, WorkItemView, WorkRefused

log = logging.getLogger(__name__)

# ProcessRequest HRESULT when the qbXML document is not well-formed / not valid: QuickBooks
# rejects the whole document before processing any request in it, so nothing was applied.
HRESULT_BAD_QBXML = "0x80040400"


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


def _from_outcome(record: WorkRecord, outcome: Outcome, last: QbResponse) -> Completion:
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
            entries: list[BatchEntry] = []
            sent: list[tuple[int, bool]] = []
            for record in records:
                entry = self._entry(record, ticket)
                if entry is not None:
                    entries.append(entry[0])
                    sent.append((record.id, entry[1]))
            if entries:
                self._queue.mark_sent(sent, ticket)
                return build_batch(entries)
            # every selected item failed before sending; their dependants may now be blocked

    def _fail(self, record: WorkRecord, ticket: str, code: str, message: str) -> None:
        self._queue.complete(record.id, ticket, state="failed", status_code=code, message=message)

    def _entry(self, record: WorkRecord, ticket: str) -> tuple[BatchEntry, bool] | None:
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
            elements = to_elements(body, self._settings.max_xml_bytes)
        except WorkRefused as refused:
            self._fail(record, ticket, refused.status_code, refused.message)
            return None
        except Exception as exc:  # a handler bug must not take the Web Connector session down
            log.exception("handler %s failed to build work item %s", record.kind, record.id)
            self._fail(record, ticket, "handler-error", f"{type(exc).__name__}: {exc}")
            return None
        if record.iterator_id and not as_probe:
            for el in elements:
                set_continue(el, record.iterator_id)
        return BatchEntry(record.id, tuple(elements)), as_probe

    # -- receiveResponseXML ----------------------------------------------------------------------
    def in_flight(self, company_key: str, ticket: str) -> list[WorkRecord]:
        """Items this session sent and has no answer for yet."""
        return [r for r in self._queue.items(company_key, ["sent"]) if r.sent_ticket == ticket]

    def apply_response(self, company_key: str, ticket: str, qbxml: str) -> None:
        """Route every ``...Rs`` to its work item's handler (raises ValueError on a broken document).

        Handlers run first, then every item's outcome (state, id map, follow-ups) is written in one
        transaction: the queue never holds half a response, and N items cost one commit. Staged
        import records are written by their handler in its own transaction before that; they are
        upserts by ListID, so a response applied again after a failure re-stages the same rows.
        """
        responses = parse_responses(qbxml, self._settings.max_xml_bytes)
        grouped: dict[int, list[QbResponse]] = {}
        for rs in responses:
            item_id = item_id_of(rs.request_id)
            if item_id is not None:
                grouped.setdefault(item_id, []).append(rs)
        completions = [
            self._completion(record, grouped.get(record.id, []))
            for record in self.in_flight(company_key, ticket)
        ]
        self._queue.complete_many(ticket, completions)
        # Dependants of what just failed are finished too (failed unsent): progress must count them.
        self._queue.fail_blocked(company_key, ticket)

    def _completion(self, record: WorkRecord, responses: Sequence[QbResponse]) -> Completion:
        """What becomes of one in-flight item, given its responses (none: fate unknown)."""
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
        except WorkRefused as refused:
            return _failed(record, refused.status_code, refused.message)
        except Exception as exc:
            log.exception("handler %s failed on the response for work item %s", record.kind, record.id)
            return _failed(record, "handler-error", f"{type(exc).__name__}: {exc}")
        return _from_outcome(record, outcome, responses[-1])

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
        remaining = self._queue.remaining(company_key)
        if remaining == 0:
            return 100
        finished = self._queue.finished_in(ticket)
        return max(1, min(99, finished * 100 // (finished + remaining)))
