"""`qbsim replay`: a QWCLog.txt written by the emulator, replayed against a fake company file and against
the connector, reproduces the same exchange; a changed capture is reported where it diverges."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conformance.repro.replay import first_difference, parse_qwclog
from qbsim.cli import app

FILES = Path(__file__).parents[2] / "conformance" / "scenarios" / "files"


def _captured(tmp_path: Path, name: str) -> tuple[Path, Path]:
    scenario = FILES / f"{name}.yaml"
    out = tmp_path / name
    result = CliRunner().invoke(app, ["repro", str(scenario), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    return scenario, out / "QWCLog.txt"


@pytest.mark.parametrize(
    "name", ["stale-edit-sequence", "web-connector-killed-mid-session", "single-user-mode"]
)
def test_a_qwclog_written_by_the_emulator_replays_to_the_same_exchange(tmp_path: Path, name: str) -> None:
    scenario, log = _captured(tmp_path, name)
    result = CliRunner().invoke(app, ["replay", str(log), "--scenario", str(scenario), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["same"] is True and report["divergences"] == []
    assert report["exchanges"] >= 1 and report["sessions"] == 2


def test_the_log_yields_each_request_and_response_whole(tmp_path: Path) -> None:
    _, log = _captured(tmp_path, "stale-edit-sequence")
    exchanges = parse_qwclog(log.read_text())
    assert [e.session for e in exchanges] == [1, 2, 2]
    assert "<CustomerAddRq" in exchanges[0].request and exchanges[0].request.rstrip().endswith("</QBXML>")
    assert 'statusCode="3200"' in exchanges[1].response
    assert not any(e.request_cut or e.response_cut for e in exchanges)


def test_a_customer_quickbooks_that_answered_otherwise_is_named(tmp_path: Path) -> None:
    scenario, log = _captured(tmp_path, "single-user-mode")
    text = log.read_text()
    assert text.count("<Name>01-100</Name>") >= 1
    changed = tmp_path / "changed.txt"
    changed.write_text(
        text.replace(
            '<ItemServiceAddRs requestID="1" statusCode="0"',
            '<ItemServiceAddRs requestID="1" statusCode="3100"',
            1,
        )
    )
    result = CliRunner().invoke(
        app, ["replay", str(changed), "--scenario", str(scenario), "--against", "quickbooks"]
    )
    assert result.exit_code == 1, result.output
    assert (
        "DIVERGES exchange 1 (quickbooks): /QBXML/QBXMLMsgsRs[1]/ItemServiceAddRs[1]@statusCode: "
        "captured '3100', replayed '0'" in result.output
    )


def test_a_connector_that_asks_otherwise_is_named(tmp_path: Path) -> None:
    _, log = _captured(tmp_path, "single-user-mode")
    changed = tmp_path / "changed.txt"
    changed.write_text(log.read_text().replace("<Name>01-100</Name>", "<Name>01-101</Name>", 1))
    result = CliRunner().invoke(
        app,
        [
            "replay",
            str(changed),
            "--scenario",
            str(FILES / "single-user-mode.yaml"),
            "--against",
            "connector",
        ],
    )
    assert result.exit_code == 1, result.output
    assert (
        "DIVERGES exchange 1 (connector): "
        "/QBXML/QBXMLMsgsRq[1]/ItemServiceAddRq[1]/ItemServiceAdd[1]/Name[1]: "
        "captured '01-101', replayed '01-100'" in result.output
    )


def test_without_a_scenario_the_connector_has_no_work_and_says_so(tmp_path: Path) -> None:
    _, log = _captured(tmp_path, "cost-code-over-name-limit")
    result = CliRunner().invoke(app, ["replay", str(log)])
    assert result.exit_code == 1
    assert "note: no scenario given: the connector starts with no work" in result.output
    assert "the connector sent 0 of the 1 captured requests (no_work" in result.output
    assert "(quickbooks)" not in result.output  # a new file answers the captured request the same


def test_a_directory_of_request_response_pairs_replays_against_quickbooks(tmp_path: Path) -> None:
    _, log = _captured(tmp_path, "cost-code-over-name-limit")
    [exchange] = parse_qwclog(log.read_text())
    pairs = tmp_path / "pairs"
    pairs.mkdir()
    (pairs / "001-request.xml").write_text(exchange.request)
    (pairs / "001-response.xml").write_text(exchange.response)
    result = CliRunner().invoke(app, ["replay", str(pairs), "--against", "quickbooks"])
    assert result.exit_code == 0, result.output
    assert "the replay reproduces the captured exchange" in result.output
    (pairs / "002-request.xml").write_text(exchange.request)
    lonely = CliRunner().invoke(app, ["replay", str(pairs)])
    assert (lonely.exit_code, lonely.output.strip()) == (
        2,
        f"error: {pairs}: not a capture: 002-request.xml has no 002-response.xml beside it",
    )


def test_a_file_that_is_not_a_capture_is_one_line_and_exit_2(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("hello\n")
    result = CliRunner().invoke(app, ["replay", str(junk)])
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"error: {junk}: not a capture: no QWCLog.txt lines in it")
    bad = CliRunner().invoke(app, ["replay", str(junk), "--against", "everything"])
    assert (bad.exit_code, bad.output.strip()) == (
        2,
        "error: --against 'everything': choose quickbooks, connector or both",
    )


def test_documents_compare_by_structure_not_by_layout() -> None:
    assert first_difference("<A>\n  <B>1</B>\n</A>", "<A><B>1</B></A>") is None
    assert first_difference("<A><B>1</B></A>", "<A><B>2</B></A>") == ("/A/B[1]", "1", "2")
    assert first_difference("<A><B>1</B><C/></A>", "<A><B>1</B></A>") == ("/A/C[1]", "", "(absent)")
    assert first_difference("<A><B>1", "<A><B>1</B><C>2</C></A>", captured_cut=True) is None


def test_documents_the_log_cut_are_compared_as_far_as_it_shows(tmp_path: Path) -> None:
    request = '<?xml version="1.0" ?>\n<?qbxml version="13.0"?>\n<QBXML><QBXMLMsgsRq onError="stopOnError">'
    log = (
        "20240115.14:00:00 UTC\t: QBWebConnector.SOAPWebService.instantiateWebService() : "
        "Initiated connection to the following application.\n"
        "20240115.14:00:01 UTC\t: QBWebConnector.SOAPWebService.do_sendRequestXML() : Received from "
        f'sendRequestXML() following parameter:<sendRequestXMLRet="{request}<VendorAddRq>'
        '... [900 more characters]">\n'
        "20240115.14:00:02 UTC\t: QBWebConnector.SOAPWebService.do_receiveResponseXML() : *** Calling "
        'receiveResponseXML() with following parameters:<wcTicket="T">'
        '<response="<QBXML>... [50 more characters]">'
        '<hResult=""><message="">\n'
    )
    [exchange] = parse_qwclog(log)
    assert (exchange.request_cut, exchange.response_cut) == (True, True)
    assert exchange.request.endswith("<VendorAddRq>") and exchange.response == "<QBXML>"
    assert exchange.at is not None and exchange.at.isoformat() == "2024-01-15T14:00:01+00:00"
