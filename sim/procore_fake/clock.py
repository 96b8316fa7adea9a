"""Procore's timestamp format. The clock itself is the simulators' one (:mod:`sim.clock`): token expiry,
rate-limit windows and webhook retries all read an injected ``Clock``; tests advance a ``ManualClock``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def iso(dt: datetime) -> str:
    """Procore's timestamp format: ISO 8601 UTC with a trailing Z."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
