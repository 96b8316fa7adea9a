"""The connector reached by URL over a real localhost socket: the same scenarios, the same outcome.

This is the pluggable-target path: the Web Connector only knows the .qwc AppURL (``transport=None``),
as it would for a connector running in another process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from conformance.scenarios import CATALOGUE, ScenarioRun
from conformance.serve import Served, serve
from conformance.stack import Stack
from conformance.target import InProcessConnector
from sim.webconnector import Outcome


@pytest.fixture
def make_served_stack(make_stack: Callable[..., Stack]) -> Iterator[Callable[..., Stack]]:
    servers: list[Served] = []

    def make(**options: object) -> Stack:
        stack = make_stack(**options)
        assert isinstance(stack.connector, InProcessConnector)
        served = serve(stack.connector.app)
        servers.append(served)
        stack.connector.served_at(served.url)
        return stack

    yield make
    for served in servers:
        served.stop()


def _state(run: ScenarioRun) -> tuple[object, ...]:
    stack = run.stack
    work = stack.connector.work_items(stack.company_key)
    return (
        sorted((r["Name"], r["ListID"]) for r in stack.items("ItemService")),
        [(w.state, w.last_status_code, w.last_status_message) for w in work],
        [u.outcome for u in run.updates],
    )


@pytest.mark.parametrize("name", ["duplicate_name", "killed_mid_session"])
def test_scenarios_over_real_http_match_in_process(
    name: str, make_stack: Callable[..., Stack], make_served_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    over_http = CATALOGUE[name].run(make_served_stack)
    assert over_http.stack.connector.transport is None
    assert over_http.stack.connector.app_url.startswith("http://localhost:")
    assert all(call.http_status == 200 for u in over_http.updates for call in u.calls if call.http_status)
    assert _state(over_http) == _state(CATALOGUE[name].run(make_stack))
    assert_schema_valid(over_http.documents())


def test_wrong_password_over_http(make_served_stack: Callable[..., Stack]) -> None:
    run = CATALOGUE["wrong_password"].run(make_served_stack)
    assert run.last.outcome is Outcome.AUTH_FAILED
    assert run.last.calls_to("authenticate")[0].result[1] == "nvu"
