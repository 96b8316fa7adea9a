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
