"""The sync modules' thin use of the qbXML codec: one request, and what a response means.

No sync module writes qbXML by hand: a handler returns :class:`connector.qbxml.Request` values, which the
session driver adds to one :class:`connector.qbxml.RequestBatch` (schema order whatever order the fields
are given in, XSD types and lengths checked); responses come back typed by
:func:`connector.qbxml.parse_response` (nothing lost: unknown elements stay raw).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.qbxml import Record, Request, Response, render_request
from connector.work import QBXML_VERSION

#: QuickBooks answers a query that matched nothing with statusCode 1 (Info) and a query naming a
#: FullName/ListID that does not exist with 500 (Warn, "required element … could not be found").
NOT_FOUND_CODES = (1, 500)


def build(
    name: str, fields: Mapping[str, Any] | None = None, *, iterator: str | None = None
) -> Request:
    """One request (the session driver sets its requestID when it batches it)."""
    return Request(name, fields, iterator=iterator)


def check(request: Request) -> None:
    """Render ``request`` once at the connector's qbXML version: raises the codec's ``QBXMLBuildError``.

    For refusing a work item before it is queued; the driver renders every request again in its batch.
    """
    render_request(request, QBXML_VERSION, None)


def records(rs: Response) -> list[Record]:
    """The Ret records of one response (empty for errors and "no match")."""
    return rs.records


def is_error(rs: Response) -> bool:
    """QuickBooks marks failures statusSeverity="Error" (warnings and 1 "not found" are Info/Warn)."""
    return not rs.ok


def ref_name(value: Any) -> str | None:
    """``FullName`` of a parsed ``…Ref`` aggregate, if any."""
    if isinstance(value, Mapping):
        name = value.get("FullName")
        return str(name) if name is not None else None
    return None


def is_not_found(rs: Response) -> bool:
    """A query that found nothing (1 Info, or 500 Warn for a named FullName/ListID)."""
    return rs.status_code in NOT_FOUND_CODES and rs.ok
