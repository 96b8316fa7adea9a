"""One lock per company file, never a global one: a company's SOAP calls run one at a time, other
companies' calls run beside them.

In one process a ``threading.Lock`` per company is enough. On PostgreSQL several connector processes may
serve the same companies (workers behind one URL), so the lock is also a PostgreSQL session advisory lock
keyed by the company, held on its own autocommit connection for the length of the call: another process's
call for that company waits in ``pg_advisory_lock``, other companies' calls never do. SQLite files are for
one connector process (the embedded default); their lock is the in-process one.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

_LOCK = text("SELECT pg_advisory_lock(:key)")
_UNLOCK = text("SELECT pg_advisory_unlock(:key)")


def advisory_key(company_key: str) -> int:
    """A signed 64-bit key for ``company_key`` (a collision only makes two companies share a lock)."""
    digest = hashlib.blake2b(f"qbsim company {company_key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class CompanyLocks:
    """``with locks.hold(company_key): …`` — the company's lock, in this process and (PostgreSQL) in all."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._shared = engine.dialect.name == "postgresql"
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _local(self, company_key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(company_key, threading.Lock())

    @contextmanager
    def hold(self, company_key: str) -> Iterator[None]:
        with self._local(company_key):
            if not self._shared:
                yield
                return
            key = advisory_key(company_key)
            with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(_LOCK, {"key": key})
                try:
                    yield
                finally:
                    conn.execute(_UNLOCK, {"key": key})
