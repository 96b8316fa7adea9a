"""Transaction and report dates: an empty TxnDate takes the default, zone suffixes and 3030 ranges."""

from __future__ import annotations

import pytest

from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, VENDOR, bill_line, ref

RANGE = ("3030", "Error", "From date is greater than To date.")


def bill_with_date(date_xml: str) -> str:
    return (f"<BillAddRq><BillAdd>{ref('VendorRef', VENDOR)}{date_xml}<RefNumber>INV-9</RefNumber>"
            f"{bill_line(CONCRETE, '400')}</BillAdd></BillAddRq>")


def test_an_empty_txn_date_takes_today_and_the_due_date_follows(run) -> None:
    el = rs(run(bill_with_date("<TxnDate></TxnDate><DueDate> </DueDate>")))
    assert status(el) == ("0", "Info", "Status OK")
    bill = el.find("BillRet")
    assert (bill.findtext("TxnDate"), bill.findtext("DueDate")) == ("2024-01-15", "2024-01-25")


def test_a_date_with_a_zone_is_stored_as_its_day(run) -> None:
    bill = rs(run(bill_with_date("<TxnDate>2024-01-20+05:00</TxnDate>"))).find("BillRet")
    assert (bill.findtext("TxnDate"), bill.findtext("DueDate")) == ("2024-01-20", "2024-01-30")
    found = rs(run("<BillQueryRq><TxnDateRangeFilter><FromTxnDate>2024-01-20</FromTxnDate>"
                   "<ToTxnDate>2024-01-20Z</ToTxnDate></TxnDateRangeFilter></BillQueryRq>"))
    assert [b.findtext("RefNumber") for b in found] == ["INV-9"]


def test_from_after_to_on_transaction_queries_and_reports_is_3030(run) -> None:
    run(bill_with_date("<TxnDate>2024-01-20</TxnDate>"))
    answers = list(run(
        "<BillQueryRq><TxnDateRangeFilter><FromTxnDate>2024-02-01</FromTxnDate><ToTxnDate>2024-01-01"
        "</ToTxnDate></TxnDateRangeFilter></BillQueryRq>"
        "<BillQueryRq><ModifiedDateRangeFilter><FromModifiedDate>2024-01-16</FromModifiedDate>"
        "<ToModifiedDate>2024-01-15T9:00</ToModifiedDate></ModifiedDateRangeFilter></BillQueryRq>"
        "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType><ReportPeriod>"
        "<FromReportDate>2024-12-31</FromReportDate><ToReportDate>2024-01-01</ToReportDate></ReportPeriod>"
        "</JobReportQueryRq>"
        "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType>"
        "<ReportModifiedDateRangeFilter><FromReportModifiedDate>2024-01-16</FromReportModifiedDate>"
        "<ToReportModifiedDate>2024-01-15</ToReportModifiedDate></ReportModifiedDateRangeFilter>"
        "<SummarizeRowsBy>Account</SummarizeRowsBy><IncludeColumn>Amount</IncludeColumn>"
        "</CustomDetailReportQueryRq>"
        "<BillQueryRq><TxnDateRangeFilter><FromTxnDate>2024-01-20</FromTxnDate><ToTxnDate>2024-01-20"
        "</ToTxnDate></TxnDateRangeFilter></BillQueryRq>",
        on_error="continueOnError").find("QBXMLMsgsRs"))
    assert [status(a) for a in answers] == [RANGE, RANGE, RANGE, RANGE, ("0", "Info", "Status OK")]


def test_dates_typed_in_the_windows_are_stored_canonically(company) -> None:
    bill = company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "400.00", "job": "Smith Residence"}],
                                 date="2024-2-5")
    assert (bill["TxnDate"], bill["DueDate"]) == ("2024-02-05", "2024-02-15")
    paid = company.ui.pay_bill(bill["TxnID"], "100.00", date="2024-2-6")
    assert paid["TxnDate"] == "2024-02-06"


def test_an_impossible_date_in_a_window_is_refused(company) -> None:
    with pytest.raises(ValueError, match='TxnDate is not a date QuickBooks can store: "2024-13-45"'):
        company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "1.00"}], date="2024-13-45")
    assert company.list_records("Bill") == []


def test_a_blank_date_in_a_window_takes_today_like_an_empty_txn_date(company) -> None:
    bill = company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "50.00"}], ref_number="W-1", date="  ",
                                 due_date="")
    assert (bill["TxnDate"], bill["DueDate"]) == ("2024-01-15", "2024-01-25")


def test_a_year_too_long_for_any_calendar_is_a_400_in_a_window(client) -> None:
    answer = client.post("/_sim/ui/enter_bill", json={"vendor": VENDOR, "ref_number": "W-2",
                                                     "lines": [{"item": CONCRETE, "amount": "50.00"}],
                                                     "date": "99999999999999999999-01-01"})
    assert answer.status_code == 400
    assert "99999999999999999999-01-01" in answer.text
