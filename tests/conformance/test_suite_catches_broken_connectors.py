"""The suite fails deliberately broken connectors by the named cases, run as another project runs them:
a fresh project directory whose conftest overrides ``qbsim_target_launcher`` and whose test module imports
single cases from ``conformance.cases`` (the ``qbsim`` fixtures come from the installed pytest11 plugin)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
PROTOCOL_CASE = ("conformance.cases.test_web_connector_protocol",
                 "test_an_export_session_sends_schema_valid_qbxml_with_request_ids_and_ends_at_100")
KILL_CASE = ("conformance.cases.test_web_connector_protocol",
             "test_a_web_connector_killed_after_quickbooks_processed_adds_nothing_twice")
EDIT_CASE = ("conformance.cases.test_projects",
             "test_a_project_edited_in_procore_after_an_accountants_edit_in_quickbooks_updates_its_customer")

CONFTEST = '''
import sys
sys.path.insert(0, {here!r})
import pytest
import broken_connectors
from conformance.blackbox.ours import OurConnector


@pytest.fixture(scope="session")
def qbsim_target_launcher():
    return OurConnector(name="broken double", wrap={wrap})
'''


def _run_elsewhere(tmp_path: Path, wrap: str, case: tuple[str, str]) -> subprocess.CompletedProcess[str]:
    (tmp_path / "conftest.py").write_text(CONFTEST.format(here=str(HERE), wrap=wrap), encoding="utf-8")
    (tmp_path / "test_reused.py").write_text(f"from {case[0]} import {case[1]}\n", encoding="utf-8")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # the other project's own config
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--qbsim-settle-seconds=5"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize(("wrap", "case", "named"), [
    ("broken_connectors.drop_request_ids", PROTOCOL_CASE, "a request without requestID"),
    ("broken_connectors.out_of_order", PROTOCOL_CASE, "not valid qbXML 13.0"),
    ("broken_connectors.ignore_edit_sequence", EDIT_CASE, "assert 'failed' == 'synced'"),
    ("broken_connectors.re_add_after_lost_response", KILL_CASE, "not within 5 s: the cost code synced"),
])
def test_a_broken_connector_is_failed_by_the_named_case(
    tmp_path: Path, wrap: str, case: tuple[str, str], named: str,
) -> None:
    done = _run_elsewhere(tmp_path, wrap, case)
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"FAILED test_reused.py::{case[1]}" in done.stdout
    assert named in done.stdout, done.stdout[-3000:]


@pytest.mark.parametrize("case", [PROTOCOL_CASE, EDIT_CASE, KILL_CASE])
def test_the_same_cases_pass_against_the_connector_unbroken(tmp_path: Path, case: tuple[str, str]) -> None:
    done = _run_elsewhere(tmp_path, "None", case)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
