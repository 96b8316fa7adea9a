"""The simulators' one clock: injectable, timezone-aware, moved only when told to in tests and demos.

Every party reads time from a clock: QuickBooks' TimeCreated and EditSequence, the Web Connector's NoOp
pause and Auto-Run, Procore's token expiry and webhook retries. Sharing one :class:`ManualClock` keeps
them in step (``WebConnector(..., clock=company.clock)``); nothing under ``sim/`` sleeps on wall time.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

#: A fixed start, so that every run (and every timestamp) is reproducible.
DEFAULT_START = datetime(2024, 1, 15, 9, 0, 0, tzinfo=UTC)


class Clock(Protocol):
    """What the simulators need from a clock: an aware ``now()``, and ``advance`` for a simulated wait."""

    def now(self) -> datetime: ...

    def advance(self, seconds: float) -> datetime: ...


class ManualClock:
    """A clock that only moves when told to (tests, reproducible demos, a served fake's ``/_sim`` clock).

    Time is kept in UTC and shown in ``tz`` (the start's zone unless given), so advancing across a
    daylight-saving change moves the offset, not the elapsed time. Thread-safe: served fakes read it
    from several request threads while a control request moves it.
    """

    def __init__(self, start: datetime = DEFAULT_START, *, tz: tzinfo | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._tz = tz or start.tzinfo
        self._utc = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._utc.astimezone(self._tz)

    def __call__(self) -> datetime:
        """Same as ``now()``: the clock can be passed where a ``Callable[[], datetime]`` is expected
        (e.g. a web service's injectable clock), so every party reads one virtual time."""
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """Move forward (a fault's delay, a NoOp pause, a test's wait); a clock never runs backwards."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        with self._lock:
            self._utc += timedelta(seconds=seconds)
        return self.now()

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (either direction: a test setting up "yesterday")."""
        if when.tzinfo is None:
            raise ValueError("ManualClock needs timezone-aware times")
        with self._lock:
            self._utc = when.astimezone(UTC)


class SystemClock:
    """Wall time shown in ``tz`` (for a long-running served fake)."""

    def __init__(self, tz: tzinfo = UTC) -> None:
        self._tz = tz

    def now(self) -> datetime:
        return datetime.now(self._tz)

    def __call__(self) -> datetime:
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """A real clock cannot be moved; a simulated wait on it is recorded but does not sleep."""
        return self.now()


def clock_banner(clock: Clock) -> str:
    """The line a served fake prints at start to say which clock it runs on."""
    if isinstance(clock, ManualClock):
        return f"clock: manual, at {clock.now().isoformat()} (move it with POST /_sim/clock)"
    return "clock: wall (--wall-clock)"
