"""Web Connector sessions: tickets, their expiry, and one live session per company file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from connector.store.models import QbwcSession


@dataclass(frozen=True)
class SessionRecord:
    """A snapshot of one session row."""

    ticket: str
    username: str
    company_key: str
    state: str
    created_at: datetime
    last_seen_at: datetime
    last_error: str
    percent: int
    finished_items: int
    requests_sent: int
    host_info: dict[str, Any] | None
    connection_errors: int


_SESSIONS = QbwcSession.__table__
_BY_TICKET = select(_SESSIONS).where(_SESSIONS.c.ticket == bindparam("ticket"))


def _record(row: Any) -> SessionRecord:
    return SessionRecord(
        row.ticket,
        row.username,
        row.company_key,
        row.state,
        row.created_at,
        row.last_seen_at,
        row.last_error,
        row.percent,
        row.finished_items,
        row.requests_sent,
        row.host_info,
        row.connection_errors,
    )


class SessionStore:
    """Tickets expire ``ttl`` after the last call made with them (sliding expiry)."""

    def __init__(self, sessions: sessionmaker[Session], ttl: timedelta) -> None:
        self._sessions = sessions
        self._ttl = ttl

    def expire_stale(self, company_key: str, now: datetime) -> None:
        """Mark open sessions of ``company_key`` silent for longer than the ttl as expired."""
        with self._sessions.begin() as db:
            db.execute(
                update(QbwcSession)
                .where(QbwcSession.company_key == company_key, QbwcSession.state == "open")
                .where(QbwcSession.last_seen_at < now - self._ttl)
                .values(state="expired")
            )

    def live_session(self, company_key: str, now: datetime) -> SessionRecord | None:
        """The open, unexpired session holding ``company_key``, if any."""
        self.expire_stale(company_key, now)
        with self._sessions() as db:
            row = db.scalars(
                select(QbwcSession).where(QbwcSession.company_key == company_key, QbwcSession.state == "open")
            ).first()
            return _record(row) if row else None

    def open(self, ticket: str, username: str, company_key: str, now: datetime) -> SessionRecord:
        """Record a new open session."""
        with self._sessions.begin() as db:
            row = QbwcSession(
                ticket=ticket,
                username=username,
                company_key=company_key,
                state="open",
                created_at=now,
                last_seen_at=now,
                last_error="",
                percent=0,
                finished_items=0,
                requests_sent=0,
                host_info=None,
                connection_errors=0,
            )
            db.add(row)
            db.flush()
            return _record(row)

    def get(self, ticket: str) -> SessionRecord | None:
        """The session for ``ticket`` as stored (any state)."""
        with self._sessions() as db:
            row = db.execute(_BY_TICKET, {"ticket": ticket}).first()
            return _record(row) if row else None

    def touch_if_open(self, ticket: str, now: datetime) -> SessionRecord | None:
        """Set ``last_seen_at`` of the session if it is still open, and return it; None when it is not
        (one UPDATE … RETURNING: the re-check under the company lock and the sliding expiry at once)."""
        with self._sessions.begin() as db:
            row = db.execute(
                update(_SESSIONS)
                .where(_SESSIONS.c.ticket == ticket, _SESSIONS.c.state == "open")
                .values(last_seen_at=now)
                .returning(*_SESSIONS.c)
            ).first()
            return _record(row) if row is not None else None

    def is_expired(self, record: SessionRecord, now: datetime) -> bool:
        """True once the ticket has been silent for longer than the ttl."""
        return record.state == "expired" or (record.state == "open" and record.last_seen_at < now - self._ttl)

    def update(self, ticket: str, **values: Any) -> SessionRecord:
        """Set columns of the session row and return the new snapshot."""
        unknown = set(values) - set(_SESSIONS.c.keys())
        if unknown:
            raise TypeError(f"no session column {sorted(unknown)[0]!r}")
        # One UPDATE … RETURNING (SQLite ≥ 3.35, PostgreSQL): every SOAP call touches its session.
        with self._sessions.begin() as db:
            row = db.execute(
                update(_SESSIONS).where(_SESSIONS.c.ticket == ticket).values(**values).returning(*_SESSIONS.c)
            ).first()
            if row is None:
                raise KeyError(ticket)
            return _record(row)
