"""Injectable clocks: every time the fake writes (TimeCreated, EditSequence, iterator expiry) comes from one.

QuickBooks stamps records with the PC's local time and UTC offset: ``2024-01-15T09:00:00-05:00`` in
winter, ``2024-07-15T09:00:00-04:00`` in summer on a PC set to US Eastern time. The fake's PC is in US
Eastern time (:data:`EASTERN`), daylight saving included.

:class:`USEastern` computes the US rule itself rather than reading the IANA database: ``zoneinfo``
needs tzdata, which a fresh Windows or slim container does not have, and the fake must not depend on
what the machine happens to carry. The rule is the Energy Policy Act of 2005 (from 2007: second Sunday
of March 02:00 → first Sunday of November 02:00) and, for 1987–2006, the first Sunday of April → the last
Sunday of October; years before 1987 use the 1987 rule (not faithful, and not a year a company file's
clock runs in).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol

_HOUR = timedelta(hours=1)
_ZERO = timedelta(0)


def _nth_sunday(year: int, month: int, n: int) -> date:
    """The n-th Sunday of a month (n = -1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() + 1) % 7)


def us_dst_range(year: int) -> tuple[datetime, datetime]:
    """Naive local times when daylight saving starts (02:00 standard) and ends (02:00 daylight)."""
    if year >= 2007:
        start, end = _nth_sunday(year, 3, 2), _nth_sunday(year, 11, 1)
    else:
        start, end = _nth_sunday(year, 4, 1), _nth_sunday(year, 10, -1)
    two_am = time(2)
    return datetime.combine(start, two_am), datetime.combine(end, two_am)


class USEastern(tzinfo):
    """US Eastern time: UTC-05:00 (EST), UTC-04:00 (EDT) while daylight saving is in effect.

    Follows the ``USTimeZone`` recipe of Python's ``datetime`` documentation: ``fold`` picks the hour
    that repeats in November; :meth:`fromutc` makes ``astimezone`` and ``datetime.now(tz)`` exact.
    """

    std_offset = timedelta(hours=-5)

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self.std_offset + self.dst(dt)

    def dst(self, dt: datetime | None) -> timedelta:
        if dt is None or dt.tzinfo is None:
            return _ZERO
        start, end = us_dst_range(dt.year)
        naive = dt.replace(tzinfo=None)
        if start + _HOUR <= naive < end - _HOUR:
            return _HOUR
        if end - _HOUR <= naive < end:  # the repeated hour: fold=1 is the second (standard) one
            return _ZERO if dt.fold else _HOUR
        if start <= naive < start + _HOUR:  # the skipped hour
            return _HOUR if dt.fold else _ZERO
        return _ZERO

    def tzname(self, dt: datetime | None) -> str:
        return "EDT" if self.dst(dt) else "EST"

    def fromutc(self, dt: datetime) -> datetime:
        if dt.tzinfo is not self:
            raise ValueError("fromutc: dt.tzinfo is not self")
        start, end = us_dst_range(dt.year)
        start, end = start.replace(tzinfo=self), end.replace(tzinfo=self)
        std_time = dt + self.std_offset
        dst_time = std_time + _HOUR
        if end <= dst_time < end + _HOUR:
            return std_time.replace(fold=1)
        if std_time < start or dst_time >= end:
            return std_time
        return dst_time

    def __repr__(self) -> str:
        return "USEastern()"


EASTERN = USEastern()
DEFAULT_TZ: tzinfo = EASTERN
DEFAULT_START = datetime(2024, 1, 15, 9, 0, 0, tzinfo=DEFAULT_TZ)


class Clock(Protocol):
    """Anything with ``now() -> aware datetime``."""

    def now(self) -> datetime: ...


class ManualClock:
    """A clock that only moves when told to (tests, reproducible demos). Never sleeps.

    Time is kept in UTC and shown in ``tz`` (the start's zone unless given), so advancing across a
    daylight-saving change moves the offset, not the elapsed time.
    """

    def __init__(self, start: datetime = DEFAULT_START, *, tz: tzinfo | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._tz = tz or start.tzinfo
        self._utc = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._utc.astimezone(self._tz)

    def advance(self, seconds: float) -> datetime:
        """Move forward (a fault's delay, a test's wait)."""
        self._utc += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        self._utc = when.astimezone(UTC)


class SystemClock:
    """Wall time in the PC's zone (for a long-running served company file)."""

    def __init__(self, tz: tzinfo = DEFAULT_TZ) -> None:
        self._tz = tz

    def now(self) -> datetime:
        return datetime.now(self._tz)

    def advance(self, seconds: float) -> datetime:
        """A real clock cannot be moved; a delay fault on it is recorded but does not sleep."""
        return self.now()


def qb_datetime(value: datetime) -> str:
    """QuickBooks' DATETIMETYPE form: ``2024-01-15T09:00:00-05:00`` (seconds, numeric offset)."""
    return value.replace(microsecond=0).isoformat()
