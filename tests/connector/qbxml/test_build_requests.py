"""Realistic requests of the Procore sync, built in shuffled field orders, all valid against the 13.0 XSD.

The property under test: the caller's dict order never changes the document (schema order wins), and the
document validates. Shuffles use fixed seeds, nested dicts and line lists included.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from connector.qbxml import Request, RequestBatch

PACIFIC = timezone(timedelta(hours=-8))
JOB = {"FullName": "Riverside Holdings:Job 42 - Riverside"}


def po_line(n: int) -> dict[str, Any]:
    return {
        "ItemRef": {"FullName": f"03-{n:03d} Concrete"},
        "Desc": f"Line {n} <footings> & forms",
        "Quantity": Decimal("12.5"),
        "Rate": Decimal("80.76"),
        "Amount": Decimal("1009.50"),
        "CustomerRef": JOB,
        "ClassRef": {"ListID": "80000002-1700000000"},
    }


CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "ItemServiceAdd": ("ItemServiceAdd", {
        "Name": "01-100",
        "IsActive": True,
        "ParentRef": {"FullName": "Cost Codes"},
        "SalesOrPurchase": {"Desc": "General Conditions", "Price": Decimal("0"),
                            "AccountRef": {"FullName": "Construction Income"}},
    }, {"include_ret_element": ["ListID", "EditSequence", "FullName"]}),
    "ItemServiceMod": ("ItemServiceMod", {
        "ListID": "80000007-1700000000",
        "EditSequence": "1706803509",
        "Name": "01-100",
        "IsActive": False,
        "SalesOrPurchaseMod": {"Desc": "General Conditions (renamed)",
                               "AccountRef": {"ListID": "80000001-1"}},
    }, {}),
    "ItemServiceQuery": ("ItemServiceQuery", {
        "MaxReturned": 100,
        "ActiveStatus": "All",
        "FromModifiedDate": datetime(2024, 1, 1, 0, 0, tzinfo=PACIFIC),
        "NameFilter": {"MatchCriterion": "StartsWith", "Name": "01-"},
        "IncludeRetElement": ["ListID", "Name", "EditSequence"],
    }, {"iterator": "Start"}),
    "CustomerAdd job with ParentRef": ("CustomerAdd", {
        "Name": "Job 42 - Riverside",
        "ParentRef": {"FullName": "Riverside Holdings"},
        "CompanyName": "Riverside Holdings LLC",
        "BillAddress": {"Addr1": "100 Main St", "City": "Portland", "State": "OR", "PostalCode": "97201"},
        "Phone": "503-555-0100",
        "Email": "pm@riverside.example",
        "JobStatus": "InProgress",
        "JobStartDate": date(2024, 1, 8),
        "JobProjectedEndDate": date(2024, 12, 20),
        "JobDesc": "Riverside mixed-use, phase 1",
    }, {}),
    "CustomerMod": ("CustomerMod", {
        "ListID": "80000010-1700000200",
        "EditSequence": "1709406733",
        "Name": "Job 42 - Riverside (Phase 2)",
        "ParentRef": {"ListID": "80000009-1700000199"},
        "JobStatus": "Awarded",
    }, {}),
    "CustomerQuery by name": ("CustomerQuery",
                              {"FullName": ["Riverside Holdings", "Riverside Holdings:Job 42"]}, {}),
    "CustomerQuery iterator continue": ("CustomerQuery", {"MaxReturned": 50, "ActiveStatus": "ActiveOnly"},
                                        {"iterator": "Continue", "iterator_id": "{6F0D1A7E-7C11-4BB0-9C4C}"}),
    "VendorAdd": ("VendorAdd", {
        "Name": "Acme Concrete",
        "CompanyName": "Acme Concrete & Paving, Inc.",
        "VendorAddress": {"Addr1": "1 Industrial Way", "City": "Salem", "State": "OR", "PostalCode": "97301"},
        "Phone": "503-555-0111",
        "Email": "ap@acme.example",
        "NameOnCheck": "Acme Concrete & Paving",
        "AccountNumber": "ACME-001",
        "VendorTaxIdent": "12-3456789",
        "IsVendorEligibleFor1099": True,
    }, {}),
    "VendorQuery": ("VendorQuery", {"MaxReturned": 100, "FromModifiedDate": date(2024, 1, 1)},
                    {"iterator": "Start"}),
    "EstimateAdd": ("EstimateAdd", {
        "CustomerRef": JOB,
        "TxnDate": date(2024, 2, 1),
        "RefNumber": "EST-42",
        "Memo": "Budget import from Procore",
        "EstimateLineAdd": [
            {"ItemRef": {"FullName": "01-100"}, "Desc": "General Conditions", "Quantity": Decimal("1"),
             "Rate": Decimal("25000"), "Amount": Decimal("25000")},
            {"ItemRef": {"FullName": "03-300"}, "Amount": Decimal("1234.5")},
        ],
    }, {}),
    "EstimateMod": ("EstimateMod", {
        "TxnID": "1A2B-1709301700",
        "EditSequence": "1709301700",
        "Memo": "Budget modification #1",
        "EstimateLineMod": [{"TxnLineID": "1A2C-1709301700", "Amount": Decimal("26000.00")},
                            {"TxnLineID": "-1", "ItemRef": {"FullName": "03-310"},
                             "Amount": Decimal("99.99")}],
    }, {}),
    "PurchaseOrderAdd": ("PurchaseOrderAdd", {
        "VendorRef": {"FullName": "Acme Concrete"},
        "TxnDate": date(2024, 2, 1),
        "RefNumber": "PO-12",
        "Memo": "Commitment SC-12",
        "PurchaseOrderLineAdd": [po_line(n) for n in range(1, 6)],
    }, {}),
    "PurchaseOrderMod": ("PurchaseOrderMod", {
        "TxnID": "1A00-1709000000",
        "EditSequence": "1709000000",
        "IsManuallyClosed": False,
        "PurchaseOrderLineMod": [{"TxnLineID": "1A01-1709000000", "Quantity": Decimal("14"),
                                  "Rate": Decimal("80.76"), "Amount": Decimal("1130.64")}],
    }, {}),
    "BillAdd with LinkToTxnID and ItemLineAdd": ("BillAdd", {
        "VendorRef": {"FullName": "Acme Concrete"},
        "TxnDate": date(2024, 2, 29),
        "DueDate": date(2024, 3, 30),
        "RefNumber": "INV-77",
        "Memo": "Requisition #3",
        "LinkToTxnID": ["1A00-1709000000"],
        "ItemLineAdd": [
            {"ItemRef": {"FullName": "03-300 Concrete"}, "Quantity": Decimal("12.5"),
             "Cost": Decimal("80.76"), "Amount": Decimal("1009.50"), "CustomerRef": JOB,
             "BillableStatus": "Billable"},
            {"ItemRef": {"FullName": "03-310 Rebar"}, "Amount": Decimal("225")},
        ],
        "ExpenseLineAdd": [{"AccountRef": {"FullName": "Retainage Payable"}, "Amount": Decimal("-61.73")}],
    }, {}),
    "BillPaymentCheckQuery": ("BillPaymentCheckQuery", {
        "TxnDateRangeFilter": {"FromTxnDate": date(2024, 1, 1), "ToTxnDate": date(2024, 3, 31)},
        "EntityFilter": {"FullName": "Acme Concrete"},
        "IncludeLineItems": True,
        "MaxReturned": 200,
    }, {}),
    "JobReportQuery": ("JobReportQuery", {
        "JobReportType": "JobEstimatesVsActualsDetail",
        "ReportPeriod": {"FromReportDate": date(2024, 1, 1), "ToReportDate": date(2024, 12, 31)},
        "ReportEntityFilter": {"FullName": ["Riverside Holdings:Job 42 - Riverside"]},
        "SummarizeColumnsBy": "TotalOnly",
    }, {}),
    "HostQuery": ("HostQuery", {}, {}),
    "CompanyQuery": ("CompanyQuery", {}, {}),
    "PreferencesQuery": ("PreferencesQuery", {}, {}),
    "ItemServiceQuery iterator stop": ("ItemServiceQuery", {}, {"iterator": "Stop", "iterator_id": "{abc}"}),
    "TxnDel": ("TxnDel", {"TxnID": "1A2B-1709301700", "TxnDelType": "Bill"}, {}),
    "ListDel": ("ListDel", {"ListID": "80000007-1700000000", "ListDelType": "ItemService"}, {}),
}


def shuffled(value: Any, rng: random.Random) -> Any:
    """The same value with every mapping's key order shuffled (recursively, lines included)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {key: shuffled(inner, rng) for key, inner in items}
    if isinstance(value, list):
        return [shuffled(inner, rng) for inner in value]
    return value


