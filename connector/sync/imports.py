"""What list imports share: an iterator query page by page, each page staged.

QuickBooks iterators (qbXML SDK Programmer's Guide, "Iterating through query results"): the first
request carries ``iterator="Start"`` and ``MaxReturned``; each response says ``iteratorID`` and
``iteratorRemainingCount``; the session driver sends ``iterator="Continue"`` with that id until the
count reaches 0. Iterators die with the QuickBooks session, so an import interrupted by a crash
starts again from "Start" in the next session — staging is an upsert by ListID, so re-read pages
never duplicate a record.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import Record
from connector.sync import codec
from connector.sync.base import Outcome, QbResponse, WorkItemView
from connector.sync.context import SyncContext
from connector.sync.staging import StageEntry

ADDRESS_FIELDS = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5", "City", "State", "PostalCode", "Country")


def address(value: Any) -> dict[str, str] | None:
    """A qbXML address aggregate as plain strings (None when absent or empty)."""
    if not isinstance(value, Mapping):
        return None
    out = {k: str(value[k]) for k in ADDRESS_FIELDS if value.get(k)}
    return out or None


def page_request(query: str, item: WorkItemView, context: SyncContext) -> str:
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
    rs: QbResponse,
    object_type: str,
    entries: Sequence[StageEntry],
) -> Outcome:
    """Stage one page and report totals over the pages read so far in this iteration."""
    first_page = item.iterator_id is None
    previous = {} if first_page else context.item_result(item.id)
    context.staging.upsert(item.company_key, object_type, list(entries), context.now())
    ready = sum(1 for e in entries if e.status == "ready")
    result = {
        "pages": int(previous.get("pages", 0)) + 1,
        "read": int(previous.get("read", 0)) + len(entries),
        "staged": int(previous.get("staged", 0)) + ready,
        "skipped": int(previous.get("skipped", 0)) + len(entries) - ready,
        "remaining": rs.iterator_remaining_count or 0,
    }
    return Outcome.done(rs, result=result)


def read_page(rs: QbResponse) -> list[Record] | None:
    """The records of one page; None when QuickBooks answered with an error."""
    if rs.is_error:
        return None
    if codec.is_not_found(rs):
        return []
    return codec.records(rs)
