"""Transactions survive a snapshot; window actions fail with QuickBooks' codes."""

from __future__ import annotations

import pytest
from txnkit import CONCRETE, JOB, REF_TAIL, RETENTION, VENDOR

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.errors import FeatureNotEnabled, InvalidReference, ObjectNotFound


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
