"""Checks (direct costs, expenses) and journal entries."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, JOB, VENDOR, ret, text


def test_check_add_with_item_and_expense_lines(run) -> None:
    chk = ret(
        run(
            "<CheckAddRq><CheckAdd><AccountRef><FullName>Checking</FullName></AccountRef><PayeeEntityRef>"
            f"<FullName>{VENDOR}</FullName></PayeeEntityRef><RefNumber>3001</RefNumber><TxnDate>2024-01-22"
            "</TxnDate><ExpenseLineAdd><AccountRef><FullName>Office Supplies</FullName></AccountRef>"
            "<Amount>25.50</Amount></ExpenseLineAdd><ItemLineAdd><ItemRef><FullName>"
            f"{CONCRETE}</FullName></ItemRef><Quantity>2</Quantity><Cost>100</Cost><CustomerRef><FullName>{JOB}"
            "</FullName></CustomerRef></ItemLineAdd></CheckAdd></CheckAddRq>"
        )
    )
    assert (text(chk, "Amount"), text(chk, "RefNumber"), text(chk, "AccountRef/FullName")) == (
        "225.50",
        "3001",
        "Checking",
    )
    assert text(chk, "ItemLineRet/Amount") == "200.00"
    q = rs(
        run(
            f"<CheckQueryRq><EntityFilter><FullName>{JOB}</FullName></EntityFilter>"
            "<IncludeLineItems>true</IncludeLineItems></CheckQueryRq>"
        )
    )
    assert [text(r, "RefNumber") for r in q] == ["3001"]


def test_write_check_ui(company, run) -> None:
    chk = company.ui.write_check(
        VENDOR,
        items=[{"item": CONCRETE, "amount": "75", "job": JOB}],
        expenses=[{"account": "Office Supplies", "amount": "10"}],
        number="3002",
    )
    assert chk["Amount"] == "85.00"
    assert [text(r, "RefNumber") for r in rs(run("<CheckQueryRq/>"))] == ["3002"]


def je(debit: str, credit: str) -> str:
    return (
        "<JournalEntryAddRq><JournalEntryAdd><TxnDate>2024-01-31</TxnDate><RefNumber>GJ-1</RefNumber>"
        "<JournalDebitLine><AccountRef><FullName>Job Expenses:Job Materials</FullName></AccountRef>"
        f"<Amount>{debit}</Amount><EntityRef><FullName>{JOB}</FullName></EntityRef></JournalDebitLine>"
        "<JournalCreditLine><AccountRef><FullName>Checking</FullName></AccountRef>"
        f"<Amount>{credit}</Amount></JournalCreditLine></JournalEntryAdd></JournalEntryAddRq>"
    )


def test_journal_entry_balanced_and_queried(run) -> None:
    entry = ret(run(je("300.00", "300.00")))
    assert text(entry, "JournalDebitLine/EntityRef/FullName") == JOB
    assert text(entry, "JournalCreditLine/Amount") == "300.00"
    q = rs(
        run(
            "<JournalEntryQueryRq><AccountFilter><FullName>Checking</FullName></AccountFilter>"
            "<IncludeLineItems>true</IncludeLineItems></JournalEntryQueryRq>"
        )
    )
    assert [text(r, "RefNumber") for r in q] == ["GJ-1"]


def test_unbalanced_journal_entry_is_refused(run, company) -> None:
    el = rs(run(je("300.00", "299.99")))
    assert status(el) == (
        "3180",
        "Error",
        "There was an error when saving a General Journal. QuickBooks error "
        "message: Transaction not in balance.",
    )
    assert company.list_records("JournalEntry") == []


def test_make_journal_entry_ui(company) -> None:
    entry = company.ui.make_journal_entry(
        [
            {"account": "Job Expenses:Job Materials", "debit": "40.00", "name": JOB, "memo": "reclass"},
            {"account": "Job Expenses:Subcontractors", "credit": "40.00", "name": JOB},
        ],
        ref_number="GJ-2",
    )
    assert entry["JournalDebitLine"][0]["Memo"] == "reclass"
    assert entry["JournalCreditLine"][0]["Amount"] == "40.00"
