"""JobReportQuery JobEstimatesVsActualsDetail computed from estimates, bills, checks, journal entries."""

from __future__ import annotations

from decimal import Decimal

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.reports import assert_adds_up, column_ids, rows
from tests.sim.quickbooks_fake.helpers.txns import (
    CONCRETE,
    ELECTRICAL,
    JOB,
    OTHER_JOB,
    OTHER_VENDOR,
    RETENTION,
    VENDOR,
    text,
)

Q = "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType>{}</JobReportQueryRq>"


def scenario(company: CompanyFile) -> None:
    ui = company.ui
    ui.enter_estimate(
        JOB,
        [{"item": CONCRETE, "amount": "12000.00"}, {"item": ELECTRICAL, "amount": "8000.00"}],
        ref_number="B-1",
        date="2024-01-10",
    )
    ui.edit_estimate(
        "B-1", add_lines=[{"item": CONCRETE, "amount": "-1500.00"}, {"item": ELECTRICAL, "amount": "1500.00"}]
    )
    ui.enter_estimate(OTHER_JOB, [{"item": CONCRETE, "amount": "999.00"}], date="2024-01-10")
    ui.enter_purchase_order(VENDOR, [{"item": CONCRETE, "amount": "10000.00", "job": JOB}], ref_number="SC-1")
    ui.enter_bill(
        VENDOR,
        [{"item": CONCRETE, "amount": "4000.00", "job": JOB}],
        ref_number="PC-1",
        date="2024-02-05",
        retainage={"item": RETENTION, "amount": "-400.00", "job": JOB},
    )
    ui.write_check(
        OTHER_VENDOR,
        items=[{"item": ELECTRICAL, "amount": "650.25", "job": JOB}],
        expenses=[{"account": "Job Expenses:Equipment Rental", "amount": "120.00", "job": JOB}],
        date="2024-02-07",
    )
    ui.make_journal_entry(
        [
            {"account": "Job Expenses:Job Materials", "debit": "80.00", "name": JOB},
            {"account": "Checking", "credit": "80.00"},
        ],
        date="2024-02-08",
    )


def by_label(report) -> dict[str, dict[int, str]]:
    return {r.label: r.values for r in rows(report) if r.kind == "DataRow"}


def test_est_cost_and_act_cost_per_item_and_everything_adds_up(company, run) -> None:
    scenario(company)
    el = rs(run(Q.format("")))
    assert status(el) == ("0", "Info", "Status OK")
    report = el.find("ReportRet")
    assert (text(report, "ReportTitle"), text(report, "ReportSubtitle"), text(report, "ReportBasis")) == (
        "Job Estimates vs. Actuals Detail",
        "All Transactions",
        "Accrual",
    )
    cols = column_ids(report)
    est, act, diff, pct = cols["Est. Cost"], cols["Act. Cost"], cols["($) Diff."], cols["(%) Diff."]
    assert_adds_up(report)
    all_rows = rows(report)
    texts = [r.label for r in all_rows if r.kind == "TextRow"]
    assert texts == [OTHER_JOB, "Service", JOB, "Service", "Other"]
    job_rows = all_rows[all_rows.index(next(r for r in all_rows if r.label == JOB)) :]
    data = {r.label: r for r in job_rows if r.kind == "DataRow"}
    assert data[CONCRETE].row_type == "item"
    assert (data[CONCRETE].values[est], data[CONCRETE].values[act]) == ("10500.00", "4000.00")
    assert data[CONCRETE].values[diff] == "-6500.00" and data[CONCRETE].values[pct] == "38.1"
    assert (data[ELECTRICAL].values[est], data[ELECTRICAL].values[act]) == ("9500.00", "650.25")
    assert (data[RETENTION].values[est], data[RETENTION].values[act]) == ("0.00", "-400.00")
    assert pct not in data[RETENTION].values  # no estimate: no percentage
    # seed 001: expenses to accounts and journal entries are job costs, but not on an item row
    assert data["Job Expenses:Equipment Rental"].row_type == "account"
    assert data["Job Expenses:Job Materials"].values[act] == "80.00"
    job_total = next(r for r in all_rows if r.label == f"Total {JOB}")
    assert (job_total.row_type, job_total.row_value) == ("customer", JOB)
    assert Decimal(job_total.values[act]) == Decimal("4000.00") + Decimal("650.25") - Decimal(
        "400.00"
    ) + Decimal("120.00") + Decimal("80.00")
    assert job_total.values[est] == "20000.00"


def test_entity_and_period_filters(company, run) -> None:
    scenario(company)
    report = rs(run(Q.format(f"<ReportEntityFilter><FullName>{JOB}</FullName></ReportEntityFilter>")))[0]
    assert [r.label for r in rows(report) if r.kind == "TextRow"][0] == JOB
    assert OTHER_JOB not in {r.label for r in rows(report)}
    assert_adds_up(report)
    report = rs(
        run(
            Q.format(
                "<ReportPeriod><FromReportDate>2024-02-06</FromReportDate><ToReportDate>2024-02-28"
                "</ToReportDate></ReportPeriod>"
            )
        )
    )[0]
    assert text(report, "ReportSubtitle") == "February 6 through February 28, 2024"
    data = by_label(report)
    assert set(data) == {ELECTRICAL, "Job Expenses:Equipment Rental", "Job Expenses:Job Materials"}
    assert_adds_up(report)


def test_inactive_estimates_do_not_count(company, run) -> None:
    scenario(company)
    company.ui.edit_estimate("B-1", active=False)
    report = rs(run(Q.format(f"<ReportEntityFilter><FullName>{JOB}</FullName></ReportEntityFilter>")))[0]
    cols = column_ids(report)
    assert by_label(report)[CONCRETE][cols["Est. Cost"]] == "0.00"
    assert_adds_up(report)


def test_empty_file_reports_only_a_zero_total(run) -> None:
    report = rs(run(Q.format("")))[0]
    all_rows = rows(report)
    assert [r.kind for r in all_rows] == ["TotalRow"] and all_rows[0].values[2] == "0.00"
    assert_adds_up(report)


def test_other_job_report_types_are_not_supported(run) -> None:
    el = rs(
        run("<JobReportQueryRq><JobReportType>JobProfitabilitySummary</JobReportType></JobReportQueryRq>")
    )
    assert status(el) == ("1030", "Error", "This request is not supported by this implementation.")
