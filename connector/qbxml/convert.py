"""qbXML text -> Python values (the parser's half of ``values.py``), plus precomputed parse plans.

A parse plan is the per-model table the parser walks: child name -> ``(kind, converter, sub_plan, repeat)``
with ``kind`` one of STRING (text as is), TYPED (converter applied), AGGREGATE (recurse into sub_model) and
ATTR_LEAF (text plus attributes). Plans are built once per model on first use, so parsing does one dict
lookup per element and no XPath.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connector.qbxml.schema import MODELS
from connector.qbxml.values import STRING_TYPES

STRING, TYPED, AGGREGATE, ATTR_LEAF = range(4)

_BOOLS = {"true": True, "false": False, "1": True, "0": False}


def to_bool(text: str) -> bool:
    value = _BOOLS.get(text)
    if value is None:
        value = _BOOLS.get(text.strip())
        if value is None:
            raise ValueError(f"not a boolean: {text!r}")
    return value


def to_datetime(text: str) -> datetime:
    """DATETIMETYPE. QuickBooks sends ``2024-01-15T10:30:00-08:00``; without an offset the value is naive
    (QuickBooks' local time, zone unknown to us) and returned as such rather than guessed."""
    try:
        return _fromisoformat_datetime(text)
    except ValueError:
        return _fromisoformat_datetime(text.strip())


def to_date(text: str) -> date:
    try:
        return _fromisoformat_date(text)
    except ValueError:
        return _fromisoformat_date(text.strip())


_fromisoformat_datetime = datetime.fromisoformat
_fromisoformat_date = date.fromisoformat


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "AMTTYPE": Decimal,
    "PRICETYPE": Decimal,
    "QUANTYPE": Decimal,
    "PERCENTTYPE": Decimal,
    "FLOATTYPE": Decimal,
    "BOOLTYPE": to_bool,
    "INTTYPE": int,
    "DATETYPE": to_date,
    "DATETIMETYPE": to_datetime,
    "GUIDTYPE": str,
    "TIMEINTERVALTYPE": str,
}

class _Booleans(dict[str, bool]):
    """``true``/``false``/``1``/``0`` by a C-level lookup; anything else raises ValueError (as to_bool)."""

    def __missing__(self, text: str) -> bool:
        raise ValueError(f"not a boolean: {text!r}")


# Converters called straight from C for the common case; when one raises, the parser retries with the
# tolerant converter above (whitespace around the value) before it keeps the text as invalid.
FAST_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "BOOLTYPE": _Booleans(_BOOLS).__getitem__,
    "DATETYPE": _fromisoformat_date,
    "DATETIMETYPE": _fromisoformat_datetime,
}


class Plan:
    """How to parse one content model: child name -> ``(kind, converter, sub_plan, repeat, name, tolerant)``.

    ``name`` is the tables' own string: records use it as their key, so 10,000 records share one ``"ListID"``
    instead of holding 10,000 copies that lxml creates for each ``.tag``.

    Sub-plans are linked directly (no lookup by model id while parsing); cycles are fine because a plan is
    registered before its children are resolved.
    """

    __slots__ = ("children", "has_attrs", "layouts", "positions", "refusals", "text_converter")

    def __init__(self) -> None:
        self.layouts: list[Any] = []  # compiled record readers (record_layout.py), the last used first
        self.refusals = 0  # records that could not give a layout
        self.positions: dict[str, int] = {}  # RecordView's guess: the child index a name last stood at
        self.children: dict[str, tuple[int, Any, Plan | None, bool, str, Any]] = {}
        self.has_attrs = False
        self.text_converter: Any = None


_PLANS: dict[int, Plan] = {}
_LOCK = threading.Lock()


def plan(model_id: int) -> Plan:
    """The parse plan of a model, built (with everything reachable from it) on first use.

    Plans are built into a private memo and published only when complete, so a parser running in another
    thread never sees a half-built plan.
    """
    cached = _PLANS.get(model_id)
    if cached is not None:
        return cached
    with _LOCK:
        if model_id not in _PLANS:
            memo: dict[int, Plan] = {}
            _build(model_id, memo)
            _PLANS.update(memo)
    return _PLANS[model_id]


def _build(model_id: int, memo: dict[int, Plan]) -> Plan:
    known = _PLANS.get(model_id) or memo.get(model_id)
    if known is not None:
        return known
    result = Plan()
    memo[model_id] = result
    children, attrs, text_type, _required, _exclusive = MODELS[model_id]
    for name, spec in children.items():
        code, sub, repeat = spec[1], spec[2], spec[3]
        if sub is None:
            if code in STRING_TYPES:
                result.children[name] = (STRING, None, None, repeat, name, None)
            else:
                converter = CONVERTERS[code]
                result.children[name] = (TYPED, FAST_CONVERTERS.get(code, converter), None, repeat, name,
                                         converter)
        elif code is None:
            result.children[name] = (AGGREGATE, None, _build(sub, memo), repeat, name, None)
        else:
            converter = None if code in STRING_TYPES else CONVERTERS[code]
            result.children[name] = (ATTR_LEAF, converter, _build(sub, memo), repeat, name, converter)
    result.has_attrs = bool(attrs)
    result.text_converter = None if text_type is None or text_type in STRING_TYPES else CONVERTERS[text_type]
    return result
