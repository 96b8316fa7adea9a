"""The Alembic migrations build exactly the models' schema, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from connector.store.db import SchemaError, make_engine
from connector.store.models import Base


def test_the_migrations_produce_the_models_schema(db_url: str) -> None:
    engine = make_engine(db_url)  # runs upgrade head on a fresh database
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
        assert diff == []
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        assert set(Base.metadata.tables) <= set(inspect(conn).get_table_names())
    engine.dispose()


def test_starting_twice_migrates_once(db_url: str) -> None:
    make_engine(db_url).dispose()
    engine = make_engine(db_url)  # already at head: nothing to do, nothing fails
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    engine.dispose()


@pytest.mark.sqlite_only
def test_a_database_made_before_migrations_is_refused_by_name(tmp_path) -> None:
    from sqlalchemy import create_engine

    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    Base.metadata.create_all(old)  # what the connector did before it had migrations
    old.dispose()
    with pytest.raises(SchemaError, match=r"holds connector tables made before the store had migrations; "
                                          r"start from a new database"):
        make_engine(url)
