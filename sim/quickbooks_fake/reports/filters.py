"""The report filters qbXML report queries share (ReportPeriod, entity/item/account, txn type …).

Semantics: dates are inclusive (a ReportPeriod or ReportModifiedDateRangeFilter whose From is after
its To → 3030); ``…WithChildren`` includes sub-jobs / sub-items / sub-accounts by
FullName prefix; ``ReportEntityFilter`` matches a posting's Customer:Job or its name (vendor, payee);
``ReportPostingStatusFilter`` defaults to Posting for detail reports. ``ReportDateMacro`` supports
All, Today, ThisMonth, ThisMonthToDate, ThisYear, ThisYearToDate, LastMonth and LastYear on the
file's clock; other macros, ``AccountTypeFilter``, ``EntityTypeFilter``, ``ItemTypeFilter`` and
``ReportClassFilter`` are ignored (not yet faithful).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..qbxml_io import Doc, as_list
from ..queries import day_range, modified_range
from ..store import to_utc_text
from .postings import Posting

if TYPE_CHECKING:
    from ..company_api import Company


def _month_start(day: date) -> date:
    return day.replace(day=1)


def macro_period(macro: str, today: date) -> tuple[date | None, date | None]:
    if macro == "Today":
        return today, today
    if macro == "ThisMonth":
        nxt = (_month_start(today) + timedelta(days=32)).replace(day=1)
        return _month_start(today), nxt - timedelta(days=1)
    if macro == "ThisMonthToDate":
        return _month_start(today), today
    if macro == "ThisYear":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if macro == "ThisYearToDate":
        return date(today.year, 1, 1), today
    if macro == "LastMonth":
        end = _month_start(today) - timedelta(days=1)
        return _month_start(end), end
    if macro == "LastYear":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    return None, None


def period(company: Company, body: Doc) -> tuple[date | None, date | None]:
    span = body.get("ReportPeriod")
    if isinstance(span, dict):
        return day_range(span.get("FromReportDate"), span.get("ToReportDate"))
    if body.get("ReportDateMacro"):
        return macro_period(str(body["ReportDateMacro"]), company.clock.now().date())
    return None, None


def subtitle(low: date | None, high: date | None) -> str:
    """QuickBooks' period line: "All Transactions" or "January 1 through March 31, 2024"."""
    if low is None and high is None:
        return "All Transactions"
    if low is None:
        return f"Through {high:%B} {high.day}, {high.year}"  # type: ignore[union-attr]
    if high is None:
        return f"From {low:%B} {low.day}, {low.year}"
    if low.year == high.year:
        return f"{low:%B} {low.day} through {high:%B} {high.day}, {high.year}"
    return f"{low:%B} {low.day}, {low.year} through {high:%B} {high.day}, {high.year}"


def _full_name_of(company: Company, list_id: str) -> str | None:
    rec = company.store.by_list_id(list_id)
    return rec.full_name if rec is not None else None


def ref_filter(company: Company, flt: Any) -> Callable[[Doc | None], bool] | None:
    """A ListID/FullName/…WithChildren report filter as a predicate over a reference.

    ``ListIDWithChildren`` names the same subtree as ``FullNameWithChildren``: the ListID is resolved
    to its FullName and the element itself plus every ``FullName:…`` below it match (a customer's
    jobs, an item's sub-items, an account's sub-accounts). An unknown ListID matches nothing.
    """
    if not isinstance(flt, dict):
        return None
    ids = {str(v) for v in as_list(flt.get("ListID"))}
    names = {str(v).casefold() for v in as_list(flt.get("FullName"))}
    prefixes = [str(flt["FullNameWithChildren"]).casefold()] if flt.get("FullNameWithChildren") else []
    parent_id = str(flt.get("ListIDWithChildren", ""))
    if not (ids or names or prefixes or parent_id):
        return None
    if parent_id:
        parent_name = _full_name_of(company, parent_id)
        if parent_name is not None:
            prefixes.append(parent_name.casefold())

    def keep(ref: Doc | None) -> bool:
        if not ref:
            return False
        full = str(ref.get("FullName", "")).casefold()
        if ref.get("ListID") in ids or full in names:
            return True
        return any(full == prefix or full.startswith(prefix + ":") for prefix in prefixes)

    return keep


def posting_filter(
    company: Company, body: Doc, *, default_status: str = "Posting"
) -> Callable[[Posting], bool]:
    low, high = period(company, body)
    entity = ref_filter(company, body.get("ReportEntityFilter"))
    item = ref_filter(company, body.get("ReportItemFilter"))
    account = ref_filter(company, body.get("ReportAccountFilter"))
    types = {str(t) for t in as_list((body.get("ReportTxnTypeFilter") or {}).get("TxnTypeFilter"))}
    mod = body.get("ReportModifiedDateRangeFilter") or {}
    mod_low, mod_high = modified_range(mod.get("FromReportModifiedDate"), mod.get("ToReportModifiedDate"))
    status = str(body.get("ReportPostingStatusFilter", default_status))

    def keep(p: Posting) -> bool:
        day = parse_date(p.txn.doc.get("TxnDate"))
        if (low and (day is None or day < low)) or (high and (day is None or day > high)):
            return False
        if status == "Posting" and not p.is_posting:
            return False
        if status == "NonPosting" and p.is_posting:
            return False
        if types and "All" not in types and p.kind not in types:
            return False
        modified = to_utc_text(p.txn.doc.get("TimeModified")) or ""
        if (mod_low and modified < mod_low) or (mod_high and modified > mod_high):
            return False
        if entity and not (entity(p.job) or entity(p.name)):
            return False
        if item and not item(p.item):
            return False
        return not (account and not account(p.account))

    return keep
