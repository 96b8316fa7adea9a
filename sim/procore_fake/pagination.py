"""Procore list pagination: ``page`` (1-based) and ``per_page`` (clamped, never refused), ``Total``,
``Per-Page`` and an RFC 5988 ``Link`` header of *absolute* URLs (first/prev/next/last; the last page omits
next; page 1 omits first/prev). A page past the end is ``200 []`` (clients loop until an empty page).
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request

from sim.procore_fake.conventions import DEFAULT_PER_PAGE, MAX_PER_PAGE


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def paginate(
    request: Request, items: list[Any], *, max_per_page: int = MAX_PER_PAGE
) -> tuple[list[Any], dict[str, str]]:
    page = max(_int(request.query_params.get("page"), 1), 1)
    per_page = min(max(_int(request.query_params.get("per_page"), DEFAULT_PER_PAGE), 1), max_per_page)
    total = len(items)
    last = max(math.ceil(total / per_page), 1)
    chunk = items[(page - 1) * per_page : page * per_page]
    headers = {"Total": str(total), "Per-Page": str(per_page)}
    base = str(request.url.replace(query=""))
    params = [(k, v) for k, v in request.query_params.multi_items() if k not in ("page", "per_page")]

    def link(p: int, rel: str) -> str:
        query = urlencode([*params, ("page", str(p)), ("per_page", str(per_page))])
        return f'<{base}?{query}>; rel="{rel}"'

    links = []
    if page > 1:
        links += [link(1, "first"), link(min(page - 1, last), "prev")]
    if page < last:
        links += [link(last, "last"), link(page + 1, "next")]
    if links:
        headers["Link"] = ", ".join(links)
    return chunk, headers
