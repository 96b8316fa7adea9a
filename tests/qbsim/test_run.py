"""`qbsim run`: the whole stack end to end, then the accountant's work, then the failure exchange."""

from __future__ import annotations

from typer.testing import CliRunner

from qbsim.cli import app


def test_cli_run_prints_the_report() -> None:
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # the whole stack: the Web Connector ran an update against the connector and QuickBooks
    assert "Web Connector update: completed" in result.output
    assert "8 x ItemServiceAddRq" in result.output
    # the accountant's transactions and the job-cost report
    assert "JobReportQuery: Job Estimates vs. Actuals Detail" in result.output
    assert "retainage -3,000.00" in result.output
    # the failures, with QuickBooks' own codes
    assert "0x80040400" in result.output
    assert "3200" in result.output


def test_every_party_has_its_subcommand() -> None:
    runner = CliRunner()
    for sub, expected in (("quickbooks", "serve"), ("connector", "qwc"), ("procore", "serve"),
                          ("webconnector", "--password")):
        result = runner.invoke(app, [sub, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert expected in result.output


def test_qbsim_qwc_is_the_connectors_qwc_command(tmp_path) -> None:
    """Issue 3 names the command `qbsim qwc …`; it writes the same file as `qbsim connector qwc …`."""
    args = ["--app-url", "https://sync.example.com/qbwc", "--username", "acme", "--run-every-minutes", "60"]
    runner = CliRunner()
    short, long = tmp_path / "short.qwc", tmp_path / "long.qwc"
    assert runner.invoke(app, ["qwc", *args, "-o", str(short)]).exit_code == 0
    assert runner.invoke(app, ["connector", "qwc", *args, "-o", str(long)]).exit_code == 0
    assert short.read_text() == long.read_text()
    assert "<UserName>acme</UserName>" in short.read_text()
    refused = runner.invoke(app, ["qwc", "--app-url", "http://127.0.0.1/qbwc", "--username", "acme"])
    assert refused.exit_code == 2
    assert "QBWC1001" in refused.output
