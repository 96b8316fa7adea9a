"""What list imports share: an iterator query page by page, each page staged.

QuickBooks iterators (qbXML SDK Programmer's Guide, "Iterating through query results"): the first
request carries ``iterator="Start"`` and ``MaxReturned``; each response says ``iteratorID`` and
``iteratorRemainingCount``; the session driver sends ``iterator="Continue"`` with that id until the
count reaches 0. Iterators die with the QuickBooks session, so an import interrupted by a crash
starts again from "Start" in the next session — staging is an upsert by ListID, so re-read pages
never duplicate a record.

An iterator can also die inside a session: QuickBooks drops one left idle too long and answers the
next ``Continue`` with 3391 ``The iteratorID "{…}" is not valid.``. The import then starts again from
"Start" (at most ``MAX_ITERATOR_RESTARTS`` times per work item, so a file that keeps losing iterators
fails with QuickBooks' message instead of looping).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import Record, Request, Response
from connector.sync import answers, codec
from connector.sync.context import SyncContext
from connector.sync.staging import Staged, StageEntry
from connector.work import Outcome, WorkItemView

ITERATOR_GONE = 3391
MAX_ITERATOR_RESTARTS = 2

ADDRESS_FIELDS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country")


def address(value: Any) -> dict[str, str] | None:
    """A qbXML address aggregate as plain strings (None when absent or empty)."""
    if not isinstance(value, Mapping):
        return None
    out = {k: str(value[k]) for k in ADDRESS_FIELDS if value.get(k)}
    return out or None


def procore_address(value: Mapping[str, Any] | None) -> dict[str, str]:
    """A staged qbXML address as Procore's ``address``/``city``/``state_code``/``zip`` fields.

    Procore has one street field: the address lines go into it one per line (the export splits them the
    same way, ``adds.procore_address``). Country has no Procore field in seed 001's mappings.
    """
    value = value or {}
    lines = [str(value[k]) for k in ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5") if value.get(k)]
    return {"address": "\n".join(lines), "city": str(value.get("City") or ""),
            "state_code": str(value.get("State") or ""), "zip": str(value.get("PostalCode") or "")}


def staged_update(staged: Staged, item_type: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """One entry of Procore's ``staged_records/sync`` ``updates`` for a staged QuickBooks record."""
    return {"item_type": item_type, "origin_id": staged.qb_id, "origin_code": None,
            "origin_data": staged.edit_sequence, "status": "staged", "data": dict(data)}


def page_request(query: str, item: WorkItemView, context: SyncContext) -> Request:
    """The Start page of an import (the driver turns later pages into Continue)."""
    options = context.options
    page_size = int(item.payload.get("page_size") or options.import_page_size)
    active_only = bool(item.payload.get("active_only", options.import_active_only))
    fields: dict[str, Any] = {"MaxReturned": page_size}
    if active_only:
        fields["ActiveStatus"] = "ActiveOnly"
    return codec.build(query, fields, iterator="Start")


def stage_page(
    context: SyncContext,
    item: WorkItemView,
    rs: Response,
    object_type: str,
    entries: Sequence[StageEntry],
) -> Outcome:
    """Stage one page and report totals over the pages read so far in this iteration."""
    first_page = item.iterator_id is None
    recorded = item.result
    previous = {} if first_page else recorded
    context.staging.upsert(item.company_key, object_type, list(entries), context.now())
    ready = sum(1 for e in entries if e.status == "ready")
    result = {
        "pages": int(previous.get("pages", 0)) + 1,
        "read": int(previous.get("read", 0)) + len(entries),
        "staged": int(previous.get("staged", 0)) + ready,
        "skipped": int(previous.get("skipped", 0)) + len(entries) - ready,
        "remaining": rs.iterator_remaining_count or 0,
    }
    if recorded.get("iterator_restarts"):
        result["iterator_restarts"] = int(recorded["iterator_restarts"])
    return Outcome.done(rs, result=result)


def restart_gone_iterator(item: WorkItemView, rs: Response) -> Outcome | None:
    """A ``Continue`` answered 3391 (iterator gone): send the Start page again, within the cap."""
    if rs.status_code != ITERATOR_GONE or item.iterator_id is None:
        return None
    restarts = int(item.result.get("iterator_restarts", 0))
    if restarts >= MAX_ITERATOR_RESTARTS:
        return None
    return Outcome.resend(
        restart=True,
        status_code=str(rs.status_code),
        message=rs.status_message,
        result={"iterator_restarts": restarts + 1},
    )


def entry(rs: Response, ret: Record, name: str, data: Mapping[str, Any], *, status: str = "ready",
          reason: str | None = None) -> StageEntry:
    """A staged entry keyed by the Ret's ListID (its ids read through ``answers``: a list or none raises)."""
    list_id, edit_sequence = answers.list_ids(rs, ret)
    return StageEntry(list_id, name, edit_sequence, data, status=status, reason=reason)


def read_page(rs: Response) -> list[Record] | None:
    """The records of one page; None when QuickBooks answered with an error."""
    if codec.is_error(rs):
        return None
    if codec.is_not_found(rs):
        return []
    return codec.records(rs)


class PageImportHandler(ABC):
    """A list import as a sync handler: the Start page (then Continue, by the driver), each page staged.

    Subclasses name the work ``kind``, the ``query`` (``VendorQuery``) and the staged ``object_type``,
    and turn a page's Ret records into staged entries.
    """

    kind: str
    query: str
    object_type: str

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    @abstractmethod
    def entries(self, item: WorkItemView, rs: Response, records: Sequence[Record]) -> list[StageEntry]:
        """The staged form of one page's records (ids read through ``answers``: unreadable ones raise)."""

    def build_request(self, item: WorkItemView) -> Request:
        return page_request(self.query, item, self._context)

    def build_probe(self, item: WorkItemView) -> None:
        return None  # a query changes nothing: send it again

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if rs.name != f"{self.query}Rs":
            # Another request's answer (requestIDs crossed): nothing of it is staged; the page is asked
            # for again (a query changes nothing).
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {rs.name} to a {self.query}Rq; asking again")
        records = read_page(rs)
        if records is None:
            return restart_gone_iterator(item, rs) or Outcome.failed(rs)
        ret_tag = self.query.removesuffix("Query") + "Ret"
        for record in records:
            if record.tag != ret_tag:
                what = f"{answers.article(record.tag)} {record.tag}"
                raise answers.UnexpectedAnswer(rs, f"with {what} among its {ret_tag} records")
        return stage_page(self._context, item, rs, self.object_type, self.entries(item, rs, records))

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)
