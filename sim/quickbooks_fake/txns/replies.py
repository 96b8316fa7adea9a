"""Glue between a stored transaction and its qbXML ``…Rs``: IncludeRetElement on Add/Mod replies."""

from __future__ import annotations

from ..errors import StatusError
from ..qbxml_io import filter_ret
from ..registry import Reply, RequestContext
from ..store import Record


def ret_reply(ctx: RequestContext, rec: Record, status: StatusError | None = None) -> Reply:
    doc = filter_ret(rec.doc, ctx.include_ret) if ctx.include_ret else rec.doc
    return Reply(children=[(f"{rec.kind}Ret", doc)], status=status)
