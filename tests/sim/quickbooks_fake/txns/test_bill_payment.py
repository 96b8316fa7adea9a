"""Bill payments: ui.pay_bill, BillPaymentCheckAdd/Query, partial payments, overpayment, Canada."""

from __future__ import annotations

from decimal import Decimal

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    JOB,
    OTHER_VENDOR,
    RETENTION,
    VENDOR,
    money,
    payment_add,
    ret,
    set_up,
    text,
)


def enter_bill(company: CompanyFile, ref_number: str = "INV-1", vendor: str = VENDOR) -> dict:
    return company.ui.enter_bill(
        vendor,
        [{"item": CONCRETE, "amount": "1000.00", "job": JOB}],
        retainage={"item": RETENTION, "amount": "-100.00", "job": JOB},
        ref_number=ref_number,
        date="2024-01-20",
    )


def test_partial_then_final_payment(company, run) -> None:
    bill = enter_bill(company)
    company.advance_clock(3600)
    pay = company.ui.pay_bill(
        "INV-1", amount="400.00", check_number="1001", date="2024-02-01", memo="progress"
    )
    assert pay["Amount"] == "400.00" and pay["RefNumber"] == "1001" and pay["Memo"] == "progress"
    assert pay["PayeeEntityRef"]["FullName"] == VENDOR and pay["BankAccountRef"]["FullName"] == "Checking"
    applied = pay["AppliedToTxnRet"][0]
    assert (
        applied["TxnID"],
        applied["TxnType"],
        applied["RefNumber"],
        applied["BalanceRemaining"],
        applied["Amount"],
    ) == (bill["TxnID"], "Bill", "INV-1", "500.00", "400.00")
    after = ret(
        run(
            f"<BillQueryRq><TxnID>{bill['TxnID']}</TxnID><IncludeLinkedTxns>true</IncludeLinkedTxns>"
            "</BillQueryRq>"
        )
    )
    assert (text(after, "OpenAmount"), text(after, "IsPaid"), text(after, "AmountDue")) == (
        "500.00",
        "false",
        "900.00",
    )
    assert text(after, "EditSequence") != bill["EditSequence"]  # the bill's paid status changed
    link = after.find("LinkedTxn")
    assert (text(link, "TxnType"), text(link, "LinkType"), text(link, "Amount")) == (
        "BillPaymentCheck",
        "AMTTYPE",
        "-400.00",
    )
    final = company.ui.pay_bill("INV-1", check_number="1002")
    assert final["Amount"] == "500.00" and final["AppliedToTxnRet"][0]["BalanceRemaining"] == "0.00"
    paid = ret(run(f"<BillQueryRq><TxnID>{bill['TxnID']}</TxnID></BillQueryRq>"))
    assert (text(paid, "OpenAmount"), text(paid, "IsPaid")) == ("0.00", "true")


def test_overpayment_is_3210_info_and_writes_nothing(company, run) -> None:
    bill = enter_bill(company)
    el = rs(run(payment_add(bill["TxnID"], "900.01", check_number="1003")))
    assert status(el) == (
        "3210",
        "Info",
        'The "AppliedToTxnAdd payment amount" field has an invalid value '
        '"900.01".  QuickBooks error message: You cannot pay more than the '
        "amount due.",
    )
    assert len(el) == 0
    assert company.list_records("BillPaymentCheck") == []


def test_bill_payment_check_add_over_qbxml(company, run) -> None:
    bill = enter_bill(company)
    pay = ret(run(payment_add(bill["TxnID"], "900.00", check_number="1004", date="2024-02-02", memo="Jan")))
    assert (text(pay, "Amount"), text(pay, "RefNumber"), text(pay, "TxnDate")) == (
        "900.00",
        "1004",
        "2024-02-02",
    )
    assert money(pay, "AppliedToTxnRet/BalanceRemaining") == Decimal("0")


