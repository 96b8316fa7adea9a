"""The contract between the work queue, the session driver and the sync handlers: one handler per work kind.

A leaf module (it imports only the qbXML codec's types): the store (``connector.store``), the session
driver (``connector.qbwc``) and the sync modules (``connector.sync``) all depend on it, never on each other
the wrong way round (edge → domain → store).

A work item (a row of the durable queue, ``connector.store``) becomes one or more qbXML requests
inside the batch the session driver (``connector.qbwc.driver``) returns from sendRequestXML. Its
requestID is the work item id, so the matching ``...Rs`` elements of the response come back to the
handler that built the request. The handler turns them into an :class:`Outcome`: the item is done
(id map updated, follow-up work enqueued), failed (QuickBooks' status code and message kept), or to
be sent again.

Crash recovery ("query before add"): an item found in ``sent`` by a later session (the Web
Connector died between sendRequestXML and receiveResponseXML, so nobody knows whether QuickBooks
applied it) is first sent as its *probe*: a query for the object the request would have created
(by Name / RefNumber). ``handle_probe_response`` then says done (found: record its ids, no re-add)
or resend (not found: the original request goes out again). A handler whose request is idempotent
(a query) returns ``None`` from ``build_probe`` and the request itself is re-sent.

Iterators are handled by the driver: a query request built with ``iterator="Start"`` whose
response carries ``iteratorRemainingCount > 0`` keeps its item pending with ``iterator_id`` set;
on the next sendRequestXML the driver re-sends the handler's request with
``iterator="Continue" iteratorID=...`` (QuickBooks ignores the other filters on Continue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, runtime_checkable

from connector.qbxml import Request, Response

#: The qbXML version of every document the connector sends and reads (QuickBooks Desktop 2014 and newer
#: speak it; seed 001 requires a supported 2022+ edition, all of which do).
QBXML_VERSION = "13.0"

#: What a handler's ``build_request`` / ``build_probe`` returns: one codec request, or several for one item.
RequestBody = Request | Sequence[Request]


@dataclass(frozen=True)
class WorkItemView:
    """What a handler sees of a queued work item."""

    id: int
    company_key: str
    kind: str
    payload: Mapping[str, Any]
    procore_id: str | None
    attempts: int
    iterator_id: str | None = None
    is_probe: bool = False
    #: What the item's last outcome recorded (3100 link phase, 3200 retries spent, import page totals),
    #: read with the item, so a handler needs no extra database round trip per item.
    result: Mapping[str, Any] = field(default_factory=dict)


class WorkRefused(Exception):
    """A handler's named refusal to build (or read) a work item's request.

    Raised when the item cannot go to QuickBooks as it stands (e.g. an update for a cost code that was
    never exported). The session driver marks the item ``failed`` with ``status_code`` and ``message``
    (shown to the Accounting Approver), rather than the anonymous ``handler-error`` it records for an
    unexpected exception. Nothing is sent to QuickBooks for a refused item.
    """

    def __init__(self, status_code: str, message: str) -> None:
        self.status_code = status_code
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class NewWork:
    """A follow-up work item a handler asks to enqueue (e.g. a PO after its vendor)."""

    kind: str
    payload: Mapping[str, Any]
    procore_id: str | None = None
    depends_on: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlannedWork:
    """A work item an ERP Request becomes; ``after`` names earlier items of the same plan (by index)."""

    work: NewWork
    after: tuple[int, ...] = ()


@dataclass(frozen=True)
class PlannedWrite:
    """Something Procore must be told about an ERP Request (the write-back outbox).

    ``kind``: ``close_detail`` (payload ``detail_id``, ``status``, ``messages``), ``item_outcome`` (what a
    work item's outcome means for Procore: origin ids, staged records, then its detail closed; payload
    says which), ``metadata`` (the ERP connection's metadata). ``after`` (an index into the plan's work)
    holds the write back until that item is finished in QuickBooks.
    """

    kind: str
    payload: Mapping[str, Any]
    after: int | None = None


@dataclass(frozen=True)
class RequestPlan:
    """What one ERP Request becomes: work for QuickBooks and writes for Procore, decided at once."""

    work: tuple[PlannedWork, ...] = ()
    writes: tuple[PlannedWrite, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class IdMapUpdate:
    """Procore id ↔ QuickBooks id (+EditSequence) learned from a response."""

    object_type: str
    procore_id: str
    qb_id: str
    edit_sequence: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What becomes of a work item after its response (or probe response) was read."""

    state: Literal["done", "failed", "resend"]
    status_code: str | None = None
    message: str | None = None
    result: Mapping[str, Any] | None = None
    followups: tuple[NewWork, ...] = ()
    id_map: tuple[IdMapUpdate, ...] = ()
    restart: bool = False

    @classmethod
    def done(cls, response: Response | None = None, **kw: Any) -> Outcome:
        """Done; status taken from ``response`` when given."""
        if response is not None:
            kw.setdefault("status_code", str(response.status_code))
            kw.setdefault("message", response.status_message)
        return cls(state="done", **kw)

    @classmethod
    def failed(cls, response: Response | None = None, **kw: Any) -> Outcome:
        """Failed for good; QuickBooks' status code and message are kept on the item."""
        if response is not None:
            kw.setdefault("status_code", str(response.status_code))
            kw.setdefault("message", response.status_message)
        return cls(state="failed", **kw)

    @classmethod
    def resend(cls, **kw: Any) -> Outcome:
        """Send the item's normal request again (e.g. the probe found nothing).

        An item mid-iteration goes on with ``Continue`` unless ``restart=True`` (the iterator is gone:
        begin again with ``iterator="Start"``).
        """
        return cls(state="resend", **kw)


@runtime_checkable
class SyncHandler(Protocol):
    """One per work kind (``kind`` matches ``WorkItem.kind``)."""

    kind: str

    def build_request(self, item: WorkItemView) -> RequestBody:
        """The qbXML request element(s) for this item (no requestID needed: the driver sets it)."""
        ...

    def build_probe(self, item: WorkItemView) -> RequestBody | None:
        """A query that finds what ``build_request`` would have created, or None if idempotent."""
        ...

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        """Read the responses to ``build_request`` (one per request element, in order)."""
        ...

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        """Read the responses to ``build_probe``: done if the object exists, resend otherwise."""
        ...


HandlerRegistry = Mapping[str, SyncHandler]
