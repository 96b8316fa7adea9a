"""Python values -> qbXML text, one formatter per qbXML simple type (qbxmltypes130.xsd).

What QuickBooks wants on the wire:

- ``AMTTYPE``: ``[+-]?d{1,13}(.dd)?`` -- money is written with exactly two decimals; a Decimal that would
  lose a cent is refused rather than rounded (silent rounding of money is a bug, not a feature).
- ``PRICETYPE``/``QUANTYPE``/``PERCENTTYPE``: ``[+-]?d{1,10}(.d{1,5})?`` -- written as given (no padding);
  more than five decimals only if they are trailing zeros.
- ``DATETYPE``: ``YYYY-MM-DD``; ``DATETIMETYPE``: ``YYYY-MM-DDThh:mm:ss±hh:mm`` -- a naive datetime is refused
  because QuickBooks would read it in the company file's local time zone.
- ``BOOLTYPE``: ``true``/``false``; ``INTTYPE``: decimal integer; ``GUIDTYPE``: ``{XXXXXXXX-…}`` or ``0``.
- strings: escaped for XML (``& < > " '`` and carriage return as character references, so a round trip
  through any XML parser gives the same text back); characters XML 1.0 cannot carry are refused.

Each formatter is ``fn(value, path) -> str`` and raises a named error carrying the element path.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.qbxml.errors import InvalidCharacterError, InvalidValueError

# Anything but plain printable ASCII without markup characters sends a string to the slow path.
NEEDS_WORK = re.compile(r"[^\t\n\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x7e]")
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text: str, path: str) -> str:
    """``text`` escaped for element content or a double-quoted attribute value."""
    if NEEDS_WORK.search(text) is None:
        return text
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        raise InvalidCharacterError(path, bad.start(), bad.group())
    return escape_markup(text)


def escape_markup(text: str) -> str:
    """``& < > " '`` and carriage return as entities (``text`` holds no forbidden character)."""
    # Chained replace (each a C scan, & first) is several times faster than str.translate with a dict.
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("'", "&apos;").replace("\r", "&#13;"))


def _string(value: Any, path: str, code: str = "STRTYPE") -> str:
    if value.__class__ is not str and not isinstance(value, str):
        raise InvalidValueError(path, code, value, "expected str")
    return escape(value, path)


def _pattern_str(code: str, pattern: str) -> Callable[[Any, str], str]:
    """A formatter for a str already in qbXML form (e.g. copied from a response), checked by XSD pattern."""
    compiled = re.compile(pattern)

    def check(value: str, path: str) -> str:
        if compiled.fullmatch(value) is None:
            raise InvalidValueError(path, code, value, f"does not match the {code} pattern")
        return value

    return check


_AMT_STR = _pattern_str("AMTTYPE", r"([+\-]?[0-9]{1,13}(\.[0-9]{2})?)?")
_NUM_STR = {code: _pattern_str(code, r"([+\-]?[0-9]{1,10}(\.[0-9]{1,5})?)?")
            for code in ("PRICETYPE", "QUANTYPE", "PERCENTTYPE")}
_FLOAT_STR = _pattern_str("FLOATTYPE", r"([+\-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))?")
_DATE_STR = _pattern_str("DATETYPE", r"([0-9]{4}-[0-9]{2}-[0-9]{2})?")
_DATETIME_STR = _pattern_str(
    "DATETIMETYPE",
    r"([0-9]{4}\-[0-9]{1,2}\-[0-9]{1,2}(T[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2}([+\-]{1}[0-9]{1,2}:[0-9]{1,2})?)?)?)?)?",
)
_INT_STR = _pattern_str("INTTYPE", r"[+\-]?[0-9]+")
_GUID_STR = _pattern_str("GUIDTYPE", r"0|(\{[0-9a-fA-F]{8}(\-([0-9a-fA-F]{4})){3}\-[0-9a-fA-F]{12}\})")
_INTERVAL_STR = _pattern_str("TIMEINTERVALTYPE", r"([+\-]?PT([0-9]+H)?([0-9]+M)?([0-9]+S)?)?")

_CENT = Decimal("0.01")
_FIVE_PLACES = Decimal("0.00001")


def _decimal(value: Any, path: str, code: str) -> Decimal:
    if value.__class__ is bool or isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidValueError(path, code, value, "expected Decimal or int (never float for money)")
    number = Decimal(value)
    if not number.is_finite():
        raise InvalidValueError(path, code, value, "not a finite number")
    return number


_AMT_TEXT = re.compile(r"[+\-]?[0-9]{1,13}\.[0-9]{2}")
_NUM_TEXT = re.compile(r"[+\-]?[0-9]{1,10}(\.[0-9]{1,5})?")


def format_amount(value: Any, path: str) -> str:
    """AMTTYPE: two decimals, at most 13 integer digits."""
    if value.__class__ is Decimal:  # fast path: string surgery instead of quantize
        text = f"{value:f}"
        dot = text.find(".")
        if dot < 0:
            text += ".00"
        elif len(text) - dot == 2:
            text += "0"
        if _AMT_TEXT.fullmatch(text) is not None:
            return text
    return _format_amount_checked(value, path)


