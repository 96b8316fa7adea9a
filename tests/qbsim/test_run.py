"""`qbsim run`: the whole stack end to end, then the accountant's work, then the failure exchange."""

from __future__ import annotations

import re
from decimal import Decimal

from typer.testing import CliRunner

from qbsim.cli import app

TXN_RULE = "2. The accountant in QuickBooks"
FAILURE_RULE = "3. What QuickBooks answers"


def _section(output: str, start: str, end: str) -> list[str]:
    lines = output.splitlines()
    first = next(i for i, line in enumerate(lines) if start in line)
    last = next(i for i, line in enumerate(lines) if end in line)
    return [line.rstrip() for line in lines[first + 1 : last]]


def _job_cost_rows(lines: list[str]) -> dict[str, tuple[Decimal, Decimal]]:
    """The job-cost report rows the demo prints: label -> (Est. Cost, Act. Cost)."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for line in lines:
        found = re.fullmatch(r"\s+(.+?)\s+Est\. Cost\s+(-?[\d.]+)\s+Act\. Cost\s+(-?[\d.]+)", line)
        if found:
            out[found[1]] = (Decimal(found[2]), Decimal(found[3]))
    return out


def test_cli_run_prints_the_report(validated_responses: list[str]) -> None:
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    # the whole stack: the Web Connector ran an update against the connector and QuickBooks
    assert "Web Connector update: completed" in result.output
    assert "8 x ItemServiceAddRq" in result.output
    # the failures, with QuickBooks' own codes
    failures = result.output[result.output.index(FAILURE_RULE) :]
    assert "0x80040400" in failures
    assert "ItemServiceModRs 3200 Error" in failures
    # every qbXML response of the run (stack, transactions, failures) was valid against the XSD
    answered = "".join(validated_responses)
    for rs in ("PurchaseOrderModRs", "BillAddRs", "BillPaymentCheckQueryRs", "JobReportQueryRs"):
        assert f"<{rs} " in answered, rs


def test_cli_run_shows_po_change_order_bill_with_retainage_payment_and_job_costs() -> None:
    """The README's promise for section 2, checked figure by figure (seed 001 data mapping)."""
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    lines = _section(result.output, TXN_RULE, FAILURE_RULE)
    text = "\n".join(lines)
    assert "PurchaseOrderAdd (commitment) SC-1001 to Rockridge Concrete Inc: total 100,000.00" in text
    assert "PurchaseOrderMod (change order CCO-01): 2 lines, total 108,500.00" in text
    assert (
        "BillAdd (subcontractor invoice) PC-01 linked to SC-1001: work 30,000.00, retainage -3,000.00 "
        "-> AmountDue 27,000.00, IsPaid false"
    ) in text
    assert "accountant: Pay Bills -> check 1001 for 27,000.00 (Checking)" in text
    assert re.search(
        r"BillPaymentCheckQuery: check 1001 \d{4}-\d\d-\d\d 27,000.00 applied to bill PC-01 \(balance 0.00\)",
        text,
    )
    assert "JobReportQuery: Job Estimates vs. Actuals Detail (All Transactions)" in text
    rows = _job_cost_rows(lines)
    assert rows["03-300 Concrete"] == (Decimal("120000.00"), Decimal("30000.00"))
    assert rows["31-000 Earthwork"] == (Decimal("30000.00"), Decimal("0.00"))
    assert rows["Retention"] == (Decimal("0.00"), Decimal("-3000.00"))
    # the report adds up: the item rows make the section, the job and the grand total
    items = [rows[k] for k in ("03-300 Concrete", "31-000 Earthwork", "Retention")]
    summed = (sum(e for e, _ in items), sum(a for _, a in items))
    for total in ("Total Service", "Total Harbor View Clinic:Phase 1", "TOTAL"):
        assert rows[total] == summed == (Decimal("150000.00"), Decimal("27000.00"))
    # Commitment Invoiced (custom transaction detail): the bill line received against the PO only
    assert lines[-1].startswith("CustomDetailReportQuery: Commitment Invoiced on 03-300 Concrete = 30,000.00")


def test_every_party_has_its_subcommand() -> None:
    runner = CliRunner()
    for sub, expected in (("quickbooks", "serve"), ("connector", "qwc"), ("procore", "serve"),
                          ("webconnector", "--password")):
        result = runner.invoke(app, [sub, "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert expected in result.output


def test_qbsim_qwc_is_the_connectors_qwc_command(tmp_path) -> None:
    """`qbsim qwc …` writes the same file as `qbsim connector qwc …`."""
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
