"""Serve-mode driver: what Procore's own background workers do, on the wall clock.

Every ``interval`` seconds a thread delivers the webhook deliveries that are due and runs the ERP sync
schedule (hourly company syncs, project syncs, the payment Sync Program). Tests do not use it: they call
``tick()`` or the ``/_sim`` endpoints on a ManualClock instead.
"""

from __future__ import annotations

import threading

from sim.procore_fake.domain import schedule, webhooks
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
        emitted = schedule.run_due(self.state.store, self.state.clock)
        delivered = webhooks.deliver_due(self.state.store, self.state.clock, self.state.webhook_transport)
        return emitted, delivered

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
