"""Engine and schema bootstrap for the connector's durable store.

Any SQLAlchemy 2 URL works (SQLite file, PostgreSQL, ...). Tables are created on start
(``Base.metadata.create_all``), the way a single-binary connector bootstraps its own database.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from connector.store import tokens as _tokens  # noqa: F401  (registers procore_tokens on Base)
from connector.store.models import Base

# Engines whose one shared connection allows one transaction at a time (the in-memory default).
_SERIAL_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and create the tables.

    The only dialect-aware lines: an in-memory database exists once per DB-API connection, so the
    embedded default (``sqlite://`` / ``:memory:``) shares one connection across the ASGI thread
    pool (``StaticPool``), and its sessions are serialised (see :class:`SerialSession`). Every other
    URL gets SQLAlchemy's default pool and runs sessions concurrently.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
        _SERIAL_LOCKS[engine] = threading.RLock()
    else:
        engine = create_engine(url)
    Base.metadata.create_all(engine)
    return engine


class SerialSession(Session):
    """A Session holding its engine's lock from creation to close.

    Two threads (two companies' Web Connectors) sharing one SQLite connection would otherwise run
    statements inside each other's transactions. Every store method opens its session in a ``with``
    block, so the lock is held for one short transaction.
    """

    serial_lock: threading.RLock

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.serial_lock.acquire()
        self._holds_serial_lock = True
        try:
            super().__init__(*args, **kwargs)
        except BaseException:
            self._release_serial_lock()
            raise

    def _release_serial_lock(self) -> None:
        if self._holds_serial_lock:
            self._holds_serial_lock = False
            self.serial_lock.release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release_serial_lock()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (no lazy reload surprises)."""
    lock = _SERIAL_LOCKS.get(engine)
    if lock is None:
        return sessionmaker(engine, expire_on_commit=False)
    session_class = type("SerialSession", (SerialSession,), {"serial_lock": lock})
    return sessionmaker(engine, expire_on_commit=False, class_=session_class)