def test_paying_another_vendors_bill_is_refused(company, run) -> None:
    bill = enter_bill(company)
    el = rs(run(payment_add(bill["TxnID"], "1.00", vendor=OTHER_VENDOR, check_number="9")))
    assert status(el) == (
        "3180",
        "Error",
        "There was an error when saving a Bill Pmt -Check. QuickBooks error "
        f'message: The bill "{bill["TxnID"]}" is not from this payee.',
    )


def test_query_by_modified_date_and_entity(company, run) -> None:
    enter_bill(company, "INV-1")
    company.ui.enter_bill(OTHER_VENDOR, [{"item": CONCRETE, "amount": "50", "job": JOB}], ref_number="E-1")
    company.ui.pay_bill("INV-1", amount="100", check_number="2001")
    company.advance_clock(86400 * 2)
    company.ui.pay_bill("E-1", check_number="2002")

    def refs(body: str) -> list[str]:
        return [
            text(r, "RefNumber")
            for r in rs(run(f"<BillPaymentCheckQueryRq>{body}</BillPaymentCheckQueryRq>"))
        ]

    assert refs("") == ["2001", "2002"]
    assert refs(
        "<ModifiedDateRangeFilter><FromModifiedDate>2024-01-16</FromModifiedDate></ModifiedDateRangeFilter>"
    ) == ["2002"]
    assert refs(
        "<ModifiedDateRangeFilter><FromModifiedDate>2024-01-15T08:00:00-05:00</FromModifiedDate>"
        "<ToModifiedDate>2024-01-15T10:00:00-05:00</ToModifiedDate></ModifiedDateRangeFilter>"
    ) == ["2001"]
    assert refs("<EntityFilter><FullName>Acme Concrete</FullName></EntityFilter>") == ["2001"]
    assert refs("<AccountFilter><FullName>Checking</FullName></AccountFilter>") == ["2001", "2002"]


def test_deleting_a_payment_reopens_the_bill(company) -> None:
    enter_bill(company)
    pay = company.ui.pay_bill("INV-1")
    assert company.ui.find_transaction("Bill", "INV-1")["IsPaid"] == "true"
    company.ui.delete_bill_payment(pay["TxnID"])
    bill = company.ui.find_transaction("Bill", "INV-1")
    assert (bill["IsPaid"], bill["OpenAmount"]) == ("false", "900.00")
    assert "LinkedTxn" not in bill


def test_canadian_file_records_and_answers_bill_payments_like_a_us_file(run) -> None:
    """Seed 001: payment import is US-only — a Procore limitation. QuickBooks Canada still writes the
    cheque and answers BillPaymentCheckQuery, so the connector must check the edition itself."""
    ca = set_up(CompanyFile.create(country="CA"))
    enter_bill(ca)
    ca.ui.pay_bill("INV-1", amount="900.00", check_number="501")
    for version in ("13.0", "CA3.0"):
        el = rs(run("<BillPaymentCheckQueryRq/>", version=version, target=ca))
        assert status(el)[0] == "0"
        assert [text(r, "RefNumber") for r in el] == ["501"]
    # what the connector must read to know it should not import payments: the host's country
    for target, country in ((ca, "CA"), (set_up(CompanyFile.create()), "US")):
        host = rs(run("<HostQueryRq/>", target=target))
        assert text(host, "HostRet/Country") == country


def test_bill_edited_below_what_was_paid_is_simply_paid(company) -> None:
    enter_bill(company)
    company.ui.pay_bill("INV-1", amount="800.00")
    bill = company.ui.find_transaction("Bill", "INV-1")
    concrete = bill["ItemLineRet"][0]["TxnLineID"]
    edited = company.ui.edit_bill(
        "INV-1", remove_line_ids=[concrete], add_lines=[{"item": CONCRETE, "amount": "500.00", "job": JOB}]
    )
    assert (edited["AmountDue"], edited["OpenAmount"], edited["IsPaid"]) == ("400.00", "0.00", "true")
