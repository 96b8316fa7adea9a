"""Serve-mode driver: what Procore's own background workers do.

Every ``interval`` seconds of wall time a thread delivers the webhook deliveries that are due and runs the
ERP sync schedule (hourly company syncs, project syncs, the payment Sync Program); what is due is read on
the fake's clock (manual by default in serve mode: a retry waits until ``/_sim/clock`` moves past it).
Tests do not use it: they call ``tick()`` or the ``/_sim`` endpoints on a ManualClock instead.
"""

from __future__ import annotations

import threading

from sim.procore_fake.state import SimState
from sim.procore_fake.store import Record


class Dispatcher:
    def __init__(self, state: SimState, interval: float = 0.5) -> None:
        self.state = state
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="procore-fake-dispatcher", daemon=True)

    def tick(self) -> tuple[list[Record], list[Record]]:
        """One pass: (ERP requests emitted by the schedule, deliveries attempted)."""
        return self.state.run_schedule(), self.state.deliver_webhooks()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()

    def start(self) -> Dispatcher:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()
