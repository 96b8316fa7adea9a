"""Money is Decimal inside; Procore shows it as a decimal string ("250.0")."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any


class BadAmount(ValueError):
    """A value that is not a finite decimal amount."""


def parse(value: Any) -> Decimal:
    if value is None or value == "":
        return Decimal("0")
    if isinstance(value, float):
        value = repr(value)
    try:
        result = Decimal(str(value))
    except InvalidOperation as exc:
        raise BadAmount(str(value)) from exc
    if not result.is_finite():
        raise BadAmount(str(value))
    return result


def fmt(value: Decimal | int | str) -> str:
    """Procore's rendering: "250.0", "1087.8", "0.0"."""
    d = parse(value)
    text = format(d.normalize(), "f") if d != 0 else "0"
    return text if "." in text else text + ".0"


def formatted(value: Decimal | int | str) -> str:
    """Procore's ``formatted_*`` fields: "$1,087.80"."""
    d = parse(value).quantize(Decimal("0.01"))
    sign = "-" if d < 0 else ""
    return f"{sign}${abs(d):,.2f}"
