"""The fake's state container: store, clock, rate limiter, webhook transport and the seeded fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from sim.clock import Clock
from sim.procore_fake.ratelimit import RateLimiter
from sim.procore_fake.store import Store

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
