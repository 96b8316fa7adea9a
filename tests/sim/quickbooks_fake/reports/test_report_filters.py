"""Report filters shared by the job and custom detail reports."""

from __future__ import annotations

from datetime import date

from sim.quickbooks_fake.reports.filters import macro_period, subtitle
from tests.sim.quickbooks_fake.helpers import rs
from tests.sim.quickbooks_fake.helpers.reports import assert_adds_up, column_ids, rows
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, ELECTRICAL, JOB, VENDOR


def test_date_macros_on_the_file_clock() -> None:
    today = date(2024, 3, 15)
    assert macro_period("ThisMonth", today) == (date(2024, 3, 1), date(2024, 3, 31))
    assert macro_period("LastMonth", today) == (date(2024, 2, 1), date(2024, 2, 29))
    assert macro_period("ThisYearToDate", today) == (date(2024, 1, 1), today)
    assert macro_period("LastYear", today) == (date(2023, 1, 1), date(2023, 12, 31))
    assert macro_period("All", today) == (None, None)
    assert subtitle(date(2023, 12, 1), date(2024, 1, 31)) == "December 1, 2023 through January 31, 2024"


def setup(company) -> None:
    company.ui.enter_estimate(
        JOB, [{"item": CONCRETE, "amount": "100.00"}, {"item": ELECTRICAL, "amount": "50.00"}]
    )
    company.ui.enter_bill(
        VENDOR,
        [
            {"item": CONCRETE, "amount": "60.00", "job": JOB},
            {"item": ELECTRICAL, "amount": "20.00", "job": JOB},
        ],
        expenses=[{"account": "Office Supplies", "amount": "5.00"}],
    )


def test_item_filter_on_the_job_report(company, run) -> None:
    setup(company)
    report = rs(
        run(
            "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType>"
            f"<ReportItemFilter><FullName>{ELECTRICAL}</FullName></ReportItemFilter></JobReportQueryRq>"
        )
    )[0]
    assert [r.label for r in rows(report) if r.kind == "DataRow"] == [ELECTRICAL]
    assert_adds_up(report)


def test_account_filter_and_date_macro_on_the_detail_report(company, run) -> None:
    setup(company)
    report = rs(
        run(
            "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType>"
            "<ReportDateMacro>ThisMonth</ReportDateMacro><ReportAccountFilter><FullName>Office Supplies"
            "</FullName></ReportAccountFilter><SummarizeRowsBy>Account</SummarizeRowsBy>"
            "<IncludeColumn>Account</IncludeColumn><IncludeColumn>Amount</IncludeColumn>"
            "</CustomDetailReportQueryRq>"
        )
    )[0]
    assert report.findtext("ReportSubtitle") == "January 1 through January 31, 2024"
    ids = column_ids(report)
    data = [r for r in rows(report) if r.kind == "DataRow"]
    assert [(r.values[ids["Account"]], r.values[ids["Amount"]]) for r in data] == [
        ("Office Supplies", "5.00")
    ]
    assert_adds_up(report)
