"""Backoff and lockout for ``authenticate``: per Web Connector user name and per client address.

Every password check costs a PBKDF2 run (0.3 s of CPU at the default 600,000 iterations), so an
unthrottled flood of guesses both tries passwords and starves the real updates. After
``login_free_failures`` failures a user name (from any address) or a client address (for any user
name) is locked out, for ``login_lockout`` doubling with every further failure up to
``login_max_lockout``. While locked, authenticate answers ``nvu`` without checking the password.

Why ``nvu`` and not a delay or another answer: ``nvu`` is the one authenticate answer the Web
Connector has for "not logged in" (QBWC-PROTOCOL.md); ``none`` would tell it the update succeeded with
nothing to do and ``busy`` that another Web Connector holds the company file, both false. Holding the
HTTP request open for the backoff would tie up a worker thread per attacker request, which is the
starvation being prevented. The refusal is logged (WARNING) with the user name, address and time left.

The right password is never locked out for good:

* a lockout always ends (at most ``login_max_lockout``), and a refused call does not extend it;
* failures are forgotten ``login_failure_memory`` after the last one;
* a success clears the user name's failures, and the user name's lockout does not apply to an address
  it has logged in from before (a Web Connector runs on one machine, so an attacker guessing that
  user's password from elsewhere cannot keep the real one out). The address's own lockout still
  applies: that is a guesser at the same address.

Concurrency: an admitted attempt counts as a failure *before* the password is checked (and is taken
back on success), so forty guesses in flight at once are forty failures, not forty free tries.

Not faithful / limits: state is per process and in memory (a restart forgets it; several connector
processes behind one address each count on their own), bounded to ``MAX_TRACKED`` user names,
addresses and trusted pairs (the oldest go first). Behind a reverse proxy the client address is the
proxy's unless the server is told to trust its forwarding headers (uvicorn ``--proxy-headers``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from connector.store.users import Account, UserStore

if TYPE_CHECKING:
    from connector.config import Settings

log = logging.getLogger(__name__)

MAX_TRACKED = 10_000


@dataclass
class _Strikes:
    failures: int
    last_failure: datetime


@dataclass(frozen=True)
class LoginPolicy:
    """The throttle's numbers (from :class:`~connector.config.Settings`)."""

    free_failures: int
    lockout: timedelta
    max_lockout: timedelta
    failure_memory: timedelta

    def locked_until(self, strikes: _Strikes) -> datetime:
        """When the lockout earned by ``strikes`` ends (its last failure when it earned none)."""
        over = strikes.failures - self.free_failures
        if over <= 0:
            return strikes.last_failure
        # Doubling, capped: the exponent is bounded so a long attack cannot overflow timedelta.
        backoff = self.lockout * (2 ** min(over - 1, 40))
        return strikes.last_failure + min(backoff, self.max_lockout)


class LoginThrottle:
    """Failure counts per key (``user:DIGEST`` / ``addr:ADDRESS``) and the trusted (user, address) pairs.

    User names are kept as SHA-256 digests: a user name is whatever a caller sent (up to the envelope
    cap), and ten thousand of them must not cost ten thousand copies.
    """

    def __init__(self, policy: LoginPolicy, clock: Callable[[], datetime]) -> None:
        self._policy = policy
        self._clock = clock
        self._strikes: dict[str, _Strikes] = {}
        self._trusted: dict[tuple[str, str], None] = {}
        self._guard = threading.Lock()

    def admit(self, username: str, address: str) -> str | None:
        """Count an attempt as a failure and return None, or return why it is refused (counts nothing)."""
        now = self._clock()
        with self._guard:
            refusal = self._refusal(username, address, now)
            if refusal is None:
                for key in self._keys(username, address):
                    strikes = self._current(key, now)
                    failures = strikes.failures if strikes else 0
                    self._remember(self._strikes, key, _Strikes(failures + 1, now))
            return refusal

    def refusal(self, username: str, address: str) -> str | None:
        """Why an attempt for ``username`` from ``address`` would be refused now, or None."""
        with self._guard:
            return self._refusal(username, address, self._clock())

    def succeeded(self, username: str, address: str) -> None:
        """Take the admitted attempt back: the user name starts afresh and trusts this address."""
        with self._guard:
            user_key = _user_key(username)
            self._strikes.pop(user_key, None)
            if address:
                self._remember(self._trusted, (user_key, address), None)
                strikes = self._strikes.get(f"addr:{address}")
                if strikes is not None:
                    strikes.failures -= 1
                    if strikes.failures <= 0:
                        del self._strikes[f"addr:{address}"]

    def _refusal(self, username: str, address: str, now: datetime) -> str | None:
        for key in self._keys(username, address):
            strikes = self._current(key, now)
            if strikes is None or (key.startswith("user:") and (key, address) in self._trusted):
                continue
            until = self._policy.locked_until(strikes)
            if now < until:
                seconds = max(1, int((until - now).total_seconds() + 0.999))
                what = f"user {username[:64]!r}" if key.startswith("user:") else f"address {address}"
                return f"{what} is locked out for {seconds} more s after {strikes.failures} failed logins"
        return None

    def _keys(self, username: str, address: str) -> list[str]:
        return [_user_key(username)] + ([f"addr:{address}"] if address else [])

    def _current(self, key: str, now: datetime) -> _Strikes | None:
        strikes = self._strikes.get(key)
        if strikes is not None and now - strikes.last_failure > self._policy.failure_memory:
            del self._strikes[key]
            return None
        return strikes

    @staticmethod
    def _remember(table: dict[Any, Any], key: Any, value: Any) -> None:
        """Insert or refresh ``key`` as the newest entry, dropping the oldest beyond ``MAX_TRACKED``."""
        table.pop(key, None)
        table[key] = value
        while len(table) > MAX_TRACKED:
            del table[next(iter(table))]


def _user_key(username: str) -> str:
    return "user:" + hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()


class LoginGuard:
    """:meth:`UserStore.authenticate` behind a :class:`LoginThrottle`: a locked-out call costs no PBKDF2."""

    def __init__(self, users: UserStore, settings: Settings) -> None:
        self._users = users
        policy = LoginPolicy(
            settings.login_free_failures,
            settings.login_lockout,
            settings.login_max_lockout,
            settings.login_failure_memory,
        )
        self.throttle = LoginThrottle(policy, settings.clock)

    def authenticate(self, username: str, password: str, address: str) -> Account | None:
        """The account when admitted and the password matches, else None (``nvu``)."""
        refusal = self.throttle.admit(username, address)
        if refusal is not None:
            log.warning("authenticate answered nvu without a password check: %s", refusal)
            return None
        account = self._users.authenticate(username, password)
        if account is not None:
            self.throttle.succeeded(username, address)
            return account
        locked = self.throttle.refusal(username, address)
        if locked is not None:
            log.warning("authenticate failed for user %r from %s; %s", username[:64], address or "?", locked)
        return None
