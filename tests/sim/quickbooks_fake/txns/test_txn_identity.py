"""Transaction identity (TxnID, TxnNumber, TxnLineID, EditSequence) and what a transaction query accepts.

QuickBooks numbers every transaction of a company file from one counter whatever its type; a Mod
keeps TxnID and TxnNumber and gives a new EditSequence. Transaction queries have no list-only
filters (ActiveStatus, NameFilter …) in the XSD, and list queries no TxnDateRangeFilter: such a
document breaks the schema, so QuickBooks rejects the whole document with 0x80040400.
"""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from tests.sim.quickbooks_fake.helpers import request
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    ELECTRICAL,
    VENDOR,
    bill_add,
    bill_line,
    po_add,
    po_line,
    ref,
    ret,
    text,
)

PARSE_ERROR = "QuickBooks found an error when parsing the provided XML text stream."
CHECK_ADD = (
    "<CheckAddRq><CheckAdd>" + ref("AccountRef", "Checking") + ref("PayeeEntityRef", VENDOR)
    + "<ExpenseLineAdd>" + ref("AccountRef", "Job Expenses") + "<Amount>75.00</Amount></ExpenseLineAdd>"
    + "</CheckAdd></CheckAddRq>"
)


def test_txn_numbers_are_one_counter_across_types_and_ids_are_unique(run) -> None:
    po = ret(run(po_add(po_line(CONCRETE, "100") + po_line(ELECTRICAL, "50"))))
    bill = ret(run(bill_add(bill_line(CONCRETE, "100"))))
    check = ret(run(CHECK_ADD))
    assert [text(t, "TxnNumber") for t in (po, bill, check)] == ["1", "2", "3"]
    assert len({text(t, "TxnID") for t in (po, bill, check)}) == 3
    line_ids = [x.text for x in po.findall("PurchaseOrderLineRet/TxnLineID")]
    line_ids += [x.text for x in bill.findall("ItemLineRet/TxnLineID")]
    assert len(set(line_ids)) == 3


def _counter(txn_id: str) -> int:
    return int(txn_id.split("-")[0], 16)


def test_txn_line_ids_share_the_transaction_id_sequence(run, company) -> None:
    # real files: lines come from the TxnID sequence, the first line of a transaction is TxnID + 2,
    # so a TxnLineID never equals a TxnID (own counters made line "2-…" collide with the second TxnID)
    po = ret(run(po_add(po_line(CONCRETE, "100") + po_line(ELECTRICAL, "50"))))
    bill = ret(run(bill_add(bill_line(CONCRETE, "100"))))
    po_id, bill_id = _counter(text(po, "TxnID")), _counter(text(bill, "TxnID"))
    po_lines = [_counter(x.text) for x in po.findall("PurchaseOrderLineRet/TxnLineID")]
    assert po_lines == [po_id + 2, po_id + 3]
    assert bill_id == po_id + 4
    assert [_counter(x.text) for x in bill.findall("ItemLineRet/TxnLineID")] == [bill_id + 2]
    epoch = text(po, "TxnID").split("-")[1]
    assert all(x.text.endswith(f"-{epoch}") for x in po.findall("PurchaseOrderLineRet/TxnLineID"))
    ids = {text(po, "TxnID"), text(bill, "TxnID")}
    assert not ids & ({x.text for x in po.iter("TxnLineID")} | {x.text for x in bill.iter("TxnLineID")})


def test_a_mod_keeps_txn_id_and_number_and_moves_the_edit_sequence(run, company) -> None:
    po = ret(run(po_add(po_line(CONCRETE, "100"))))
    company.clock.advance(300)
    modded = ret(
        run(
            "<PurchaseOrderModRq><PurchaseOrderMod>"
            f"<TxnID>{text(po, 'TxnID')}</TxnID><EditSequence>{text(po, 'EditSequence')}</EditSequence>"
            "<Memo>approved</Memo></PurchaseOrderMod></PurchaseOrderModRq>"
        )
    )
    assert (text(modded, "TxnID"), text(modded, "TxnNumber")) == (text(po, "TxnID"), "1")
    assert text(modded, "EditSequence") != text(po, "EditSequence")
    assert text(modded, "TimeCreated") == text(po, "TimeCreated")
    assert text(modded, "TimeModified") > text(po, "TimeModified")


@pytest.mark.parametrize(
    "body",
    [
        "<PurchaseOrderQueryRq><ActiveStatus>All</ActiveStatus></PurchaseOrderQueryRq>",
        "<BillQueryRq><NameFilter><MatchCriterion>StartsWith</MatchCriterion><Name>A</Name></NameFilter>"
        "</BillQueryRq>",
        "<VendorQueryRq><TxnDateRangeFilter><FromTxnDate>2024-01-01</FromTxnDate></TxnDateRangeFilter>"
        "</VendorQueryRq>",
    ],
)
def test_filters_of_the_other_family_break_the_schema(company: CompanyFile, body: str) -> None:
    with pytest.raises(QBXMLError) as caught:
        company.process_request(request(body))
    assert (caught.value.hresult, caught.value.message) == ("0x80040400", PARSE_ERROR)
