"""Shared query machinery: filters, ordering, IncludeRetElement, MaxReturned and iterators.

Every ``…Query`` handler hands its candidates to :func:`query_reply`, which applies what all qbXML
queries share: a list of records, or a :class:`Selection` that SQLite reads in answer order from an index
and stops at MaxReturned (what :func:`list_query` and :func:`txn_query` build), so a query returning 10
rows costs 10 rows however large the file. Real semantics imitated:

* ``ListID``/``FullName`` (or ``TxnID``/``RefNumber``) lists ignore ``ActiveStatus``. An unknown
  ``FullName`` → statusCode 500 (Warn) naming it, with whatever was found (qbwc gem capture of 500
  for a FullName that does not exist); an unknown ``ListID`` → 3120 (Error, no data) naming it: the
  qbwc gem's captured CustomerQueryRs for ListID "8000001B-1405768916" (STATUS-CODES.md). An unknown
  ``TxnID`` answers 3120 by analogy (an object id; no capture). With several ids and one unknown, the
  first unknown one is named and nothing is returned (chosen: 3120 is an Error, which carries no data).
* Otherwise ``ActiveStatus`` defaults to ``ActiveOnly``; ``FromModifiedDate``/``ToModifiedDate`` are
  inclusive (a date without time means the whole day; a time without offset is the file's local time);
  ``NameFilter`` (StartsWith/Contains/EndsWith) and ``NameRangeFilter`` compare FullName
  case-insensitively (``ToName`` is treated as a prefix bound, so To "B" keeps "Bob" — chosen).
* Nothing matched → statusCode 1 (Info) "A query request did not find a matching object in QuickBooks".
* Lists come back in QuickBooks' list order: hierarchical by name, children right after their parent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from .balances import BALANCED_KINDS
from .dates import parse_date, parse_datetime
from .errors import InvalidDateRange, IteratorError, NoMatch, ObjectNotFound, StatusError
from .iterators import IteratorState
from .qbxml_io import Doc, as_list, filter_ret
from .registry import Reply, RequestContext
from .store import Criteria, NameMatch, NameRange, Record, Store, to_utc_text


class PartialMatch(StatusError):
    """500 (Warn): some requested ListIDs/FullNames were not found (qbwc gem test_helper capture; the
    value sits in parentheses, as in the OSR's 'required element ("fieldValue")')."""

    code = 500
    severity = "Warn"

    def __init__(self, missing: str) -> None:
        super().__init__(
            "The query request has not been fully completed. There was a required element "
            f'("{missing}") that could not be found in QuickBooks.'
        )


def modified_range(from_text: Any, to_text: Any) -> tuple[str | None, str | None]:
    """A From/To modified-date (or deleted-date) pair as inclusive UTC bounds.

    A bare date covers its whole day; From after To → 3030 (QuickBooks refuses the range rather than
    answering "no match").
    """
    low = parse_datetime(from_text)
    high = parse_datetime(to_text, end_of_day=True)
    if low is not None and high is not None and low > high:
        raise InvalidDateRange()
    return _utc_bound(low), _utc_bound(high)


def _utc_bound(moment: datetime | None) -> str | None:
    """A bound in UTC text; one at the calendar's edge (9999-12-31 in a zone west of UTC) has no UTC
    moment Python can hold, and bounds nothing (every record lies inside it)."""
    if moment is None:
        return None
    try:
        return to_utc_text(moment.isoformat())
    except (OverflowError, ValueError):
        return None


def day_range(from_text: Any, to_text: Any) -> tuple[date | None, date | None]:
    """A From/To calendar-day pair (TxnDateRangeFilter, ReportPeriod); From after To → 3030."""
    low, high = parse_date(from_text), parse_date(to_text)
    if low is not None and high is not None and low > high:
        raise InvalidDateRange()
    return low, high


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


def _name_match(flt: Doc) -> NameMatch:
    criterion = flt.get("MatchCriterion", "StartsWith")
    return NameMatch(str(flt.get("Name", "")).casefold(),
                     criterion if criterion in ("Contains", "EndsWith") else "StartsWith")


def _name_range(flt: Doc) -> NameRange:
    return NameRange(str(flt["FromName"]).casefold() if flt.get("FromName") is not None else None,
                     str(flt["ToName"]).casefold() if flt.get("ToName") is not None else None)


def list_criteria(kinds: tuple[str, ...], body: Doc) -> Criteria:
    """The ListFilter group (ActiveStatus, modified dates, name filters) as store :class:`Criteria`, so
    SQLite answers it from the index without reading a document. Lists come in QuickBooks' list order.
    """
    active = body.get("ActiveStatus", "ActiveOnly")
    low, high = modified_range(body.get("FromModifiedDate"), body.get("ToModifiedDate"))
    name_flt, range_flt = body.get("NameFilter"), body.get("NameRangeFilter")
    return Criteria(
        kinds,
        active=active if active in ("ActiveOnly", "InactiveOnly") else "All",
        modified_from=low,
        modified_to=high,
        name_match=_name_match(name_flt) if isinstance(name_flt, dict) else None,
        name_range=_name_range(range_flt) if isinstance(range_flt, dict) else None,
        order="list",
    )


_OPERATORS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "LessThan": lambda a, b: a < b,
    "LessThanEqual": lambda a, b: a <= b,
    "Equal": lambda a, b: a == b,
    "GreaterThan": lambda a, b: a > b,
    "GreaterThanEqual": lambda a, b: a >= b,
}