def build(name: str, fields: dict[str, Any], kwargs: dict[str, Any]) -> str:
    batch = RequestBatch("13.0")
    batch.add(Request(name, fields, **kwargs))
    return batch.to_xml()


@pytest.mark.parametrize("case", sorted(CASES))
def test_case_validates_and_is_order_independent(case: str, assert_valid: Callable[[str], None]) -> None:
    name, fields, kwargs = CASES[case]
    reference = build(name, fields, kwargs)
    assert_valid(reference)
    rng = random.Random(case)
    for _ in range(20):
        assert build(name, shuffled(fields, rng), kwargs) == reference


def test_all_cases_in_one_batch_validate(assert_valid: Callable[[str], None]) -> None:
    batch = RequestBatch("13.0", "continueOnError")
    ids = [batch.add(Request(name, fields, **kwargs)) for name, fields, kwargs in CASES.values()]
    assert ids == [str(n) for n in range(1, len(CASES) + 1)]
    assert_valid(batch.to_xml())


def test_item_service_add_exact_document() -> None:
    fields = {
        "SalesOrPurchase": {"AccountRef": {"FullName": "Construction Income"}, "Price": Decimal("10.5"),
                            "Desc": "Supervision & setup"},
        "ParentRef": {"FullName": "Cost Codes"},
        "Name": "01-100",
    }
    assert build("ItemServiceAdd", fields, {}) == (
        '<?xml version="1.0" ?>\n<?qbxml version="13.0"?>\n'
        '<QBXML><QBXMLMsgsRq onError="stopOnError"><ItemServiceAddRq requestID="1"><ItemServiceAdd>'
        "<Name>01-100</Name><ParentRef><FullName>Cost Codes</FullName></ParentRef>"
        "<SalesOrPurchase><Desc>Supervision &amp; setup</Desc><Price>10.5</Price>"
        "<AccountRef><FullName>Construction Income</FullName></AccountRef></SalesOrPurchase>"
        "</ItemServiceAdd></ItemServiceAddRq></QBXMLMsgsRq></QBXML>"
    )


