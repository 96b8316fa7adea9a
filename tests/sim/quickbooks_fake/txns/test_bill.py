"""BillAdd/Mod/Query: subcontractor invoices with retainage, PO links and receipts, errors, filters."""

from __future__ import annotations

from decimal import Decimal

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    ELECTRICAL,
    JOB,
    OTHER_VENDOR,
    RETENTION,
    VENDOR,
    bill_add,
    bill_line,
    money,
    po_add,
    po_line,
    ret,
    text,
)


def make_po(run) -> tuple[str, list[str]]:
    po = ret(run(po_add(po_line(CONCRETE, qty="2", rate="5000") + po_line(ELECTRICAL, "4000"))))
    return text(po, "TxnID"), [x.text for x in po.findall("PurchaseOrderLineRet/TxnLineID")]


def po_ret(run, txn_id: str):
    q = run(
        f"<PurchaseOrderQueryRq><TxnID>{txn_id}</TxnID><IncludeLineItems>true</IncludeLineItems>"
        "<IncludeLinkedTxns>true</IncludeLinkedTxns></PurchaseOrderQueryRq>"
    )
    return ret(q)


def test_bill_with_retainage_linked_to_po_line(run) -> None:
    po_id, lines = make_po(run)
    bill = ret(
        run(
            bill_add(
                bill_line(CONCRETE, qty="1", cost="5000", link=(po_id, lines[0]))
                + bill_line(RETENTION, "-500.00")
            )
        )
    )
    assert text(bill, "VendorRef/FullName") == VENDOR
    assert (text(bill, "TxnDate"), text(bill, "DueDate")) == (
        "2024-01-20",
        "2024-01-30",
    )  # 10 days: preference
    assert text(bill, "APAccountRef/FullName") == "Accounts Payable"
    assert money(bill, "AmountDue") == Decimal("4500.00") and text(bill, "OpenAmount") == "4500.00"
    assert text(bill, "IsPaid") == "false"
    item_lines = bill.findall("ItemLineRet")
    assert [text(x, "Amount") for x in item_lines] == ["5000.00", "-500.00"]
    assert [text(x, "CustomerRef/FullName") for x in item_lines] == [JOB, JOB]
    link = bill.find("LinkedTxn")
    assert (
        text(link, "TxnID"),
        text(link, "TxnType"),
        text(link, "RefNumber"),
        text(link, "LinkType"),
        text(link, "Amount"),
    ) == (po_id, "PurchaseOrder", "SC-001", "QUANTYPE", "5000.00")
    po = po_ret(run, po_id)
    first = po.find("PurchaseOrderLineRet")
    assert (text(first, "ReceivedQuantity"), text(first, "UnbilledQuantity"), text(first, "IsBilled")) == (
        "1",
        "1",
        "false",
    )
    assert text(po, "IsFullyReceived") == "false"
    assert (text(po, "LinkedTxn/TxnType"), text(po, "LinkedTxn/RefNumber")) == ("Bill", "INV-1")


def test_link_to_txn_id_receives_every_open_line_and_closes_the_po(run) -> None:
    po_id, lines = make_po(run)
    run(bill_add(bill_line(CONCRETE, qty="1", cost="5000", link=(po_id, lines[0])), ref_number="INV-1"))
    bill = ret(run(bill_add(ref_number="INV-2", link_to=po_id)))
    pulled = bill.findall("ItemLineRet")
    assert [(text(x, "ItemRef/FullName"), x.findtext("Quantity"), text(x, "Amount")) for x in pulled] == [
        (CONCRETE, "1", "5000.00"),
        (ELECTRICAL, None, "4000.00"),
    ]
    assert text(bill, "AmountDue") == "9000.00"
    po = po_ret(run, po_id)
    assert text(po, "IsFullyReceived") == "true"
    assert [x.text for x in po.findall("PurchaseOrderLineRet/IsBilled")] == ["true", "true"]
    # closed by receipt, not by hand: IsManuallyClosed stays false on the PO and its lines
    assert text(po, "IsManuallyClosed") == "false"
    assert [x.text for x in po.findall("PurchaseOrderLineRet/IsManuallyClosed")] == ["false", "false"]
    assert [text(x, "RefNumber") for x in po.findall("LinkedTxn")] == ["INV-1", "INV-2"]


