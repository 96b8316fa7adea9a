"""Rails-style ``application/x-www-form-urlencoded`` request bodies.

Procore's API is a Rails application: like any Rails controller it takes a form-encoded body as well as
JSON, nesting bracketed keys (``direct_cost[invoice_number]=7`` -> ``{"direct_cost": {"invoice_number":
"7"}}``; ``a[]=1&a[]=2`` -> ``{"a": ["1", "2"]}``; ``items[][x]=1&items[][x]=2`` -> two hashes). ProPyCore
creates and updates direct costs this way (``direct_cost[key]=value``). Values stay strings, as in Rails.
Not imitated: multipart bodies (curl ``-F``, attachments) need python-multipart, which is not a dependency.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def _parts(key: str) -> list[str] | None:
    match = _KEY.match(key)
    if match is None:
        return None
    return [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]


def _assign(target: dict[str, Any], parts: list[str], value: str) -> None:
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
        _assign(items[-1], rest[1:], value)
        return
    child = target.setdefault(head, {})
    if not isinstance(child, dict):
        raise ValueError(head)
    _assign(child, rest, value)


def parse_form(raw: bytes) -> dict[str, Any]:
    """Nest a urlencoded body the way Rails does; raises ``ValueError`` on a malformed or clashing key."""
    out: dict[str, Any] = {}
    for key, value in parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False):
        parts = _parts(key)
        if parts is None:
            raise ValueError(key)
        _assign(out, parts, value)
    return out
