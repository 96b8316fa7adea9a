"""Transactions survive a snapshot; window actions fail with QuickBooks' codes."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.errors import FeatureNotEnabled, InvalidReference, ObjectNotFound
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, JOB, REF_TAIL, RETENTION, VENDOR


def test_snapshot_keeps_links_counters_and_payments(company, tmp_path) -> None:
    company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "qty": "4", "rate": "25", "job": JOB}], ref_number="SC-1"
    )
    company.ui.enter_bill(
        VENDOR, po="SC-1", ref_number="INV-1", retainage={"item": RETENTION, "amount": "-10.00", "job": JOB}
    )
    company.ui.pay_bill("INV-1", amount="50.00", check_number="1")
    path = tmp_path / "file.qbsim"
    company.snapshot(path)
    copy = CompanyFile.open(path)
    assert copy.dump() == company.dump()
    assert copy.ui.find_transaction("PurchaseOrder", "SC-1")["IsFullyReceived"] == "true"
    bill = copy.ui.find_transaction("Bill", "INV-1")
    assert (bill["OpenAmount"], len(bill["LinkedTxn"])) == ("40.00", 2)
    nxt = copy.ui.write_check(VENDOR, expenses=[{"account": "Office Supplies", "amount": "1"}])
    assert nxt["TxnNumber"] == "4"  # the per-file transaction counter continues


def test_window_actions_raise_quickbooks_errors(company) -> None:
    with pytest.raises(InvalidReference) as info:
        company.ui.enter_bill("Nobody", [{"item": CONCRETE, "amount": "1", "job": JOB}])
    assert (
        info.value.message
        == f'There is an invalid reference to QuickBooks Vendor "Nobody" in the Bill.  {REF_TAIL}'
    )
    with pytest.raises(ObjectNotFound):
        company.ui.pay_bill("NO-SUCH-BILL")
    company.ui.set_inventory_active(False)
    with pytest.raises(FeatureNotEnabled):
        company.ui.enter_purchase_order(VENDOR, [{"item": CONCRETE, "amount": "1"}])
    assert company.list_records("Bill") == [] and company.list_records("PurchaseOrder") == []


def test_existing_purchase_orders_stay_queryable_with_the_preference_off(company, run) -> None:
    company.ui.enter_purchase_order(
        VENDOR, [{"item": CONCRETE, "amount": "1", "job": JOB}], ref_number="SC-1"
    )
    company.ui.set_inventory_active(False)
    el = run("<PurchaseOrderQueryRq/>").find("QBXMLMsgsRs")[0]
    assert el.get("statusCode") == "0" and el[0].findtext("RefNumber") == "SC-1"


def test_window_fields_hold_no_more_than_quickbooks_stores(company) -> None:
    """P.O. NO. and a check's NO. hold 11 characters, a bill's REF. NO. 20 (the XSD maxLength): a
    window cannot be made to store more (over qbXML the same value is a 3070)."""
    line = {"item": CONCRETE, "amount": "10.00", "job": JOB}
    too_long = 'RefNumber holds at most 11 characters in QuickBooks: "SC-000000001"'
    with pytest.raises(ValueError, match=too_long):
        company.ui.enter_purchase_order(VENDOR, [line], ref_number="SC-000000001")
    assert company.list_records("PurchaseOrder") == []
    company.ui.enter_purchase_order(VENDOR, [line], ref_number="SC-00000001")
    with pytest.raises(ValueError, match="RefNumber holds at most 11 characters"):
        company.ui.edit_purchase_order("SC-00000001", ref_number="SC-000000001")
    with pytest.raises(ValueError, match="RefNumber holds at most 20 characters"):
        company.ui.enter_bill(VENDOR, [line], ref_number="X" * 21)
    company.ui.enter_bill(VENDOR, [line], ref_number="X" * 20)
    with pytest.raises(ValueError, match="RefNumber holds at most 11 characters"):
        company.ui.pay_bill("X" * 20, check_number="100000000001")
    with pytest.raises(ValueError, match="Desc holds at most 4095 characters"):
        company.ui.write_check(VENDOR, items=[{**line, "desc": "d" * 4096}])
    assert company.list_records("BillPaymentCheck") == [] and company.list_records("Check") == []
    assert company.ui.find_transaction("PurchaseOrder", "SC-00000001")["RefNumber"] == "SC-00000001"


def test_select_po_offers_open_purchase_orders_only(company) -> None:
    line = {"item": CONCRETE, "amount": "100.00", "job": JOB}
    company.ui.enter_purchase_order(VENDOR, [line], ref_number="SC-1")
    company.ui.close_purchase_order("SC-1")
    with pytest.raises(ValueError, match='purchase order "SC-1" is closed; Select PO lists open ones only'):
        company.ui.enter_bill(VENDOR, po="SC-1", ref_number="INV-1")
    assert company.list_records("Bill") == []  # nothing half-saved: no empty 0.00 bill
