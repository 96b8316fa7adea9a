"""When and how long to retry a Procore call: Procore's throttling headers first, else jittered backoff.

Procore answers 429 when a rate-limit window is exhausted (``Retry-After`` seconds, plus
``X-Rate-Limit-Reset``, the window's end in unix seconds) and 503 under heavy load (``Retry-After``).
Both mean the request was refused before it was processed, so any method may be sent again. A 500, 502 or
504, a read/write timeout or a dropped connection may come after Procore applied the request: those are
retried for idempotent calls only. A connect error (or a connect/pool timeout) means the request never
left, so it is retried for every method.

Waits go through an injected ``sleep`` and the jitter through an injected ``random.Random``, so tests
record the waits instead of sleeping. The total wait of one call is bounded (``max_total_wait``): a
``Retry-After`` beyond what is left of it is not slept at all; the call fails at once with the wait
Procore asked for, and the caller leaves the work queued for later instead of blocking a thread for an
hour.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

import httpx

from connector.procore.errors import ProcoreUnavailable

log = logging.getLogger("connector.procore")

# Refused before processing: safe to send again whatever the method.
REFUSED_STATUSES = frozenset({429, 503})
# May have been processed: only an idempotent call is sent again.
FAILED_STATUSES = frozenset({500, 502, 504})
# The request never reached Procore.
NOT_SENT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)


@dataclass(frozen=True)
class RetryPolicy:
    """Retry numbers: up to ``max_retries`` retries (so ``max_retries + 1`` attempts); backoff waits
    ``base_delay * 2**n`` capped at ``max_delay``, jittered to 50-100 % of that; at most ``max_total_wait``
    seconds of waiting per call, server-requested waits included."""

    max_retries: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0
    max_total_wait: float = 120.0

    def backoff(self, retry: int, rng: random.Random) -> float:
        """The jittered wait before retry number ``retry`` (0-based)."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return ceiling * (0.5 + rng.random() / 2)


def server_wait(response: httpx.Response, now: datetime) -> float | None:
    """Seconds Procore asked us to wait: ``Retry-After`` (seconds or an HTTP date), else
    ``X-Rate-Limit-Reset`` (unix seconds) on a 429; None when it said nothing usable."""
    retry_after = response.headers.get("Retry-After")
    if retry_after is not None:
        value = retry_after.strip()
        try:
            return max(float(value), 0.0)
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None and when.tzinfo is not None:
            return max((when - now).total_seconds(), 0.0)
    reset = response.headers.get("X-Rate-Limit-Reset")
    if response.status_code == 429 and reset is not None:
        try:
            return max(float(reset) - now.timestamp(), 0.0)
        except ValueError:
            return None
    return None


class Retrier:
    """Runs one call (``send``) until it answers something not worth retrying, or the budget is spent.

    Returns the last response (the caller turns an error status into a named exception); raises
    :class:`ProcoreUnavailable` when the transport kept failing or the failure may not be retried.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], datetime],
        rng: random.Random,
    ) -> None:
        self.policy = policy
        self._sleep = sleep
        self._clock = clock
        self._rng = rng

    def run(
        self, send: Callable[[], httpx.Response], *, method: str, path: str, idempotent: bool
    ) -> httpx.Response:
        retry = 0
        waited = 0.0
        while True:
            try:
                response = send()
            except httpx.TransportError as exc:
                reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                if not (idempotent or isinstance(exc, NOT_SENT_ERRORS)):
                    log.error(
                        "Procore %s %s failed (%s); not retried: the request may have been applied",
                        method,
                        path,
                        reason,
                    )
                    raise ProcoreUnavailable(
                        f"Procore {method} {path} failed ({reason}); not retried because {method} is not "
                        "idempotent and the request may have reached Procore",
                        method=method,
                        path=path,
                    ) from exc
                wait = self.policy.backoff(retry, self._rng)
                if self._spent(retry, waited, wait):
                    log.error("Procore %s %s failed (%s) after %d retries", method, path, reason, retry)
                    raise ProcoreUnavailable(
                        f"Procore {method} {path} failed ({reason}) after {retry} retries "
                        f"and {waited:.1f} s of waiting",
                        method=method,
                        path=path,
                    ) from exc
            else:
                status = response.status_code
                if not (status in REFUSED_STATUSES or (idempotent and status in FAILED_STATUSES)):
                    return response
                reason = f"HTTP {status}"
                asked = server_wait(response, self._clock()) if status in REFUSED_STATUSES else None
                wait = asked if asked is not None else self.policy.backoff(retry, self._rng)
                if self._spent(retry, waited, wait):
                    # The caller logs the failure itself (with Procore's message); this says why we stopped.
                    log.info(
                        "Procore %s %s answered %d: giving up after %d retries (next wait %.1f s)",
                        method,
                        path,
                        status,
                        retry,
                        wait,
                    )
                    return response
                response.close()
            retry += 1
            log.warning(
                "Procore %s %s: %s; retry %d of %d in %.2f s",
                method,
                path,
                reason,
                retry,
                self.policy.max_retries,
                wait,
            )
            self._sleep(wait)
            waited += wait

    def _spent(self, retry: int, waited: float, wait: float) -> bool:
        return retry >= self.policy.max_retries or waited + wait > self.policy.max_total_wait
