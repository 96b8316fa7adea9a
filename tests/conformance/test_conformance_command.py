"""``qbsim conformance`` end to end: against this repository's connector (green), against an independent
minimal QBWC service started by URL (its few passes and its failures reported honestly), and the matrix it
writes (Markdown, self-contained HTML, JUnit XML naming each case's requirements)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conformance.matrix import CaseResult, judge, write
from conformance.requirements import catalogue

HERE = Path(__file__).parent
QBSIM = [sys.executable, "-c", "from qbsim.cli import app; app()"]
MINIMAL_PASSWORD = "minimal-service-password"
#: What the minimal service does right: answer the protocol's calls, refuse a wrong password, say "none",
#: and export nothing it was not asked to (it exports nothing at all).
MINIMAL_PASSES = {"QBWC-SERVER-VERSION", "QBWC-CLIENT-VERSION", "QBWC-AUTH-TICKET", "QBWC-AUTH-NONE",
                  "QBWC-AUTH-NVU", "D17"}


def _conformance(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*QBSIM, "conformance", *args], capture_output=True, text=True, timeout=900,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


def _cells(report: Path) -> dict[str, dict[str, str]]:
    data = json.loads((report / "results.json").read_text(encoding="utf-8"))
    cells: dict[str, dict[str, str]] = data["columns"][-1]["cells"]  # this run: the last column
    return cells


@pytest.fixture
def minimal_service() -> Iterator[str]:
    """The minimal QBWC service in its own process; its URL (it bound a free port and printed it)."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "minimal_qbwc_service.py")], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "QBSIM_QBWC_PASSWORD": MINIMAL_PASSWORD},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving http://localhost:"), line
        yield line.split()[1]
    finally:
        process.terminate()
        process.wait(10)


def test_our_connector_is_green_and_the_matrix_names_every_requirement(tmp_path: Path) -> None:
    report, junit = tmp_path / "out", tmp_path / "junit" / "suite.xml"
    done = _conformance("--report", str(report), "--junit", str(junit))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 fail" in done.stderr
    cells = _cells(report)
    assert set(cells) == set(catalogue())
    # every requirement covered and passed; F5 ('Jobs under Customers') is for a run in that job mode
    assert {rid: c["status"] for rid, c in cells.items() if c["status"] != "pass"} == {"F5": "not applicable"}
    assert "--job-mode jobs_under_customers" in cells["F5"]["reason"]
    assert {"QBWC-AUTH-NVU", "QBXML-REQUEST-ID", "O2", "S2", "Q4", "P3", "H1", "G1", "T1", "V12",
            "EXPORT-CCO-ONE-AT-A-TIME", "PROCORE-WEBHOOK-LOST"} <= set(cells)
    matrix = (report / "matrix.md").read_text(encoding="utf-8")
    assert "no MUST requirement failed" in matrix and "| O2: Code → Item Name/Number |" in matrix
    page = (report / "matrix.html").read_text(encoding="utf-8")
    head = page.split("<body>")[0]
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "http" not in head
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    properties = {c.get("name"): {p.get("value") for p in c.iter("property")} for c in cases}
    assert len(properties) == 37
    named = properties["test_a_wrong_password_is_answered_nvu_and_quickbooks_is_asked_nothing"]
    assert named == {"QBWC-AUTH-NVU"}


def test_a_jobs_under_customers_run_tells_the_target_and_judges_the_jobs_under_customers_rule(
    tmp_path: Path,
) -> None:
    report = tmp_path / "jobs"
    done = _conformance("--report", str(report), "--only", "projects", "--job-mode", "jobs_under_customers")
    assert done.returncode == 0, done.stdout + done.stderr
    cells = _cells(report)
    assert {rid: cells[rid]["status"] for rid in ("F5", "P1", "P2", "X4", "QB-STATUS-3200", "F3")} == {
        "F5": "pass", "P1": "pass", "P2": "pass", "X4": "pass", "QB-STATUS-3200": "pass",
        "F3": "not applicable"}
    done = _conformance("--report", str(report), "--job-mode", "tier_three")
    assert done.returncode == 2 and "no such job mode tier_three" in done.stderr


