"""Money and quantities as QuickBooks writes them: ``Decimal`` inside, qbXML text outside.

* AMTTYPE: two decimals, rounded half-up as QuickBooks rounds cents (``1.005`` → ``1.01``).
* PRICETYPE (Rate/Cost): at least two decimals, up to five (QuickBooks keeps five on rates).
* QUANTYPE: no trailing zeros (``2`` not ``2.00000``).

Nothing here ever touches ``float``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

CENT = Decimal("0.01")
ZERO = Decimal("0")


def dec(value: Any, default: Decimal | None = None) -> Decimal:
    """A qbXML amount/quantity text (or Decimal/int) as ``Decimal``; ``default`` when missing."""
    if value is None or value == "":
        if default is None:
            raise ValueError("a money value is required")
        return default
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        raise TypeError("money is never a float; pass a string or Decimal")
    try:
        return Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc


def opt_dec(value: Any) -> Decimal | None:
    return None if value is None or value == "" else dec(value)


def round_amount(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def amt(value: Decimal) -> str:
    """AMTTYPE text: ``1234.50``, ``-5.00``."""
    return str(round_amount(value) + ZERO)


def price(value: Decimal) -> str:
    """PRICETYPE text: two to five decimals (``150.00``, ``12.34567``)."""
    rounded = value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize()
    if rounded == rounded.to_integral_value() or -rounded.as_tuple().exponent < 2:
        return str(rounded.quantize(CENT))
    return f"{rounded:f}"


def qty(value: Decimal) -> str:
    """QUANTYPE text without trailing zeros (``2``, ``1.5``)."""
    normal = value.normalize()
    return f"{normal:f}" if normal != normal.to_integral_value() else str(int(normal))
