"""The fake's state container: store, clock, rate limiter, webhook transport and the seeded fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from sim.procore_fake.clock import Clock
from sim.procore_fake.ratelimit import RateLimiter
from sim.procore_fake.store import Store


@dataclass
class SimState:
    store: Store
    clock: Clock
    limiter: RateLimiter
    seeded: dict[str, Any] = field(default_factory=dict)
    # Where webhook deliveries go. None: a real httpx client (network). Tests inject a MockTransport or an
    # ASGI transport so nothing leaves the process.
    webhook_transport: httpx.BaseTransport | None = None
