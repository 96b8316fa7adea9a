"""The scenario catalogue: named, reproducible runs of the whole Web Connector path.

Each scenario builds its own :class:`~conformance.stack.Stack` (a fake company file in the state the
scenario needs, the connector, the Web Connector emulator), arranges sync work through the target's
control face, runs one or more updates and returns a :class:`ScenarioRun` for tests (or the demo) to
judge. Scenarios assert nothing themselves: the expectations live in ``tests/conformance``.

    from conformance.scenarios import CATALOGUE, run_scenario
    run = run_scenario("stale_edit_sequence")
"""

from __future__ import annotations

from conformance.scenarios.base import Scenario, ScenarioRun
from conformance.scenarios.web_connector_path import CATALOGUE, run_scenario

__all__ = ["CATALOGUE", "Scenario", "ScenarioRun", "run_scenario"]