def _format_amount_checked(value: Any, path: str) -> str:
    if isinstance(value, str):
        return _AMT_STR(value, path)
    number = _decimal(value, path, "AMTTYPE")
    try:
        quantized = number.quantize(_CENT)
    except InvalidOperation:
        raise InvalidValueError(path, "AMTTYPE", value, "more than 13 integer digits") from None
    if quantized != number:
        raise InvalidValueError(path, "AMTTYPE", value, "more than two decimals (QuickBooks keeps cents)")
    text = f"{quantized:f}"
    if len(text.lstrip("+-").split(".")[0]) > 13:
        raise InvalidValueError(path, "AMTTYPE", value, "more than 13 integer digits")
    return text


def _format_number(code: str) -> Callable[[Any, str], str]:
    """PRICETYPE / QUANTYPE / PERCENTTYPE: as given, at most 10 integer digits and 5 decimals."""
    check_str = _NUM_STR[code]

    def fmt(value: Any, path: str) -> str:
        if value.__class__ is Decimal:  # fast path: already in range and precision
            text = f"{value:f}"
            if _NUM_TEXT.fullmatch(text) is not None:
                return text
        if isinstance(value, str):
            return check_str(value, path)
        number = _decimal(value, path, code)
        if number.as_tuple().exponent < -5:  # type: ignore[operator]
            trimmed = number.quantize(_FIVE_PLACES)
            if trimmed != number:
                raise InvalidValueError(path, code, value, "more than five decimals")
            number = trimmed
        text = f"{number:f}"
        if len(text.lstrip("+-").split(".")[0]) > 10:
            raise InvalidValueError(path, code, value, "more than 10 integer digits")
        return text

    return fmt


def format_float(value: Any, path: str) -> str:
    """FLOATTYPE (exchange rates): xsd:decimal, no exponent."""
    if isinstance(value, str):
        return _FLOAT_STR(value, path)
    return f"{_decimal(value, path, 'FLOATTYPE'):f}"


def format_bool(value: Any, path: str) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str) and value in ("true", "false", "1", "0", ""):
        return value
    raise InvalidValueError(path, "BOOLTYPE", value, "expected bool")


def format_int(value: Any, path: str) -> str:
    if isinstance(value, bool):
        raise InvalidValueError(path, "INTTYPE", value, "expected int, not bool")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _INT_STR(value, path)
    raise InvalidValueError(path, "INTTYPE", value, "expected int")


def format_date(value: Any, path: str) -> str:
    if isinstance(value, datetime):
        raise InvalidValueError(path, "DATETYPE", value, "expected date, not datetime (would drop the time)")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _DATE_STR(value, path)
    raise InvalidValueError(path, "DATETYPE", value, "expected date")


def format_datetime(value: Any, path: str) -> str:
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is None:
            raise InvalidValueError(path, "DATETIMETYPE", value, "naive datetime; give a timezone-aware one")
        if offset.microseconds or offset.seconds % 60:
            raise InvalidValueError(path, "DATETIMETYPE", value, "UTC offset with seconds cannot be written")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return _DATETIME_STR(value, path)
    raise InvalidValueError(path, "DATETIMETYPE", value, "expected timezone-aware datetime or date")


def format_guid(value: Any, path: str) -> str:
    if isinstance(value, uuid.UUID):
        return "{" + str(value).upper() + "}"
    if isinstance(value, str):
        return _GUID_STR(value, path)
    raise InvalidValueError(path, "GUIDTYPE", value, "expected uuid.UUID or '{XXXXXXXX-XXXX-…}'")


def format_interval(value: Any, path: str) -> str:
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        if seconds != value.total_seconds():
            raise InvalidValueError(path, "TIMEINTERVALTYPE", value, "fractions of a second")
        sign = "-" if seconds < 0 else ""
        hours, rest = divmod(abs(seconds), 3600)
        minutes, secs = divmod(rest, 60)
        return f"{sign}PT{hours}H{minutes}M{secs}S"
    if isinstance(value, str):
        return _INTERVAL_STR(value, path)
    raise InvalidValueError(path, "TIMEINTERVALTYPE", value, "expected timedelta")


def _string_of(code: str) -> Callable[[Any, str], str]:
    def fmt(value: Any, path: str) -> str:
        return _string(value, path, code)

    return fmt


FORMATTERS: dict[str, Callable[[Any, str], str]] = {
    "STRTYPE": _string,
    "IDTYPE": _string_of("IDTYPE"),
    "ENUMTYPE": _string_of("ENUMTYPE"),
    "UUIDTYPE": _string_of("UUIDTYPE"),
    "MACROTYPE": _string_of("MACROTYPE"),
    "AMTTYPE": format_amount,
    "PRICETYPE": _format_number("PRICETYPE"),
    "QUANTYPE": _format_number("QUANTYPE"),
    "PERCENTTYPE": _format_number("PERCENTTYPE"),
    "FLOATTYPE": format_float,
    "BOOLTYPE": format_bool,
    "INTTYPE": format_int,
    "DATETYPE": format_date,
    "DATETIMETYPE": format_datetime,
    "GUIDTYPE": format_guid,
    "TIMEINTERVALTYPE": format_interval,
}
STRING_TYPES = frozenset({"STRTYPE", "IDTYPE", "ENUMTYPE", "UUIDTYPE", "MACROTYPE"})