def total_balance_filter(ctx: RequestContext) -> Callable[[Record], bool] | None:
    """TotalBalanceFilter (Operator + Amount) on TotalBalance (Balance for vendors, which have no total),
    as derived from the file's transactions (``balances``), the same number the Ret shows."""
    flt = ctx.body.get("TotalBalanceFilter")
    if not isinstance(flt, dict):
        return None
    if not str(flt.get("Amount", "")).strip():
        return None  # "" is no value (AMTTYPE allows it), as for an empty date bound: no filter (chosen)
    compare = _OPERATORS[str(flt["Operator"])]
    amount = Decimal(str(flt["Amount"]))

    def keep(rec: Record) -> bool:
        doc = ctx.balances(rec)
        balance = doc.get("TotalBalance", doc.get("Balance", "0"))
        return compare(Decimal(str(balance)), amount)

    return keep


def class_filter(ctx: RequestContext) -> Callable[[Record], bool] | None:
    """ClassFilter on the record's ClassRef (ListID/FullName, optionally with sub-classes)."""
    flt = ctx.body.get("ClassFilter")
    if not isinstance(flt, dict):
        return None
    ids = _descendant_ids(ctx)
    return lambda rec: _ref_matches(rec.doc.get("ClassRef"), flt, ids)


def all_of(*predicates: Callable[[Record], bool] | None) -> Callable[[Record], bool] | None:
    """Combine optional predicates (None when there are none)."""
    active = [p for p in predicates if p is not None]
    if not active:
        return None
    return lambda rec: all(p(rec) for p in active)


@dataclass
class Selection:
    """The records a query answers, in answer order, read from the store only as far as the reply needs.

    ``criteria`` run in SQLite over the indexed columns (the part of a filter the index can answer);
    ``keep`` is the part only a document can answer (derived balances, ClassRef, AccountType), applied
    row by row as the cursor advances. ``MaxReturned=10`` therefore decodes ten documents when
    nothing (or each row it reaches) passes ``keep``, however many records the kind holds.
    """

    store: Store
    criteria: Criteria
    keep: Callable[[Record], bool] | None = None

    def first(self, limit: int | None) -> list[Record]:
        """The first ``limit`` records (all for None; the XSD makes MaxReturned at least 1)."""
        if limit is not None and limit <= 0:
            return []
        out: list[Record] = []
        rows = self.store.matching(self.criteria, limit=limit if self.keep is None else None)
        for rec in rows:
            if self.keep is None or self.keep(rec):
                out.append(rec)
                if limit is not None and len(out) >= limit:
                    break
        rows.close()
        return out

    def count(self) -> int:
        if self.keep is None:
            return self.store.count_matching(self.criteria)
        return len(self.first(None))

    def seqs(self) -> list[int]:
        if self.keep is None:
            return self.store.seqs_matching(self.criteria)
        return [r.seq for r in self.first(None)]


@dataclass
class Loaded:
    """Records a handler already holds, behind :class:`Selection`'s interface."""

    records: list[Record]

    def first(self, limit: int | None) -> list[Record]:
        return self.records if limit is None else self.records[:limit]

    def count(self) -> int:
        return len(self.records)

    def seqs(self) -> list[int]:
        return [r.seq for r in self.records]


