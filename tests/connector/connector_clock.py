"""The hand-moved clock the connector tests inject (``Settings(clock=...)``, store constructors)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FixedClock:
    """An injectable clock moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)
