"""What a served connector's log says of a Web Connector update: the session, each item's outcome."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from conformance.scenarios.data import cost_codes
from conformance.stack import Stack
from sim.webconnector import Outcome


def _messages(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int, str]]:
    return [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name.startswith("connector.")]


def test_a_session_and_each_item_outcome_are_logged(
    make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture
) -> None:
    stack = make_stack()
    codes = cost_codes(2)
    saving = "There was an error when saving a Service item."
    stack.company.faults.add(action="status", request_type="ItemServiceAdd", object_name=codes[1].code,
                             status_code=3180, status_message=saving)
    plan = stack.connector.export_cost_codes(stack.company_key, codes)
    first, second = plan.queued[codes[0].procore_id], plan.queued[codes[1].procore_id]
    caplog.set_level(logging.INFO, logger="connector")
    assert stack.run_update().outcome is Outcome.COMPLETED
    logged = _messages(caplog)
    opened = [m for _, _, m in logged if m.startswith("session ") and " opened for " in m]
    assert len(opened) == 1 and opened[0].endswith(f"(company {stack.company_key}): 2 work item(s) waiting")
    ticket = opened[0].split()[1]
    assert ("connector.qbwc.driver", logging.INFO, f"work item {first} (cost_code.export) done") in logged
    assert ("connector.qbwc.driver", logging.WARNING,
            f"work item {second} (cost_code.export) failed: 3180 {saving}") in logged
    assert ("connector.qbwc.service", logging.INFO,
            f"session {ticket} closed (company {stack.company_key}): 1 done, 1 failed, 0 left") in logged


def test_an_update_with_nothing_to_do_says_so(
    make_stack: Callable[..., Stack], caplog: pytest.LogCaptureFixture
) -> None:
    stack = make_stack()
    caplog.set_level(logging.INFO, logger="connector")
    stack.run_update()
    nothing = f"Web Connector {stack.username!r} (company {stack.company_key}): nothing to do"
    assert ("connector.qbwc.service", logging.INFO, nothing) in _messages(caplog)
