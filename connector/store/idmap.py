"""The ID map: Procore id ↔ QuickBooks ListID/TxnID and the EditSequence last seen."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, sessionmaker

from connector.store.models import IdMapEntry


@dataclass(frozen=True)
class IdMapping:
    """One mapping."""

    object_type: str
    procore_id: str
    qb_id: str
    edit_sequence: str | None
    name: str | None


class IdMap:
    """Upserts and lookups, per company and object type."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def put(
        self,
        db: Session,
        company_key: str,
        object_type: str,
        procore_id: str,
        qb_id: str,
        edit_sequence: str | None,
        name: str | None,
        now: datetime,
    ) -> None:
        """Upsert inside the caller's transaction (so a response's effects commit together)."""
        row = db.scalars(
            select(IdMapEntry).where(
                IdMapEntry.company_key == company_key,
                IdMapEntry.object_type == object_type,
                IdMapEntry.procore_id == procore_id,
            )
        ).first()
        if row is None:
            db.add(
                IdMapEntry(
                    company_key=company_key,
                    object_type=object_type,
                    procore_id=procore_id,
                    qb_id=qb_id,
                    edit_sequence=edit_sequence,
                    name=name,
                    updated_at=now,
                )
            )
            return
        row.qb_id, row.edit_sequence, row.updated_at = qb_id, edit_sequence, now
        if name is not None:
            row.name = name

    def by_procore_id(self, company_key: str, object_type: str, procore_id: str) -> IdMapping | None:
        """The QuickBooks side of a Procore object, if synced."""
        return self._lookup(company_key, object_type, IdMapEntry.procore_id == procore_id)

    def by_qb_id(self, company_key: str, object_type: str, qb_id: str) -> IdMapping | None:
        """The Procore side of a QuickBooks ListID/TxnID, if synced."""
        return self._lookup(company_key, object_type, IdMapEntry.qb_id == qb_id)

    def _lookup(
        self, company_key: str, object_type: str, key: ColumnElement[bool]
    ) -> IdMapping | None:
        with self._sessions() as db:
            row = db.scalars(
                select(IdMapEntry).where(
                    IdMapEntry.company_key == company_key, IdMapEntry.object_type == object_type, key
                )
            ).first()
            if row is None:
                return None
            return IdMapping(row.object_type, row.procore_id, row.qb_id, row.edit_sequence, row.name)
