"""Tables of the connector's durable store (SQLAlchemy 2 declarative, portable column types).

Companies and users (one company file per user), Web Connector sessions, the work queue with its
dependency edges, and the ID map between Procore ids and QuickBooks ListID/TxnID/EditSequence.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the offset; this restores it)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; times must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: A company's key in the per-company tables. Deliberately not a foreign key to ``companies``: work, sessions
#: and the id map are keyed by company whether or not a login row exists yet (SQLite never enforced it,
#: and PostgreSQL must accept what SQLite does).
CompanyKey = String(100)


class Base(DeclarativeBase):
    """Declarative base of the connector store."""


class Company(Base):
    """A QuickBooks company file the connector syncs with (one per Procore company, seed 001)."""

    __tablename__ = "companies"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    # Full path handed to QBWC in authenticate()[1]; "" means "the file currently open in QuickBooks".
    company_file: Mapped[str] = mapped_column(Text, default="")
    # The file QuickBooks had open in the first session (sendRequestXML strCompanyFileName): with
    # company_file "" the connector binds to it, so a different file opened later is refused.
    bound_file: Mapped[str | None] = mapped_column(Text, nullable=True)


class User(Base):
    """A Web Connector login: the UserName of the .qwc file and the password typed into QBWC."""

    __tablename__ = "users"
    username: Mapped[str] = mapped_column(String(200), primary_key=True)
    company_key: Mapped[str] = mapped_column(ForeignKey("companies.key"))
    password_salt: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(128))
    kdf: Mapped[str] = mapped_column(String(40))
    kdf_iterations: Mapped[int] = mapped_column(Integer)


class QbwcSession(Base):
    """One Web Connector update session, identified by the ticket authenticate() returned."""

    __tablename__ = "qbwc_sessions"
    ticket: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(200))
    company_key: Mapped[str] = mapped_column(CompanyKey, index=True)
    # open → (refused | closed | expired); only "open" sessions hold the company file.
    state: Mapped[str] = mapped_column(String(20), default="open")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")
    percent: Mapped[int] = mapped_column(Integer, default=0)
    finished_items: Mapped[int] = mapped_column(Integer, default=0)
    requests_sent: Mapped[int] = mapped_column(Integer, default=0)
    host_info: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    connection_errors: Mapped[int] = mapped_column(Integer, default=0)


class WorkItem(Base):
    """One unit of sync work: becomes one (or a few) qbXML requests in a batch, requestID = id."""

    __tablename__ = "work_items"
    # Every round trip asks for one company's items in one state, oldest first (the next batch, what is in
    # flight, how many remain): one index answers all of them without reading other companies' rows.
    __table_args__ = (Index("ix_work_items_company_state_id", "company_key", "state", "id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_key: Mapped[str] = mapped_column(CompanyKey)
    kind: Mapped[str] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    procore_id: Mapped[str | None] = mapped_column(String(80), nullable=True)
    # pending → sent → done | failed.  An item found in `sent` by a later session gets probe=1.
    state: Mapped[str] = mapped_column(String(10), default="pending")
    probe: Mapped[int] = mapped_column(Integer, default=0)
    solo: Mapped[int] = mapped_column(Integer, default=0)
    sent_as_probe: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_ticket: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # A session's progress and closeConnection's summary count by it (never the company's whole history).
    finished_ticket: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    iterator_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    iterator_ticket: Mapped[str | None] = mapped_column(String(64), nullable=True)
    iterator_remaining: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # QuickBooks' numeric codes, or the connector's own named ones ("ProjectCustomerMissing"): PostgreSQL
    # enforces the length SQLite ignores.
    last_status_code: Mapped[str | None] = mapped_column(String(80), nullable=True)
    last_status_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WorkDependency(Base):
    """Edge: ``item_id`` may be sent only once ``depends_on_id`` is done (vendor before its PO)."""

    __tablename__ = "work_dependencies"
    item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), primary_key=True)
    # Indexed too: failing the dependants of a failed item starts from the failed item.
    depends_on_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), primary_key=True, index=True)


class IdMapEntry(Base):
    """Procore id ↔ QuickBooks ListID/TxnID (+ EditSequence) for one object type in one company."""

    __tablename__ = "id_map"
    __table_args__ = (UniqueConstraint("company_key", "object_type", "procore_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_key: Mapped[str] = mapped_column(CompanyKey, index=True)
    object_type: Mapped[str] = mapped_column(String(80))
    procore_id: Mapped[str] = mapped_column(String(80))
    qb_id: Mapped[str] = mapped_column(String(80), index=True)
    edit_sequence: Mapped[str | None] = mapped_column(String(40), nullable=True)
    name: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErpRequestRow(Base):
    """An ERP Request of Procore's, as the connector has taken it in (by webhook, or found by polling).

    ``received`` (its id is known: a webhook delivery or the poller) → ``read`` (request_name/request_data
    fetched) → ``queued`` (turned into work items and close-outs) → ``closed`` (every detail closed in
    Procore). The (company, request id) key is what makes a re-delivered or duplicated webhook harmless.
    """

    __tablename__ = "erp_requests"
    __table_args__ = (UniqueConstraint("company_key", "request_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_key: Mapped[str] = mapped_column(CompanyKey, index=True)
    # Procore: ids in newer zones may not fit 32 bits, store them as 64-bit integers.
    request_id: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10), default="received", index=True)
    request_name: Mapped[str | None] = mapped_column(String(80), nullable=True)
    request_data: Mapped[Any] = mapped_column(JSON, nullable=True)
    # How it arrived first ("webhook" / "poll"), and what became of it, for the log and for people.
    source: Mapped[str] = mapped_column(String(10), default="webhook")
    note: Mapped[str] = mapped_column(Text, default="")
    read_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # A read Procore could not answer is tried again from this time on (doubling delays, then given up).
    next_read_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErpWrite(Base):
    """One thing Procore must be told (the write-back outbox): origin ids, staged records, a close-out.

    Written in the same transaction as the state change that makes it due, so a crash never loses one;
    ``after_item`` holds it back until that work item is finished in QuickBooks (its outcome decides the
    content). Done once Procore accepted it; every write is an idempotent upsert or a close-out with the
    same status, so repeating one after a crash is harmless.
    """

    __tablename__ = "erp_writes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    company_key: Mapped[str] = mapped_column(CompanyKey, index=True)
    request_id: Mapped[int] = mapped_column(BigInteger, index=True)
    # close_detail | item_outcome | staged_records | metadata
    kind: Mapped[str] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    after_item: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"), nullable=True, index=True)
    state: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    # Set (committed) before the write is carried out: a write found started again was interrupted (or
    # refused) after Procore may have taken part of it, so its close-outs look at Procore first.
    started: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ErpConnectionRow(Base):
    """When the connector first registered with a Procore company (seed 001: projects created before the
    connection of the integration cannot be synced)."""

    __tablename__ = "erp_connections"
    company_key: Mapped[str] = mapped_column(CompanyKey, primary_key=True)
    connected_at: Mapped[datetime] = mapped_column(UtcDateTime)
