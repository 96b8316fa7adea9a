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

from sqlalchemy import bindparam, case, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from connector.store.idmap import IdMap
from connector.store.models import WorkDependency, WorkItem
from connector.work import IdMapUpdate, NewWork

OPEN_STATES = ("pending", "sent")
# Core tables: the round-trip paths read rows and write in bulk without the ORM's per-object cost.
_ITEMS = WorkItem.__table__
_DEPS = WorkDependency.__table__
_ITEM_DEP, _DEP_ITEM = _ITEMS.alias("dep"), _ITEMS.alias("item")
# The round trips' statements, built once (building a statement costs more than SQLite running it).
_READY = (
    select(_ITEMS)
    .where(
        _ITEMS.c.company_key == bindparam("company"),
        _ITEMS.c.state == "pending",
        ~select(_DEPS.c.item_id)
        .join(_ITEM_DEP, _ITEM_DEP.c.id == _DEPS.c.depends_on_id)
        .where(_DEPS.c.item_id == _ITEMS.c.id, _ITEM_DEP.c.state != "done")
        .exists(),
    )
    .order_by(_ITEMS.c.id)
)
_FIRST_READY = _READY.limit(1)
_READY_BATCH = _READY.where(_ITEMS.c.solo == 0).limit(bindparam("limit"))
_IN_FLIGHT = (
    select(_ITEMS)
    .where(_ITEMS.c.company_key == bindparam("company"), _ITEMS.c.state == "sent",
           _ITEMS.c.sent_ticket == bindparam("ticket"))
    .order_by(_ITEMS.c.id)
)
_REMAINING = (
    select(func.count())
    .select_from(_ITEMS)
    .where(_ITEMS.c.company_key == bindparam("company"), _ITEMS.c.state.in_(("pending", "sent")))
)
_REMAINING_UP_TO = select(func.count()).select_from(
    select(_ITEMS.c.id)
    .where(_ITEMS.c.company_key == bindparam("company"), _ITEMS.c.state.in_(("pending", "sent")))
    .limit(bindparam("limit"))
    .subquery()
)
_FINISHED_COUNTS = (
    select(_ITEMS.c.state, func.count())
    .where(_ITEMS.c.finished_ticket == bindparam("ticket"))
    .group_by(_ITEMS.c.state)
)
_BLOCKED = (
    select(_DEP_ITEM.c.id, _ITEM_DEP.c.id, _ITEM_DEP.c.kind, _ITEM_DEP.c.last_status_code,
           _ITEM_DEP.c.last_status_message)
    .select_from(_ITEM_DEP)
    .join(_DEPS, _DEPS.c.depends_on_id == _ITEM_DEP.c.id)
    .join(_DEP_ITEM, _DEP_ITEM.c.id == _DEPS.c.item_id)
    .where(_ITEM_DEP.c.company_key == bindparam("company"), _ITEM_DEP.c.state == "failed",
           _DEP_ITEM.c.state == "pending")
    .order_by(_DEP_ITEM.c.id, _ITEM_DEP.c.id)
)
_FAIL_BLOCKED = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("_id"))
    .values(state="failed", finished_ticket=bindparam("_ticket"), updated_at=bindparam("_now"),
            last_status_code="dependency", last_status_message=bindparam("_message"))
)

_DEPS_OF = (
    select(_DEPS.c.item_id, _DEPS.c.depends_on_id)
    .where(_DEPS.c.item_id.in_(bindparam("ids", expanding=True)))
    .order_by(_DEPS.c.depends_on_id)
)
_MARK_SENT = (
    update(_ITEMS)
    .where(_ITEMS.c.id.in_(bindparam("ids", expanding=True)))
    .values(
        state="sent",
        sent_ticket=bindparam("ticket"),
        sent_as_probe=bindparam("as_probe"),
        updated_at=bindparam("now"),
        # A page of an open iterator (Continue) is the same request going on, not another try: counting
        # pages made every import longer than max_attempts pages fail.
        attempts=_ITEMS.c.attempts + case((_ITEMS.c.iterator_id.is_(None), 1), else_=0),
    )
)
_BEFORE_COMPLETION = select(
    _ITEMS.c.id, _ITEMS.c.company_key, _ITEMS.c.solo, _ITEMS.c.result, _ITEMS.c.iterator_id,
    _ITEMS.c.iterator_remaining, _ITEMS.c.iterator_ticket, _ITEMS.c.finished_ticket,
).where(_ITEMS.c.id.in_(bindparam("ids", expanding=True)))

