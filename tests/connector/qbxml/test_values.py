"""Typed values -> qbXML text, and escaping that survives a round trip through any XML parser."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from connector.qbxml import Request, RequestBatch, parse_response
from connector.qbxml.values import FORMATTERS as F
from connector.qbxml.values import (
    escape,
    format_amount,
    format_bool,
    format_date,
    format_datetime,
    format_guid,
    format_interval,
)

NASTY = [
    "plain",
    "Smith & Sons <Concrete> \"Best\" 'Ever'",
    "&amp; is already escaped? no: literal &amp;",
    "]]> CDATA end, <!-- comment --> and <?pi?>",
    "line one\nline two\r\nline three\rend",
    "\ttabbed\t",
    "  leading and trailing spaces  ",
    "Ünïcödé café — “quotes” ‘single’ €100",
    "北京建筑 工程 🏗️👷‍♀️ astral",
    "\x7f DEL and \u0085 NEL and \u2028 LS are allowed",
    "\ufffd replacement char",
    "",
]


@pytest.mark.parametrize("text", NASTY)
def test_escape_round_trips_through_lxml(text: str) -> None:
    document = f'<a b="{escape(text, "a")}">{escape(text, "a")}</a>'
    element = etree.fromstring(document.encode("utf-8"))
    assert (element.text or "") == text


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_in_a_request_validates_and_round_trips(
    text: str, assert_valid: Callable[[str], None]
) -> None:
    batch = RequestBatch()
    batch.add(Request("VendorAdd", {"Name": "V", "Notes": text}))
    xml = batch.to_xml()
    assert_valid(xml)
    notes = etree.fromstring(xml.encode("utf-8")).find(".//Notes")
    assert (notes.text or "") == text


@pytest.mark.parametrize("text", [t for t in NASTY if t])  # an empty iteratorID is refused (IteratorError)
def test_nasty_text_in_an_attribute_round_trips(text: str) -> None:
    batch = RequestBatch()
    batch.add(Request("VendorQuery", iterator="Continue", iterator_id=text))
    element = etree.fromstring(batch.to_xml().encode("utf-8")).find(".//VendorQueryRq")
    assert element.get("iteratorID") == text


@pytest.mark.parametrize("text", NASTY)
def test_nasty_text_survives_our_own_parser(text: str) -> None:
    response = (
        '<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>'
        '<VendorQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">'
        f"<VendorRet><ListID>1</ListID><Name>V</Name><Notes>{escape(text, 'Notes')}</Notes></VendorRet>"
        "</VendorQueryRs></QBXMLMsgsRs></QBXML>"
    )
    record = parse_response(response)[0].records[0]
    assert record["Notes"] == text


def test_plain_ascii_is_returned_unchanged() -> None:
    text = "01-100 General Conditions (phase #2), 50% done; a=b"
    assert escape(text, "x") is text


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("10"), "10.00"),
    (Decimal("10.5"), "10.50"),
    (Decimal("-0.01"), "-0.01"),
    (Decimal("1234567890123.99"), "1234567890123.99"),
    (Decimal("1E+2"), "100.00"),
    (Decimal("2.500"), "2.50"),
    (7, "7.00"),
    ("12.34", "12.34"),
    ("", ""),
])
def test_amounts_have_two_decimals(value: Any, expected: str) -> None:
    assert format_amount(value, "Amount") == expected


@pytest.mark.parametrize(("code", "value", "expected"), [
    ("PRICETYPE", Decimal("80.76"), "80.76"),
    ("PRICETYPE", Decimal("0.00001"), "0.00001"),
    ("PRICETYPE", Decimal("25000"), "25000"),
    ("QUANTYPE", Decimal("12.5"), "12.5"),
    ("QUANTYPE", Decimal("1.5000000"), "1.50000"),
    ("QUANTYPE", 3, "3"),
    ("PERCENTTYPE", Decimal("-7.25"), "-7.25"),
    ("FLOATTYPE", Decimal("1.333333333"), "1.333333333"),
    ("INTTYPE", 42, "42"),
    ("INTTYPE", "-3", "-3"),
])
def test_numbers_are_written_as_given(code: str, value: Any, expected: str) -> None:
    assert F[code](value, code) == expected


def test_booleans() -> None:
    assert (format_bool(True, "b"), format_bool(False, "b"), format_bool("false", "b")) == ("true", "false",
                                                                                             "false")


def test_dates_and_datetimes() -> None:
    pacific = timezone(timedelta(hours=-8))
    assert format_date(date(2024, 2, 29), "d") == "2024-02-29"
    with_micros = datetime(2024, 3, 10, 9, 30, 15, 999, tzinfo=pacific)
    assert format_datetime(with_micros, "d") == "2024-03-10T09:30:15-08:00"
    utc = datetime(2024, 3, 10, 9, 30, tzinfo=UTC)
    assert format_datetime(utc, "d") == "2024-03-10T09:30:00+00:00"
    assert format_datetime(date(2024, 3, 10), "d") == "2024-03-10"
    assert format_datetime("2024-3-1T9", "d") == "2024-3-1T9"


def test_guid_and_interval() -> None:
    value = uuid.UUID("6f0d1a7e-7c11-4bb0-9c4c-2b62e0a3c1d4")
    assert format_guid(value, "g") == "{6F0D1A7E-7C11-4BB0-9C4C-2B62E0A3C1D4}"
    assert format_guid("0", "g") == "0"
    assert format_interval(timedelta(hours=26, minutes=5, seconds=3), "t") == "PT26H5M3S"
    assert format_interval(timedelta(minutes=-90), "t") == "-PT1H30M0S"
