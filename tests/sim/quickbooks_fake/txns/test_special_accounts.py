"""The special accounts a form uses without being told: A/P on a bill, the bank account of Pay Bills.

QuickBooks creates an Accounts Payable account by itself the first time a bill is entered in a file
that has none; it never invents a bank account (a payment without one is refused, 3180 with the
fake's wording — the real text is not in our sources).
"""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.errors import StatusError
from sim.quickbooks_fake.txns.bill_payment import pay_bills
from tests.sim.quickbooks_fake.helpers import request, rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    JOB,
    REF_TAIL,
    VENDOR,
    bill_add,
    bill_line,
    payment_add,
    ref,
    ret,
    text,
)


def delete_accounts(company: CompanyFile, account_type: str) -> None:
    for account in company.list_records("Account"):
        if account["AccountType"] == account_type:
            company.process_request(
                request(f"<ListDelRq><ListDelType>Account</ListDelType><ListID>{account['ListID']}</ListID>"
                        "</ListDelRq>")
            )
    assert all(a["AccountType"] != account_type for a in company.list_records("Account"))


def test_a_bill_in_a_file_without_accounts_payable_creates_it(run, company) -> None:
    delete_accounts(company, "AccountsPayable")
    bill = ret(run(bill_add(bill_line(CONCRETE, "10.00"))))
    assert text(bill, "APAccountRef/FullName") == "Accounts Payable"
    created = [a for a in company.list_records("Account") if a["AccountType"] == "AccountsPayable"]
    assert [a["FullName"] for a in created] == ["Accounts Payable"]
    ret(run(bill_add(bill_line(CONCRETE, "5.00"), ref_number="INV-2")))  # reuses it, creates no other
    assert len([a for a in company.list_records("Account") if a["AccountType"] == "AccountsPayable"]) == 1


def test_paying_a_bill_in_a_file_without_a_bank_account_is_refused(company) -> None:
    bill = company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "100.00", "job": JOB}],
                                 ref_number="INV-1")
    delete_accounts(company, "Bank")
    with pytest.raises(StatusError) as caught:  # Pay Bills names "Checking", which is gone
        company.ui.pay_bill("INV-1")
    assert (caught.value.code, caught.value.message) == (
        3140,
        'There is an invalid reference to QuickBooks Account "Checking" in the BillPaymentCheck.  '
        + REF_TAIL,
    )
    with pytest.raises(StatusError) as caught:  # no account named: the file's first bank account
        pay_bills(company, bill["VendorRef"], [(bill["TxnID"], None)])
    assert (caught.value.code, caught.value.message) == (
        3180,
        "There was an error when saving a transaction. QuickBooks error message: "
        "The company file has no Bank account to use.",
    )
    assert company.list_records("BillPaymentCheck") == []


NOT_A_BANK = 'QuickBooks error message: The account "Job Expenses" is not a bank account.'


def test_checks_and_bill_payments_are_drawn_on_a_bank_account_only(run, company) -> None:
    bill = company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "100.00", "job": JOB}],
                                 ref_number="INV-1")
    check = run(
        "<CheckAddRq><CheckAdd>" + ref("AccountRef", "Job Expenses") + "<ExpenseLineAdd>"
        + ref("AccountRef", "Job Expenses") + "<Amount>5.00</Amount></ExpenseLineAdd></CheckAdd></CheckAddRq>"
    )
    assert status(rs(check)) == ("3180", "Error", f"There was an error when saving a Check. {NOT_A_BANK}")
    payment = run(payment_add(bill["TxnID"], "5.00", bank="Job Expenses"))
    assert status(rs(payment)) == (
        "3180", "Error", f"There was an error when saving a Bill Pmt -Check. {NOT_A_BANK}"
    )
    assert company.list_records("Check") == [] and company.list_records("BillPaymentCheck") == []