def test_linking_a_closed_po_warns_570_and_saves_the_bill_unlinked(run, company) -> None:
    po_id, lines = make_po(run)
    po = po_ret(run, po_id)
    run(
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{po_id}</TxnID>"
        f"<EditSequence>{text(po, 'EditSequence')}"
        "</EditSequence><IsManuallyClosed>true</IsManuallyClosed></PurchaseOrderMod></PurchaseOrderModRq>"
    )
    el = rs(run(bill_add(bill_line(CONCRETE, "100", link=(po_id, lines[0])))))
    assert status(el) == (
        "570",
        "Warn",
        f'Unable to link to transaction "{po_id}" because it has already been closed.',
    )
    assert el.find("BillRet/LinkedTxn") is None
    assert len(company.list_records("Bill")) == 1


def test_po_of_another_vendor_cannot_be_linked(run, company) -> None:
    po_id, lines = make_po(run)
    el = rs(run(bill_add(bill_line(CONCRETE, "100", link=(po_id, lines[0])), vendor=OTHER_VENDOR)))
    assert status(el) == (
        "3180",
        "Error",
        "There was an error when saving a Bill. QuickBooks error message: "
        'The purchase order "SC-001" is for a different vendor.',
    )
    assert company.list_records("Bill") == []


def test_negative_lines_allowed_but_not_a_negative_bill(run, company) -> None:
    el = rs(run(bill_add(bill_line(CONCRETE, "100") + bill_line(RETENTION, "-150"))))
    assert status(el) == (
        "3180",
        "Error",
        "There was an error when saving a Bill. QuickBooks error message: "
        "The transaction total cannot be negative; enter a vendor credit "
        "instead.",
    )
    assert company.list_records("Bill") == []
    zero = ret(run(bill_add(bill_line(CONCRETE, "100") + bill_line(RETENTION, "-100"))))
    assert text(zero, "AmountDue") == "0.00" and text(zero, "IsPaid") == "true"


def test_amounts_are_exact_decimals_rounded_half_up(run) -> None:
    bill = ret(
        run(
            bill_add(
                bill_line(CONCRETE, qty="3", cost="33.335")
                + bill_line(ELECTRICAL, "0.10")
                + bill_line(ELECTRICAL, "0.20")
            )
        )
    )
    assert [text(x, "Amount") for x in bill.findall("ItemLineRet")] == ["100.01", "0.10", "0.20"]
    assert text(bill.find("ItemLineRet"), "Cost") == "33.335"
    assert text(bill, "AmountDue") == "100.31"


def test_unknown_txn_on_line_link_is_3120(run) -> None:
    el = rs(run(bill_add(bill_line(CONCRETE, "100", link=("404-1", "1-1")))))
    assert status(el)[0] == "3120" and '"404-1"' in status(el)[2]


def bill_mod(txn_id: str, seq: str, body: str) -> str:
    head = f"<TxnID>{txn_id}</TxnID><EditSequence>{seq}</EditSequence>"
    return f"<BillModRq><BillMod>{head}{body}</BillMod></BillModRq>"


def test_mod_removing_a_linked_line_reopens_the_po(run) -> None:
    po_id, lines = make_po(run)
    bill = ret(
        run(
            bill_add(
                bill_line(CONCRETE, qty="2", cost="5000", link=(po_id, lines[0]))
                + bill_line(RETENTION, "-1000")
            )
        )
    )
    assert text(po_ret(run, po_id).find("PurchaseOrderLineRet"), "ReceivedQuantity") == "2"
    keep = bill.findall("ItemLineRet/TxnLineID")[1].text
    new = ret(
        run(
            bill_mod(
                text(bill, "TxnID"),
                text(bill, "EditSequence"),
                f"<ItemLineMod><TxnLineID>{keep}</TxnLineID><Amount>100</Amount></ItemLineMod>"
                + bill_line(CONCRETE, "300")
                .replace("ItemLineAdd", "ItemLineMod")
                .replace("<ItemLineMod>", "<ItemLineMod><TxnLineID>-1</TxnLineID>", 1),
            )
        )
    )
    assert [text(x, "Amount") for x in new.findall("ItemLineRet")] == ["100.00", "300.00"]
    assert text(new, "AmountDue") == "400.00"
    assert new.find("LinkedTxn") is None
    po = po_ret(run, po_id)
    assert text(po.find("PurchaseOrderLineRet"), "ReceivedQuantity") == "0"
    assert po.find("LinkedTxn") is None