def by_ids(lookup: Callable[[str], Record | None], values: list[str]) -> tuple[list[Record], str | None]:
    """Records for each requested id/name (``lookup`` finds one), in request order; also the first value
    not found."""
    found: list[Record] = []
    missing: str | None = None
    for value in values:
        rec = lookup(value)
        if rec is None:
            missing = missing or value
        elif all(rec.seq != r.seq for r in found):
            found.append(rec)
    return found, missing


def list_query(ctx: RequestContext, kinds: Iterable[str],
               extra: Callable[[Record], bool] | None = None,
               ret_name: Callable[[Record], str] | None = None,
               order: Callable[[Record], Any] = hierarchical_key) -> Reply:
    """A whole list query (``ListQuery`` group): ids/names, or filters + ``order``, then the reply."""
    kinds = tuple(kinds)
    body = ctx.body
    store = ctx.company.store
    ret_name = ret_name or (lambda rec: f"{rec.kind}Ret")
    # vendors' and customers' balances are derived from transactions when answered (balances.py)
    view = ctx.balances if set(kinds) & set(BALANCED_KINDS) else None
    if ctx.attrs.get("iterator") == "Continue":
        return query_reply(ctx, [], ret_name, view=view)
    list_ids = [str(v) for v in as_list(body.get("ListID"))]
    full_names = [str(v) for v in as_list(body.get("FullName"))]
    if list_ids or full_names:
        if list_ids:
            records, missing = by_ids(lambda v: store.by_list_id(v, kinds), list_ids)
            if missing is not None:
                raise ObjectNotFound(missing)
        else:
            records, missing = by_ids(lambda v: store.by_full_name(v, kinds), full_names)
        status = PartialMatch(missing) if missing is not None else None
        return query_reply(ctx, records, ret_name, status=status, view=view)
    criteria = list_criteria(kinds, body)
    if order is not hierarchical_key:  # an order the index does not hold (the chart of accounts): sort here
        found = Selection(store, replace(criteria, order="entry"), extra).first(None)
        return query_reply(ctx, sorted(found, key=order), ret_name, view=view)
    selection = Selection(store, criteria, extra)
    return query_reply(ctx, selection, ret_name, view=view)


View = Callable[[Record], Doc]


def render(records: list[Record], ret_name: Callable[[Record], str], include: list[str],
           view: View | None = None) -> list[tuple[str, Any]]:
    """(Ret name, document) pairs; ``view`` trims a record first (e.g. lines left out of a query)."""
    out: list[tuple[str, Any]] = []
    for rec in records:
        doc = view(rec) if view is not None else rec.doc
        doc = filter_ret(doc, include) if include else doc
        out.append((ret_name(rec), doc))
    return out


#: A MaxReturned beyond any company file's size: the XSD bounds it below (minInclusive 1) but not above,
#: and Python refuses int() of more than 4,300 digits, so longer numbers are read by their length.
_MAX_RETURNED_CAP = 10**9


def max_returned_of(body: Doc) -> int | None:
    """MaxReturned as a count (None when absent); a huge one returns everything."""
    digits = str(body.get("MaxReturned") or "").strip().lstrip("+").lstrip("0")
    if not digits:
        return None
    return _MAX_RETURNED_CAP if len(digits) > 9 else int(digits)


def query_reply(ctx: RequestContext, records: list[Record] | Selection, ret_name: Callable[[Record], str],
                status: StatusError | None = None, view: View | None = None) -> Reply:
    """MaxReturned, iterators, IncludeRetElement and the no-match status for any query.

    ``records``: a list, or a :class:`Selection` read only as far as the reply needs (MaxReturned rows;
    an iterator's Start also reads the ``seq`` of every match, for its remaining count).
    """
    found = records if isinstance(records, Selection) else Loaded(records)
    mode = ctx.attrs.get("iterator")
    meta = ctx.attrs.get("metaData", "NoMetaData")
    if meta != "NoMetaData" and mode is None:
        return _meta_reply(ctx, found, ret_name, status, view, with_data=meta == "MetaDataAndResponseData")
    max_returned = max_returned_of(ctx.body)
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
        chunk = ctx.company.store.by_seqs(seqs)
        remaining = len(state.seqs) - state.position
        if remaining == 0:
            registry.drop(iterator_id)
        return _iter_reply(chunk, ret_name, include, iterator_id, remaining, view)
    if mode == "Stop":
        registry.drop(ctx.attrs.get("iteratorID", ""))
        return Reply(attrs={"iteratorRemainingCount": "0", "iteratorID": ctx.attrs.get("iteratorID", "")})
    if mode == "Start":
        seqs = found.seqs()
        size = max_returned or max(len(seqs), 1)
        chunk = found.first(size)
        remaining = len(seqs) - len(chunk)
        iterator_id = registry.new_id()
        if remaining:
            registry.start(IteratorState(iterator_id, ctx.name, seqs, len(chunk), size, ctx.ticket, now))
        return _iter_reply(chunk, ret_name, include, iterator_id, remaining, view)
    shown = found.first(max_returned)
    if not shown and status is None:
        raise NoMatch()
    return Reply(children=render(shown, ret_name, include, view), status=status)