#: What an outcome writes (every completion sets all of them, so one executemany covers a whole response).
_COMPLETED_COLUMNS = (
    "state", "updated_at", "last_status_code", "last_status_message", "sent_as_probe", "probe", "solo",
    "result", "iterator_id", "iterator_remaining", "iterator_ticket", "finished_ticket",
)
_COMPLETE = (
    update(_ITEMS)
    .where(_ITEMS.c.id == bindparam("_id"))
    .values({name: bindparam(f"_{name}") for name in _COMPLETED_COLUMNS})
)


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


def _completed_values(c: Completion, row: Any, before: dict[str, Any] | None, ticket: str, now: datetime
                      ) -> dict[str, Any]:
    """The columns an outcome writes, from the row as read (or as an earlier outcome of the same
    response left it: an item answered twice is applied twice, in order, as one by one would)."""
    prior: dict[str, Any] = before if before is not None else {
        "solo": row.solo, "result": row.result, "iterator_id": row.iterator_id,
        "iterator_remaining": row.iterator_remaining, "iterator_ticket": row.iterator_ticket,
        "finished_ticket": row.finished_ticket,
    }
    out: dict[str, Any] = {
        "id": c.item_id,
        "state": c.state,
        "updated_at": now,
        "last_status_code": c.status_code,
        "last_status_message": c.message,
        "sent_as_probe": 0,
        "probe": int(c.probe),
        "solo": int(c.solo or bool(prior["solo"])),
        "result": dict(c.result) if c.result is not None else prior["result"],
        "iterator_id": prior["iterator_id"],
        "iterator_remaining": prior["iterator_remaining"],
        "iterator_ticket": prior["iterator_ticket"],
        "finished_ticket": ticket if c.state in ("done", "failed") else prior["finished_ticket"],
    }
    if c.iterator is not None:
        out["iterator_id"], out["iterator_remaining"] = c.iterator
        out["iterator_ticket"] = ticket
    elif c.state != "pending" or c.probe or c.restart:
        # Finished, or fate unknown: QuickBooks may already have moved the iterator past the
        # page whose response was lost, so "Continue" could skip records; start again. A
        # restart is asked for when QuickBooks says the iterator is gone (3391).
        out["iterator_id"] = out["iterator_remaining"] = out["iterator_ticket"] = None
    return out


