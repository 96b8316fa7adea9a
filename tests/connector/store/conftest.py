"""Fixtures for the store tests: a fresh database per test and a hand-moved clock."""

from __future__ import annotations

import pytest
from connector_clock import FixedClock
from sqlalchemy.orm import Session, sessionmaker

from connector.store.db import make_engine, make_session_factory


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