def _meta_reply(ctx: RequestContext, found: Selection | Loaded, ret_name: Callable[[Record], str],
                status: StatusError | None, view: View | None, with_data: bool) -> Reply:
    """``metaData="MetaDataOnly"``: just ``retCount`` (how many would come back); ``…AndResponseData``
    adds the records. Chosen: MaxReturned caps the data, not the count."""
    attrs = {"retCount": str(found.count())}
    if not with_data:
        return Reply(attrs=attrs, status=status)
    shown = found.first(max_returned_of(ctx.body))
    if not shown and status is None:
        return Reply(attrs=attrs, status=NoMatch())
    return Reply(children=render(shown, ret_name, ctx.include_ret, view), attrs=attrs, status=status)


def _iter_reply(chunk: list[Record], ret_name: Callable[[Record], str], include: list[str],
                iterator_id: str, remaining: int, view: View | None) -> Reply:
    # a real iterator page carries iteratorRemainingCount and iteratorID only; retCount belongs to metaData
    attrs = {"iteratorRemainingCount": str(remaining), "iteratorID": iterator_id}
    if not chunk:
        no_match = NoMatch()
        return Reply(attrs=attrs, status=no_match)
    return Reply(children=render(chunk, ret_name, include, view), attrs=attrs)



# -- transactions ------------------------------------------------------------------------------------
def _ref_matches(value: Any, flt: Doc, company_records: Callable[[str], list[str]]) -> bool:
    """EntityFilter/AccountFilter on one ``…Ref`` value ({ListID, FullName})."""
    if not isinstance(value, dict):
        return False
    list_id = value.get("ListID", "")
    full = str(value.get("FullName", "")).casefold()
    if flt.get("ListID") is not None:
        return list_id in {str(v) for v in as_list(flt["ListID"])}
    if flt.get("FullName") is not None:
        return full in {str(v).casefold() for v in as_list(flt["FullName"])}
    if flt.get("ListIDWithChildren") is not None:
        return list_id in company_records(str(flt["ListIDWithChildren"]))
    if flt.get("FullNameWithChildren") is not None:
        prefix = str(flt["FullNameWithChildren"]).casefold()
        return full == prefix or full.startswith(prefix + ":")
    return True


def _descendant_ids(ctx: RequestContext) -> Callable[[str], list[str]]:
    def ids(list_id: str) -> list[str]:
        out = [list_id]
        frontier = [list_id]
        while frontier:
            parent = frontier.pop()
            for child in ctx.company.store.children(parent):
                out.append(child.list_id or "")
                frontier.append(child.list_id or "")
        return out

    return ids


def _any_ref(doc: Doc, fields: tuple[str, ...], flt: Doc, ids: Callable[[str], list[str]]) -> bool:
    """True if any of ``fields`` (on the header or on any line aggregate) matches the filter."""
    for key, value in doc.items():
        if key in fields and _ref_matches(value, flt, ids):
            return True
        for item in as_list(value):
            if isinstance(item, dict) and key not in fields and _any_ref(item, fields, flt, ids):
                return True
    return False


def txn_criteria(kinds: tuple[str, ...], body: Doc) -> Criteria:
    """The date part of the TxnFilter group (modified and transaction dates) as store :class:`Criteria`,
    in transaction order (TxnDate, then entry).

    ``DateMacro`` is not simulated (ignored). Dates compare as QuickBooks does: inclusive; a range
    whose From is after its To → 3030. Stored TxnDates are canonical ``YYYY-MM-DD`` (formats.py
    rewrites request dates), so text compares.
    """
    mod = body.get("ModifiedDateRangeFilter") or {}
    low, high = modified_range(mod.get("FromModifiedDate"), mod.get("ToModifiedDate"))
    dates = body.get("TxnDateRangeFilter") or {}
    from_day, to_day = day_range(dates.get("FromTxnDate"), dates.get("ToTxnDate"))
    return Criteria(kinds, modified_from=low, modified_to=high,
                    txn_date_from=from_day.isoformat() if from_day else None,
                    txn_date_to=to_day.isoformat() if to_day else None, order="txn")


