"""The fake's state container: store, clock, rate limiter, webhook transport and the seeded fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from sim.clock import Clock, ManualClock
from sim.procore_fake.faults import Faults
from sim.procore_fake.ratelimit import RateLimiter
from sim.procore_fake.store import Record, Store

# ASGI scope key through which ``app.bind_state`` hands a request its simulated Procore.
STATE_SCOPE_KEY = "qbsim.procore_fake.state"


@dataclass
class SimState:
    store: Store
    clock: Clock
    limiter: RateLimiter
    seeded: dict[str, Any] = field(default_factory=dict)
    # Where webhook deliveries go. None: a real httpx client (network). Tests inject a MockTransport or an
    # ASGI transport so nothing leaves the process.
    webhook_transport: httpx.BaseTransport | None = None
    # "strict": Procore-Company-Id rules as documented (api-conventions.json). "lenient": when the header is
    # missing, take the company from a ``company_id`` query parameter or header, else from the token, the
    # way ProPyCore 0.8.0 calls real Procore (client-wire-traces.json). Which one real Procore applies to
    # such calls is not settled by the evidence (ruby-sdk issue #40 saw a 404), so both are available.
    company_header_mode: str = "strict"
    seed: int = 0
    # Fault rules (``/_sim/faults``) for API requests and webhook deliveries.
    faults: Faults = field(default_factory=Faults)
    # Where ``/_sim/snapshot`` and ``/_sim/restore`` may write and read (None: any path, local callers only).
    snapshot_dir: Path | None = None

    @property
    def clock_kind(self) -> str:
        """``manual`` (moves only through ``/_sim/clock``) or ``wall``: the words the fake QuickBooks uses."""
        return "manual" if isinstance(self.clock, ManualClock) else "wall"

    def run_schedule(self) -> list[Record]:
        """Procore's background sync schedule: the ERP requests that have come due on the clock."""
        from sim.procore_fake.domain import schedule

        return schedule.run_due(self.store, self.clock)

    def deliver_webhooks(self) -> list[Record]:
        """Send every webhook delivery that is due, through the fault rules; the deliveries touched."""
        from sim.procore_fake.domain import webhooks

        return webhooks.deliver_due(self.store, self.clock, self.webhook_transport, self.faults)
