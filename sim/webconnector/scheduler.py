"""Auto-Run on a virtual clock: several applications in one Web Connector, updated when due.

Real QBWC runs scheduled applications one after another (one UpdateLock); the emulator runs them in
order of due time, earliest first, moving the shared clock to each due time. Time spent inside an update
(NoOp pauses) moves the clock too, so a long update can push the next ones later.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Protocol

from sim.clock import Clock
from sim.webconnector.qwc import QWCFile
from sim.webconnector.result import UpdateResult


class ScheduledApp(Protocol):
    """What the timer needs of an application loaded into the Web Connector (``WebConnector`` is one)."""

    qwc: QWCFile
    clock: Clock
    next_run_at: datetime | None

    def run_due(self) -> UpdateResult | None: ...


class Scheduler:
    """The Web Connector's Auto-Run timer for a set of applications sharing one clock."""

    def __init__(self, clock: Clock, apps: Iterable[ScheduledApp] = ()) -> None:
        self.clock = clock
        self.apps: list[ScheduledApp] = list(apps)
        for app in self.apps:
            self._check(app)

    def _check(self, app: ScheduledApp) -> None:
        if app.clock is not self.clock:
            raise ValueError(f"{app.qwc.app_name} runs on another clock")

    def add(self, app: ScheduledApp) -> None:
        self._check(app)
        self.apps.append(app)

    def advance(self, minutes: float) -> list[UpdateResult]:
        """Move the clock ``minutes`` forward, running each due update at its due time."""
        if minutes < 0:
            raise ValueError("cannot go back in time")
        end = self.clock.now() + timedelta(minutes=minutes)
        results: list[UpdateResult] = []
        while True:
            due = [app for app in self.apps if app.next_run_at is not None and app.next_run_at <= end]
            if not due:
                break
            app = min(due, key=lambda candidate: candidate.next_run_at)  # type: ignore[arg-type,return-value]
            assert app.next_run_at is not None
            wait = (app.next_run_at - self.clock.now()).total_seconds()
            if wait > 0:
                self.clock.advance(wait)
            result = app.run_due()
            if result is not None:
                results.append(result)
        remaining = (end - self.clock.now()).total_seconds()
        if remaining > 0:
            self.clock.advance(remaining)
        return results
