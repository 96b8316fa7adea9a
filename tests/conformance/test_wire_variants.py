"""The same scenarios over other wiring: real-QBWC SOAP envelopes and the fake's HTTP face.

A connector that only understands zeep's prefixed envelopes, or a fake that behaves differently over
HTTP than in-process, would make the final states differ; they must not.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conformance.scenarios import CATALOGUE, ScenarioRun
from conformance.stack import Stack
from sim.webconnector import Outcome


def summary(run: ScenarioRun) -> tuple[object, ...]:
    stack = run.stack
    items = sorted((r["Name"], r["ListID"]) for r in stack.items("ItemService"))
    work = [(w.kind, w.state, w.last_status_code, w.last_status_message)
            for w in stack.connector.work_items(stack.company_key)]
    return items, work, [u.outcome for u in run.updates], [u.progress for u in run.updates]


WIRED = sorted(CATALOGUE)  # every catalogue scenario, the failures (nvu, unsupported edition …) included


@pytest.mark.parametrize("name", WIRED)
def test_raw_envelopes_and_http_company_reach_the_same_state(
    name: str, make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    in_process = CATALOGUE[name].run(make_stack)

    def over_the_wire(**options: object) -> Stack:
        return make_stack(company_over_http=True, web_connector_options={"raw_envelopes": True}, **options)

    wired = CATALOGUE[name].run(over_the_wire)
    assert summary(wired) == summary(in_process)
    envelope = wired.last.calls_to("authenticate")[0].request_envelope
    assert b'<authenticate xmlns="http://developer.intuit.com/">' in envelope  # real QBWC's own form
    for call in wired.last.calls_to("sendRequestXML"):
        assert b'<sendRequestXML xmlns="http://developer.intuit.com/">' in call.request_envelope
    assert_schema_valid(wired.documents())


def test_killed_over_http_the_fake_ended_the_dead_session(make_stack: Callable[..., Stack]) -> None:
    run = CATALOGUE["killed_mid_session"].run(lambda **kw: make_stack(company_over_http=True, **kw))
    assert [u.outcome for u in run.updates] == [Outcome.KILLED, Outcome.COMPLETED]
    assert run.stack.company.sessions == {}  # no request-processor session left open in QuickBooks


def test_every_qwc_the_connector_writes_loads_in_the_web_connector() -> None:
    """The connector's .qwc generator and the emulator's loader agree (QBWC1000/1001/1010 rules)."""
    from connector.qbwc.qwc import QwcSpec, build_qwc
    from sim.webconnector import parse_qwc

    for url in ("http://localhost:8000/qbwc", "https://sync.example.com/qbwc"):
        loaded = parse_qwc(build_qwc(QwcSpec("Procore", url, "acme", run_every_minutes=30)))
        assert (loaded.app_url, loaded.user_name, loaded.run_every_seconds) == (url, "acme", 1800)
