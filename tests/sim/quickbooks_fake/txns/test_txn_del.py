"""TxnDel and what dies with a transaction's links."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, JOB, REF_TAIL, VENDOR, text


def test_txn_del_purchase_order_unlinks_its_bills(company, run) -> None:
    po = company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "amount": "500", "job": JOB}], ref_number="SC-1"
    )
    company.ui.enter_bill(VENDOR, po="SC-1", ref_number="INV-1")
    company.advance_clock(10)
    el = rs(run(f"<TxnDelRq><TxnDelType>PurchaseOrder</TxnDelType><TxnID>{po['TxnID']}</TxnID></TxnDelRq>"))
    assert status(el)[0] == "0"
    assert (text(el, "TxnDelType"), text(el, "TxnID"), text(el, "RefNumber")) == (
        "PurchaseOrder",
        po["TxnID"],
        "SC-1",
    )
    assert text(el, "TimeDeleted") == company.now_text()
    gone = rs(run(f"<PurchaseOrderQueryRq><TxnID>{po['TxnID']}</TxnID></PurchaseOrderQueryRq>"))
    assert status(gone) == ("3120", "Error",
        'Object "1-1705327200" specified in the request cannot be found.  QuickBooks error message: '
        "Invalid argument.  The specified record does not exist in the list.")
    assert "LinkedTxn" not in company.ui.find_transaction("Bill", "INV-1")


def test_txn_del_with_the_wrong_type_or_id_is_3120(company, run) -> None:
    bill = company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "5", "job": JOB}])
    el = rs(run(f"<TxnDelRq><TxnDelType>Check</TxnDelType><TxnID>{bill['TxnID']}</TxnID></TxnDelRq>"))
    assert status(el) == (
        "3120",
        "Error",
        f'Object "{bill["TxnID"]}" specified in the request cannot be found.  {REF_TAIL}',
    )
    assert len(company.list_records("Bill")) == 1


def test_deleting_a_paid_bill_reopens_po_and_unapplies_the_check(company, run) -> None:
    company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "amount": "500", "job": JOB}], ref_number="SC-2"
    )
    bill = company.ui.enter_bill(VENDOR, po="SC-2", ref_number="INV-2")
    pay = company.ui.pay_bill("INV-2")
    run(f"<TxnDelRq><TxnDelType>Bill</TxnDelType><TxnID>{bill['TxnID']}</TxnID></TxnDelRq>")
    assert company.ui.find_transaction("PurchaseOrder", "SC-2")["IsFullyReceived"] == "false"
    check = company.ui.find_transaction("BillPaymentCheck", pay["TxnID"])
    assert check["Amount"] == "500.00" and "AppliedToTxnRet" not in check


def test_delete_synced_purchase_order_from_the_window(company) -> None:
    company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "amount": "1", "job": JOB}], ref_number="SC-3"
    )
    deleted = company.ui.delete_purchase_order("SC-3")
    assert deleted["RefNumber"] == "SC-3"
    assert company.list_records("PurchaseOrder") == []
