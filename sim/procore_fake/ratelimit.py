"""Procore's two rate-limit windows: hourly (60 min) and spike (10 s), counted per application+user.

Every API response carries ``X-Rate-Limit-Limit``, ``X-Rate-Limit-Remaining`` and ``X-Rate-Limit-Reset``
(unix seconds) for whichever window is closer to exhaustion. With enforcement on, a request past a limit
gets 429 with Procore's sentence and the same headers plus ``Retry-After``. Windows are fixed and start at
the first request after the previous one closed, on the injectable clock. Counters are per key under a
per-key lock (no global lock on the request path).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from datetime import datetime

from sim.procore_fake.conventions import (
    DEFAULT_HOURLY_LIMIT,
    DEFAULT_SPIKE_LIMIT,
    HOURLY_WINDOW_SECONDS,
    SPIKE_WINDOW_SECONDS,
)
from sim.procore_fake.errors import RATE_LIMITED, RateLimited


@dataclass(frozen=True)
class RateLimitConfig:
    hourly: int = DEFAULT_HOURLY_LIMIT
    spike: int = DEFAULT_SPIKE_LIMIT
    enforce: bool = True


@dataclass
class _Window:
    seconds: int
    limit: int
    start: float | None = None
    count: int = 0

    def roll(self, now: float) -> None:
        if self.start is None or now >= self.start + self.seconds:
            self.start, self.count = now, 0

    @property
    def reset(self) -> int:
        return math.ceil((self.start or 0) + self.seconds)


@dataclass
class _Bucket:
    hourly: _Window
    spike: _Window
    lock: threading.Lock = field(default_factory=threading.Lock)


class RateLimiter:
    def __init__(self, config: RateLimitConfig | None) -> None:
        self.config = config or RateLimitConfig(enforce=False)
        self._buckets: dict[str, _Bucket] = {}
        self._guard = threading.Lock()

    def _bucket(self, key: str) -> _Bucket:
        with self._guard:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(
                    _Window(HOURLY_WINDOW_SECONDS, self.config.hourly),
                    _Window(SPIKE_WINDOW_SECONDS, self.config.spike),
                )
            return bucket

    def hit(self, key: str, now: datetime) -> dict[str, str]:
        """Count one request; return the headers, or raise 429 (carrying them) when over a limit."""
        t = now.timestamp()
        bucket = self._bucket(key)
        with bucket.lock:
            for w in (bucket.hourly, bucket.spike):
                w.roll(t)
            over = [w for w in (bucket.hourly, bucket.spike) if w.count >= w.limit]
            if not over or not self.config.enforce:
                for w in (bucket.hourly, bucket.spike):
                    w.count += 1
            closest = min((bucket.hourly, bucket.spike), key=lambda w: (w.limit - w.count) / w.limit)
            window = over[0] if over and self.config.enforce else closest
            headers = {
                "X-Rate-Limit-Limit": str(window.limit),
                "X-Rate-Limit-Remaining": str(max(window.limit - window.count, 0)),
                "X-Rate-Limit-Reset": str(window.reset),
            }
            if over and self.config.enforce:
                headers["Retry-After"] = str(max(window.reset - math.floor(t), 1))
                raise RateLimited(RATE_LIMITED, headers=headers)
            return headers

    def dump(self) -> dict[str, list[float | int | None]]:
        """Each client's windows ``[hourly start, hourly count, spike start, spike count]`` (snapshots)."""
        with self._guard:
            return {
                key: [b.hourly.start, b.hourly.count, b.spike.start, b.spike.count]
                for key, b in self._buckets.items()
            }

    def load(self, windows: dict[str, list[float | int | None]]) -> None:
        with self._guard:
            self._buckets = {}
        for key, (hourly_start, hourly_count, spike_start, spike_count) in windows.items():
            bucket = self._bucket(key)
            bucket.hourly.start, bucket.hourly.count = hourly_start, int(hourly_count or 0)
            bucket.spike.start, bucket.spike.count = spike_start, int(spike_count or 0)

