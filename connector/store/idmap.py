"""The ID map: Procore id ↔ QuickBooks ListID/TxnID and the EditSequence last seen."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, insert, select, update
from sqlalchemy.orm import Session, sessionmaker

from connector.store.models import IdMapEntry
from connector.work import IdMapUpdate


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

    def put_many(self, db: Session, company_key: str, updates: Sequence[IdMapUpdate], now: datetime) -> None:
        """:meth:`put` for a whole response inside the caller's transaction: one SELECT of the keys already
        mapped, one executemany INSERT, one executemany UPDATE (later updates of one key win, as one by
        one would: a name given once is kept)."""
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for u in updates:
            key = (u.object_type, u.procore_id)
            entry = latest.setdefault(key, {"company_key": company_key, "object_type": u.object_type,
                                            "procore_id": u.procore_id, "name": None})
            entry.update(qb_id=u.qb_id, edit_sequence=u.edit_sequence, updated_at=now)
            if u.name is not None:
                entry["name"] = u.name
        if not latest:
            return
        table = IdMapEntry.__table__
        existing: dict[tuple[str, str], tuple[int, str | None]] = {}
        for object_type in {t for t, _ in latest}:
            keys = [p for t, p in latest if t == object_type]
            for row_id, procore_id, name in db.execute(
                select(table.c.id, table.c.procore_id, table.c.name).where(
                    table.c.company_key == company_key, table.c.object_type == object_type,
                    table.c.procore_id.in_(keys),
                )
            ):
                existing[(object_type, procore_id)] = (row_id, name)
        new = [entry for key, entry in latest.items() if key not in existing]
        if new:
            db.execute(insert(table), new)
        changed = [
            {"_id": existing[key][0], "_qb_id": entry["qb_id"], "_edit_sequence": entry["edit_sequence"],
             "_updated_at": now, "_name": entry["name"] if entry["name"] is not None else existing[key][1]}
            for key, entry in latest.items() if key in existing
        ]
        if changed:
            db.execute(
                update(table).where(table.c.id == bindparam("_id")).values(
                    qb_id=bindparam("_qb_id"), edit_sequence=bindparam("_edit_sequence"),
                    updated_at=bindparam("_updated_at"), name=bindparam("_name"),
                ),
                changed,
            )

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
