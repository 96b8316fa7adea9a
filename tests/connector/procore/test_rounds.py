"""The Procore rounds in serve mode: a background thread that a webhook or a QuickBooks answer wakes, and
that stops cleanly; the poll of open request details on its own interval."""

from __future__ import annotations

import threading
from datetime import timedelta

from conformance.procore_stack import ProcoreStack
from connector.procore.connection import ProcoreSide, TickReport


class _Counting:
    def __init__(self) -> None:
        self.rounds = threading.Event()
        self.closed = False

    def tick(self) -> TickReport:
        self.rounds.set()
        return TickReport()

    def close(self) -> None:
        self.closed = True


def test_a_wake_runs_a_round_at_once_and_stop_ends_the_thread() -> None:
    counting = _Counting()
    side = ProcoreSide({"acme": counting})  # type: ignore[dict-item]
    side.start(every_seconds=3600)  # a round would otherwise wait an hour
    try:
        side.wake()
        assert counting.rounds.wait(timeout=10), "a woken round did not run"
    finally:
        side.stop()
    assert side._thread is None and counting.closed


def test_open_request_details_are_polled_once_per_interval() -> None:
    stack = ProcoreStack.create()
    stack.webhook_link.down = True  # every webhook lost: only the poll finds requests
    first = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    assert stack.tick().polled == 1
    stack.export_standard_cost_code("01-200", "Demolition")
    stack.deliver()
    assert stack.tick().polled == 0  # the interval (5 minutes) has not passed
    stack.advance(timedelta(minutes=5).total_seconds())
    assert stack.tick().polled == 1
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", first["id"])


def test_authenticate_never_waits_for_a_round_in_progress() -> None:
    stack = ProcoreStack.create()
    connection = stack.side.connections[stack.company_key]
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    assert connection.intake.read() == 1
    with connection._lock:  # a round is in progress (e.g. waiting out a Retry-After)
        assert connection.plan_local() == 0
    assert connection.plan_local() == 1
