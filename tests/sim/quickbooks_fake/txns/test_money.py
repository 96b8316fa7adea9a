"""Money and quantity formatting: Decimal inside, QuickBooks' text outside."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sim.quickbooks_fake.txns.money import amt, dec, price, qty


def test_amounts_round_half_up_to_cents() -> None:
    assert [amt(Decimal(v)) for v in ("1.005", "-1.005", "2", "0", "1234.5")] == [
        "1.01",
        "-1.01",
        "2.00",
        "0.00",
        "1234.50",
    ]


def test_prices_keep_up_to_five_decimals_and_at_least_two() -> None:
    assert [price(Decimal(v)) for v in ("5000", "12.125", "0.333333", "7.1")] == [
        "5000.00",
        "12.125",
        "0.33333",
        "7.10",
    ]


def test_quantities_have_no_trailing_zeros() -> None:
    assert [qty(Decimal(v)) for v in ("2.000", "1.50", "0", "10")] == ["2", "1.5", "0", "10"]


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError, match="never a float"):
        dec(10.5)
    with pytest.raises(ValueError, match="not a number"):
        dec("ten")
