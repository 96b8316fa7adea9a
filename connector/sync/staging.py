"""Staged import records: what an import read from QuickBooks, waiting for the Procore side.

Procore's ERP Integrations tool shows QuickBooks vendors and jobs as "Ready to Import" (seed 001:
"hourly company level syncs to stage QuickBooks Desktop importable data (jobs, vendors)"); an
Accounting Approver then imports or links them. This table is that staging area on the connector's
side: one row per QuickBooks list element (company, object type, ListID), upserted on every import
so that re-reading a page (an iterator restarted after a crash, the next hourly sync) never
duplicates a record, and an accountant's edit in QuickBooks (new EditSequence) refreshes it.

The table lives in the connector's database (same engine as the work queue) but in its own
metadata, so this package does not change ``connector.store``'s schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Engine, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from connector.store.models import UtcDateTime


class StagingBase(DeclarativeBase):
    """Declarative base of the staging table (separate from ``connector.store.models.Base``)."""


class StagedRecord(StagingBase):
    """One importable QuickBooks list element."""

    __tablename__ = "sync_staged_imports"
    __table_args__ = (UniqueConstraint("company_key", "object_type", "qb_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_key: Mapped[str] = mapped_column(String(100), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    qb_id: Mapped[str] = mapped_column(String(80))
    edit_sequence: Mapped[str | None] = mapped_column(String(40), nullable=True)
    name: Mapped[str] = mapped_column(Text)
    # "ready" (importable) or "skipped" (read, but the integration cannot import it; see reason)
    status: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


@dataclass(frozen=True)
class Staged:
    """A staged record as callers see it."""

    object_type: str
    qb_id: str
    edit_sequence: str | None
    name: str
    status: str
    reason: str | None
    data: dict[str, Any]


@dataclass(frozen=True)
class StageEntry:
    """What an import handler hands to :meth:`StagingStore.upsert`."""

    qb_id: str
    name: str
    edit_sequence: str | None
    data: Mapping[str, Any]
    status: str = "ready"
    reason: str | None = None


class StagingStore:
    """Upserts and reads of staged import records."""

    def __init__(self, engine: Engine) -> None:
        StagingBase.metadata.create_all(engine)
        self._sessions: sessionmaker[Session] = sessionmaker(engine, expire_on_commit=False)

    def upsert(self, company_key: str, object_type: str, entries: list[StageEntry], now: datetime) -> int:
        """Insert or refresh ``entries`` in one transaction; returns how many were written."""
        with self._sessions.begin() as db:
            for entry in entries:
                row = db.scalars(
                    select(StagedRecord).where(
                        StagedRecord.company_key == company_key,
                        StagedRecord.object_type == object_type,
                        StagedRecord.qb_id == entry.qb_id,
                    )
                ).first()
                if row is None:
                    row = StagedRecord(company_key=company_key, object_type=object_type, qb_id=entry.qb_id)
                    db.add(row)
                row.name, row.edit_sequence, row.data = entry.name, entry.edit_sequence, dict(entry.data)
                row.status, row.reason, row.updated_at = entry.status, entry.reason, now
        return len(entries)

    def list(self, company_key: str, object_type: str, status: str | None = None) -> list[Staged]:
        """Staged records of one type, in the order QuickBooks first returned them."""
        with self._sessions() as db:
            query = (
                select(StagedRecord)
                .where(StagedRecord.company_key == company_key, StagedRecord.object_type == object_type)
                .order_by(StagedRecord.id)
            )
            if status is not None:
                query = query.where(StagedRecord.status == status)
            return [
                Staged(r.object_type, r.qb_id, r.edit_sequence, r.name, r.status, r.reason, dict(r.data))
                for r in db.scalars(query)
            ]
