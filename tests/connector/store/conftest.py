"""Fixtures for the store tests: a fresh database per test and a hand-moved clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from connector.store.db import make_engine, make_session_factory


class FixedClock:
    """An injectable clock moved by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def db_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def sessions(db_url: str) -> sessionmaker[Session]:
    engine = make_engine(db_url)
    yield make_session_factory(engine)
    engine.dispose()
