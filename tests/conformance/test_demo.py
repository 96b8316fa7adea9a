"""``conformance.demo``: what ``qbsim run`` prints comes from a real run of the whole integration, and a
workflow that does not end as the seeds say fails the run."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from conformance import demo
from conformance.procore_stack import ProcoreStack
from qbsim.cli import app


def test_every_workflow_ends_as_the_seeds_say() -> None:
    report = demo.run_procore_demo()
    lines = report.lines()
    assert report.ok, "\n".join(lines)
    assert [w.title.split(" (")[0] for w in report.workflows] == [
        "Standard cost codes → QuickBooks Service items",
        "Project → QuickBooks customer",
        "Company → QuickBooks vendor",
        "Commitment → QuickBooks purchase order",
        "Set Up and Export a Budget → QuickBooks estimate",
        "Update and Export a Budget → new lines on the same estimate",
        "Commitment change orders → new lines on the QuickBooks purchase order",
        "Subcontractor invoice → QuickBooks bill against the PO",
        "QuickBooks bill payment → Procore's Payments Issued",
        "QuickBooks job costs → Procore, on demand",
        "A name QuickBooks already uses: Failed to Export, fixed, resent",
        "QuickBooks vendors and jobs → Procore's Ready to Import",
    ]
    assert "    qbXML document 1: 8 x ItemServiceAddRq" in lines
    assert "    progress (receiveResponseXML): 100%" in lines
    assert any(
        line.startswith("    03-300   Cast-in-Place Concrete") and line.endswith("Procore: Synced")
        for line in lines
    )
    assert any(
        'QuickBooks Desktop error 3100: The name "Summit Steel" of the list element is already in use.'
        in line
        for line in lines
    )
    assert "    new estimate line 03-300       -7500.00" in lines
    assert any(line.startswith("    Payments Issued: check 2024-03-01 invoice GRM-101 check 5001 23400")
               for line in lines)
    assert lines[-1] == "12 of 12 workflows ended as the seeds say"


def test_a_workflow_that_does_not_end_as_the_seeds_say_fails_qbsim_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(stack: ProcoreStack) -> demo.Workflow:
        workflow = demo.Workflow("A workflow whose check fails")
        workflow.check(False, "something the seeds promise")
        return workflow

    monkeypatch.setattr(demo, "WORKFLOWS", (*demo.WORKFLOWS[:1], broken))
    result = CliRunner().invoke(app, ["run"], env={"COLUMNS": "200"})
    assert result.exit_code == 1, result.output
    assert "  FAIL something the seeds promise" in result.output
    assert result.output.rstrip().endswith(
        "error: 1 workflow(s) did not end as the seeds say: A workflow whose check fails"
    )
