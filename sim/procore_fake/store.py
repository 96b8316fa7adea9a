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

from sqlalchemy import JSON, BigInteger, Integer, String, create_engine, delete, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.pool import StaticPool

from sim.procore_fake.ids import IdGenerator

Record = dict[str, Any]


class Base(DeclarativeBase):
    pass


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
        self.ids = IdGenerator(seed)
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
    def _session(self) -> Iterator[Session]:
        guard = self._conn_guard
        if guard is not None:
            guard.acquire()
        try:
            with Session(self.engine, expire_on_commit=False) as session, session.begin():
                yield session
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
        with self._session() as s:
            s.add(
                RecordRow(
                    kind=kind,
                    id=body["id"],
                    company_id=company_id,
                    project_id=project_id,
                    origin_id=body.get("origin_id"),
                    key=key,
                    data=body,
                )
            )
        return copy.deepcopy(body)

    def get(self, kind: str, record_id: int) -> Record | None:
        with self._session() as s:
            row = s.scalars(
                select(RecordRow).where(RecordRow.kind == kind, RecordRow.id == record_id)
            ).first()
            return copy.deepcopy(row.data) if row else None

    def find_key(self, kind: str, key: str) -> Record | None:
        with self._session() as s:
            row = s.scalars(select(RecordRow).where(RecordRow.kind == kind, RecordRow.key == key)).first()
            return copy.deepcopy(row.data) if row else None

    def put(self, kind: str, data: Record) -> Record:
        """Replace a record's body (keeps company/project; refreshes the origin_id index)."""
        with self._session() as s:
            row = s.scalars(select(RecordRow).where(RecordRow.kind == kind, RecordRow.id == data["id"])).one()
            row.data = copy.deepcopy(data)
            row.origin_id = data.get("origin_id")
        return copy.deepcopy(data)

    def remove(self, kind: str, record_id: int) -> None:
        with self._session() as s:
            s.execute(delete(RecordRow).where(RecordRow.kind == kind, RecordRow.id == record_id))

    def owner(self, kind: str, record_id: int) -> tuple[int | None, int | None] | None:
        with self._session() as s:
            row = s.scalars(
                select(RecordRow).where(RecordRow.kind == kind, RecordRow.id == record_id)
            ).first()
            return (row.company_id, row.project_id) if row else None

    def query(
        self,
        kind: str,
        *,
        company_id: int | None = None,
        project_id: int | None = None,
        origin_id: str | None = None,
    ) -> list[Record]:
        stmt = select(RecordRow).where(RecordRow.kind == kind)
        if company_id is not None:
            stmt = stmt.where(RecordRow.company_id == company_id)
        if project_id is not None:
            stmt = stmt.where(RecordRow.project_id == project_id)
        if origin_id is not None:
            stmt = stmt.where(RecordRow.origin_id == origin_id)
        with self._session() as s:
            return [copy.deepcopy(r.data) for r in s.scalars(stmt.order_by(RecordRow.pk))]

    def kinds_with_origin(
        self, company_id: int, kinds: list[str], origin_id: str
    ) -> list[tuple[str, Record]]:
        stmt = select(RecordRow).where(
            RecordRow.company_id == company_id, RecordRow.kind.in_(kinds), RecordRow.origin_id == origin_id
        )
        with self._session() as s:
            return [(r.kind, copy.deepcopy(r.data)) for r in s.scalars(stmt)]
