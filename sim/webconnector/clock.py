"""The Web Connector's clock: virtual, so the 5-second NoOp pause and "run every N minutes" never sleep.

Any object with ``now() -> aware datetime`` and ``advance(seconds)`` works, which includes the fake
company file's ``ManualClock`` (``WebConnector(..., clock=company.clock)``): sharing one clock keeps
QuickBooks' timestamps, the web service's ticket expiry and QWCLog.txt in step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol

#: A fixed start so that every run (and every log line) is reproducible.
DEFAULT_START = datetime(2024, 1, 15, 14, 0, 0, tzinfo=UTC)


class Clock(Protocol):
    """What the emulator needs from a clock."""

    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> datetime: ...


class VirtualClock:
    """A clock that moves only when told to; ``advance`` is how the emulator "waits"."""

    def __init__(self, start: datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def __call__(self) -> datetime:
        """Same as ``now()``: lets the clock be passed where a ``Callable[[], datetime]`` is expected
        (e.g. a web service's injectable clock), so every party reads one virtual time."""
        return self._now

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self._now += timedelta(seconds=seconds)
        return self._now
