"""Alembic environment of the connector store: run on the connection ``connector.store.db.migrate`` hands
over (``config.attributes["connection"]``), against the models' metadata, SQLite in batch mode (its ALTER
TABLE cannot drop or change columns, so Alembic copies the table)."""

from __future__ import annotations

from alembic import context

from connector.store import tokens as _tokens  # noqa: F401  (registers procore_tokens on Base)
from connector.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the connector's migrations through connector.store.db.migrate (it passes the "
                       "connection)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