def test_clear_item_lines_and_stale_edit_sequence(run) -> None:
    bill = ret(
        run(
            bill_add(
                bill_line(CONCRETE, "100"),
                expense="<ExpenseLineAdd><AccountRef><FullName>Office Supplies</FullName></AccountRef>"
                "<Amount>20</Amount></ExpenseLineAdd>",
            )
        )
    )
    new = ret(
        run(
            bill_mod(text(bill, "TxnID"), text(bill, "EditSequence"), "<ClearItemLines>true</ClearItemLines>")
        )
    )
    assert new.find("ItemLineRet") is None and text(new, "AmountDue") == "20.00"
    el = rs(run(bill_mod(text(bill, "TxnID"), text(bill, "EditSequence"), "<Memo>late</Memo>")))
    assert status(el) == (
        "3200",
        "Error",
        f'The provided edit sequence "{text(bill, "EditSequence")}" is out-of-date. ',
    )
    assert text(el, "BillRet/EditSequence") == text(new, "EditSequence")


def test_bill_query_filters(run, company) -> None:
    run(bill_add(bill_line(CONCRETE, "100"), ref_number="A-1", date="2024-01-05"))
    run(
        bill_add(
            bill_line(ELECTRICAL, "50"),
            vendor=OTHER_VENDOR,
            ref_number="B-1",
            date="2024-02-05",
            expense="<ExpenseLineAdd><AccountRef><FullName>Office Supplies</FullName></AccountRef>"
            "<Amount>5</Amount></ExpenseLineAdd>",
        )
    )
    company.ui.pay_bill("A-1")

    def refs(body: str) -> list[str]:
        return [text(r, "RefNumber") for r in rs(run(f"<BillQueryRq>{body}</BillQueryRq>"))]

    assert refs("") == ["A-1", "B-1"]
    assert refs("<EntityFilter><FullName>Bolt Electric</FullName></EntityFilter>") == ["B-1"]
    assert refs("<AccountFilter><FullName>Office Supplies</FullName></AccountFilter>") == ["B-1"]
    assert refs("<PaidStatus>PaidOnly</PaidStatus>") == ["A-1"]
    assert refs("<PaidStatus>NotPaidOnly</PaidStatus>") == ["B-1"]
    assert refs("<TxnDateRangeFilter><FromTxnDate>2024-02-01</FromTxnDate></TxnDateRangeFilter>") == ["B-1"]
    assert refs("<RefNumber>a-1</RefNumber>") == ["A-1"]  # RefNumber compares case-insensitively
    assert refs("<RefNumberCaseSensitive>A-1</RefNumberCaseSensitive>") == ["A-1"]
    assert (
        status(rs(run("<BillQueryRq><RefNumberCaseSensitive>a-1</RefNumberCaseSensitive></BillQueryRq>")))[0]
        == "1"
    )
    assert refs(
        "<RefNumberRangeFilter><FromRefNumber>B</FromRefNumber><ToRefNumber>C</ToRefNumber>"
        "</RefNumberRangeFilter>"
    ) == ["B-1"]
    lines = rs(
        run("<BillQueryRq><RefNumber>B-1</RefNumber><IncludeLineItems>true</IncludeLineItems></BillQueryRq>")
    )
    assert lines[0].find("ItemLineRet") is not None and lines[0].find("ExpenseLineRet") is not None


