"""The scripted transaction exchange the README's run command shows."""

from __future__ import annotations

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.demo_txns import run_transactions_demo
from tests.sim.quickbooks_fake.helpers import check


def test_demo_shows_po_change_order_bill_payment_and_job_costs(monkeypatch) -> None:
    company = CompanyFile.create()
    answered: list[str] = []
    real = company.process_request

    def validated(qbxml: str, ticket: str | None = None) -> str:
        text = real(qbxml, ticket)
        check(text)  # every response the demo shows is valid against the 13.0 XSD
        answered.append(text)
        return text

    monkeypatch.setattr(company, "process_request", validated)
    lines = run_transactions_demo(company)
    assert len(answered) == 7  # Estimate, PO, change order, bill, payment query, two reports
    text = "\n".join(lines)
    assert "PurchaseOrderAdd (commitment) SC-1001 to Rockridge Concrete Inc: total 100,000.00" in text
    assert "PurchaseOrderMod (change order CCO-01): 2 lines, total 108,500.00" in text
    assert "AmountDue 27,000.00" in text
    assert "BillPaymentCheckQuery: check 1001" in text and "(balance 0.00)" in text
    assert any(line.strip().startswith("03-300 Concrete") and line.endswith("30000.00") for line in lines)
    assert lines[-1].startswith("CustomDetailReportQuery: Commitment Invoiced on 03-300 Concrete = 30,000.00")
    bill = company.ui.find_transaction("Bill", "PC-01")
    assert (bill["IsPaid"], bill["OpenAmount"]) == ("true", "0.00")


def test_demo_runs_on_a_file_that_already_has_its_names(company) -> None:
    run_transactions_demo(company)
    again = run_transactions_demo(company)
    assert again[-1].startswith("CustomDetailReportQuery: Commitment Invoiced")
    assert len(company.list_records("PurchaseOrder")) == 2
