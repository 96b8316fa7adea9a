"""Request dates as QuickBooks reads them: one parser for qbXML's DATETYPE and DATETIMETYPE.

The 13.0 schema (``qbxmltypes130.xsd``) allows more than ISO 8601 as Python reads it:

* DATETIMETYPE is a pattern: ``YYYY-M-D`` with 1–2 digit month and day, optionally ``Th``, ``:m``,
  ``:s`` (1–2 digits each) and, after the seconds only, an offset ``±h:mm`` — or the empty string;
* DATETYPE is ``xsd:date`` (``YYYY-MM-DD``, a year of four or more digits, an optional ``Z`` or
  ``±hh:mm`` zone) or the empty (whitespace-collapsed) string.

So ``2024-1-5``, ``2024-01-15T9:00:00`` and ``2024-01-15T09:00:00+5:00`` are valid requests, and
``2024-13-45`` passes the DATETIMETYPE pattern although no such day exists. Every request date goes
through :func:`parse_value`: an empty value is no value; a value the grammar accepts but the
calendar does not raises :class:`BadDate` (the processor answers 3020 for that request).

Chosen where QuickBooks' behaviour is not documented: a date's zone suffix is ignored (a qbXML date
is a calendar day); a time without an offset is the company file's local time; the hour-only form
``T9`` means 09:00:00; years QuickBooks cannot store (Python's 1–9999) are impossible dates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from .pc_time import DEFAULT_TZ

# The union of both schema grammars (the XSD has already refused anything outside its own type).
_GRAMMAR = re.compile(
    r"(?P<y>-?[0-9]{4,})-(?P<mo>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:(?P<dz>Z|[+-][0-9]{1,2}:[0-9]{1,2})"
    r"|T(?P<h>[0-9]{1,2})(?::(?P<mi>[0-9]{1,2})(?::(?P<s>[0-9]{1,2})"
    r"(?P<tz>Z|[+-][0-9]{1,2}:[0-9]{1,2})?)?)?)?"
)


class BadDate(ValueError):
    """A date value the schema grammar may allow but that names no real day/time."""


@dataclass(frozen=True)
class QBDate:
    """A parsed request date: the day, and the moment when a time was given."""

    day: date
    moment: datetime | None = None  # timezone-aware when a time was given

    def canonical(self) -> str:
        """How QuickBooks writes the value back: ``2024-01-05`` or ``2024-01-05T09:00:00[+05:00]``."""
        if self.moment is None:
            return self.day.isoformat()
        text = self.moment.replace(tzinfo=None).isoformat(timespec="seconds")
        if self.moment.tzinfo is DEFAULT_TZ:
            return text
        offset = self.moment.utcoffset() or timedelta(0)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _zone(text: str | None) -> timezone | None:
    if text is None:
        return None
    if text == "Z":
        return UTC
    hours, minutes = text[1:].split(":")
    if int(minutes) > 59:
        raise BadDate(text)
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    try:
        return timezone(-delta if text[0] == "-" else delta)
    except ValueError as exc:  # |offset| of 24 hours or more
        raise BadDate(text) from exc


def parse_value(text: str | None) -> QBDate | None:
    """A DATETYPE/DATETIMETYPE request value; None when empty; :class:`BadDate` when impossible."""
    if text is None or not text.strip():
        return None
    match = _GRAMMAR.fullmatch(text.strip())
    if match is None:
        raise BadDate(text)
    try:
        day = date(int(match["y"]), int(match["mo"]), int(match["d"]))
        if match["h"] is None:
            return QBDate(day)
        clock = time(int(match["h"]), int(match["mi"] or 0), int(match["s"] or 0))
    except (ValueError, OverflowError) as exc:  # month 13, day 45, hour 25, year 0 or beyond 9999,
        raise BadDate(text) from exc  # a year too long for a C int (OverflowError) …
    zone = _zone(match["tz"]) or DEFAULT_TZ
    return QBDate(day, datetime.combine(day, clock, tzinfo=zone))


def parse_date(text: str | None) -> date | None:
    """The calendar day of a request date (None when empty)."""
    value = parse_value(text)
    return value.day if value is not None else None


def parse_datetime(text: str | None, *, end_of_day: bool = False) -> datetime | None:
    """A request date as a moment: a bare date is the start (or, for a To bound, the end) of that
    day in the file's local time; a time without offset is local time. None when empty."""
    value = parse_value(text)
    if value is None:
        return None
    if value.moment is not None:
        return value.moment
    return datetime.combine(value.day, time.max if end_of_day else time.min, tzinfo=DEFAULT_TZ)


def canonical(text: str) -> str | None:
    """The value rewritten in QuickBooks' own form (None when empty)."""
    value = parse_value(text)
    return value.canonical() if value is not None else None
