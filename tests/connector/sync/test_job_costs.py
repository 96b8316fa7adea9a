"""``connector.sync.job_costs`` on its own: what a ``sync_single_job`` becomes, how a job is cut into report
windows, and what is read from literal QuickBooks report answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from connector.qbxml import parse_response
from connector.sync.job_costs import (
    JobCostsRejected,
    plan_windows,
    read_commitment_invoiced,
    read_job_report,
    window,
    work_from_request,
)

JOB_REPORT = """<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>
<JobReportQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK"><ReportRet>
<ReportTitle>Job Estimates vs. Actuals Detail</ReportTitle><ReportSubtitle>All Transactions</ReportSubtitle>
<ReportBasis>Accrual</ReportBasis><NumRows>6</NumRows><NumColumns>
3</NumColumns><NumColTitleRows>1</NumColTitleRows>
<ColDesc colID="1" dataType="STRTYPE"><ColTitle titleRow="1" /><ColType>Blank</ColType></ColDesc>
<ColDesc colID="2" dataType="AMTTYPE"><ColTitle titleRow="1" value="Est. Cost" />
<ColType>Amount</ColType></ColDesc>
<ColDesc colID="3" dataType="AMTTYPE"><ColTitle titleRow="1" value="Act. Cost" />
<ColType>Amount</ColType></ColDesc>
<ReportData>
<TextRow rowNumber="1" value="Tower Apartments" />
<DataRow rowNumber="2"><RowData rowType="item" value="01-100" /><ColData colID="1" value="01-100" />
<ColData colID="2" value="1,000.00" /><ColData colID="3" value="150.25" /></DataRow>
<DataRow rowNumber="3"><RowData rowType="account" value="Job Expenses" />
<ColData colID="1" value="Job Expenses" />
<ColData colID="2" value="0.00" /><ColData colID="3" value="900.00" /></DataRow>
<SubtotalRow rowNumber="4"><ColData colID="1" value="Total Tower Apartments" />
<ColData colID="3" value="1050.25" />
</SubtotalRow>
</ReportData></ReportRet></JobReportQueryRs>
<CustomDetailReportQueryRs requestID="2" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
<ReportRet>
<ReportTitle>Custom Transaction Detail Report</ReportTitle><ReportSubtitle>All Transactions</ReportSubtitle>
<ReportBasis>Accrual</ReportBasis><NumRows>3</NumRows><NumColumns>
4</NumColumns><NumColTitleRows>1</NumColTitleRows>
<ColDesc colID="1" dataType="STRTYPE"><ColTitle titleRow="1" /><ColType>Blank</ColType></ColDesc>
<ColDesc colID="2" dataType="STRTYPE"><ColTitle titleRow="1" value="Item" /><ColType>Item</ColType></ColDesc>
<ColDesc colID="3" dataType="STRTYPE"><ColTitle titleRow="1" value="P. O. #" />
<ColType>PONumber</ColType></ColDesc>
<ColDesc colID="4" dataType="AMTTYPE"><ColTitle titleRow="1" value="Amount" />
<ColType>Amount</ColType></ColDesc>
<ReportData>
<DataRow rowNumber="1"><ColData colID="2" value="03-300" /><ColData colID="3" value="PO-1" />
<ColData colID="4" value="2,000.00" /></DataRow>
<DataRow rowNumber="2"><ColData colID="2" value="03-300" /><ColData colID="4" value="75.00" /></DataRow>
<DataRow rowNumber="3"><ColData colID="2" value="Retainage" /><ColData colID="4" value="-200.00" /></DataRow>
</ReportData></ReportRet></CustomDetailReportQueryRs></QBXMLMsgsRs></QBXML>"""


def test_only_item_rows_of_the_job_report_are_read() -> None:
    job, _detail = parse_response(JOB_REPORT)
    assert read_job_report(job) == {"01-100": (Decimal("1000.00"), Decimal("150.25"))}


def test_commitment_invoiced_is_the_bill_lines_with_a_purchase_order_number() -> None:
    _job, detail = parse_response(JOB_REPORT)
    assert read_commitment_invoiced(detail) == {"03-300": Decimal("2000.00")}


def test_a_job_is_read_before_its_start_date_then_in_at_most_three_windows_the_last_open_ended() -> None:
    payload = {"start_date": "2023-01-02", "window_days": 92}
    plan = plan_windows(payload, date(2024, 1, 15))
    assert plan == {"last": 3, "days": 127}  # 379 days in three
    assert [window(payload, n, plan) for n in range(4)] == [
        (None, date(2023, 1, 1)),
        (date(2023, 1, 2), date(2023, 5, 8)),
        (date(2023, 5, 9), date(2023, 9, 12)),
        (date(2023, 9, 13), None),
    ]
    young = plan_windows(payload, date(2023, 2, 1))
    assert young == {"last": 1, "days": 31} and window(payload, 1, young) == (date(2023, 1, 2), None)
    assert plan_windows({"start_date": None}, date(2024, 1, 15)) == {"last": 0, "days": 0}
    assert window({"start_date": None}, 0, {"last": 0, "days": 0}) == (None, None)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"additional_job_data": {"project_id": 7}},
         "the project is not synced with QuickBooks Desktop (no job origin id)"),
        ({"id": "80000001-1", "additional_job_data": {}}, "its project id None is not a Procore id"),
        ({"id": "80000001-1", "additional_job_data": {"project_id": 7, "start_date": "soon"}},
         "its start date 'soon' is not a date"),
    ],
)
def test_a_sync_single_job_without_what_it_needs_is_refused_with_the_reason(data: dict[str, Any],
                                                                           reason: str) -> None:
    with pytest.raises(JobCostsRejected) as refused:
        work_from_request(data)
    assert (refused.value.status_code, refused.value.message) == ("JobCostsRejected", reason)


def test_a_sync_single_job_becomes_a_read_of_the_job() -> None:
    work = work_from_request({"id": "80000001-1", "additional_job_data": {
        "procore_project_id": 7, "project_id": 7, "start_date": "2024-01-02T00:00:00Z"}, "company_id": 3})
    assert (work.kind, work.procore_id, dict(work.payload)) == ("job_costs.read", "7", {
        "job_list_id": "80000001-1", "project_id": 7, "start_date": "2024-01-02", "window_days": 92})
