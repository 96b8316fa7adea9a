"""Shared query machinery: filters, ordering, IncludeRetElement, MaxReturned and iterators.

Every ``…Query`` handler (lists now, transactions later) builds a candidate list of records and hands
it to :func:`query_reply`, which applies what all qbXML queries share. Real semantics imitated:

* ``ListID``/``FullName`` (or ``TxnID``/``RefNumber``) lists ignore ``ActiveStatus``; if any value is
  not found the answer is statusCode 500 (Warn) naming it, with whatever was found (qbwc gem capture
  of 500 for a FullName that does not exist).
* Otherwise ``ActiveStatus`` defaults to ``ActiveOnly``; ``FromModifiedDate``/``ToModifiedDate`` are
  inclusive (a date without time means the whole day; a time without offset is the file's local time);
  ``NameFilter`` (StartsWith/Contains/EndsWith) and ``NameRangeFilter`` compare FullName
  case-insensitively (``ToName`` is treated as a prefix bound, so To "B" keeps "Bob" — chosen).
* Nothing matched → statusCode 1 (Info) "A query request did not find a matching object in QuickBooks".
* Lists come back in QuickBooks' list order: hierarchical by name, children right after their parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any

from .clock import DEFAULT_TZ
from .errors import IteratorError, NoMatch, StatusError
from .iterators import IteratorState
from .qbxml_io import Doc, as_list, filter_ret
from .registry import Reply, RequestContext
from .store import Record, name_key, to_utc_text


class PartialMatch(StatusError):
    """500 (Warn): some requested ListIDs/FullNames were not found (qbwc gem test_helper capture)."""

    code = 500
    severity = "Warn"

    def __init__(self, missing: str) -> None:
        super().__init__(
            "The query request has not been fully completed. There was a required element "
            f'"{missing}" that could not be found in QuickBooks.'
        )


def parse_qb_datetime(text: str, *, end_of_day: bool = False) -> datetime:
    """DATETIMETYPE or DATETYPE as QuickBooks reads it (local time when no offset is given)."""
    text = text.strip()
    if "T" not in text:
        day = date.fromisoformat(text)
        moment = datetime.combine(day, time.max if end_of_day else time.min)
        return moment.replace(tzinfo=DEFAULT_TZ)
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=DEFAULT_TZ)


def hierarchical_key(rec: Record) -> tuple[str, ...]:
    return tuple(part.casefold() for part in (rec.full_name or "").split(":"))


def _name_filter(value: str, flt: Doc) -> bool:
    name = str(flt.get("Name", "")).casefold()
    criterion = flt.get("MatchCriterion", "StartsWith")
    value = value.casefold()
    if criterion == "StartsWith":
        return value.startswith(name)
    if criterion == "Contains":
        return name in value
    return value.endswith(name)


def _range_filter(value: str, flt: Doc) -> bool:
    value = value.casefold()
    low = flt.get("FromName")
    high = flt.get("ToName")
    if low is not None and value < str(low).casefold():
        return False
    if high is None:
        return True
    bound = str(high).casefold()
    return value <= bound or value.startswith(bound)


def list_filter(body: Doc) -> Callable[[Record], bool]:
    """The ListFilter group (ActiveStatus, modified dates, name filters) as a predicate."""
    active = body.get("ActiveStatus", "ActiveOnly")
    from_mod = body.get("FromModifiedDate")
    to_mod = body.get("ToModifiedDate")
    low = to_utc_text(parse_qb_datetime(from_mod).isoformat()) if from_mod else None
    high = to_utc_text(parse_qb_datetime(to_mod, end_of_day=True).isoformat()) if to_mod else None
    name_flt = body.get("NameFilter")
    range_flt = body.get("NameRangeFilter")

    def keep(rec: Record) -> bool:
        if active == "ActiveOnly" and not rec.is_active:
            return False
        if active == "InactiveOnly" and rec.is_active:
            return False
        modified = to_utc_text(rec.doc.get("TimeModified"))
        if low and (modified is None or modified < low):
            return False
        if high and (modified is None or modified > high):
            return False
        full = rec.full_name or ""
        if isinstance(name_flt, dict) and not _name_filter(full, name_flt):
            return False
        return not (isinstance(range_flt, dict) and not _range_filter(full, range_flt))

    return keep


def select_kinds(ctx: RequestContext, kinds: Iterable[str]) -> list[Record]:
    kinds = tuple(kinds)
    marks = ",".join("?" for _ in kinds)
    return ctx.company.store.select(f"kind IN ({marks})", kinds)


def by_ids(ctx: RequestContext, kinds: Iterable[str], column: str,
           values: list[str]) -> tuple[list[Record], str | None]:
    """Records for each requested id/name, in request order; also the first value not found."""
    kinds = tuple(kinds)
    marks = ",".join("?" for _ in kinds)
    found: list[Record] = []
    missing: str | None = None
    for value in values:
        key = name_key(value) if column == "full_name_key" else value
        rec = ctx.company.store.one(f"{column}=? AND kind IN ({marks})", (key, *kinds))
        if rec is None:
            missing = missing or value
        elif all(rec.seq != r.seq for r in found):
            found.append(rec)
    return found, missing


def list_query(ctx: RequestContext, kinds: Iterable[str],
               extra: Callable[[Record], bool] | None = None,
               ret_name: Callable[[Record], str] | None = None) -> Reply:
    """A whole list query (``ListQuery`` group): ids/names, or filters + ordering, then the reply."""
    kinds = tuple(kinds)
    body = ctx.body
    ret_name = ret_name or (lambda rec: f"{rec.kind}Ret")
    if ctx.attrs.get("iterator") == "Continue":
        return query_reply(ctx, [], ret_name)
    list_ids = [str(v) for v in as_list(body.get("ListID"))]
    full_names = [str(v) for v in as_list(body.get("FullName"))]
    if list_ids or full_names:
        if list_ids:
            records, missing = by_ids(ctx, kinds, "list_id", list_ids)
        else:
            records, missing = by_ids(ctx, kinds, "full_name_key", full_names)
        status = PartialMatch(missing) if missing is not None else None
        return query_reply(ctx, records, ret_name, status=status)
    keep = list_filter(body)
    records = [r for r in select_kinds(ctx, kinds) if keep(r) and (extra is None or extra(r))]
    records.sort(key=hierarchical_key)
    return query_reply(ctx, records, ret_name)


def render(records: list[Record], ret_name: Callable[[Record], str],
           include: list[str]) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for rec in records:
        doc = filter_ret(rec.doc, include) if include else rec.doc
        out.append((ret_name(rec), doc))
    return out


def query_reply(ctx: RequestContext, records: list[Record], ret_name: Callable[[Record], str],
                status: StatusError | None = None) -> Reply:
    """MaxReturned, iterators, IncludeRetElement and the no-match status for any query."""
    mode = ctx.attrs.get("iterator")
    max_text = ctx.body.get("MaxReturned")
    max_returned = int(max_text) if max_text else None
    include = ctx.include_ret
    now = ctx.company.clock.now()
    registry = ctx.company.iterators
    if mode == "Continue":
        iterator_id = ctx.attrs.get("iteratorID", "")
        state = registry.get(iterator_id, now)
        if state is None or state.request_name != ctx.name:
            raise IteratorError(iterator_id)
        size = max_returned or state.max_returned
        seqs = state.seqs[state.position: state.position + size]
        state.position += len(seqs)
        state.last_used = now
        by_seq = {r.seq: r for r in ctx.company.store.select(
            f"seq IN ({','.join('?' for _ in seqs)})", seqs)} if seqs else {}
        chunk = [by_seq[s] for s in seqs if s in by_seq]
        remaining = len(state.seqs) - state.position
        if remaining == 0:
            registry.drop(iterator_id)
        return _iter_reply(ctx, chunk, ret_name, include, iterator_id, remaining)
    if mode == "Stop":
        registry.drop(ctx.attrs.get("iteratorID", ""))
        return Reply(attrs={"iteratorRemainingCount": "0", "iteratorID": ctx.attrs.get("iteratorID", "")})
    if mode == "Start":
        size = max_returned or max(len(records), 1)
        chunk = records[:size]
        remaining = len(records) - len(chunk)
        iterator_id = registry.new_id()
        if remaining:
            registry.start(IteratorState(iterator_id, ctx.name, [r.seq for r in records], len(chunk), size,
                                         ctx.ticket, now))
        return _iter_reply(ctx, chunk, ret_name, include, iterator_id, remaining)
    if max_returned is not None:
        records = records[:max_returned]
    if not records and status is None:
        raise NoMatch()
    return Reply(children=render(records, ret_name, include), status=status)


def _iter_reply(ctx: RequestContext, chunk: list[Record], ret_name: Callable[[Record], str],
                include: list[str], iterator_id: str, remaining: int) -> Reply:
    attrs = {"retCount": str(len(chunk)), "iteratorRemainingCount": str(remaining), "iteratorID": iterator_id}
    if not chunk:
        no_match = NoMatch()
        return Reply(attrs=attrs, status=no_match)
    return Reply(children=render(chunk, ret_name, include), attrs=attrs)

