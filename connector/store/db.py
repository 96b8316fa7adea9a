"""Engine and schema bootstrap for the connector's durable store.

Any SQLAlchemy 2 URL works (SQLite file, PostgreSQL, ...). Tables are created on start
(``Base.metadata.create_all``), the way a single-binary connector bootstraps its own database.
"""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from connector.store.models import Base


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` and create the tables.

    The only dialect-aware line: an in-memory database exists once per DB-API connection, so the
    embedded default (``sqlite://`` / ``:memory:``) must share one connection across the ASGI
    thread pool (``StaticPool``). Every other URL gets SQLAlchemy's default pool.
    """
    parsed = make_url(url)
    kwargs: dict[str, object] = {}
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        kwargs = {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}}
    engine = create_engine(url, **kwargs)
    Base.metadata.create_all(engine)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose objects stay readable after commit (no lazy reload surprises)."""
    return sessionmaker(engine, expire_on_commit=False)
