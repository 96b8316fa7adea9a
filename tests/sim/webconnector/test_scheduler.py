"""Auto-Run ("run every N minutes" from the .qwc Scheduler element) on the virtual clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sim.clock import ManualClock
from sim.webconnector import Outcome, Scheduler


def _every(qwc, minutes: int) -> str:
    return qwc(scheduler=f"<Scheduler>\n<RunEveryNMinutes>{minutes}</RunEveryNMinutes>\n</Scheduler>\n")


def test_runs_every_n_minutes(make_wc, qwc, script):
    wc = make_wc(qwc=_every(qwc, 15))
    start = wc.clock.now()
    assert wc.auto_run and wc.next_run_at == start + timedelta(minutes=15)
    results = wc.advance(60)
    assert [r.started_at - start for r in results] == [timedelta(minutes=m) for m in (15, 30, 45, 60)]
    assert all(r.outcome is Outcome.COMPLETED for r in results)
    assert wc.clock.now() == start + timedelta(minutes=60)
    assert script.operations.count("authenticate") == 4
    # QWCLog.txt timestamps come from the virtual clock
    assert (
        results[1]
        .log[0]
        .startswith("20240115.14:30:00 UTC\t: QBWebConnector.RegistryManager.setUpdateLock()")
    )


def test_partial_advance_runs_nothing_then_catches_up(make_wc, qwc):
    wc = make_wc(qwc=_every(qwc, 15))
    assert wc.advance(14) == []
    assert len(wc.advance(1)) == 1


def test_no_scheduler_element_means_no_auto_run(make_wc):
    wc = make_wc()
    assert not wc.auto_run
    assert wc.advance(600) == []


def test_seconds_scheduler_and_untick(make_wc, qwc):
    wc = make_wc(qwc=qwc(scheduler="<Scheduler><RunEveryNSeconds>30</RunEveryNSeconds></Scheduler>"))
    assert len(wc.advance(2)) == 4
    wc.set_auto_run(False)
    assert wc.advance(10) == []


def test_postponed_update_is_retried_after_the_postponement(make_wc, qwc, script):
    script.auth = ["TICKET-1", "none", "120"]
    wc = make_wc(qwc=_every(qwc, 15))
    start = wc.clock.now()
    first = wc.advance(15)
    assert [r.outcome for r in first] == [Outcome.POSTPONED]
    assert wc.next_run_at == start + timedelta(minutes=17)
    script.auth = ["TICKET-2", ""]
    second = wc.advance(2)
    assert [(r.outcome, r.started_at - start) for r in second] == [(Outcome.COMPLETED, timedelta(minutes=17))]


def test_minimum_interval_from_authenticate_slows_the_schedule(make_wc, qwc, script):
    script.auth = ["TICKET-1", "", "", "3600"]  # authRet[3]: run no more often than every hour
    wc = make_wc(qwc=_every(qwc, 15))
    start = wc.clock.now()
    results = wc.advance(150)
    assert [r.started_at - start for r in results] == [
        timedelta(minutes=15),
        timedelta(minutes=75),
        timedelta(minutes=135),
    ]
    assert wc.run_every_seconds == 3600


def test_noop_pauses_push_time_forward_during_a_scheduled_run(make_wc, qwc, script):
    script.requests = ["NoOp"] * 3 + [
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq '
        'onError="stopOnError"><HostQueryRq requestID="9"/></QBXMLMsgsRq></QBXML>'
    ]
    script.percents = [100]
    script.last_error = ["NoOp"]
    wc = make_wc(qwc=_every(qwc, 1))
    result = wc.advance(1)[0]
    assert result.finished_at - result.started_at == timedelta(seconds=15)


def test_scheduler_runs_several_apps_on_one_clock(make_wc, qwc, script):
    clock = ManualClock()
    fast = make_wc(qwc=_every(qwc, 10), clock=clock)
    slow = make_wc(qwc=_every(qwc, 25), clock=clock)
    scheduler = Scheduler(clock, [fast, slow])
    start = clock.now()
    results = scheduler.advance(50)
    assert [(r.started_at - start).seconds // 60 for r in results] == [10, 20, 25, 30, 40, 50, 50]


def test_scheduler_refuses_an_app_on_another_clock(make_wc, qwc):
    with pytest.raises(ValueError, match="runs on another clock"):
        Scheduler(ManualClock(), [make_wc(qwc=_every(qwc, 10))])
