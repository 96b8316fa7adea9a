"""Schema-valid requests at the edges of their types each get their own status, never 0x80040402.

Found by feeding mutated, XSD-valid qbXML into ``process_request``: each of these used to crash a
handler, and the whole message set answered HRESULT 0x80040402 ("Unexpected error"). Each now answers
per request, the rest of the message set runs; every response is XSD-checked (autouse fixture).
"""

from __future__ import annotations

import logging

import pytest

from sim.quickbooks_fake import registry
from tests.sim.quickbooks_fake.helpers import request, rs, status

REF_TAIL = "  QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
EXPENSE = "<ExpenseLineAdd><AccountRef><FullName>Office Supplies</FullName></AccountRef><Amount>5</Amount>" \
          "</ExpenseLineAdd>"


@pytest.fixture
def filled(company):
    company.ui.create_vendor("Acme Concrete")
    company.ui.create_customer("Smith Residence")
    company.ui.create_service_item("01-100 Concrete")
    return company


def _one(run, body: str):
    return rs(run(body + '<VendorQueryRq requestID="after"/>', on_error="continueOnError"))


def test_max_returned_of_5000_digits_returns_everything(run, filled) -> None:
    el = _one(run, f"<VendorQueryRq><MaxReturned>{'9' * 5000}</MaxReturned></VendorQueryRq>")
    assert status(el) == ("0", "Info", "Status OK")
    assert [v.findtext("Name") for v in el] == ["Acme Concrete"]


def test_total_balance_filter_without_an_amount_filters_nothing(run, filled) -> None:
    el = _one(run, "<VendorQueryRq><TotalBalanceFilter><Operator>GreaterThan</Operator><Amount></Amount>"
                   "</TotalBalanceFilter></VendorQueryRq>")
    assert status(el)[0] == "0" and len(el) == 1


@pytest.mark.parametrize(("body", "label", "where"), [
    ("<BillAddRq><BillAdd><VendorRef/>" + EXPENSE + "</BillAdd></BillAddRq>", "Vendor", "Bill"),
    ("<BillAddRq><BillAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef><ExpenseLineAdd>"
     "<AccountRef/><Amount>5</Amount></ExpenseLineAdd></BillAdd></BillAddRq>", "Account", "Bill line"),
    ("<CheckAddRq><CheckAdd><AccountRef><FullName>Checking</FullName></AccountRef><PayeeEntityRef/>"
     + EXPENSE + "</CheckAdd></CheckAddRq>", "Entity", "Check"),
])
def test_an_empty_reference_is_3140_and_stores_nothing(run, filled, body, label, where) -> None:
    el = _one(run, body)
    assert status(el) == ("3140", "Error", f'There is an invalid reference to QuickBooks {label} "" in the '
                          f"{where}.{REF_TAIL}")
    assert filled.list_records(where.split()[0]) == []


def test_empty_lines_are_blank_lines(run, filled) -> None:
    bill = _one(run, "<BillAddRq><BillAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef>"
                     "<ItemLineAdd/></BillAdd></BillAddRq>")
    assert status(bill)[0] == "0"
    assert [c.tag for c in bill.find("BillRet/ItemLineRet")] == ["TxnLineID", "Amount"]
    estimate = _one(run, "<EstimateAddRq><EstimateAdd><CustomerRef><FullName>Smith Residence</FullName>"
                         "</CustomerRef><EstimateLineAdd/></EstimateAdd></EstimateAddRq>")
    assert status(estimate)[0] == "0"
    assert estimate.findtext("EstimateRet/TotalAmount") == "0.00"


def test_an_empty_employee_add_needs_a_name(run) -> None:
    el = _one(run, "<EmployeeAddRq><EmployeeAdd/></EmployeeAddRq>")
    assert status(el) == ("3210", "Error", 'The "Name" field has an invalid value "".  QuickBooks error '
                          "message: A name is required.")


def test_an_employee_name_over_41_characters_is_3070_like_a_vendors(run, company) -> None:
    name = "N" * 42
    for kind in ("Employee", "Vendor"):
        el = _one(run, f"<{kind}AddRq><{kind}Add><Name>{name}</Name></{kind}Add></{kind}AddRq>")
        assert status(el) == ("3070", "Error", f'The string "{name}" in the field "Name" is too long.')
    # a name composed from First and Last name is held to the same limit
    el = _one(run, f"<EmployeeAddRq><EmployeeAdd><FirstName>{'F' * 25}</FirstName><LastName>{'L' * 25}"
                   "</LastName></EmployeeAdd></EmployeeAddRq>")
    assert status(el) == ("3070", "Error",
        'The string "FFFFFFFFFFFFFFFFFFFFFFFFF LLLLLLLLLLLLLLLLLLLLLLLLL" in the field "Name" is too long.')
    assert company.list_records("Employee") == []


@pytest.mark.parametrize("body", [
    "<VendorQueryRq><ToModifiedDate>9999-12-31</ToModifiedDate></VendorQueryRq>",
    "<BillQueryRq><ModifiedDateRangeFilter><ToModifiedDate>9999-12-31</ToModifiedDate>"
    "</ModifiedDateRangeFilter></BillQueryRq>",
    "<ListDeletedQueryRq><ListDelType>Vendor</ListDelType><DeletedDateRangeFilter><ToDeletedDate>"
    "9999-12-31T23:59:59</ToDeletedDate></DeletedDateRangeFilter></ListDeletedQueryRq>",
])
def test_a_to_date_at_the_end_of_the_calendar_bounds_nothing(run, filled, body) -> None:
    el = _one(run, body)
    assert status(el)[0] in ("0", "1")


def test_a_bill_dated_on_the_last_day_of_the_calendar(run, filled) -> None:
    el = _one(run, "<BillAddRq><BillAdd><VendorRef><FullName>Acme Concrete</FullName></VendorRef>"
                   f"<TxnDate>9999-12-31</TxnDate>{EXPENSE}</BillAdd></BillAddRq>")
    assert status(el)[0] == "0"
    assert (el.findtext("BillRet/TxnDate"), el.findtext("BillRet/DueDate")) == ("9999-12-31", "9999-12-31")


def test_a_failing_handler_answers_1000_for_its_request_only(run, company, monkeypatch, caplog) -> None:
    original = registry.get_handler("VendorAdd")

    def broken(ctx):
        original(ctx)  # writes, then fails: the write must be rolled back
        raise KeyError("a defect")

    monkeypatch.setitem(registry._HANDLERS, "VendorAdd", broken)
    with caplog.at_level(logging.ERROR, logger="sim.quickbooks_fake.processor"):
        root = run('<VendorAddRq requestID="1"><VendorAdd><Name>Acme</Name></VendorAdd></VendorAddRq>'
                   '<CustomerAddRq requestID="2"><CustomerAdd><Name>Smith</Name></CustomerAdd>'
                   "</CustomerAddRq>",
                   on_error="continueOnError")
    assert status(rs(root, 0)) == ("1000", "Error", "There has been an internal error when processing the "
                                   "request.")
    assert status(rs(root, 1)) == ("0", "Info", "Status OK")
    assert company.list_records("Vendor") == []
    assert "internal failure in the VendorAdd handler" in caplog.text
    # stopOnError stops after it, as after any Error
    monkeypatch.setitem(registry._HANDLERS, "VendorAdd", broken)
    text = company.process_request(request('<VendorAddRq><VendorAdd><Name>B</Name></VendorAdd></VendorAddRq>'
                                           "<CustomerAddRq><CustomerAdd><Name>C</Name></CustomerAdd>"
                                           "</CustomerAddRq>"))
    assert text.count("Rs ") == 1
