"""`qbsim repro FILE`: every scenario file in the repository gives its expected outcome, the trace shows
what crossed each wire, and a bad file is refused naming its line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conformance.repro.loader import ScenarioFileError, load_scenario
from qbsim.cli import app

FILES = sorted((Path(__file__).parents[2] / "conformance" / "scenarios" / "files").glob("*.yaml"))


def test_the_repository_holds_at_least_eight_customer_failures() -> None:
    names = {f.stem for f in FILES}
    assert len(FILES) >= 13
    for wanted in (
        "stale-edit-sequence",
        "single-user-mode",
        "web-connector-killed-mid-session",
        "change-order-while-another-pending",
        "negative-invoice",
        "canadian-file-payments",
        "cost-code-over-name-limit",
        "expired-procore-token",
    ):
        assert wanted in names


@pytest.mark.parametrize("scenario", FILES, ids=[f.stem for f in FILES])
def test_each_scenario_file_gives_its_expected_outcome(scenario: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["repro", str(scenario), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "PASS:" in result.output
    written = json.loads((tmp_path / "result.json").read_text())
    assert written["ok"] is True and written["expectations"]
    assert all(e["held"] for e in written["expectations"])
    assert (tmp_path / "trace.txt").read_text().startswith(f"# scenario {written['scenario']}")


def test_the_trace_shows_every_wire_and_state_change_in_order(tmp_path: Path) -> None:
    scenario = next(f for f in FILES if f.stem == "web-connector-killed-mid-session")
    CliRunner().invoke(app, ["repro", str(scenario), "--out", str(tmp_path)])
    text = (tmp_path / "trace.txt").read_text()
    lines = [line for line in text.splitlines() if not line.startswith(" ")]
    kinds = [line.split()[2] for line in lines[1:-1]]
    for kind in ("step", "soap", "qbxml", "procore", "webhook", "state", "check"):
        assert kind in kinds, kind
    first_soap = next(i for i, line in enumerate(lines) if " soap " in line and "authenticate()" in line)
    first_webhook = next(i for i, line in enumerate(lines) if " webhook " in line)
    assert first_webhook < first_soap  # the ERP Request arrived before the Web Connector came
    # the request QuickBooks ran and whose answer the dying Web Connector never passed on
    assert any("never passed the answer on: ItemServiceAddRs 0" in line for line in lines)
    assert "<ItemServiceAddRq" in text and "<ItemServiceAddRs" in text
    assert "<MaskedForSecurity>" in text and "correct horse" not in text
    page = (tmp_path / "trace.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "PASS: 5 of 5 expectations held" in page
    assert "http://" not in page and "https://" not in page.replace("https://connector.local", "")
    log = (tmp_path / "QWCLog.txt").read_text()
    assert "Web Connector process terminated after QuickBooks processed the request" in log


def test_an_expectation_that_does_not_hold_exits_1_and_says_which(tmp_path: Path) -> None:
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text(
        "name: wrong-expectation\n"
        "steps:\n"
        "  - create: {type: standard_cost_code, ref: site, fields: {code: 01-100, name: Site Work}}\n"
        "  - export: {ref: site}\n"
        "  - sync: true\n"
        "  - update: {}\n"
        "expect:\n"
        "  - quickbooks_requests: {type: ItemServiceAdd, count: 2}\n"
        "  - procore_item: {ref: site, status: in_progress}\n"
    )
    result = CliRunner().invoke(app, ["repro", str(scenario), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    assert "FAIL QuickBooks ran ItemServiceAdd requests: 1 (expected 2)" in result.output
    assert "ok   Procore shows standard_cost_code 'site' in_progress" in result.output
    assert "FAIL: 1 of 2 expectations held" in result.output


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(ScenarioFileError) as caught:
        load_scenario(path)
    return [p.replace(str(path), "bad.yaml") for p in caught.value.problems]


def test_a_bad_file_is_refused_naming_line_and_field(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        "name: x\n"
        "steps:\n"
        "  - sync: true\n"
        "  - update:\n"
        "      die:\n"
        "        after_send: 0\n"
        "  - foo: 1\n"
        "expect:\n"
        "  - web_connector: {outcome: finished}\n"
        "edition: {year: 1999}\n",
    )
    assert problems == [
        "bad.yaml:10: edition.year: Input should be greater than or equal to 2010",
        "bad.yaml:6: steps[1].update.die.after_send: Input should be greater than or equal to 1",
        "bad.yaml:7: steps[2].foo: Extra inputs are not permitted",
        "bad.yaml:9: expect[0].web_connector.outcome: Input should be 'completed', 'no_work', 'auth_failed', "
        "'busy', 'postponed', 'version_refused', 'connection_failed', 'call_failed', 'hcp_failed', 'killed', "
        "'loop_capped' or 'skipped'",
    ]


def test_a_step_with_two_actions_and_a_missing_field_are_named(tmp_path: Path) -> None:
    problems = _problems(
        tmp_path,
        "name: x\nsteps:\n  - {sync: true, tick: true}\nexpect:\n  - procore_item: {status: synced}\n",
    )
    assert problems[0].startswith("bad.yaml:3: steps[0]: a step has exactly one of: create, send,")
    assert problems[0].endswith("(got sync, tick)")
    assert problems[1] == "bad.yaml:5: expect[0].procore_item.ref: Field required"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: [unclosed\n", "bad.yaml:2: not valid YAML: expected ',' or ']', but got '<stream end>'"),
        ("- just\n- a list\n", "bad.yaml:1: a scenario file is a YAML mapping (name:, steps:, expect:)"),
        (
            "name: !!python/object:os.system x\n",
            "bad.yaml:1: not valid YAML: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
        ),
    ],
)
def test_yaml_that_is_not_a_scenario_is_refused_in_one_line(tmp_path: Path, text: str, problem: str) -> None:
    assert _problems(tmp_path, text) == [problem]


def test_repro_of_a_bad_file_is_one_line_per_problem_and_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nsteps: []\nexpect: []\n")
    result = CliRunner().invoke(app, ["repro", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"error: {path}:2: steps: List should have at least 1 item after validation, not 0",
        f"error: {path}:3: expect: List should have at least 1 item after validation, not 0",
    ]
    missing = CliRunner().invoke(app, ["repro", str(tmp_path / "nope.yaml")])
    assert (missing.exit_code, missing.output.strip()) == (
        2,
        f"error: {tmp_path / 'nope.yaml'}: no such scenario file",
    )


def test_a_step_the_stack_cannot_carry_out_is_named(tmp_path: Path) -> None:
    path = tmp_path / "restart.yaml"
    path.write_text("name: x\nsteps:\n  - restart: true\nexpect:\n  - web_connector: {outcome: completed}\n")
    result = CliRunner().invoke(app, ["repro", str(path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: {path}: a restart step needs connector.database: file (memory does not survive it)"
    )


def _run(tmp_path: Path, text: str) -> tuple[int, str, str]:
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["repro", str(path), "--out", str(tmp_path / "out")])
    trace = (tmp_path / "out" / "trace.txt").read_text() if (tmp_path / "out" / "trace.txt").exists() else ""
    return result.exit_code, result.output, trace


def test_a_slow_web_connector_moves_the_virtual_clock_at_that_call(tmp_path: Path) -> None:
    code, output, trace = _run(
        tmp_path,
        "name: slow\n"
        "steps:\n"
        "  - create: {type: standard_cost_code, ref: site, fields: {code: 01-100, name: Site Work}}\n"
        "  - export: {ref: site}\n"
        "  - sync: true\n"
        "  - update: {slow: [{call: receiveResponseXML, seconds: 120}]}\n"
        "  - sync: true\n"
        "expect:\n"
        "  - procore_item: {ref: site, status: synced}\n",
    )
    assert code == 0, output
    lines = [line for line in trace.splitlines() if not line.startswith(" ")]
    slow = next(
        i
        for i, line in enumerate(lines)
        if "the Web Connector is slow: 120 s before receiveResponseXML #1" in line
    )
    before, after = lines[slow - 1].split()[1], lines[slow + 1].split()[1]
    assert (before[11:19], after[11:19]) == ("09:00:00", "09:02:00")
    assert "receiveResponseXML()" in lines[slow + 2]


def test_a_snapshot_restart_and_faults_added_mid_scenario(tmp_path: Path) -> None:
    from sim.quickbooks_fake import CompanyFile

    company = CompanyFile.create(tmp_path / "customer.qbw.sqlite", company_name="Acme Builders")
    company.ui.create_vendor("Acme Concrete")
    company.close()
    code, output, trace = _run(
        tmp_path,
        "name: snapshot-restart\n"
        "quickbooks: {snapshot: customer.qbw.sqlite}\n"
        "connector: {database: file}\n"
        "steps:\n"
        "  - create: {type: standard_cost_code, ref: site, fields: {code: 01-100, name: Site Work}}\n"
        "  - export: {ref: site}\n"
        "  - sync: true\n"
        "  - faults: {quickbooks: [{action: status, request_type: ItemServiceAdd, status_code: 3175,\n"
        "             status_message: 'There was an error when saving a Service item.', times: 1}]}\n"
        "  - update: {}\n"
        "  - restart: true\n"
        "  - clear_faults: all\n"
        "  - sync: true\n"
        "expect:\n"
        "  - quickbooks_records: {kind: Vendor, where: {Name: Acme Concrete}, count: 1}\n"
        "  - procore_item: {ref: site, status: failed, message_contains: '3175'}\n"
        "  - web_connector: {outcome: completed}\n",
    )
    assert code == 0, output
    assert "company file restored from the snapshot customer.qbw.sqlite" in trace
    assert "the connector process is killed and started again" in trace
    assert "ItemServiceAddRs 3175 There was an error when saving a Service item." in trace
