"""The durable per-company work queue: states, dependencies, attempts, iterators, probes.

States: ``pending`` → ``sent`` → ``done`` | ``failed``. ``sent`` is written *before* the batch
leaves in sendRequestXML, so an item still ``sent`` when a later session starts is one whose fate
is unknown (the Web Connector died before receiveResponseXML): :meth:`WorkQueue.recover` flags it
for a probe ("query before add", see README.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from connector.store.idmap import IdMap
from connector.store.models import WorkDependency, WorkItem
from connector.work import IdMapUpdate, NewWork

OPEN_STATES = ("pending", "sent")


@dataclass(frozen=True)
class WorkRecord:
    """A snapshot of one work item."""

    id: int
    company_key: str
    kind: str
    payload: dict[str, Any]
    procore_id: str | None
    state: str
    probe: bool
    solo: bool
    sent_as_probe: bool
    attempts: int
    sent_ticket: str | None
    finished_ticket: str | None
    iterator_id: str | None
    iterator_remaining: int | None
    last_status_code: str | None
    last_status_message: str | None
    result: dict[str, Any] | None
    depends_on: tuple[int, ...]


def _record(row: WorkItem, deps: Sequence[int]) -> WorkRecord:
    return WorkRecord(
        row.id,
        row.company_key,
        row.kind,
        dict(row.payload or {}),
        row.procore_id,
        row.state,
        bool(row.probe),
        bool(row.solo),
        bool(row.sent_as_probe),
        row.attempts,
        row.sent_ticket,
        row.finished_ticket,
        row.iterator_id,
        row.iterator_remaining,
        row.last_status_code,
        row.last_status_message,
        dict(row.result) if row.result is not None else None,
        tuple(deps),
    )


@dataclass(frozen=True)
class Completion:
    """One item's outcome, as :meth:`WorkQueue.complete` takes it (see there for the fields)."""

    item_id: int
    state: str
    status_code: str | None
    message: str | None
    result: Mapping[str, Any] | None = None
    followups: tuple[NewWork, ...] = ()
    id_map: tuple[IdMapUpdate, ...] = ()
    iterator: tuple[str, int] | None = None
    probe: bool = False
    solo: bool = False
    restart: bool = False


