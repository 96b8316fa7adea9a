"""CustomDetailReportQuery CustomTxnDetail: rows per transaction line, columns, grouping, editions."""

from __future__ import annotations

from decimal import Decimal

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.reports import assert_adds_up, column_ids, rows
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, ELECTRICAL, JOB, RETENTION, VENDOR, set_up, text

DEFAULT = ("TxnType", "Date", "RefNumber", "Name", "Memo", "Account", "Amount")


def q(filters: str = "", summarize: str = "TotalOnly", columns: tuple[str, ...] = DEFAULT) -> str:
    """The schema wants SummarizeRowsBy and at least one IncludeColumn after the filters."""
    return (
        "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType>"
        f"{filters}<SummarizeRowsBy>{summarize}</SummarizeRowsBy>"
        + "".join(f"<IncludeColumn>{c}</IncludeColumn>" for c in columns)
        + "</CustomDetailReportQueryRq>"
    )


def scenario(company: CompanyFile) -> None:
    ui = company.ui
    ui.enter_purchase_order(VENDOR, [{"item": CONCRETE, "amount": "10000.00", "job": JOB}], ref_number="SC-1")
    po_line = ui.find_transaction("PurchaseOrder", "SC-1")["PurchaseOrderLineRet"][0]["TxnLineID"]
    po_id = ui.find_transaction("PurchaseOrder", "SC-1")["TxnID"]
    company.process_request(
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError"><BillAddRq>'
        f"<BillAdd><VendorRef><FullName>{VENDOR}</FullName></VendorRef><TxnDate>2024-02-01</TxnDate><RefNumber>"
        f"PC-1</RefNumber><ItemLineAdd><ItemRef><FullName>{CONCRETE}</FullName></ItemRef><Amount>2500.00</Amount>"
        f"<CustomerRef><FullName>{JOB}</FullName></CustomerRef><LinkToTxn><TxnID>{po_id}</TxnID><TxnLineID>"
        f"{po_line}</TxnLineID></LinkToTxn></ItemLineAdd><ItemLineAdd><ItemRef><FullName>{RETENTION}</FullName>"
        f"</ItemRef><Amount>-250.00</Amount><CustomerRef><FullName>{JOB}</FullName></CustomerRef></ItemLineAdd>"
        "</BillAdd></BillAddRq></QBXMLMsgsRq></QBXML>"
    )
    ui.enter_bill(
        VENDOR, [{"item": ELECTRICAL, "amount": "300.00", "job": JOB}], ref_number="D-1", date="2024-02-03"
    )
    ui.pay_bill("PC-1", check_number="1001", date="2024-02-10")


def test_quickbooks_usual_columns_and_total(company, run) -> None:
    scenario(company)
    el = rs(run(q()))
    assert status(el)[0] == "0"
    report = el.find("ReportRet")
    assert text(report, "ReportTitle") == "Custom Transaction Detail Report"
    assert list(column_ids(report)) == ["", "Type", "Date", "Num", "Name", "Memo", "Account", "Amount"]
    data = [r for r in rows(report) if r.kind == "DataRow"]
    ids = column_ids(report)
    assert [(r.values[ids["Type"]], r.values[ids["Num"]]) for r in data] == [
        ("Bill", "PC-1"),
        ("Bill", "PC-1"),
        ("Bill", "D-1"),
        ("Bill Pmt -Check", "1001"),
    ]
    assert data[0].values[ids["Account"]] == "Job Expenses:Subcontractors"
    assert_adds_up(report)


def test_commitment_invoiced_is_the_bills_linked_to_a_po(company, run) -> None:
    """Seed 001: Commitment Invoiced = bill amounts on POs; the rest of the job cost is direct."""
    scenario(company)
    report = rs(
        run(
            q(
                f"<ReportEntityFilter><FullName>{JOB}</FullName></ReportEntityFilter><ReportTxnTypeFilter>"
                "<TxnTypeFilter>Bill</TxnTypeFilter></ReportTxnTypeFilter>",
                "ItemDetail",
                ("TxnType", "RefNumber", "Item", "PONumber", "Amount"),
            )
        )
    )[0]
    ids = column_ids(report)
    assert_adds_up(report)
    data = [r for r in rows(report) if r.kind == "DataRow"]
    invoiced = sum(
        (Decimal(r.values[ids["Amount"]]) for r in data if r.values.get(ids["P. O. #"]) == "SC-1"), Decimal(0)
    )
    direct = sum(
        (Decimal(r.values[ids["Amount"]]) for r in data if ids["P. O. #"] not in r.values), Decimal(0)
    )
    assert (invoiced, direct) == (Decimal("2500.00"), Decimal("50.00"))
    subtotals = {r.label: r.values[ids["Amount"]] for r in rows(report) if r.kind == "SubtotalRow"}
    assert subtotals == {
        f"Total {CONCRETE}": "2500.00",
        f"Total {ELECTRICAL}": "300.00",
        f"Total {RETENTION}": "-250.00",
    }
    assert [r.row_type for r in rows(report) if r.kind == "SubtotalRow"] == ["item"] * 3


def test_non_posting_transactions_on_request(company, run) -> None:
    scenario(company)
    report = rs(
        run(
            q(
                "<ReportPostingStatusFilter>NonPosting</ReportPostingStatusFilter>",
                columns=("TxnType", "Amount"),
            )
        )
    )[0]
    assert {r.values[2] for r in rows(report) if r.kind == "DataRow"} == {"Purchase Order"}
    assert_adds_up(report)


def test_grouped_by_customer_with_period_and_modified_filters(company, run) -> None:
    scenario(company)
    report = rs(
        run(
            q(
                "<ReportPeriod><FromReportDate>2024-02-02</FromReportDate><ToReportDate>2024-02-28"
                "</ToReportDate></ReportPeriod>",
                "Customer",
            )
        )
    )[0]
    assert [r.label for r in rows(report) if r.kind == "TextRow"] == ["No customer", JOB]
    assert_adds_up(report)
    company.advance_clock(86400 * 30)
    report = rs(
        run(
            q(
                "<ReportModifiedDateRangeFilter><FromReportModifiedDate>2024-02-01</FromReportModifiedDate>"
                "</ReportModifiedDateRangeFilter>"
            )
        )
    )[0]
    assert [r.kind for r in rows(report)] == ["TotalRow"]


def test_summarize_by_item_type(company, run) -> None:
    scenario(company)
    report = rs(
        run(
            q(
                "<ReportTxnTypeFilter><TxnTypeFilter>Bill</TxnTypeFilter></ReportTxnTypeFilter>",
                "ItemType",
                ("Item", "Amount"),
            )
        )
    )[0]
    assert [r.label for r in rows(report) if r.kind == "SubtotalRow"] == ["Total Service"]
    assert_adds_up(report)


def test_canadian_file_says_cheque(run) -> None:
    ca = set_up(CompanyFile.create(country="CA"))
    scenario(ca)
    report = rs(run(q(columns=("TxnType", "Amount")), target=ca))[0]
    assert {r.values.get(2) for r in rows(report) if r.kind == "DataRow"} == {"Bill", "Bill Pmt -Cheque"}
