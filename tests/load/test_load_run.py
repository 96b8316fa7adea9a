"""``make load``'s verdict: the exactly-once check of the connector's store, and the goal table."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from connector.store.db import make_engine, make_session_factory
from connector.store.queue import Completion, WorkQueue
from connector.work import IdMapUpdate
from load.run import exactly_once_problems, percentile, summary


def queue_at(tmp_path: Path) -> tuple[str, WorkQueue]:
    url = f"sqlite:///{tmp_path / 'connector.db'}"
    return url, WorkQueue(make_session_factory(make_engine(url)), lambda: datetime(2026, 1, 5, tzinfo=UTC))


def synced(queue: WorkQueue, company: str, procore_id: str) -> int:
    item = queue.enqueue(company, "cost_code.export", {}, procore_id=procore_id)
    queue.mark_sent([(item, False)], "T")
    queue.complete_many("T", [Completion(item, "done", "0", "OK",
                                         id_map=(IdMapUpdate("cost_code", procore_id, f"Q{item}", "1"),))])
    return item


def test_a_clean_run_has_no_problems(tmp_path: Path) -> None:
    url, queue = queue_at(tmp_path)
    synced(queue, "a", "1")
    synced(queue, "b", "1")  # the same Procore id in two companies is two objects
    assert exactly_once_problems(url) == []


def test_work_left_queued_failed_or_queued_twice_is_named(tmp_path: Path) -> None:
    url, queue = queue_at(tmp_path)
    synced(queue, "a", "1")
    synced(queue, "a", "1")  # queued (and synced) twice
    queue.enqueue("a", "cost_code.export", {}, procore_id="2")
    failed = queue.enqueue("a", "cost_code.export", {}, procore_id="3")
    queue.complete(failed, "T", state="failed", status_code="3100", message="in use")
    assert exactly_once_problems(url) == [
        "1 work item(s) left failed",
        "1 work item(s) left pending",
        "a: cost code 1 queued 2 times",
        "2 work item(s) done but 1 id map entries",
    ]


def test_an_empty_run_synced_nothing(tmp_path: Path) -> None:
    url, _ = queue_at(tmp_path)
    assert exactly_once_problems(url) == ["nothing was synced"]


def test_percentiles_and_the_goal_table(tmp_path: Path) -> None:
    assert percentile({"10": 50, "20": 45, "300": 5}, 0.5) == 10
    assert percentile({"10": 50, "20": 45, "300": 5}, 0.95) == 20
    assert percentile({"10": 50, "20": 44, "300": 6}, 0.95) == 300
    stats = tmp_path / "run.json"
    stats.write_text(json.dumps([
        {"name": "sendRequestXML", "num_requests": 100, "num_failures": 0,
         "response_times": {"10": 50, "20": 45, "300": 5}},
        {"name": "sendRequestXML (connector)", "num_requests": 100, "num_failures": 0,
         "response_times": {"4": 100}},
        {"name": "update", "num_requests": 20, "num_failures": 1, "response_times": {"900": 20}},
    ]))
    assert summary(stats, 10.0, 2.5, "10", "sqlite").splitlines() == [
        "| store | companies | operation | requests | failures | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|",
        "| sqlite | 10 | sendRequestXML | 100 | 0 | 10 | 20 |",
        "| sqlite | 10 | sendRequestXML (connector) | 100 | 0 | 4 | 4 |",
        "| sqlite | 10 | update | 20 | 1 | 900 | 900 |",
        "",
        "sqlite, 10 companies: 20 updates in 10 s = 2.00 updates/s; connector CPU 2.5 s = 25% of one core",
    ]
