"""A Web Connector round trip costs the store the same however long the queue is (SQLite query plans)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from connector.store.db import make_engine, make_session_factory
from connector.store.queue import Completion, WorkQueue
from connector.work import IdMapUpdate, NewWork


@contextmanager
def statements(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queue_of(tmp_path: Any, size: int, clock: Any) -> tuple[Engine, WorkQueue]:
    engine = make_engine(f"sqlite:///{tmp_path / f'q{size}.db'}")
    sessions = make_session_factory(engine)
    queue = WorkQueue(sessions, clock)
    with sessions.begin() as db:
        first = queue.enqueue_within(db, "co", NewWork("vendor", {}, "v"))
        for n in range(size):
            queue.enqueue_within(db, "co", NewWork("po", {"n": n}, str(n), (first,) if n % 2 else ()))
            queue.enqueue_within(db, "other", NewWork("po", {"n": n}, str(n)))
    return engine, queue


def round_trip(queue: WorkQueue, ticket: str) -> list[int]:
    queue.fail_blocked("co", ticket)
    batch = queue.next_batch("co", 5)
    queue.mark_sent([(r.id, False) for r in batch], ticket)
    queue.complete_many(ticket, [
        Completion(r.id, "done", "0", "OK", id_map=(IdMapUpdate("po", r.procore_id or "", f"Q{r.id}", "1"),))
        for r in queue.in_flight("co", ticket)
    ])
    queue.remaining("co")
    queue.finished_counts(ticket)
    return [r.id for r in batch]


def test_a_round_trip_issues_the_same_statements_for_ten_or_500_queued_items(tmp_path, clock) -> None:
    counts = []
    for size in (10, 500):
        engine, queue = queue_of(tmp_path, size, clock)
        with statements(engine) as seen:
            sent = round_trip(queue, "T1")
        assert len(sent) == 5
        counts.append([s.split()[0] for s, _ in seen])
        engine.dispose()
    assert counts[0] == counts[1]


@pytest.mark.sqlite_only
def test_every_query_of_a_round_trip_searches_an_index_never_scans_the_work_table(tmp_path, clock) -> None:
    engine, queue = queue_of(tmp_path, 200, clock)
    with statements(engine) as seen:
        round_trip(queue, "T1")
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            if statement.lstrip().upper().startswith("SELECT"):
                plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                plans.append((statement, [row[-1] for row in plan]))
    assert plans
    for statement, steps in plans:
        for step in steps:
            # "SCAN work_items" without an index reads every company's every item
            assert not (step.startswith("SCAN") and "INDEX" not in step), (statement, steps)


def test_the_next_batch_skips_items_whose_dependency_is_not_done_in_sql(tmp_path, clock) -> None:
    engine, queue = queue_of(tmp_path, 6, clock)
    vendor = queue.next_batch("co", 10)[0]
    # odd-numbered POs wait for the vendor: only the vendor and the even ones are ready
    assert [r.payload.get("n") for r in queue.next_batch("co", 10)] == [None, 0, 2, 4]
    queue.mark_sent([(vendor.id, False)], "T1")
    queue.complete_many("T1", [Completion(vendor.id, "done", "0", "OK")])
    assert [r.payload["n"] for r in queue.next_batch("co", 10)] == [0, 1, 2, 3, 4, 5]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM work_items")).scalar() == 13
    engine.dispose()


def test_remaining_counts_up_to_a_limit_when_asked(tmp_path, clock) -> None:
    engine, queue = queue_of(tmp_path, 30, clock)
    assert queue.remaining("co") == 31
    assert queue.remaining("co", at_most=1) == 1
    assert queue.remaining("co", at_most=10) == 10
    assert queue.remaining("co", at_most=100) == 31
    assert queue.remaining("nobody", at_most=5) == 0
    engine.dispose()
