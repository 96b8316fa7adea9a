"""The QuickBooks PC's local time: every time the fake writes (TimeCreated, EditSequence) is shown in it.

The clock itself is the simulators' one :class:`sim.clock.ManualClock` (or ``SystemClock``); this module
says which zone and which start a company file's clock gets, and how QuickBooks writes a moment.

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

from datetime import date, datetime, time, timedelta, tzinfo

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
#: A new company file's clock starts at 09:00 on the PC (14:00 UTC).
DEFAULT_START = datetime(2024, 1, 15, 9, 0, 0, tzinfo=DEFAULT_TZ)


def qb_datetime(value: datetime) -> str:
    """QuickBooks' DATETIMETYPE form: ``2024-01-15T09:00:00-05:00`` (seconds, numeric offset)."""
    return value.replace(microsecond=0).isoformat()
