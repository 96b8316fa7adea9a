"""The transaction windows and transaction qbXML through the HTTP face."""

from __future__ import annotations

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, JOB, RETENTION, VENDOR, text


def ui(client, action: str, **payload) -> dict:
    resp = client.post(f"/_sim/ui/{action}", json=payload)
    assert resp.status_code == 200, resp.text
    return resp.json()["result"]


def test_po_bill_payment_check_journal_over_http(client, http_run) -> None:
    po = ui(
        client,
        "enter_purchase_order",
        vendor=VENDOR,
        ref_number="SC-1",
        lines=[{"item": CONCRETE, "qty": "2", "rate": "250.00", "job": JOB}],
    )
    assert po["TotalAmount"] == "500.00"
    ui(
        client,
        "edit_purchase_order",
        po="SC-1",
        add_lines=[{"item": CONCRETE, "amount": "50.00", "job": JOB}],
    )
    bill = ui(
        client,
        "enter_bill",
        vendor=VENDOR,
        po="SC-1",
        ref_number="INV-1",
        retainage={"item": RETENTION, "amount": "-55.00", "job": JOB},
    )
    assert bill["AmountDue"] == "495.00"
    pay = ui(client, "pay_bill", bill="INV-1", amount="200.00", check_number="1001")
    assert pay["AppliedToTxnRet"][0]["BalanceRemaining"] == "295.00"
    ui(client, "write_check", payee=VENDOR, items=[{"item": CONCRETE, "amount": "10.00", "job": JOB}])
    ui(
        client,
        "make_journal_entry",
        lines=[
            {"account": "Job Expenses:Job Materials", "debit": "5.00", "name": JOB},
            {"account": "Checking", "credit": "5.00"},
        ],
    )
    el = rs(
        http_run(
            "<BillPaymentCheckQueryRq><EntityFilter><FullName>Acme Concrete</FullName></EntityFilter>"
            "</BillPaymentCheckQueryRq>"
        )
    )
    assert [text(r, "RefNumber") for r in el] == ["1001"]
    assert client.get("/_sim/lists/BillPaymentCheck").json()[0]["Amount"] == "200.00"
    edited = ui(client, "edit_bill", bill="INV-1", memo="approved by PM")
    assert edited["Memo"] == "approved by PM"
    ui(client, "delete_bill_payment", payment=pay["TxnID"])
    ui(client, "delete_bill", bill="INV-1")
    ui(client, "delete_purchase_order", po="SC-1")
    assert client.get("/_sim/lists/PurchaseOrder").json() == []
    assert client.get("/_sim/lists/Bill").json() == []
    entry = client.get("/_sim/lists/JournalEntry").json()[0]
    ui(client, "delete_transaction", kind="JournalEntry", ref_or_id=entry["TxnID"])
    assert client.get("/_sim/lists/JournalEntry").json() == []


def test_http_errors_carry_quickbooks_codes(client) -> None:
    ui(client, "set_inventory_active", active=False)
    resp = client.post(
        "/_sim/ui/enter_purchase_order",
        json={"vendor": VENDOR, "lines": [{"item": CONCRETE, "amount": "1.00"}]},
    )
    assert resp.status_code == 422
    assert resp.json() == {
        "error": "FeatureNotEnabled",
        "statusCode": 3250,
        "statusMessage": "This feature is not enabled or not available in this version of QuickBooks.",
    }
    resp = client.post("/_sim/ui/pay_bill", json={"bill": "NOPE"})
    assert resp.status_code == 422 and resp.json()["statusCode"] == 3120
    resp = client.post(
        "/_sim/ui/write_check",
        json={"payee": VENDOR, "expenses": [{"account": "Office Supplies", "amount": 10.5}]},
    )
    assert resp.status_code == 400 and "float" in resp.json()["message"]


def test_report_over_http(http_run, client) -> None:
    ui(client, "enter_estimate", job=JOB, lines=[{"item": CONCRETE, "amount": "100.00"}])
    el = rs(
        http_run(
            "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType></JobReportQueryRq>"
        )
    )
    assert status(el)[0] == "0" and text(el, "ReportRet/ReportTitle") == "Job Estimates vs. Actuals Detail"


def test_malformed_window_input_is_a_400(client) -> None:
    resp = client.post("/_sim/ui/enter_bill", json={"vendor": VENDOR, "lines": [{"amount": "1.00"}]})
    assert resp.status_code == 400 and "needs item" in resp.json()["message"]
    resp = client.post("/_sim/ui/make_journal_entry", json={"lines": [{"account": "Checking"}]})
    assert resp.status_code == 400 and "exactly one of debit or credit" in resp.json()["message"]


def test_a_window_value_longer_than_quickbooks_holds_is_a_400(client) -> None:
    line = {"item": CONCRETE, "amount": "1.00", "job": JOB}
    resp = client.post("/_sim/ui/enter_purchase_order", json={"vendor": VENDOR, "lines": [line],
                                                              "ref_number": "SC-000000001"})
    assert resp.status_code == 400 and "RefNumber holds at most 11 characters" in resp.json()["message"]
