"""ListDel and ListDeletedQuery.

ListDel answers ListDelType, ListID, TimeDeleted and FullName; unknown ListID (or of another type) →
3120; an element with sub-elements or used by another record → 3170 (code and text chosen, see
``errors.ListElementInUse``). ListDeletedQuery lists deleted elements of the given types (optionally
within a DeletedDateRangeFilter, inclusive; a date without time covers the whole day), oldest
deletion first; none → statusCode 1.

Not yet faithful: a ListDelType the fake holds no list of (Class, StandardTerms …) answers ListDel with
3120 as an unknown ListID; ListDeletedQuery ignores its metaData attribute (no retCount).
"""

from __future__ import annotations

from ..errors import NoMatch
from ..qbxml_io import as_list, filter_ret
from ..queries import modified_range
from ..registry import Reply, RequestContext, handles
from ..store import to_utc_text
from .common import delete_record


@handles("ListDel")
def list_del(ctx: RequestContext) -> Reply:
    kind = str(ctx.body["ListDelType"])
    rec = delete_record(ctx.company, kind, str(ctx.body["ListID"]))
    children: list[tuple[str, object]] = [
        ("ListDelType", kind),
        ("ListID", rec.list_id),
        ("TimeDeleted", rec.time_deleted),
        ("FullName", rec.full_name),
    ]
    return Reply(children=children)


@handles("ListDeletedQuery")
def list_deleted_query(ctx: RequestContext) -> Reply:
    kinds = [str(k) for k in as_list(ctx.body.get("ListDelType"))]
    records = ctx.company.store.deleted_of_kinds(*kinds)
    window = ctx.body.get("DeletedDateRangeFilter") or {}
    low, high = modified_range(window.get("FromDeletedDate"), window.get("ToDeletedDate"))
    rows = []
    for rec in records:
        when = to_utc_text(rec.time_deleted) or ""
        if (low and when < low) or (high and when > high):
            continue
        rows.append((when, {"ListDelType": rec.kind, "ListID": rec.list_id,
                            "TimeCreated": rec.doc.get("TimeCreated"), "TimeDeleted": rec.time_deleted,
                            "FullName": rec.full_name}))
    if not rows:
        raise NoMatch()
    rows.sort(key=lambda row: row[0])
    include = ctx.include_ret
    return Reply(children=[("ListDeletedRet", filter_ret(doc, include) if include else doc)
                           for _, doc in rows])
