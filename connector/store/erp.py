"""Durable intake of Procore's ERP Requests and the write-back outbox (``erp_requests``, ``erp_writes``).

Every step of an ERP Request's life is recorded before anything relies on it, so the connector can be
restarted between any two steps (webhook received, request read, work queued, sendRequestXML, QuickBooks
processed, receiveResponseXML, write-back, close-out) and carry on:

* :meth:`ErpStore.receive` is keyed by (company, ERP Request id): Procore re-delivers webhooks, duplicates
  them, and the poller finds what a lost webhook missed — the request is taken in once.
* :meth:`ErpStore.apply_plan` writes the request's work items and its outbox rows in one transaction with
  the ``queued`` state, so a request is either not planned yet (planned again after a restart) or planned
  completely.
* A write waits for its work item (``after_item``) to be finished in QuickBooks; it is marked done only once
  Procore accepted it. Procore's sync actions are upserts and a close-out sets a status, so a write repeated
  after a crash changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from connector.store.idmap import IdMap
from connector.store.models import ErpConnectionRow, ErpRequestRow, ErpWrite, WorkItem
from connector.store.queue import WorkQueue, WorkRecord
from connector.work import NewWork, RequestPlan

FINISHED = ("done", "failed")
#: Ids are 64-bit at most (Procore: "may not fit in a 32-bit integer; store them as BigInt").
MAX_ID = 2**63
#: A request Procore cannot answer is read again after 30 s, doubling to an hour, then given up.
FIRST_READ_RETRY = timedelta(seconds=30)
MAX_READ_RETRY = timedelta(hours=1)
MAX_READ_ATTEMPTS = 12


@dataclass(frozen=True)
class ErpRequestRecord:
    """One ERP Request as the connector holds it."""

    company_key: str
    request_id: int
    state: str
    request_name: str | None
    request_data: Any
    source: str
    note: str
    read_attempts: int
    last_error: str


@dataclass(frozen=True)
class WriteRecord:
    """One pending write-back, with the work item it waited for (None when it waited for nothing)."""

    id: int
    company_key: str
    request_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    #: Carried out before without being marked done (a crash, or Procore refused part of it).
    started: bool
    item: WorkRecord | None


def _request(row: ErpRequestRow) -> ErpRequestRecord:
    return ErpRequestRecord(
        row.company_key,
        row.request_id,
        row.state,
        row.request_name,
        row.request_data,
        row.source,
        row.note,
        row.read_attempts,
        row.last_error,
    )


class ErpStore:
    """ERP Requests and write-backs of every company in one pair of tables; each method one transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], queue: WorkQueue, clock: Callable[[], datetime]
    ) -> None:
        self._sessions = sessions
        self._queue = queue
        self._clock = clock

    @property
    def id_map(self) -> IdMap:
        return self._queue.id_map

    # -- the connection --------------------------------------------------------------------------
    def mark_connected(self, company_key: str) -> datetime:
        """Record the first successful registration with Procore (later ones keep the first time)."""
        with self._sessions.begin() as db:
            row = db.get(ErpConnectionRow, company_key)
            if row is None:
                # Kept at Procore's timestamp precision (whole seconds, "…T20:03:22Z"): a project created
                # in the same second as the connection must not look older than it.
                now = self._clock().replace(microsecond=0)
                row = ErpConnectionRow(company_key=company_key, connected_at=now)
                db.add(row)
            return row.connected_at

    def connected_at(self, company_key: str) -> datetime | None:
        with self._sessions() as db:
            row = db.get(ErpConnectionRow, company_key)
            return row.connected_at if row is not None else None

    # -- intake ----------------------------------------------------------------------------------
    def receive(self, company_key: str, request_id: int, source: str = "webhook") -> bool:
        """Take an ERP Request id in; False when it is already known (a duplicate delivery).

        The webhook thread and the poll may take the same id in at once: the unique key decides, and the
        loser is a duplicate like any other.
        """
        if not 0 < request_id < MAX_ID:
            raise ValueError(f"{request_id} is not an ERP Request id")
        now = self._clock()
        try:
            with self._sessions.begin() as db:
                if self._row(db, company_key, request_id) is not None:
                    return False
                db.add(
                    ErpRequestRow(
                        company_key=company_key,
                        request_id=request_id,
                        state="received",
                        source=source,
                        received_at=now,
                        updated_at=now,
                    )
                )
                return True
        except IntegrityError:
            return False

    def get(self, company_key: str, request_id: int) -> ErpRequestRecord | None:
        with self._sessions() as db:
            row = self._row(db, company_key, request_id)
            return _request(row) if row is not None else None

    def known_ids(self, company_key: str, request_ids: Sequence[int]) -> set[int]:
        """Which of ``request_ids`` the connector has already taken in."""
        if not request_ids:
            return set()
        with self._sessions() as db:
            rows = db.scalars(
                select(ErpRequestRow.request_id).where(
                    ErpRequestRow.company_key == company_key, ErpRequestRow.request_id.in_(list(request_ids))
                )
            )
            return set(rows)

    def in_state(self, company_key: str, state: str) -> list[ErpRequestRecord]:
        """Requests in ``state``, oldest first (the order Procore created them in)."""
        with self._sessions() as db:
            rows = db.scalars(
                select(ErpRequestRow)
                .where(ErpRequestRow.company_key == company_key, ErpRequestRow.state == state)
                .order_by(ErpRequestRow.request_id)
            )
            return [_request(r) for r in rows]

    def all(self, company_key: str) -> list[ErpRequestRecord]:
        with self._sessions() as db:
            rows = db.scalars(
                select(ErpRequestRow)
                .where(ErpRequestRow.company_key == company_key)
                .order_by(ErpRequestRow.request_id)
            )
            return [_request(r) for r in rows]

    def record_read(self, company_key: str, request_id: int, name: str, data: Any) -> None:
        """The request's ``request_name`` and ``request_data`` as Procore answered them."""
        with self._sessions.begin() as db:
            row = self._must(db, company_key, request_id)
            if row.state != "received":
                return
            row.request_name, row.request_data = name, data
            row.state, row.last_error, row.updated_at = "read", "", self._clock()

    def read_failed(self, company_key: str, request_id: int, error: str) -> bool:
        """Procore could not answer (down, 5xx, 403 …): the request stays ``received`` and is read again
        after a doubling delay (30 s to 1 h); after ``MAX_READ_ATTEMPTS`` it is given up (``closed`` with
        the last error as its note, so a person can see why). Returns True when given up."""
        now = self._clock()
        with self._sessions.begin() as db:
            row = self._must(db, company_key, request_id)
            row.read_attempts += 1
            row.last_error, row.updated_at = error, now
            if row.read_attempts >= MAX_READ_ATTEMPTS:
                row.state, row.note = "closed", f"given up after {row.read_attempts} reads: {error}"
                return True
            row.next_read_at = now + min(FIRST_READ_RETRY * 2 ** (row.read_attempts - 1), MAX_READ_RETRY)
            return False

    def to_read(self, company_key: str) -> list[ErpRequestRecord]:
        """Received requests whose next read is due (oldest first)."""
        now = self._clock()
        with self._sessions() as db:
            rows = db.scalars(
                select(ErpRequestRow)
                .where(ErpRequestRow.company_key == company_key, ErpRequestRow.state == "received")
                .order_by(ErpRequestRow.request_id)
            )
            return [_request(r) for r in rows if r.next_read_at is None or r.next_read_at <= now]

    def apply_plan(self, company_key: str, request_id: int, plan: RequestPlan) -> list[int]:
        """Queue the plan's work and writes, and mark the request ``queued`` — all or nothing.

        Returns the new work item ids (in plan order). A request already past ``read`` is left alone, so
        planning twice (two threads, or a restart after the commit) queues nothing twice.
        """
        now = self._clock()
        with self._sessions.begin() as db:
            row = self._must(db, company_key, request_id)
            if row.state != "read":
                return []
            ids: list[int] = []
            for planned in plan.work:
                work = planned.work
                depends = tuple(work.depends_on) + tuple(ids[i] for i in planned.after)
                ids.append(
                    self._queue.enqueue_within(
                        db, company_key, NewWork(work.kind, dict(work.payload), work.procore_id, depends)
                    )
                )
            for write in plan.writes:
                db.add(
                    ErpWrite(
                        company_key=company_key,
                        request_id=request_id,
                        kind=write.kind,
                        payload=dict(write.payload),
                        after_item=ids[write.after] if write.after is not None else None,
                        state="pending",
                        attempts=0,
                        next_attempt_at=now,
                        created_at=now,
                        updated_at=now,
                    )
                )
            row.state = "queued" if plan.writes or plan.work else "closed"
            row.note, row.updated_at = plan.note, now
            return ids

    def exporting(self, company_key: str, kind: str = "cost_code.export") -> dict[str, int]:
        """Procore id → work item of the exports of ``kind`` queued and not finished (pending or sent)."""
        return {
            r.procore_id: r.id
            for r in self._queue.items(company_key, ["pending", "sent"])
            if r.kind == kind and r.procore_id is not None
        }

    # -- write-back ------------------------------------------------------------------------------
    def due_writes(self, company_key: str, limit: int = 200) -> list[WriteRecord]:
        """Pending writes whose work item is finished (or that wait for none) and whose retry time came.

        One query: writes still waiting for QuickBooks are filtered out by the database, not read."""
        now = self._clock()
        with self._sessions() as db:
            rows = list(
                db.execute(
                    select(ErpWrite, WorkItem.state)
                    .outerjoin(WorkItem, WorkItem.id == ErpWrite.after_item)
                    .where(
                        ErpWrite.company_key == company_key,
                        ErpWrite.state == "pending",
                        ErpWrite.next_attempt_at <= now,
                        or_(ErpWrite.after_item.is_(None), WorkItem.state.in_(FINISHED)),
                    )
                    .order_by(ErpWrite.id)
                    .limit(limit)
                )
            )
        out: list[WriteRecord] = []
        for row, _state in rows:
            item = self._queue.get(row.after_item) if row.after_item is not None else None
            out.append(
                WriteRecord(row.id, row.company_key, row.request_id, row.kind, dict(row.payload),
                            row.attempts, bool(row.started), item)
            )
        return out

    def write_started(self, write_id: int) -> None:
        """Committed before the write is carried out (see ``ErpWrite.started``)."""
        with self._sessions.begin() as db:
            row = db.get(ErpWrite, write_id)
            if row is not None:
                row.started, row.updated_at = 1, self._clock()

    def write_done(self, write_id: int) -> None:
        """Procore accepted the write; its request is closed once nothing of it is left pending."""
        now = self._clock()
        with self._sessions.begin() as db:
            row = db.get(ErpWrite, write_id)
            if row is None or row.state == "done":
                return
            row.state, row.last_error, row.updated_at = "done", "", now
            db.flush()
            left = db.scalars(
                select(ErpWrite.id).where(
                    ErpWrite.company_key == row.company_key,
                    ErpWrite.request_id == row.request_id,
                    ErpWrite.state == "pending",
                )
            ).first()
            if left is None:
                request = self._row(db, row.company_key, row.request_id)
                if request is not None and request.state == "queued":
                    request.state, request.updated_at = "closed", now

    def write_failed(self, write_id: int, error: str, retry_at: datetime) -> None:
        """Procore refused or could not be reached: tried again at ``retry_at`` (nothing is lost)."""
        with self._sessions.begin() as db:
            row = db.get(ErpWrite, write_id)
            if row is None:
                return
            row.attempts += 1
            row.last_error, row.next_attempt_at, row.updated_at = error, retry_at, self._clock()

    def pending_writes(self, company_key: str) -> int:
        """Writes not yet accepted by Procore (waiting for QuickBooks or for Procore)."""
        with self._sessions() as db:
            return len(
                list(
                    db.scalars(
                        select(ErpWrite.id).where(
                            ErpWrite.company_key == company_key, ErpWrite.state == "pending"
                        )
                    )
                )
            )

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _row(db: Session, company_key: str, request_id: int) -> ErpRequestRow | None:
        return db.scalars(
            select(ErpRequestRow).where(
                ErpRequestRow.company_key == company_key, ErpRequestRow.request_id == request_id
            )
        ).first()

    def _must(self, db: Session, company_key: str, request_id: int) -> ErpRequestRow:
        row = self._row(db, company_key, request_id)
        if row is None:
            raise LookupError(f"ERP Request {request_id} of {company_key!r} was never received")
        return row