def test_bill_ui_actions_select_po_retainage_edit_delete(company) -> None:
    company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "amount": "10000", "job": JOB}], ref_number="SC-5"
    )
    bill = company.ui.enter_bill(
        VENDOR, po="SC-5", ref_number="PC-1", retainage={"item": RETENTION, "amount": "-1000", "job": JOB}
    )
    assert bill["AmountDue"] == "9000.00"
    assert company.ui.find_transaction("PurchaseOrder", "SC-5")["IsFullyReceived"] == "true"
    edited = company.ui.edit_bill("PC-1", memo="checked")
    assert edited["Memo"] == "checked" and len(edited["ItemLineRet"]) == 2
    company.ui.delete_bill("PC-1")
    assert company.list_records("Bill") == []
    assert company.ui.find_transaction("PurchaseOrder", "SC-5")["IsFullyReceived"] == "false"


def test_a_received_po_line_deleted_by_a_mod_takes_its_link_along(run) -> None:
    po_id, lines = make_po(run)
    bill = ret(run(bill_add(bill_line(CONCRETE, qty="2", cost="5000", link=(po_id, lines[0])))))
    po = po_ret(run, po_id)
    keep_second = f"<PurchaseOrderLineMod><TxnLineID>{lines[1]}</TxnLineID></PurchaseOrderLineMod>"
    run(
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{po_id}</TxnID><EditSequence>"
        f"{text(po, 'EditSequence')}</EditSequence>{keep_second}</PurchaseOrderMod></PurchaseOrderModRq>"
    )
    po = po_ret(run, po_id)
    assert [x.text for x in po.findall("PurchaseOrderLineRet/TxnLineID")] == [lines[1]]
    assert po.find("LinkedTxn") is None and text(po, "IsFullyReceived") == "false"
    after = ret(
        run(
            f"<BillQueryRq><TxnID>{text(bill, 'TxnID')}</TxnID><IncludeLinkedTxns>true</IncludeLinkedTxns>"
            "</BillQueryRq>"
        )
    )
    assert after.find("LinkedTxn") is None  # the bill stays, unlinked
    assert text(after, "AmountDue") == "10000.00"
    assert text(after, "EditSequence") != text(bill, "EditSequence")


def test_the_vendor_of_a_linked_or_paid_bill_cannot_change(run, company) -> None:
    po_id, lines = make_po(run)
    bill = ret(run(bill_add(bill_line(CONCRETE, "100.00", link=(po_id, lines[0])))))
    change = (
        f"<BillModRq><BillMod><TxnID>{text(bill, 'TxnID')}</TxnID><EditSequence>{{}}</EditSequence>"
        f"<VendorRef><FullName>{{}}</FullName></VendorRef></BillMod></BillModRq>"
    )
    locked = (
        "3180",
        "Error",
        "There was an error when saving a Bill. QuickBooks error message: "
        "The vendor cannot be changed on a bill linked to a purchase order or with payments applied.",
    )
    assert status(rs(run(change.format(text(bill, "EditSequence"), OTHER_VENDOR)))) == locked
    assert company.ui.find_transaction("Bill", "INV-1")["VendorRef"]["FullName"] == VENDOR
    # the same vendor again is no change
    same = rs(run(change.format(text(bill, "EditSequence"), VENDOR)))
    assert status(same)[0] == "0"
    company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "50.00", "job": JOB}], ref_number="D-1")
    company.ui.pay_bill("D-1", amount="10.00")
    paid = company.ui.find_transaction("Bill", "D-1")
    paid_change = change.replace(text(bill, "TxnID"), paid["TxnID"])
    assert status(rs(run(paid_change.format(paid["EditSequence"], OTHER_VENDOR)))) == locked
    line = {"item": CONCRETE, "amount": "5.00", "job": JOB}
    unpaid = company.ui.enter_bill(VENDOR, [line], ref_number="D-2")
    free_change = change.replace(text(bill, "TxnID"), unpaid["TxnID"])
    moved = rs(run(free_change.format(unpaid["EditSequence"], OTHER_VENDOR)))
    assert status(moved)[0] == "0" and text(moved, "BillRet/VendorRef/FullName") == OTHER_VENDOR