def test_bill_link_to_txn_precedes_lines_whatever_the_order() -> None:
    fields = {"ItemLineAdd": [{"Amount": Decimal("1")}], "LinkToTxnID": ["PO-1", "PO-2"],
              "VendorRef": {"FullName": "V"}}
    xml = build("BillAdd", fields, {})
    assert re.findall(r"<(VendorRef|LinkToTxnID|ItemLineAdd)>", xml) == [
        "VendorRef", "LinkToTxnID", "LinkToTxnID", "ItemLineAdd"]


def test_iterator_attributes_are_written_in_the_rq_tag() -> None:
    xml = build("ItemServiceQuery", {"MaxReturned": 10}, {"iterator": "Continue", "iterator_id": "{X}"})
    assert '<ItemServiceQueryRq requestID="1" iterator="Continue" iteratorID="{X}">' in xml


def test_meta_data_attribute(assert_valid: Callable[[str], None]) -> None:
    xml = build("CustomerQuery", {}, {"meta_data": "MetaDataOnly"})
    assert '<CustomerQueryRq requestID="1" metaData="MetaDataOnly">' in xml
    assert_valid(xml)


def test_def_macro_and_use_macro_attributes(assert_valid: Callable[[str], None]) -> None:
    batch = RequestBatch("13.0")
    batch.add(Request("BillAdd", {"@defMacro": "TxnID:Bill1", "VendorRef": {"FullName": "V"},
                                  "ItemLineAdd": [{"Amount": Decimal("5")}]}))
    batch.add(Request("BillPaymentCheckAdd", {
        "PayeeEntityRef": {"FullName": "V"},
        "BankAccountRef": {"FullName": "Checking"},
        "IsToBePrinted": True,
        "AppliedToTxnAdd": [{"PaymentAmount": Decimal("5"),
                             "TxnID": {"@useMacro": "TxnID:Bill1", "#text": "0"}}],
    }))
    xml = batch.to_xml()
    assert '<BillAdd defMacro="TxnID:Bill1">' in xml
    assert ('<AppliedToTxnAdd><TxnID useMacro="TxnID:Bill1">0</TxnID>'
            "<PaymentAmount>5.00</PaymentAmount>") in xml
    assert_valid(xml)


