"""Injectable clocks: every time the fake writes (TimeCreated, EditSequence, iterator expiry) comes from one.

QuickBooks stamps records with the PC's local time and UTC offset (``2024-01-15T09:00:00-05:00``).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Protocol

DEFAULT_TZ = timezone(timedelta(hours=-5))
DEFAULT_START = datetime(2024, 1, 15, 9, 0, 0, tzinfo=DEFAULT_TZ)


class Clock(Protocol):
    """Anything with ``now() -> aware datetime``."""

    def now(self) -> datetime: ...


class ManualClock:
    """A clock that only moves when told to (tests, reproducible demos). Never sleeps."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward (a fault's delay, a test's wait)."""
        self._now += timedelta(seconds=seconds)
        return self._now

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        self._now = when


class SystemClock:
    """Wall time in a fixed zone (for a long-running served company file)."""

    def __init__(self, tz: timezone = DEFAULT_TZ) -> None:
        self._tz = tz

    def now(self) -> datetime:
        return datetime.now(self._tz)

    def advance(self, seconds: float) -> datetime:
        """A real clock cannot be moved; a delay fault on it is recorded but does not sleep."""
        return self.now()


def qb_datetime(value: datetime) -> str:
    """QuickBooks' DATETIMETYPE form: ``2024-01-15T09:00:00-05:00`` (seconds, numeric offset)."""
    return value.replace(microsecond=0).isoformat()
