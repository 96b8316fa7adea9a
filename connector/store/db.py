"""Engine and schema bootstrap for the connector's durable store.

Three kinds of URL, one schema:

* ``sqlite://`` (in memory, the zero-setup default): created from the models; it has no past to migrate.
* a SQLite file (``sqlite:///connector.db``): WAL journal (readers never wait for the writer) and a busy
  timeout (a writer waits for another's lock instead of failing), every transaction ``BEGIN IMMEDIATE``.
* PostgreSQL (``postgresql://…``, psycopg 3, the ``qbsim[postgres]`` extra): the store of a deployment.

Persistent databases are brought to the newest schema by the Alembic migrations in
``connector/store/migrations`` on start (``upgrade head``), the way a single-binary connector bootstraps its
own database; ``tests/connector/store/test_migrations.py`` proves they build exactly the models' schema.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from connector.store import tokens as _tokens  # noqa: F401  (registers procore_tokens on Base)
from connector.store.models import Base

MIGRATIONS = Path(__file__).with_name("migrations")
#: How long a SQLite writer waits for another connection's lock before "database is locked" (seconds).
SQLITE_BUSY_TIMEOUT = 30.0
#: Connections per process: enough for the ASGI thread pool (40 threads) not to queue on the pool.
POOL_SIZE = 20
POOL_OVERFLOW = 30

#: Execution option of the connections a store's reading sessions use (``with sessions() as db``).
READ_ONLY = "qbsim_read_only"

# The in-process queue for a SQLite file's one write lock (see _StoreSessions.begin).
_SQLITE_WRITERS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()

# Engines whose one shared connection allows one transaction at a time (the in-memory default).
_SERIAL_LOCKS: weakref.WeakKeyDictionary[Engine, threading.RLock] = weakref.WeakKeyDictionary()


class SchemaError(RuntimeError):
    """The database holds tables this version cannot take over (made before migrations existed)."""


def is_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def database_url(url: str) -> URL:
    """``url`` with the driver this project ships: ``postgresql://`` means psycopg 3 (not psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and bring its schema up to date (see the module docstring)."""
    parsed = database_url(url)
    if is_memory(parsed):
        # An in-memory database exists once per DB-API connection: one connection shared across the ASGI
        # thread pool, sessions serialised (see SerialSession).
        engine = create_engine(parsed, poolclass=StaticPool, connect_args={"check_same_thread": False})
        _SERIAL_LOCKS[engine] = threading.RLock()
        Base.metadata.create_all(engine)
        return engine
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_file_engine(parsed)
    else:
        # No pool_pre_ping: it is one more round trip per checkout, and a store call is a few statements.
        engine = create_engine(parsed, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_recycle=3600)
    migrate(engine)
    return engine


def _sqlite_file_engine(url: URL) -> Engine:
    timeout = float(url.query.get("timeout", SQLITE_BUSY_TIMEOUT))  # type: ignore[arg-type]
    engine = create_engine(
        url.difference_update_query(["timeout"]),
        pool_size=POOL_SIZE,
        max_overflow=POOL_OVERFLOW,
        connect_args={"timeout": timeout, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite would BEGIN (deferred) on its own; the "begin" hook below does it instead.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        # synchronous stays FULL: the "sent" mark must survive a power cut before the batch leaves
        # (NORMAL in WAL mode could lose the last commits, and a lost mark is a duplicate add).
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction that may write is IMMEDIATE: it takes the write lock at BEGIN, where the busy timeout
        # applies (a deferred one that reads, then writes after another connection committed, fails at once
        # with SQLITE_BUSY_SNAPSHOT whatever the timeout). Reading sessions (READ_ONLY, see
        # make_session_factory) BEGIN deferred: in WAL mode they never wait for the writer.
        deferred = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


def alembic_config(connection: Any) -> Any:
    """The Alembic configuration of the store's migrations, bound to ``connection``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database to ``revision`` (on PostgreSQL under an advisory lock, so two connector
    processes starting at once do not both run a migration)."""
    # Alembic logs its plugin set-up (on import) and "Context impl" at INFO on every start: noise in the
    # connector's log (and in a CLI's output) that says nothing about this store. Its warnings still show.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    from alembic import command

    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7158391024)")  # "qbsim migrations"
        tables = set(inspect(connection).get_table_names())
        if tables and "alembic_version" not in tables:
            raise SchemaError(
                f"{engine.url.render_as_string(hide_password=True)} holds connector tables made before the "
                "store had migrations; start from a new database (or stamp it with the initial revision "
                "after checking its schema: alembic stamp 0001)"
            )
        command.upgrade(alembic_config(connection), revision)


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


class _StoreSessions(sessionmaker[Session]):
    """The store's convention made explicit to SQLite: ``sessions.begin()`` opens a transaction that
    writes, ``sessions()`` one that only reads (bound to the engine with ``READ_ONLY`` set, so it
    BEGINs deferred and does not take the write lock)."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._reading = engine.execution_options(**{READ_ONLY: True})
        self._writer = _SQLITE_WRITERS.setdefault(engine, threading.RLock())

    def __call__(self, **local_kw: Any) -> Session:
        local_kw.setdefault("bind", self._reading)
        return super().__call__(**local_kw)

    @contextmanager
    def begin(self) -> Iterator[Session]:  # type: ignore[override]
        # SQLite has one writer per file whatever we do. Threads of this process queue for it on a lock
        # (woken the moment it is free) rather than in SQLite's busy handler, which sleeps and polls (up
        # to 100 ms a turn): under load the polling, not the writing, was the latency. Other processes
        # still meet the busy timeout (so does a write nested in a write of one thread: re-entrant).
        # PostgreSQL sessions take no such lock.
        with self._writer, super().__call__(bind=self.kw["bind"]) as session, session.begin():
            yield session


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (no lazy reload surprises)."""
    lock = _SERIAL_LOCKS.get(engine)
    if lock is not None:
        session_class = type("SerialSession", (SerialSession,), {"serial_lock": lock})
        return sessionmaker(engine, expire_on_commit=False, class_=session_class)
    if engine.dialect.name == "sqlite":
        return _StoreSessions(engine)
    return sessionmaker(engine, expire_on_commit=False)
