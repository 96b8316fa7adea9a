"""The sync modules' thin use of the qbXML codec: build one request, parse one ``…Rs``.

No sync module writes qbXML by hand: requests come from :func:`connector.qbxml.render_request`
(schema order whatever order the fields are given in, XSD types and lengths checked) and responses
are read back with :func:`connector.qbxml.parse_response_element` into typed :class:`~connector.qbxml.Record`
values (nothing lost: unknown elements stay raw).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connector.qbxml import Record, Request, Response, parse_response_element, render_request
from connector.sync.base import QbResponse

QBXML_VERSION = "13.0"

#: QuickBooks answers a query that matched nothing with statusCode 1 (Info) and a query naming a
#: FullName/ListID that does not exist with 500 (Warn, "required element … could not be found").
NOT_FOUND_CODES = (1, 500)


def build(
    name: str, fields: Mapping[str, Any] | None = None, *, iterator: str | None = None
) -> str:
    """One ``<…Rq>`` element (without requestID: the session driver sets it), checked against 13.0."""
    return render_request(Request(name, fields, iterator=iterator), QBXML_VERSION, None)


def parse(rs: QbResponse) -> Response:
    """The typed view of one ``…Rs`` (status, Ret records, iterator attributes).

    The element was already parsed by the session driver's hardened parser, so it is typed in place.
    """
    if rs.element is None:
        raise ValueError(f"{rs.name} (requestID {rs.request_id}) carries no XML element to parse")
    return parse_response_element(rs.element, version=QBXML_VERSION)


def records(rs: QbResponse) -> list[Record]:
    """The Ret records of one response (empty for errors and "no match")."""
    return parse(rs).records


def ref_name(value: Any) -> str | None:
    """``FullName`` of a parsed ``…Ref`` aggregate, if any."""
    if isinstance(value, Mapping):
        name = value.get("FullName")
        return str(name) if name is not None else None
    return None


def is_not_found(rs: QbResponse) -> bool:
    """A query that found nothing (1 Info, or 500 Warn for a named FullName/ListID)."""
    return rs.status_code in NOT_FOUND_CODES and not rs.is_error