def _record(row: Any, deps: Sequence[int]) -> WorkRecord:
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
        depends_on = list(dict.fromkeys(work.depends_on))
        if depends_on:
            known = set(db.scalars(select(_ITEMS.c.id).where(_ITEMS.c.id.in_(depends_on))))
            for dep in work.depends_on:
                if dep not in known:
                    raise ValueError(f"work item {dep} (a dependency) does not exist")
        item_id = db.execute(
            insert(_ITEMS).values(
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
        ).inserted_primary_key[0]
        if depends_on:
            db.execute(insert(_DEPS), [{"item_id": item_id, "depends_on_id": dep} for dep in depends_on])
        return int(item_id)

    # -- reading --------------------------------------------------------------------------------
    def get(self, item_id: int) -> WorkRecord | None:
        """One item, or None."""
        with self._sessions() as db:
            row = db.execute(select(_ITEMS).where(_ITEMS.c.id == item_id)).first()
            return _record(row, self._deps(db, [item_id]).get(item_id, [])) if row else None

    def items(self, company_key: str, states: Sequence[str] | None = None) -> list[WorkRecord]:
        """All items of a company (optionally in ``states``), oldest first.

        Reads the company's whole history when ``states`` includes done/failed: for people and tests; the
        Web Connector's round trips use the LIMITed and counting methods below.
        """
        with self._sessions() as db:
            query = select(_ITEMS).where(_ITEMS.c.company_key == company_key).order_by(_ITEMS.c.id)
            if states is not None:
                query = query.where(_ITEMS.c.state.in_(list(states)))
            rows = list(db.execute(query))
            deps = self._deps(db, [r.id for r in rows])
            return [_record(r, deps.get(r.id, [])) for r in rows]

    def in_flight(self, company_key: str, ticket: str) -> list[WorkRecord]:
        """Items the session ``ticket`` sent and has no answer for yet (one batch at most), oldest first."""
        with self._sessions() as db:
            rows = list(db.execute(_IN_FLIGHT, {"company": company_key, "ticket": ticket}))
            deps = self._deps(db, [r.id for r in rows])
            return [_record(r, deps.get(r.id, [])) for r in rows]

    def remaining(self, company_key: str, at_most: int | None = None) -> int:
        """Items not yet done or failed (counted on the (company, state) index, no row read).

        ``at_most`` stops counting there (the answer is then ``min(count, at_most)``): whether anything is
        left, or a progress bar, need not count a hundred thousand index entries on every round trip.
        """
        with self._sessions() as db:
            if at_most is None:
                return db.scalar(_REMAINING, {"company": company_key}) or 0
            return db.scalar(_REMAINING_UP_TO, {"company": company_key, "limit": at_most}) or 0

    def finished_in(self, ticket: str) -> int:
        """Items that reached done/failed during the session ``ticket``."""
        return sum(self.finished_counts(ticket).values())

    def finished_counts(self, ticket: str) -> dict[str, int]:
        """How many items reached each final state (``done``, ``failed``) during the session ``ticket``.

        One grouped count on the ``finished_ticket`` index: closeConnection reads no history for it.
        """
        with self._sessions() as db:
            counts = {"done": 0, "failed": 0}
            for state, count in db.execute(_FINISHED_COUNTS, {"ticket": ticket}):
                counts[state] = count
            return counts

    @staticmethod
    def _deps(db: Session, ids: Sequence[int]) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        if not ids:
            return out
        for item_id, dep in db.execute(_DEPS_OF, {"ids": list(ids)}):
            out.setdefault(item_id, []).append(dep)
        return out

    # -- session start: crash recovery ------------------------------------------------------------
    def recover(self, company_key: str, ticket: str) -> int:
        """Flag items left ``sent`` by an earlier session for a probe; drop stale iterators.

        QuickBooks iterators live only as long as the session that opened them, so a query that
        was mid-iteration restarts from ``iterator="Start"`` (its handler must upsert idempotently).
        Returns how many items were flagged for a probe. Two UPDATEs on the (company, state) index.
        """
        now = self._clock()
        mine = _ITEMS.c.company_key == company_key
        with self._sessions.begin() as db:
            flagged = db.execute(
                update(_ITEMS)
                .where(mine, _ITEMS.c.state == "sent",
                       or_(_ITEMS.c.sent_ticket.is_(None), _ITEMS.c.sent_ticket != ticket))
                .values(state="pending", probe=1, updated_at=now)
            ).rowcount
            db.execute(
                update(_ITEMS)
                .where(mine, _ITEMS.c.state.in_(OPEN_STATES), _ITEMS.c.iterator_id.is_not(None),
                       or_(_ITEMS.c.iterator_ticket.is_(None), _ITEMS.c.iterator_ticket != ticket))
                .values(iterator_id=None, iterator_ticket=None, iterator_remaining=None)
            )
        return int(flagged or 0)

    def fail_blocked(self, company_key: str, ticket: str | None) -> int:
        """Fail pending items whose dependency failed (transitively). Returns how many.

        Driven from the company's failed items through the ``depends_on_id`` index, so a queue with no
        failure costs one indexed lookup however many items wait.
        """
        now = self._clock()
        count = 0
        with self._sessions() as db:  # the usual answer, nothing blocked, takes no write lock
            if db.execute(_BLOCKED.limit(1), {"company": company_key}).first() is None:
                return 0
        with self._sessions.begin() as db:
            while True:
                failing: dict[int, dict[str, Any]] = {}
                for item_id, dep_id, kind, code, message in db.execute(_BLOCKED, {"company": company_key}):
                    failing.setdefault(item_id, {
                        "_id": item_id,
                        "_ticket": ticket,
                        "_now": now,
                        "_message": (
                            f"Not sent: work item {dep_id} ({kind}) it depends on failed: {code} {message}"
                        ),
                    })
                if not failing:
                    return count
                db.execute(_FAIL_BLOCKED, list(failing.values()))
                count += len(failing)

    # -- batching --------------------------------------------------------------------------------
    def next_batch(self, company_key: str, limit: int) -> list[WorkRecord]:
        """Oldest pending items whose dependencies are all done, at most ``limit``.

        An item flagged ``solo`` (its batch failed as a whole with a parse error) goes alone, so
        one bad request cannot sink the others twice. Readiness is decided by the database (NOT EXISTS
        a dependency not done) on the (company, state, id) index, and at most ``limit`` rows are read:
        the cost of a round trip does not grow with the queue.
        """
        with self._sessions() as db:
            first = db.execute(_FIRST_READY, {"company": company_key}).first()
            if first is None:
                return []
            rows = [first] if first.solo else list(
                db.execute(_READY_BATCH, {"company": company_key, "limit": limit})
            )
            deps = self._deps(db, [r.id for r in rows])
            return [_record(row, deps.get(row.id, [])) for row in rows]

    def mark_sent(self, sent: Sequence[tuple[int, bool]], ticket: str) -> None:
        """Record, before the batch leaves, which items go out (and whether as probes): one UPDATE per kind
        of send (probe or not) for the whole batch."""
        now = self._clock()
        with self._sessions.begin() as db:
            for as_probe in (False, True):
                ids = [item_id for item_id, probe in sent if bool(probe) is as_probe]
                if not ids:
                    continue
                changed = db.execute(
                    _MARK_SENT, {"ids": ids, "ticket": ticket, "as_probe": int(as_probe), "now": now}
                ).rowcount
                if changed != len(set(ids)):
                    known = set(db.scalars(select(_ITEMS.c.id).where(_ITEMS.c.id.in_(ids))))
                    raise KeyError(min(set(ids) - known))

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
        follow-ups) is written entirely or not at all. Set-based: one SELECT of the items, one
        executemany UPDATE, the id map upserted in bulk (:meth:`IdMap.put_many`); only follow-ups are
        inserted one by one (their ids are returned). Returns follow-up ids per item.
        """
        for completion in completions:
            if completion.state not in ("done", "failed", "pending"):
                raise ValueError(f"bad work item state {completion.state!r}")
        if not completions:
            return {}
        now = self._clock()
        ids = [c.item_id for c in completions]
        with self._sessions.begin() as db:
            current = {
                row.id: row
                for row in db.execute(_BEFORE_COMPLETION, {"ids": ids})
            }
            values: dict[int, dict[str, Any]] = {}
            id_map: dict[str, list[IdMapUpdate]] = {}
            for c in completions:
                row = current.get(c.item_id)
                if row is None:
                    raise KeyError(c.item_id)
                before = values.get(c.item_id)
                values[c.item_id] = _completed_values(c, row, before, ticket, now)
                if c.id_map:
                    id_map.setdefault(row.company_key, []).extend(c.id_map)
            db.execute(_COMPLETE, [{f"_{name}": value for name, value in v.items()} for v in values.values()])
            for company_key, updates in id_map.items():
                self._idmap.put_many(db, company_key, updates, now)
            return {
                c.item_id: [self.enqueue_within(db, current[c.item_id].company_key, w) for w in c.followups]
                for c in completions
            }

    @property
    def id_map(self) -> IdMap:
        """The ID map sharing this queue's database."""
        return self._idmap
