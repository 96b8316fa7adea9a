"""The store on PostgreSQL for the tests that use it: ``QBSIM_TEST_DATABASE_URL=postgresql://…`` (``.ci/run``
sets it for its second pass over the store, sync and end-to-end tests).

Every database a test opens through ``connector.store.db.make_engine`` becomes a PostgreSQL database of its
own, copied from a template migrated once: each in-memory ``sqlite://`` a new one (as each is a new
database), each SQLite file one per path and test (so a restart reopens the same data). They are dropped
after the test. A test about SQLite itself is marked ``sqlite_only`` and keeps its SQLite file.
Without the variable nothing changes.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from typing import Any

import pytest

TEST_DATABASE_URL = os.environ.get("QBSIM_TEST_DATABASE_URL", "").strip()
TEMPLATE = "qbsim_test_template"
_numbers = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "sqlite_only: about SQLite itself; stays on SQLite under "
                                       "QBSIM_TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[Any]:
    """An autocommit engine on the server's maintenance database, and the migrated template."""
    from sqlalchemy import create_engine

    from connector.store.db import database_url, make_engine

    admin = create_engine(database_url(TEST_DATABASE_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
    make_engine(str(database_url(TEST_DATABASE_URL).set(database=TEMPLATE))).dispose()
    yield admin
    with admin.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {TEMPLATE} WITH (FORCE)")
    admin.dispose()


@pytest.fixture(autouse=True)
def store_on_postgres(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if not TEST_DATABASE_URL or request.node.get_closest_marker("sqlite_only"):
        yield
        return
    from sqlalchemy.engine import URL

    from connector.store import db

    admin = request.getfixturevalue("postgres_admin")
    original = db.database_url
    made: dict[str, URL] = {}
    created: list[str] = []

    def new_database() -> URL:
        name = f"qbsim_test_{os.getpid()}_{next(_numbers)}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        created.append(name)
        return original(TEST_DATABASE_URL).set(database=name)

    def on_postgres(url: str) -> URL:
        parsed = original(url)
        if parsed.get_backend_name() != "sqlite":
            return parsed
        if db.is_memory(parsed):
            return new_database()
        key = str(parsed.database)
        if key not in made:
            made[key] = new_database()
        return made[key]

    monkeypatch.setattr(db, "database_url", on_postgres)
    yield
    with admin.connect() as conn:
        for name in created:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