class WorkQueue:
    """Per-company queues in one table; every method is one short transaction."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock
        self._idmap = IdMap(sessions)

    # -- writing work ---------------------------------------------------------------------------
    def enqueue(
        self,
        company_key: str,
        kind: str,
        payload: Mapping[str, Any],
        *,
        procore_id: str | None = None,
        depends_on: Sequence[int] = (),
    ) -> int:
        """Add a pending item; it will not be sent before every item in ``depends_on`` is done."""
        with self._sessions.begin() as db:
            return self.enqueue_within(
                db, company_key, NewWork(kind, dict(payload), procore_id, tuple(depends_on))
            )

    def enqueue_within(self, db: Session, company_key: str, work: NewWork) -> int:
        """Add a pending item inside the caller's transaction (an ERP Request's work and its writes)."""
        now = self._clock()
        for dep in work.depends_on:
            if db.get(WorkItem, dep) is None:
                raise ValueError(f"work item {dep} (a dependency) does not exist")
        row = WorkItem(
            company_key=company_key,
            kind=work.kind,
            payload=dict(work.payload),
            procore_id=work.procore_id,
            state="pending",
            probe=0,
            solo=0,
            sent_as_probe=0,
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        db.add(row)
        db.flush()
        for dep in work.depends_on:
            db.add(WorkDependency(item_id=row.id, depends_on_id=dep))
        return row.id

    # -- reading --------------------------------------------------------------------------------
    def get(self, item_id: int) -> WorkRecord | None:
        """One item, or None."""
        with self._sessions() as db:
            row = db.get(WorkItem, item_id)
            return _record(row, self._deps(db, [item_id]).get(item_id, [])) if row else None

    def items(self, company_key: str, states: Sequence[str] | None = None) -> list[WorkRecord]:
        """All items of a company (optionally in ``states``), oldest first."""
        with self._sessions() as db:
            query = select(WorkItem).where(WorkItem.company_key == company_key).order_by(WorkItem.id)
            if states is not None:
                query = query.where(WorkItem.state.in_(list(states)))
            rows = list(db.scalars(query))
            deps = self._deps(db, [r.id for r in rows])
            return [_record(r, deps.get(r.id, [])) for r in rows]

    def remaining(self, company_key: str) -> int:
        """Items not yet done or failed."""
        with self._sessions() as db:
            return (
                db.scalar(
                    select(func.count())
                    .select_from(WorkItem)
                    .where(WorkItem.company_key == company_key, WorkItem.state.in_(OPEN_STATES))
                )
                or 0
            )

    def finished_in(self, ticket: str) -> int:
        """Items that reached done/failed during the session ``ticket``."""
        with self._sessions() as db:
            return (
                db.scalar(
                    select(func.count()).select_from(WorkItem).where(WorkItem.finished_ticket == ticket)
                )
                or 0
            )

    @staticmethod
    def _deps(db: Session, ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        if not ids:
            return out
        for item_id, dep in db.execute(
            select(WorkDependency.item_id, WorkDependency.depends_on_id)
            .where(WorkDependency.item_id.in_(list(ids)))
            .order_by(WorkDependency.depends_on_id)
        ):
            out.setdefault(item_id, []).append(dep)
        return out

    # -- session start: crash recovery ------------------------------------------------------------
    def recover(self, company_key: str, ticket: str) -> int:
        """Flag items left ``sent`` by an earlier session for a probe; drop stale iterators.

        QuickBooks iterators live only as long as the session that opened them, so a query that
        was mid-iteration restarts from ``iterator="Start"`` (its handler must upsert idempotently).
        Returns how many items were flagged for a probe.
        """
        now = self._clock()
        flagged = 0
        with self._sessions.begin() as db:
            for row in db.scalars(
                select(WorkItem).where(WorkItem.company_key == company_key, WorkItem.state.in_(OPEN_STATES))
            ):
                if row.state == "sent" and row.sent_ticket != ticket:
                    row.state, row.probe, row.updated_at = "pending", 1, now
                    flagged += 1
                if row.iterator_id is not None and row.iterator_ticket != ticket:
                    row.iterator_id, row.iterator_ticket, row.iterator_remaining = None, None, None
        return flagged

    def fail_blocked(self, company_key: str, ticket: str | None) -> int:
        """Fail pending items whose dependency failed (transitively). Returns how many."""
        now = self._clock()
        count = 0
        with self._sessions.begin() as db:
            changed = True
            while changed:
                changed = False
                rows = db.execute(
                    select(WorkItem, WorkDependency.depends_on_id)
                    .join(WorkDependency, WorkDependency.item_id == WorkItem.id)
                    .where(WorkItem.company_key == company_key, WorkItem.state == "pending")
                ).all()
                for row, dep_id in rows:
                    dep = db.get(WorkItem, dep_id)
                    if row.state == "pending" and dep is not None and dep.state == "failed":
                        row.state, row.finished_ticket, row.updated_at = "failed", ticket, now
                        row.last_status_code = "dependency"
                        row.last_status_message = (
                            f"Not sent: work item {dep.id} ({dep.kind}) it depends on failed: "
                            f"{dep.last_status_code} {dep.last_status_message}"
                        )
                        count += 1
                        changed = True
        return count

    # -- batching --------------------------------------------------------------------------------
    def next_batch(self, company_key: str, limit: int) -> list[WorkRecord]:
        """Oldest pending items whose dependencies are all done, at most ``limit``.

        An item flagged ``solo`` (its batch failed as a whole with a parse error) goes alone, so
        one bad request cannot sink the others twice.
        """
        with self._sessions() as db:
            rows = list(
                db.scalars(
                    select(WorkItem)
                    .where(WorkItem.company_key == company_key, WorkItem.state == "pending")
                    .order_by(WorkItem.id)
                )
            )
            deps = self._deps(db, [r.id for r in rows])
            dep_ids = {d for ds in deps.values() for d in ds}
            dep_state: dict[int, str] = {}
            if dep_ids:
                # (a Result has .keys(), so dict(result) would treat it as a mapping)
                for dep_id, dep_state_value in db.execute(
                    select(WorkItem.id, WorkItem.state).where(WorkItem.id.in_(list(dep_ids)))
                ):
                    dep_state[dep_id] = dep_state_value
            batch: list[WorkRecord] = []
            for row in rows:
                if any(dep_state.get(d) != "done" for d in deps.get(row.id, [])):
                    continue
                if row.solo:
                    if not batch:
                        return [_record(row, deps.get(row.id, []))]
                    continue
                batch.append(_record(row, deps.get(row.id, [])))
                if len(batch) >= limit:
                    break
            return batch

    def mark_sent(self, sent: Sequence[tuple[int, bool]], ticket: str) -> None:
        """Record, before the batch leaves, which items go out (and whether as probes)."""
        now = self._clock()
        with self._sessions.begin() as db:
            for item_id, as_probe in sent:
                row = db.get(WorkItem, item_id)
                if row is None:
                    raise KeyError(item_id)
                row.state, row.sent_ticket, row.sent_as_probe, row.updated_at = (
                    "sent",
                    ticket,
                    int(as_probe),
                    now,
                )
                # A page of an open iterator (Continue) is the same request going on, not another try:
                # counting pages made every import longer than max_attempts pages fail.
                if row.iterator_id is None:
                    row.attempts += 1

    # -- results ---------------------------------------------------------------------------------
    def complete(
        self,
        item_id: int,
        ticket: str,
        *,
        state: str,
        status_code: str | None,
        message: str | None,
        result: Mapping[str, Any] | None = None,
        followups: Sequence[NewWork] = (),
        id_map: Sequence[IdMapUpdate] = (),
        iterator: tuple[str, int] | None = None,
        probe: bool = False,
        solo: bool = False,
        restart: bool = False,
    ) -> list[int]:
        """Apply one item's outcome atomically (state, id map, follow-ups). Returns follow-up ids.

        ``state`` is ``done``/``failed`` (finished in this session) or ``pending`` (send again:
        next iterator page when ``iterator`` is given, the normal request after a negative probe,
        a probe when ``probe``, alone when ``solo``, from the first page when ``restart``).
        """
        completion = Completion(item_id, state, status_code, message, result, tuple(followups),
                                tuple(id_map), iterator, probe, solo, restart)
        return self.complete_many(ticket, [completion])[item_id]

    def complete_many(self, ticket: str, completions: Sequence[Completion]) -> dict[int, list[int]]:
        """Apply several items' outcomes in one transaction (a whole receiveResponseXML at once).

        One transaction per response instead of one per item: the items' queue state (states, id map,
        follow-ups) is written entirely or not at all, and a batch of N items costs one commit, not N.
        Returns follow-up ids per item.
        """
        for completion in completions:
            if completion.state not in ("done", "failed", "pending"):
                raise ValueError(f"bad work item state {completion.state!r}")
        now = self._clock()
        with self._sessions.begin() as db:
            return {c.item_id: self._apply_completion(db, ticket, c, now) for c in completions}

    def _apply_completion(self, db: Session, ticket: str, c: Completion, now: datetime) -> list[int]:
        row = db.get(WorkItem, c.item_id)
        if row is None:
            raise KeyError(c.item_id)
        row.state, row.updated_at = c.state, now
        row.last_status_code, row.last_status_message = c.status_code, c.message
        row.sent_as_probe = 0
        row.probe, row.solo = int(c.probe), int(c.solo or bool(row.solo))
        if c.result is not None:
            row.result = dict(c.result)
        if c.iterator is not None:
            row.iterator_id, row.iterator_remaining, row.iterator_ticket = (
                c.iterator[0],
                c.iterator[1],
                ticket,
            )
        elif c.state != "pending" or c.probe or c.restart:
            # Finished, or fate unknown: QuickBooks may already have moved the iterator past the
            # page whose response was lost, so "Continue" could skip records; start again. A
            # restart is asked for when QuickBooks says the iterator is gone (3391).
            row.iterator_id = row.iterator_remaining = row.iterator_ticket = None
        if c.state in ("done", "failed"):
            row.finished_ticket = ticket
        for update in c.id_map:
            self._idmap.put(
                db,
                row.company_key,
                update.object_type,
                update.procore_id,
                update.qb_id,
                update.edit_sequence,
                update.name,
                now,
            )
        return [self.enqueue_within(db, row.company_key, work) for work in c.followups]

    @property
    def id_map(self) -> IdMap:
        """The ID map sharing this queue's database."""
        return self._idmap
