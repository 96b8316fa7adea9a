"""ListDel: delete a list element by type and ListID.

Answers ListDelType, ListID, TimeDeleted and FullName. Unknown ListID (or of another type) → 3120.
Not yet faithful: QuickBooks refuses to delete elements that have children or are used in
transactions; the fake deletes them (a job's sub-jobs keep their stale ParentRef).
"""

from __future__ import annotations

from ..registry import Reply, RequestContext, handles
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
