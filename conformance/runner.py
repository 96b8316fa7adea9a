"""Run the packaged cases (``conformance/cases``) under pytest and collect each case's outcome.

pytest runs in this process with its own terminal output off; :class:`Collector` turns its reports into
:class:`~conformance.matrix.CaseResult` s and tells ``on_case`` as each case ends (the progress display).
The pytest configuration of whatever project the command runs in is ignored (``-c`` an empty file), so the
suite behaves the same from any directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conformance import cases
from conformance.matrix import CaseResult
from conformance.pytest_plugin import requirement_ids

CASES_DIR = Path(cases.__file__).parent
#: How a target that could not be launched shows in a case's set-up error (every case would repeat it).
TARGET_ERROR = "conformance.blackbox.target.TargetError: "


@dataclass
class Collector:
    """A pytest plugin object: every collected case, its requirements and its outcome."""

    on_collected: Callable[[int], None] = lambda total: None
    on_case: Callable[[CaseResult], None] = lambda result: None
    results: dict[str, CaseResult] = field(default_factory=dict)
    requirements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    #: Why the target could not be launched (then no case judged it), or "".
    target_error: str = ""

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:  # before the plugin's --qbsim-area deselection: every case of the suite
            self.requirements[item.nodeid] = tuple(requirement_ids(item))
            self.names[item.nodeid] = item.name

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            self.results[item.nodeid] = CaseResult(item.nodeid, item.name, "deselected",
                                                   self.requirements.get(item.nodeid, ()))

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.on_collected(len(session.items))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.errors.append(f"{report.nodeid}: {_short(report)}")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        nodeid = report.nodeid
        earlier = self.results.get(nodeid)
        if report.when == "call" or (report.when == "setup" and not report.passed):
            outcome = "skipped" if report.skipped else ("passed" if report.passed else "failed")
            message = _short(report) if not report.passed else ""
        elif report.when == "teardown" and report.failed and earlier and earlier.outcome == "passed":
            outcome, message = "failed", f"in teardown: {_short(report)}"
        else:
            return
        if report.when == "setup" and message.startswith(TARGET_ERROR):
            self.target_error = self.target_error or message.removeprefix(TARGET_ERROR)
        result = CaseResult(nodeid, self.names.get(nodeid, nodeid), outcome,
                            self.requirements.get(nodeid, ()), message, round(report.duration, 3))
        self.results[nodeid] = result
        if report.when != "teardown":
            self.on_case(result)


def _short(report: Any) -> str:
    """The one line that says why: the exception's message (or the skip reason)."""
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    crash = getattr(report.longrepr, "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr)
    return " ".join(text.split())[:500]


def run_cases(options: list[str], collector: Collector, junit: Path | None) -> int:
    """pytest on the packaged cases with ``options`` (``--qbsim-…``); pytest's exit code."""
    args = [str(CASES_DIR), "-c", os.devnull, "--rootdir", str(CASES_DIR), "-p", "no:cacheprovider",
            "-p", "no:terminal", "-o", "junit_family=xunit1", "-o", "junit_suite_name=qbsim-conformance",
            *options]
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        args += ["--junitxml", str(junit)]
    return int(pytest.main(args, plugins=[collector]))