def test_none_values_are_left_out() -> None:
    xml = build("ItemServiceAdd", {"Name": "A", "BarCode": None, "IsActive": None,
                                   "SalesOrPurchase": {"Desc": None, "Price": Decimal("1")}}, {})
    assert "<ItemServiceAdd><Name>A</Name><SalesOrPurchase><Price>1</Price></SalesOrPurchase>" in xml


def test_empty_string_clears_a_field_in_a_mod(assert_valid: Callable[[str], None]) -> None:
    xml = build("CustomerMod", {"ListID": "1", "EditSequence": "2", "Phone": ""}, {})
    assert "<Phone></Phone>" in xml
    assert_valid(xml)


def test_caller_request_ids_and_auto_ids_do_not_collide() -> None:
    batch = RequestBatch("13.0")
    assert batch.add(Request("HostQuery"), "2") == "2"
    assert batch.add(Request("CompanyQuery")) == "1"
    assert batch.add(Request("PreferencesQuery")) == "3"
    assert batch.add(Request("HostQuery"), "workitem-17:vendor") == "workitem-17:vendor"
    assert list(batch.requests) == ["2", "1", "3", "workitem-17:vendor"]
    assert len(batch) == 4


def test_on_error_and_response_data_attributes(assert_valid: Callable[[str], None]) -> None:
    batch = RequestBatch("13.0", "rollbackOnError", response_data="includeNone")
    batch.add(Request("HostQuery"))
    xml = batch.to_xml()
    assert '<QBXMLMsgsRq onError="rollbackOnError" responseData="includeNone">' in xml
    assert_valid(xml)


def test_ascii_only_writes_character_references(assert_valid: Callable[[str], None]) -> None:
    batch = RequestBatch("13.0", ascii_only=True)
    batch.add(Request("VendorAdd", {"Name": "Bäcker & Söhne 北京 🏗"}))
    xml = batch.to_xml()
    assert xml.isascii()
    assert "<Name>B&#228;cker &amp; S&#246;hne &#21271;&#20140; &#127959;</Name>" in xml
    assert_valid(xml)


def test_request_name_with_rq_suffix_is_accepted() -> None:
    assert build("HostQueryRq", {}, {}) == build("HostQuery", {}, {})


def test_tuple_works_like_list_for_lines(assert_valid: Callable[[str], None]) -> None:
    xml = build("CustomerQuery", {"FullName": ("A", "B")}, {})
    assert "<FullName>A</FullName><FullName>B</FullName>" in xml
    assert_valid(xml)


def test_auto_ids_skip_a_caller_id_while_the_same_shape_renders_again() -> None:
    """The warm path (same type, same shape, automatic id) still sees an id a caller took meanwhile."""
    batch = RequestBatch("13.0")
    fields = {"Name": "01-100", "SalesOrPurchase": {"Desc": "Concrete", "Price": Decimal("1.50"),
                                                     "AccountRef": {"FullName": "Income"}}}
    assert batch.add(Request("ItemServiceAdd", fields)) == "1"
    assert batch.add(Request("ItemServiceAdd", fields)) == "2"
    assert batch.add(Request("ItemServiceAdd", fields), "3") == "3"
    assert batch.add(Request("ItemServiceAdd", fields)) == "4"
    assert list(batch.requests) == ["1", "2", "3", "4"]
    assert batch.to_xml().count('<ItemServiceAddRq requestID="') == 4
    assert '<ItemServiceAddRq requestID="4"><ItemServiceAdd><Name>01-100</Name>' in batch.to_xml()
