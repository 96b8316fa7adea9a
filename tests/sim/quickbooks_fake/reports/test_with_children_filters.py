"""``ListIDWithChildren`` selects the same subtree as ``FullNameWithChildren`` on every report filter."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import rs, status
from tests.sim.quickbooks_fake.helpers.reports import column_ids, rows
from tests.sim.quickbooks_fake.helpers.txns import CONCRETE, ELECTRICAL, JOB, OTHER_JOB, VENDOR

Q = "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType>{}</JobReportQueryRq>"
D = ("<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType>{}"
     "<SummarizeRowsBy>Account</SummarizeRowsBy><IncludeColumn>Account</IncludeColumn>"
     "<IncludeColumn>Amount</IncludeColumn></CustomDetailReportQueryRq>")


def scenario(company: CompanyFile) -> None:
    company.ui.create_service_item("Footings", account="Job Expenses:Subcontractors",
                                   ParentRef={"FullName": CONCRETE})
    company.ui.enter_bill(VENDOR, [{"item": CONCRETE, "amount": "150.00", "job": JOB},
                                   {"item": f"{CONCRETE}:Footings", "amount": "250.00", "job": JOB},
                                   {"item": ELECTRICAL, "amount": "75.00", "job": OTHER_JOB}],
                          expenses=[{"account": "Job Expenses:Job Materials", "amount": "30.00", "job": JOB}])


def list_id(company: CompanyFile, kind: str, full_name: str) -> str:
    return next(r.list_id for r in company.store.of_kinds(kind) if r.full_name == full_name)


def act_cost_total(run, flt: str) -> str:
    el = rs(run(Q.format(flt)))
    assert status(el) == ("0", "Info", "Status OK")
    report = el.find("ReportRet")
    total = next(r for r in rows(report) if r.kind == "TotalRow")
    return total.values[column_ids(report)["Act. Cost"]]


@pytest.mark.parametrize(("filter_name", "kind", "name", "expected"), [
    ("ReportEntityFilter", "Customer", "Smith Residence", "430.00"),
    ("ReportItemFilter", "ItemService", CONCRETE, "400.00"),
])
def test_list_id_with_children_equals_full_name_with_children(company, run, filter_name, kind, name,
                                                               expected) -> None:
    scenario(company)
    by_name = act_cost_total(run, f"<{filter_name}><FullNameWithChildren>{name}</FullNameWithChildren>"
                                  f"</{filter_name}>")
    by_id = act_cost_total(run, f"<{filter_name}><ListIDWithChildren>{list_id(company, kind, name)}"
                                f"</ListIDWithChildren></{filter_name}>")
    assert by_id == by_name == expected


def test_account_filter_with_children_by_id_and_by_name(company, run) -> None:
    scenario(company)

    def amounts(flt: str) -> list[tuple[str, str]]:
        report = rs(run(D.format(f"<ReportAccountFilter>{flt}</ReportAccountFilter>"))).find("ReportRet")
        ids = column_ids(report)
        data = [r for r in rows(report) if r.kind == "DataRow"]
        return [(r.values[ids["Account"]], r.values[ids["Amount"]]) for r in data]

    parent = "Job Expenses"
    by_name = amounts(f"<FullNameWithChildren>{parent}</FullNameWithChildren>")
    by_id = amounts(f"<ListIDWithChildren>{list_id(company, 'Account', parent)}</ListIDWithChildren>")
    assert by_id == by_name
    assert {account for account, _ in by_id} == {"Job Expenses:Subcontractors", "Job Expenses:Job Materials"}


def test_an_unknown_list_id_with_children_matches_nothing(company, run) -> None:
    scenario(company)
    assert act_cost_total(run, "<ReportEntityFilter><ListIDWithChildren>80000FFF-1705327200"
                               "</ListIDWithChildren></ReportEntityFilter>") == "0.00"
