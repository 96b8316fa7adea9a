"""The store's share of a Web Connector round trip as the queue grows: per-item cost must stay flat.

One round trip is what the session driver asks of the store for a batch of ``BATCH`` items: the blocked
check, the next batch, the ``sent`` mark, what is in flight, every outcome at once (with the id map), the
progress counts, and what closeConnection counts. It runs against one company whose queue holds ``N``
pending items (plus another company's ``N``, so nothing may scan the whole table), on a SQLite file.

    pytest benchmarks/e2e/test_queue_scale_bench.py --benchmark-only --benchmark-group-by=group
    QBSIM_BENCH_QUEUE_SIZES=100,10000,100000 pytest benchmarks/e2e/test_queue_scale_bench.py --benchmark-only

Each round takes the oldest ``BATCH`` items out of the queue for good (done), so a benchmark of R rounds
sees N, N-20, … items queued; N is large against R·BATCH for every size but the smallest.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from connector.qbwc.driver import PROGRESS_COUNT_LIMIT
from connector.store.db import make_engine, make_session_factory
from connector.store.queue import Completion, WorkQueue
from connector.work import IdMapUpdate, NewWork

BATCH = 20
SIZES = [int(n) for n in os.environ.get("QBSIM_BENCH_QUEUE_SIZES", "100,1000,10000").split(",")]
COMPANY, NEIGHBOUR = "bench", "neighbour"


def fill(sessions: sessionmaker[Session], queue: WorkQueue, company: str, count: int) -> None:
    with sessions.begin() as db:
        for n in range(count):
            queue.enqueue_within(db, company, NewWork("cost_code.export", {"code": f"C{n:06d}"}, str(n)))


@pytest.fixture(scope="module", params=SIZES, ids=lambda n: f"queued={n}")
def filled(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WorkQueue, int]]:
    path: Path = tmp_path_factory.mktemp("queue") / "store.db"
    engine = make_engine(f"sqlite:///{path}")
    sessions = make_session_factory(engine)
    queue = WorkQueue(sessions, lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    fill(sessions, queue, COMPANY, request.param)
    fill(sessions, queue, NEIGHBOUR, request.param)
    yield queue, request.param
    engine.dispose()


_tickets = itertools.count()


def round_trip(queue: WorkQueue) -> int:
    """The store calls of one sendRequestXML + receiveResponseXML (as ``SessionDriver`` makes them)."""
    ticket = f"T{next(_tickets)}"
    queue.fail_blocked(COMPANY, ticket)
    batch = queue.next_batch(COMPANY, BATCH)
    queue.mark_sent([(r.id, False) for r in batch], ticket)
    in_flight = queue.in_flight(COMPANY, ticket)
    queue.complete_many(ticket, [
        Completion(r.id, "done", "0", "Status OK", {"ListID": f"8000{r.id:04X}-1"},
                   id_map=(IdMapUpdate("cost_code", r.procore_id or "", f"8000{r.id:04X}-1", "1", None),))
        for r in in_flight
    ])
    queue.fail_blocked(COMPANY, ticket)
    queue.remaining(COMPANY, at_most=PROGRESS_COUNT_LIMIT)  # percent_done
    queue.finished_in(ticket)
    queue.finished_counts(ticket)  # closeConnection
    return len(batch)


@pytest.mark.benchmark(group="store: one round trip of 20 items, by queue size")
def test_round_trip(benchmark: Any, filled: tuple[WorkQueue, int]) -> None:
    queue, size = filled
    rounds = max(1, min(20, size // BATCH // 2))
    sent = benchmark.pedantic(round_trip, args=(queue,), rounds=rounds, iterations=1, warmup_rounds=0)
    assert sent == BATCH
    benchmark.extra_info["queued"] = size
    if benchmark.stats is not None:  # absent under --benchmark-disable
        benchmark.extra_info["ms_per_item"] = benchmark.stats.stats.median * 1000 / BATCH
