"""Vendor and customer balances follow the file's transactions (bills, payments, A/P and A/R journal
lines), in every Ret and in TotalBalanceFilter."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    JOB,
    VENDOR,
    bill_add,
    bill_line,
    payment_add,
    text,
)

OK = ("0", "Info", "Status OK")
NO_MATCH = ("1", "Info", "A query request did not find a matching object in QuickBooks")


def vendor_balance(run, name: str = VENDOR) -> str:
    el = rs(run(f"<VendorQueryRq><FullName>{name}</FullName></VendorQueryRq>"))
    return text(el.find("VendorRet"), "Balance")


def owing_vendors(run, amount: str = "0") -> tuple[tuple[str, str, str], list[str]]:
    el = rs(run("<VendorQueryRq><TotalBalanceFilter><Operator>GreaterThan</Operator>"
                f"<Amount>{amount}</Amount></TotalBalanceFilter></VendorQueryRq>"))
    return status(el), [v.findtext("Name") for v in el]


def test_a_bill_a_partial_and_a_full_payment_move_the_vendor_balance(run, company) -> None:
    assert (vendor_balance(run), owing_vendors(run)) == ("0.00", (NO_MATCH, []))
    bill = rs(run(bill_add(bill_line(CONCRETE, "400")))).find("BillRet")
    assert (vendor_balance(run), owing_vendors(run, "399.99")) == ("400.00", (OK, [VENDOR]))
    run(payment_add(text(bill, "TxnID"), "150.00"))
    assert (vendor_balance(run), owing_vendors(run, "250")) == ("250.00", (NO_MATCH, []))
    assert owing_vendors(run, "249.99") == (OK, [VENDOR])
    run(payment_add(text(bill, "TxnID"), "250.00", check_number="1002"))
    assert (vendor_balance(run), owing_vendors(run)) == ("0.00", (NO_MATCH, []))
    vendor = next(v for v in company.list_records("Vendor") if v["Name"] == VENDOR)
    assert vendor["Balance"] == "0.00"


def test_the_opening_balance_and_a_deleted_bill(run, company) -> None:
    added = rs(run("<VendorAddRq><VendorAdd><Name>Steel Co</Name><OpenBalance>100</OpenBalance>"
                   "</VendorAdd></VendorAddRq>")).find("VendorRet")
    assert text(added, "Balance") == "100.00"
    bill = rs(run(bill_add(bill_line(CONCRETE, "400"), vendor="Steel Co"))).find("BillRet")
    assert vendor_balance(run, "Steel Co") == "500.00"
    modded = rs(run(f"<VendorModRq><VendorMod><ListID>{text(added, 'ListID')}</ListID><EditSequence>"
                    f"{text(added, 'EditSequence')}</EditSequence><CompanyName>Steel Co Inc</CompanyName>"
                    "</VendorMod></VendorModRq>")).find("VendorRet")
    assert text(modded, "Balance") == "500.00"
    run(f"<TxnDelRq><TxnDelType>Bill</TxnDelType><TxnID>{text(bill, 'TxnID')}</TxnID></TxnDelRq>")
    assert vendor_balance(run, "Steel Co") == "100.00"


def test_a_stale_mod_carries_the_current_balance(run) -> None:
    run(bill_add(bill_line(CONCRETE, "400")))
    vendor = rs(run(f"<VendorQueryRq><FullName>{VENDOR}</FullName></VendorQueryRq>")).find("VendorRet")
    el = rs(run(f"<VendorModRq><VendorMod><ListID>{text(vendor, 'ListID')}</ListID><EditSequence>1"
                "</EditSequence></VendorMod></VendorModRq>"))
    assert status(el) == ("3200", "Error", 'The provided edit sequence "1" is out-of-date. ')
    assert text(el.find("VendorRet"), "Balance") == "400.00"


def test_jobs_roll_up_into_the_customer_total_balance(run, company) -> None:
    company.ui.make_journal_entry([
        {"account": "Accounts Receivable", "debit": "300.00", "name": JOB},
        {"account": "Construction Income", "credit": "300.00"},
    ])
    el = rs(run("<CustomerQueryRq><FullName>Smith Residence</FullName><FullName>" + JOB
                + "</FullName></CustomerQueryRq>"))
    got = [(c.findtext("FullName"), c.findtext("Balance"), c.findtext("TotalBalance")) for c in el]
    assert got == [("Smith Residence", "0.00", "300.00"), (JOB, "300.00", "300.00")]
    owing = rs(run("<CustomerQueryRq><TotalBalanceFilter><Operator>GreaterThanEqual</Operator>"
                   "<Amount>300</Amount></TotalBalanceFilter></CustomerQueryRq>"))
    assert [c.findtext("FullName") for c in owing] == ["Smith Residence", JOB]


def test_an_ap_journal_line_naming_a_vendor_moves_its_balance(run, company) -> None:
    company.ui.make_journal_entry([
        {"account": "Job Expenses:Job Materials", "debit": "75.00"},
        {"account": "Accounts Payable", "credit": "75.00", "name": VENDOR},
    ])
    assert vendor_balance(run) == "75.00"
