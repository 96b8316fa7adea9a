"""``conformance.demo.run_stack_demo``: the lines ``qbsim run`` prints come from a real run."""

from __future__ import annotations

from conformance.demo import run_stack_demo


def test_demo_reports_the_whole_run() -> None:
    lines = run_stack_demo()
    text = "\n".join(lines)
    assert lines[0].startswith("QuickBooks: QuickBooks Premier Contractor Edition 2024, company file C:\\")
    assert "Web Connector update: completed — OK: 10 done, 0 failed, 0 left for the next update." in lines
    first = '  qbXML document 1: 8 x ItemServiceAddRq, 1 x VendorQueryRq iterator="Start", 1 x Customer'
    assert first + 'QueryRq iterator="Start"' in lines
    third = '  qbXML document 3: 1 x VendorQueryRq iterator="Continue", 1 x CustomerQueryRq'
    assert third + ' iterator="Continue"' in lines
    assert "  progress (receiveResponseXML): 80%, 80%, 100%" in lines
    assert "Cost codes exported as Service items: 8" in lines
    assert "Vendors staged for import into Procore: 5" in lines
    assert "Jobs staged ('Customers = Jobs'): 2 importable, 4 skipped" in lines
    tail_start = lines.index("QWCLog.txt (last 8 lines):")
    assert len(lines) - tail_start - 1 == 8
    assert "setUpdateLock" in lines[-1]
    assert "03-300   Cast-in-Place Concrete" in text
