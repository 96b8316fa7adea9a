"""Glue between qbXML requests and the list rules: the body of every list handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..qbxml_io import filter_ret
from ..queries import hierarchical_key, list_query
from ..registry import Reply, RequestContext
from ..store import Record
from .common import ListFamily, add_record, mod_record


def ret_child(ctx: RequestContext, family: ListFamily, rec: Record) -> tuple[str, dict]:
    doc = ctx.balances(rec)
    doc = filter_ret(doc, ctx.include_ret) if ctx.include_ret else doc
    return family.ret_name, doc


def add_reply(ctx: RequestContext, family: ListFamily) -> Reply:
    """``<Kind>AddRq`` → ``<Kind>AddRs`` with the new ``<Kind>Ret``."""
    rec = add_record(ctx.company, family, ctx.body[f"{family.kind}Add"])
    return Reply(children=[ret_child(ctx, family, rec)])


def mod_reply(ctx: RequestContext, family: ListFamily) -> Reply:
    """``<Kind>ModRq`` → ``<Kind>ModRs`` with the modified ``<Kind>Ret``."""
    rec = mod_record(ctx.company, family, ctx.body[f"{family.kind}Mod"])
    return Reply(children=[ret_child(ctx, family, rec)])


def query_reply(ctx: RequestContext, family: ListFamily,
                extra: Callable[[Record], bool] | None = None,
                order: Callable[[Record], Any] = hierarchical_key) -> Reply:
    """``<Kind>QueryRq`` over one family."""
    return list_query(ctx, (family.kind,), extra=extra, order=order)
