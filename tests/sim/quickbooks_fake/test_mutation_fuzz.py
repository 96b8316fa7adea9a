"""Property: schema-valid mutations of real requests into ``process_request`` never fail the message set.

Seed requests (queries with every filter the fake reads, Adds, deletes, reports) are mutated the way a
fuzzer found the crashes this guards against: values at the edges of their XSD types (dates on the
calendar's first and last day, a MaxReturned of 5,000 digits, empty amounts, strings at and past their
maxLength), aggregates emptied (``<AccountRef/>``, ``<ItemLineAdd/>``), elements dropped or repeated. A
mutation that breaks the 13.0 XSD is undone, so every document sent is schema-valid; the answer must be
a response (no HRESULT, no 0x80040402) with a status per request, none of them 1000 (a handler defect),
and XSD-valid (the autouse fixture). Bounded and reproducible: ``derandomize=True``, ``max_examples``.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from sim.quickbooks_fake.schema import date_elements, message_decl
from tests.sim.quickbooks_fake.helpers import populated_company, request, xsd

SEEDS = [
    "<VendorQueryRq><MaxReturned>5</MaxReturned><ActiveStatus>All</ActiveStatus><FromModifiedDate>2024-01-01"
    "</FromModifiedDate><ToModifiedDate>2024-12-31</ToModifiedDate><NameFilter><MatchCriterion>StartsWith"
    "</MatchCriterion><Name>A</Name></NameFilter></VendorQueryRq>",
    "<CustomerQueryRq><ListID>80000001-1705327200</ListID></CustomerQueryRq>",
    "<CustomerQueryRq><FullName>Smith Residence:Kitchen</FullName></CustomerQueryRq>",
    "<VendorQueryRq><TotalBalanceFilter><Operator>GreaterThan</Operator><Amount>10.00</Amount>"
    "</TotalBalanceFilter></VendorQueryRq>",
    "<ItemQueryRq><NameRangeFilter><FromName>0</FromName><ToName>9</ToName></NameRangeFilter></ItemQueryRq>",
    "<AccountQueryRq><AccountType>Bank</AccountType></AccountQueryRq>",
    "<BillQueryRq><ModifiedDateRangeFilter><FromModifiedDate>2024-01-01</FromModifiedDate><ToModifiedDate>"
    "2024-12-31</ToModifiedDate></ModifiedDateRangeFilter><IncludeLineItems>true</IncludeLineItems>"
    "</BillQueryRq>",
    "<BillQueryRq><TxnDateRangeFilter><FromTxnDate>2024-01-01</FromTxnDate><ToTxnDate>2024-12-31</ToTxnDate>"
    "</TxnDateRangeFilter><PaidStatus>NotPaidOnly</PaidStatus></BillQueryRq>",
    "<PurchaseOrderQueryRq><EntityFilter><FullName>Acme Concrete</FullName></EntityFilter>"
    "<IncludeLinkedTxns>true</IncludeLinkedTxns></PurchaseOrderQueryRq>",
    "<EstimateQueryRq><RefNumberFilter><MatchCriterion>Contains</MatchCriterion><RefNumber>1</RefNumber>"
    "</RefNumberFilter></EstimateQueryRq>",
    "<ListDeletedQueryRq><ListDelType>Vendor</ListDelType><DeletedDateRangeFilter><FromDeletedDate>"
    "2024-01-01T00:00:00</FromDeletedDate><ToDeletedDate>2024-12-31T23:59:59</ToDeletedDate>"
    "</DeletedDateRangeFilter></ListDeletedQueryRq>",
    "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType><ReportPeriod><FromReportDate>"
    "2024-01-01</FromReportDate><ToReportDate>2024-12-31</ToReportDate></ReportPeriod></JobReportQueryRq>",
    "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail</CustomDetailReportType><ReportPeriod>"
    "<FromReportDate>2024-01-01</FromReportDate><ToReportDate>2024-12-31</ToReportDate></ReportPeriod>"
    "<SummarizeRowsBy>Account</SummarizeRowsBy><IncludeColumn>Amount</IncludeColumn>"
    "<IncludeColumn>Date</IncludeColumn></CustomDetailReportQueryRq>",
    "<BillAddRq><BillAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef>"
    "<TxnDate>2024-02-01</TxnDate><DueDate>2024-03-01</DueDate><RefNumber>INV-9</RefNumber><Memo>m</Memo><ExpenseLineAdd><AccountRef>"
    "<FullName>Office Supplies</FullName></AccountRef><Amount>12.50</Amount><CustomerRef><FullName>"
    "Smith Residence:Kitchen</FullName></CustomerRef></ExpenseLineAdd><ItemLineAdd><ItemRef><FullName>"
    "01-100 Concrete</FullName></ItemRef><Quantity>2</Quantity><Cost>10</Cost><Amount>20.00</Amount>"
    "</ItemLineAdd></BillAdd></BillAddRq>",
    "<CheckAddRq><CheckAdd><AccountRef><FullName>Checking</FullName></AccountRef><PayeeEntityRef><FullName>"
    "Acme Concrete</FullName></PayeeEntityRef><TxnDate>2024-02-01</TxnDate><ExpenseLineAdd><AccountRef>"
    "<FullName>Office Supplies</FullName></AccountRef><Amount>5</Amount></ExpenseLineAdd></CheckAdd>"
    "</CheckAddRq>",
    "<EstimateAddRq><EstimateAdd><CustomerRef><FullName>Smith Residence:Kitchen</FullName></CustomerRef>"
    "<EstimateLineAdd><ItemRef><FullName>01-100 Concrete</FullName></ItemRef><Quantity>1</Quantity>"
    "<Rate>10</Rate></EstimateLineAdd></EstimateAdd></EstimateAddRq>",
    "<PurchaseOrderAddRq><PurchaseOrderAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef>"
    "<RefNumber>PO-9</RefNumber><PurchaseOrderLineAdd><ItemRef><FullName>01-100 Concrete</FullName></ItemRef>"
    "<Quantity>3</Quantity><Rate>4</Rate></PurchaseOrderLineAdd></PurchaseOrderAdd></PurchaseOrderAddRq>",
    "<JournalEntryAddRq><JournalEntryAdd><TxnDate>2024-02-01</TxnDate><JournalDebitLine><AccountRef><FullName>"
    "Office Supplies</FullName></AccountRef><Amount>7</Amount></JournalDebitLine><JournalCreditLine>"
    "<AccountRef><FullName>Checking</FullName></AccountRef><Amount>7</Amount></JournalCreditLine>"
    "</JournalEntryAdd></JournalEntryAddRq>",
    "<EmployeeAddRq><EmployeeAdd><FirstName>Ann</FirstName><LastName>Lee</LastName><HiredDate>2024-01-02"
    "</HiredDate></EmployeeAdd></EmployeeAddRq>",
    "<VendorAddRq><VendorAdd><Name>Zed Supply</Name><CompanyName>Zed</CompanyName><CreditLimit>100"
    "</CreditLimit></VendorAdd></VendorAddRq>",
    "<CustomerAddRq><CustomerAdd><Name>Job B</Name><ParentRef><FullName>Smith Residence</FullName>"
    "</ParentRef><JobStartDate>2024-01-02</JobStartDate></CustomerAdd></CustomerAddRq>",
    "<TxnDelRq><TxnDelType>Bill</TxnDelType><TxnID>1-1705327200</TxnID></TxnDelRq>",
]

EDGE_DATES = ["9999-12-31", "0001-01-01", "", "2024-02-29", "2023-02-29", "2024-1-5"]
EDGE_DATETIMES = ["9999-12-31T23:59:59", "0001-01-01T00:00:00", "", "2024-03-10T02:30:00",
                  "2024-11-03T01:30:00", "9999-12-31T23:59:59+14:00", "0001-01-01T00:00:00-12:00"]
EDGE_NUMBERS = ["", "0", "-0.00", "1", "99999999999999.99", "-99999999999999.99", "9" * 5000, "0.00001"]
EDGE_TEXT = ["", " ", "Zoë & <Co> \"quoted\"", "x" * 41, "x" * 42, "x" * 210, ":", "A:B"]
DATES = date_elements()


def _leaves(rq: etree._Element) -> list[etree._Element]:
    return [e for e in rq.iterdescendants() if isinstance(e.tag, str) and len(e) == 0]


def _aggregates(rq: etree._Element) -> list[etree._Element]:
    return [e for e in rq.iterdescendants() if isinstance(e.tag, str) and len(e)]


def _mutate(draw, rq: etree._Element) -> None:
    kind = draw(st.sampled_from(["value", "value", "value", "empty", "drop", "repeat"]))
    if kind == "value":
        leaves = _leaves(rq)
        if not leaves:
            return
        leaf = draw(st.sampled_from(leaves))
        if DATES.get(leaf.tag) == "DATETYPE":
            pool = EDGE_DATES
        elif DATES.get(leaf.tag) == "DATETIMETYPE":
            pool = EDGE_DATETIMES
        else:
            pool = EDGE_NUMBERS + EDGE_TEXT
        leaf.text = draw(st.sampled_from(pool))
        return
    aggregates = _aggregates(rq)
    if not aggregates:
        return
    target = draw(st.sampled_from(aggregates))
    if kind == "empty":
        for child in list(target):
            target.remove(child)
    elif kind == "drop":
        target.getparent().remove(target)
    else:
        target.addnext(copy.deepcopy(target))


def _valid(root: etree._Element) -> bool:
    return bool(xsd().validate(root))


@settings(derandomize=True, max_examples=150, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate, Phase.shrink),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_schema_valid_mutations_get_a_status_per_request(data: st.DataObject) -> None:
    company = populated_company()
    bodies = data.draw(st.lists(st.sampled_from(SEEDS), min_size=1, max_size=4), label="seeds")
    root = etree.fromstring(request("".join(bodies), "13.0", "continueOnError").encode())
    msgs = root.find("QBXMLMsgsRq")
    for _ in range(data.draw(st.integers(1, 6), label="mutations")):
        rq = data.draw(st.sampled_from(list(msgs)))
        before = copy.deepcopy(msgs)
        _mutate(data.draw, rq)
        if not _valid(root):  # keep every document schema-valid: undo the mutation
            root.replace(msgs, before)
            msgs = before
    sent = [etree.QName(rq).localname for rq in msgs]
    text = etree.tostring(root, encoding="unicode")
    answer = company.process_request('<?xml version="1.0"?>\n<?qbxml version="13.0"?>\n' + text)
    answers = etree.fromstring(answer.encode()).find("QBXMLMsgsRs")
    assert [rs.tag for rs in answers] == [name[:-2] + "Rs" for name in sent]
    for rs in answers:
        assert rs.get("statusCode", "").isdigit(), etree.tostring(rs)
        assert rs.get("statusCode") != "1000", f"a handler failed on a schema-valid request:\n{text}"
        message_decl(rs.tag)  # a real qbXML 13.0 response element