def test_a_minimal_service_by_url_gets_its_passes_and_its_failures(
    tmp_path: Path, minimal_service: str,
) -> None:
    report = tmp_path / "minimal"
    done = _conformance("--target-url", minimal_service, "--target-name", "minimal QBWC service",
                        "--report", str(report), "--settle-seconds", "0.5",
                        env={"QBSIM_QBWC_PASSWORD": MINIMAL_PASSWORD})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "MUST requirement(s) failed" in done.stderr
    cells = _cells(report)
    passed = {rid for rid, c in cells.items() if c["status"] == "pass"}
    assert passed == MINIMAL_PASSES
    assert cells["O2"]["status"] == "fail" and "not within 0.5 s" in cells["O2"]["reason"]
    assert cells["QBWC-KILLED-AFTER-PROCESS"]["status"] == "fail"
    assert "minimal QBWC service" in (report / "matrix.html").read_text(encoding="utf-8")


def test_an_expectation_file_turns_known_deviations_into_expected_fail(
    tmp_path: Path, minimal_service: str,
) -> None:
    expectations = tmp_path / "minimal.toml"
    expectations.write_text('target = "minimal QBWC service"\n[expected_fail]\n'
                            'QBWC-PROGRESS = "it never sends a request"\n'
                            '[not_applicable]\nQBWC-KILLED-AFTER-PROCESS = "it has no session to kill"\n',
                            encoding="utf-8")
    report, earlier = tmp_path / "minimal", tmp_path / "earlier"
    write(earlier, [judge("an earlier target", [CaseResult("a::t", "t", "passed", ("O2",))])], [])
    done = _conformance("--target-url", minimal_service, "--report", str(report), "--settle-seconds", "0.5",
                        "--only", "web_connector", "--expectations", str(expectations),
                        "--target-name", "minimal", "--compare", str(earlier / "results.json"),
                        env={"QBSIM_QBWC_PASSWORD": MINIMAL_PASSWORD})
    cells = _cells(report)
    assert cells["QBWC-PROGRESS"] == {"status": "expected-fail", "reason": "it never sends a request",
                                      "cases": cells["QBWC-PROGRESS"]["cases"]}
    assert cells["QBWC-KILLED-AFTER-PROCESS"]["status"] == "not applicable"
    assert cells["O2"]["status"] == "not run"  # outside --only web_connector
    assert done.returncode == 1  # QBWC-HRESULT and others still fail, unexpected
    matrix = (report / "matrix.md").read_text(encoding="utf-8")
    assert "| requirement | severity | area | source | an earlier target | minimal |" in matrix
    row = ("| O2: Code → Item Name/Number | MUST | cost_codes | SEED-RULES O2 (seed 001 Cost Codes mapping) "
           "| **pass** | **not run** — left out of this run |")
    assert row in matrix


def test_bad_input_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[expected_fail]\nNO-SUCH-REQUIREMENT = \"why\"\n", encoding="utf-8")
    done = _conformance("--report", str(tmp_path / "r"), "--expectations", str(bad))
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {bad}: [expected_fail] NO-SUCH-REQUIREMENT: no such requirement"
    done = _conformance("--report", str(tmp_path / "r"), "--only", "payroll")
    assert done.returncode == 2 and "no such area payroll" in done.stderr
    done = _conformance("--report", str(tmp_path / "r"), "--target-url", "http://localhost:1/qbwc",
                        env={"QBSIM_QBWC_PASSWORD": ""})
    assert done.returncode == 2 and "needs its Web Connector password" in done.stderr


def test_a_target_that_cannot_be_launched_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = _conformance("--report", str(tmp_path / "r"), "--target-url", "http://localhost:1/qbwc",
                        "--target-command", f"{sys.executable} -c 'raise SystemExit(3)'",
                        env={"QBSIM_QBWC_PASSWORD": "x"})
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines()[-1] == (
        "error: the target could not be launched: the target command exited (3) before "
        "http://localhost:1/qbwc answered")
