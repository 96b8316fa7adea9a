"""Rails-style ``application/x-www-form-urlencoded`` request bodies.

Procore's API is a Rails application: like any Rails controller it takes a form-encoded body as well as
JSON, nesting bracketed keys (``direct_cost[invoice_number]=7`` -> ``{"direct_cost": {"invoice_number":
"7"}}``; ``a[]=1&a[]=2`` -> ``{"a": ["1", "2"]}``; ``items[][x]=1&items[][x]=2`` -> two hashes). ProPyCore
creates and updates direct costs this way (``direct_cost[key]=value``). Values stay strings, as in Rails.
Multipart bodies (curl ``-F``, attachments) nest the same way (``multipart.py``).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
# Rack refuses params nested deeper than this (Rack::QueryParser param_depth_limit, 100); a hostile body
# cannot make us recurse further.
MAX_DEPTH = 100
MAX_FIELDS = 10_000


def key_parts(key: str) -> list[str] | None:
    """``a[b][]`` -> ``["a", "b", ""]``; ``None`` for a malformed or too deeply nested key."""
    match = _KEY.match(key)
    if match is None:
        return None
    parts = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    return parts if len(parts) <= MAX_DEPTH else None


def assign(target: dict[str, Any], parts: list[str], value: Any) -> None:
    """Store ``value`` under the nested key ``parts``; ``ValueError`` when it clashes with an earlier key."""
    head, rest = parts[0], parts[1:]
    if not rest:
        target[head] = value
        return
    if rest[0] == "":  # an array
        items = target.setdefault(head, [])
        if not isinstance(items, list):
            raise ValueError(head)
        if len(rest) == 1:
            items.append(value)
            return
        # items[][k]=v: Rails starts a new hash when the last one already has k
        if not items or not isinstance(items[-1], dict) or rest[1] in items[-1]:
            items.append({})
        assign(items[-1], rest[1:], value)
        return
    child = target.setdefault(head, {})
    if not isinstance(child, dict):
        raise ValueError(head)
    assign(child, rest, value)


def parse_form(raw: bytes) -> dict[str, Any]:
    """Nest a urlencoded body the way Rails does; raises ``ValueError`` on a malformed or clashing key, and
    ``UnicodeDecodeError`` (a ``ValueError``) when the body or a percent-escape (``%ff``) is not UTF-8."""
    out: dict[str, Any] = {}
    # errors="strict": parse_qsl's default would turn %ff into U+FFFD while a raw \xff byte is refused.
    pairs = parse_qsl(
        raw.decode("utf-8"),
        keep_blank_values=True,
        strict_parsing=False,
        errors="strict",
        max_num_fields=MAX_FIELDS,
    )
    for key, value in pairs:
        parts = key_parts(key)
        if parts is None:
            raise ValueError(key)
        assign(out, parts, value)
    return out