def txn_filter(ctx: RequestContext, *, entity_fields: tuple[str, ...],
               account_fields: tuple[str, ...]) -> Callable[[Record], bool] | None:
    """The rest of the TxnFilter group, which only a document answers: entity/account (on the header
    or any line), RefNumber filters. None when the request has none of them."""
    body = ctx.body
    entity = body.get("EntityFilter")
    account = body.get("AccountFilter")
    ref_flt = body.get("RefNumberFilter")
    ref_range = body.get("RefNumberRangeFilter")
    if not any(isinstance(flt, dict) for flt in (entity, account, ref_flt, ref_range)):
        return None
    ids = _descendant_ids(ctx)

    def keep(rec: Record) -> bool:
        doc = rec.doc
        if isinstance(entity, dict) and not _any_ref(doc, entity_fields, entity, ids):
            return False
        if isinstance(account, dict) and not _any_ref(doc, account_fields, account, ids):
            return False
        ref = str(doc.get("RefNumber", ""))
        if isinstance(ref_flt, dict):
            as_name = {"Name": ref_flt.get("RefNumber", ""), "MatchCriterion": ref_flt.get("MatchCriterion")}
            if not _name_filter(ref, as_name):
                return False
        return not (isinstance(ref_range, dict) and not _range_filter(
            ref, {"FromName": ref_range.get("FromRefNumber"), "ToName": ref_range.get("ToRefNumber")}))

    return keep


def txn_query(ctx: RequestContext, kinds: Iterable[str], *, entity_fields: tuple[str, ...] = ("EntityRef",),
              account_fields: tuple[str, ...] = ("AccountRef",), line_fields: tuple[str, ...] = (),
              extra: Callable[[Record], bool] | None = None) -> Reply:
    """A whole transaction query: TxnID / RefNumber lists or the TxnFilter group, then the reply.

    Line aggregates named in ``line_fields`` are left out unless ``IncludeLineItems`` is true, and
    ``LinkedTxn`` unless ``IncludeLinkedTxns`` is true (QuickBooks' defaults). Transactions come back
    in TxnDate order, then entry order.
    """
    kinds = tuple(kinds)
    body = ctx.body
    view = txn_view(body, line_fields)
    ret_name: Callable[[Record], str] = lambda rec: f"{rec.kind}Ret"  # noqa: E731
    if ctx.attrs.get("iterator") == "Continue":
        return query_reply(ctx, [], ret_name, view=view)
    txn_ids = [str(v) for v in as_list(body.get("TxnID"))]
    refs = [str(v) for v in as_list(body.get("RefNumber"))]
    refs_cs = [str(v) for v in as_list(body.get("RefNumberCaseSensitive"))]
    status: StatusError | None = None
    if txn_ids:
        records, missing = by_ids(lambda v: ctx.company.store.by_txn_id(v, kinds), txn_ids)
        if missing is not None:
            raise ObjectNotFound(missing)
    elif refs or refs_cs:
        wanted = {v.casefold() for v in refs}
        records = [r for r in ctx.company.store.of_kinds(*kinds)
                   if str(r.doc.get("RefNumber", "")).casefold() in wanted
                   or str(r.doc.get("RefNumber", "")) in set(refs_cs)]
    else:
        keep = all_of(txn_filter(ctx, entity_fields=entity_fields, account_fields=account_fields), extra)
        selection = Selection(ctx.company.store, txn_criteria(kinds, body), keep)
        return query_reply(ctx, selection, ret_name, view=view)
    return query_reply(ctx, records, ret_name, status=status, view=view)


def txn_view(body: Doc, line_fields: tuple[str, ...]) -> View:
    """Leave out line aggregates unless IncludeLineItems=true, LinkedTxn unless IncludeLinkedTxns=true."""
    drop: set[str] = set()
    if body.get("IncludeLineItems") != "true":
        drop |= set(line_fields)
    if body.get("IncludeLinkedTxns") != "true":
        drop.add("LinkedTxn")
    return lambda rec: {k: v for k, v in rec.doc.items() if k not in drop}
