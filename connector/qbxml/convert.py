"""qbXML text -> Python values (the parser's half of ``values.py``), plus precomputed parse plans.

A parse plan is the per-model table the parser walks: child name -> ``(kind, converter, sub_model, repeat)``
with ``kind`` one of STRING (text as is), TYPED (converter applied), AGGREGATE (recurse into sub_model) and
ATTR_LEAF (text plus attributes). Plans are built once per model on first use, so parsing does one dict
lookup per element and no XPath.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from connector.qbxml.schema import MODELS
from connector.qbxml.values import STRING_TYPES

STRING, TYPED, AGGREGATE, ATTR_LEAF = range(4)

_BOOLS = {"true": True, "false": False, "1": True, "0": False}


def to_bool(text: str) -> bool:
    try:
        return _BOOLS[text.strip()]
    except KeyError:
        raise ValueError(f"not a boolean: {text!r}") from None


def to_datetime(text: str) -> datetime:
    """DATETIMETYPE. QuickBooks sends ``2024-01-15T10:30:00-08:00``; without an offset the value is naive
    (QuickBooks' local time, zone unknown to us) and returned as such rather than guessed."""
    return datetime.fromisoformat(text.strip())


def to_date(text: str) -> date:
    return date.fromisoformat(text.strip())


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

Plan = tuple[dict[str, tuple[int, Any, int | None, bool]], bool, Any]
_PLANS: dict[int, Plan] = {}


def plan(model_id: int) -> Plan:
    """``(children, has_attrs, text_converter)`` for a model, built on first use."""
    cached = _PLANS.get(model_id)
    if cached is not None:
        return cached
    children, attrs, text_type, _required, _exclusive = MODELS[model_id]
    table: dict[str, tuple[int, Any, int | None, bool]] = {}
    for name, spec in children.items():
        code, sub, repeat = spec[1], spec[2], spec[3]
        if sub is None:
            if code in STRING_TYPES:
                table[name] = (STRING, None, None, repeat)
            else:
                table[name] = (TYPED, CONVERTERS[code], None, repeat)
        elif code is None:
            table[name] = (AGGREGATE, None, sub, repeat)
        else:
            table[name] = (ATTR_LEAF, None if code in STRING_TYPES else CONVERTERS[code], sub, repeat)
    text_conv = None if text_type is None or text_type in STRING_TYPES else CONVERTERS[text_type]
    result: Plan = (table, bool(attrs), text_conv)
    _PLANS[model_id] = result
    return result
