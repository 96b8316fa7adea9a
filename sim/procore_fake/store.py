"""Persistence: SQLAlchemy 2 over SQLite (in memory by default).

Every Procore object is one row of ``records``: its kind (``project``, ``vendor``, ``work_order_contract`` …),
owning company, optional project, optional ``origin_id`` (indexed: the ERP sync matching key) and the JSON
body exactly as the API shows it. Domain modules read and write these dicts; only this module touches SQL.

Concurrency: one re-entrant lock per Procore company (:meth:`Store.company_lock`), never a global one. An
in-memory SQLite database lives on a single shared connection, so statements on it are additionally
serialised by the connection guard below; that guard is held only for the duration of one SQL statement,
never across domain logic.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Connection,
    Integer,
    String,
    create_engine,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.pool import StaticPool

from sim.procore_fake.ids import IdGenerator

Record = dict[str, Any]


class Base(DeclarativeBase):
    """SQLAlchemy declarative base of the fake's single table."""


class RecordRow(Base):
    __tablename__ = "records"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    id: Mapped[int] = mapped_column(BigInteger, index=True)
    company_id: Mapped[int | None] = mapped_column(BigInteger, index=True, nullable=True)
    project_id: Mapped[int | None] = mapped_column(BigInteger, index=True, nullable=True)
    origin_id: Mapped[str | None] = mapped_column(String(255), index=True, nullable=True)
    # A second lookup key for records found by an opaque string (OAuth tokens, authorization codes).
    key: Mapped[str | None] = mapped_column(String(255), index=True, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


_T = RecordRow.__table__


# SQLite integers are signed 64-bit: binding a larger Python int raises OverflowError. No record has such
# an id (ids come from IdGenerator), so a lookup by one finds nothing, as Procore answers 404 for it.
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _storable(value: int | None) -> bool:
    return not isinstance(value, int) or _INT64_MIN <= value <= _INT64_MAX


def _origin(body: Record) -> str | None:
    value = body.get("origin_id")
    return None if value is None else str(value)


class Store:
    """Typed-by-kind document store with seeded ids."""

    def __init__(self, database_url: str = "sqlite://", *, seed: int = 0) -> None:
        in_memory = database_url in ("sqlite://", "sqlite:///:memory:")
        if in_memory:
            self.engine = create_engine(
                "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
            )
        else:
            self.engine = create_engine(database_url)
        Base.metadata.create_all(self.engine)
        with self.engine.connect() as conn:
            rows, top = conn.execute(select(func.count(), func.max(_T.c.id))).one()
        # A reopened database continues the sequence (ids above the highest, tokens from a fresh stream).
        self.ids = IdGenerator(seed if not rows else seed * 1_000_003 + rows)
        if top is not None:
            self.ids.advance_past(int(top))
        self._locks: dict[int, threading.RLock] = {}
        self._locks_guard = threading.Lock()
        self._conn_guard: threading.RLock | None = threading.RLock() if in_memory else None

    # -- locking --------------------------------------------------------------------------------------
    def company_lock(self, company_id: int) -> threading.RLock:
        with self._locks_guard:
            lock = self._locks.get(company_id)
            if lock is None:
                lock = self._locks[company_id] = threading.RLock()
            return lock

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        """One short transaction on a connection (SQLAlchemy Core: the ORM's per-object overhead is not
        needed for a document table)."""
        guard = self._conn_guard
        if guard is not None:
            guard.acquire()
        try:
            with self.engine.begin() as conn:
                yield conn
        finally:
            if guard is not None:
                guard.release()

    # -- CRUD -----------------------------------------------------------------------------------------
    def add(
        self,
        kind: str,
        data: Record,
        *,
        company_id: int | None,
        project_id: int | None = None,
        key: str | None = None,
    ) -> Record:
        body = copy.deepcopy(data)
        body.setdefault("id", self.ids.next_id())
        with self._conn() as conn:
            conn.execute(
                insert(_T).values(
                    kind=kind,
                    id=body["id"],
                    company_id=company_id,
                    project_id=project_id,
                    origin_id=_origin(body),
                    key=key,
                    data=body,
                )
            )
        return copy.deepcopy(body)

    def get(self, kind: str, record_id: int) -> Record | None:
        if not _storable(record_id):
            return None
        with self._conn() as conn:
            row = conn.execute(select(_T.c.data).where(_T.c.kind == kind, _T.c.id == record_id)).first()
            return row[0] if row else None

    def find_key(self, kind: str, key: str) -> Record | None:
        with self._conn() as conn:
            row = conn.execute(select(_T.c.data).where(_T.c.kind == kind, _T.c.key == key)).first()
            return row[0] if row else None

    def put(self, kind: str, data: Record) -> Record:
        """Replace a record's body (keeps company/project; refreshes the origin_id index)."""
        body = copy.deepcopy(data)
        with self._conn() as conn:
            result = conn.execute(
                update(_T)
                .where(_T.c.kind == kind, _T.c.id == body["id"])
                .values(data=body, origin_id=_origin(body))
            )
            if result.rowcount != 1:
                raise KeyError(f"{kind} {body['id']} does not exist")
        return copy.deepcopy(body)

    def remove(self, kind: str, record_id: int) -> None:
        if not _storable(record_id):
            return
        with self._conn() as conn:
            conn.execute(delete(_T).where(_T.c.kind == kind, _T.c.id == record_id))

    def owner(self, kind: str, record_id: int) -> tuple[int | None, int | None] | None:
        if not _storable(record_id):
            return None
        with self._conn() as conn:
            row = conn.execute(
                select(_T.c.company_id, _T.c.project_id).where(_T.c.kind == kind, _T.c.id == record_id)
            ).first()
            return (row[0], row[1]) if row else None

    def query(
        self,
        kind: str,
        *,
        company_id: int | None = None,
        project_id: int | None = None,
        origin_id: str | None = None,
    ) -> list[Record]:
        if not (_storable(company_id) and _storable(project_id)):
            return []
        stmt = select(_T.c.data).where(_T.c.kind == kind)
        if company_id is not None:
            stmt = stmt.where(_T.c.company_id == company_id)
        if project_id is not None:
            stmt = stmt.where(_T.c.project_id == project_id)
        if origin_id is not None:
            stmt = stmt.where(_T.c.origin_id == origin_id)
        with self._conn() as conn:
            return [row[0] for row in conn.execute(stmt.order_by(_T.c.pk))]

    # -- whole-state views (``/_sim/state`` counts, snapshots) -----------------------------------------
    def counts(self) -> dict[str, int]:
        """How many records of each kind the store holds."""
        with self._conn() as conn:
            rows = conn.execute(select(_T.c.kind, func.count()).group_by(_T.c.kind).order_by(_T.c.kind))
            return {kind: int(n) for kind, n in rows}

    def dump_rows(self) -> list[Record]:
        """Every row with its index columns, in insertion order (a snapshot's content)."""
        columns = (_T.c.kind, _T.c.id, _T.c.company_id, _T.c.project_id, _T.c.key, _T.c.data)
        with self._conn() as conn:
            return [dict(row._mapping) for row in conn.execute(select(*columns).order_by(_T.c.pk))]

    def replace_rows(self, rows: list[Record]) -> None:
        """Replace every row with ``rows`` (as :meth:`dump_rows` gives them) in one transaction."""
        values = [
            {
                "kind": r["kind"],
                "id": r["id"],
                "company_id": r["company_id"],
                "project_id": r["project_id"],
                "key": r["key"],
                "origin_id": _origin(r["data"]),
                "data": r["data"],
            }
            for r in rows
        ]
        with self._conn() as conn:
            conn.execute(delete(_T))
            if values:
                conn.execute(insert(_T), values)

