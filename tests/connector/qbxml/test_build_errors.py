"""Requests the codec refuses, each with its named error and exact message (path + closest valid name).

Real QuickBooks would answer each of these with a whole-document 0x80040400 parse error; the codec catches
them before anything leaves the connector.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from connector.qbxml import (
    ChoiceConflictError,
    FieldTooLongError,
    InvalidCharacterError,
    InvalidEnumError,
    InvalidRequestIDError,
    InvalidValueError,
    IteratorError,
    MissingElementError,
    NotRepeatableError,
    QBXMLBuildError,
    Request,
    RequestBatch,
    UnknownAttributeError,
    UnknownElementError,
    UnknownRequestError,
    UnsupportedVersionError,
)

SERVICE = {"Name": "01-100", "SalesOrPurchase": {"Price": Decimal("1")}}
VENDOR = {"FullName": "Acme Concrete"}


def add(name: str, fields: dict[str, Any], version: str = "13.0", **kwargs: Any) -> str:
    batch = RequestBatch(version)
    batch.add(Request(name, fields, **kwargs))
    return batch.to_xml()


CASES: list[tuple[str, dict[str, Any], dict[str, Any], type[QBXMLBuildError], str]] = [
    ("ItemServiceAdd", {**SERVICE, "Nmae": "x"}, {}, UnknownElementError,
     "ItemServiceAddRq/ItemServiceAdd: unknown element 'Nmae'; did you mean 'Name'?"),
    ("ItemServiceAdd", {**SERVICE, "parentref": {"FullName": "A"}}, {}, UnknownElementError,
     "ItemServiceAddRq/ItemServiceAdd: unknown element 'parentref'; did you mean 'ParentRef'?"),
    ("CustomerAdd", {"Name": "Job", "ParentRef": {"Name": "Riverside"}}, {}, UnknownElementError,
     "CustomerAddRq/CustomerAdd/ParentRef: unknown element 'Name'; did you mean 'FullName'?"),
    ("ItemServiceAdd", {"Name": "x", "SalesOrPurchase": {}, "SalesAndPurchase": {}}, {}, ChoiceConflictError,
     "ItemServiceAddRq/ItemServiceAdd: only one of SalesOrPurchase / SalesAndPurchase may be given "
     "(schema choice)"),
    ("ItemServiceQuery", {"ListID": ["80000001-1"], "MaxReturned": 5}, {}, ChoiceConflictError,
     "ItemServiceQueryRq: only one of ListID / MaxReturned may be given (schema choice)"),
    ("ItemServiceQuery", {"NameFilter": {"MatchCriterion": "Contains", "Name": "a"},
                          "NameRangeFilter": {"FromName": "a"}}, {}, ChoiceConflictError,
     "ItemServiceQueryRq: only one of NameFilter / NameRangeFilter may be given (schema choice)"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"LotNumber": "L1", "SerialNumber": "S1"}]}, {},
     ChoiceConflictError,
     "BillAddRq/BillAdd/ItemLineAdd: only one of SerialNumber / LotNumber may be given (schema choice)"),
    ("ItemServiceAdd", {"SalesOrPurchase": {}}, {}, MissingElementError,
     "ItemServiceAddRq/ItemServiceAdd: missing required element Name"),
    ("ItemServiceAdd", {"Name": "x"}, {}, MissingElementError,
     "ItemServiceAddRq/ItemServiceAdd: missing required element one of SalesOrPurchase, SalesAndPurchase"),
    ("BillAdd", {"ItemLineAdd": [{"Amount": Decimal("1")}]}, {}, MissingElementError,
     "BillAddRq/BillAdd: missing required element VendorRef"),
    ("ItemServiceAdd", {**SERVICE, "Name": ["a", "b"]}, {}, NotRepeatableError,
     "ItemServiceAddRq/ItemServiceAdd/Name: element may occur only once; a list was given"),
    ("ItemServiceAdd", {**SERVICE, "Name": "x" * 32}, {}, FieldTooLongError,
     "ItemServiceAddRq/ItemServiceAdd/Name: 32 characters exceed the maximum length 31"),
    ("CustomerMod", {"ListID": "8" * 37, "EditSequence": "1"}, {}, FieldTooLongError,
     "CustomerModRq/CustomerMod/ListID: 37 characters exceed the maximum length 36"),
    ("ItemServiceAdd", {**SERVICE, "Name": "a\x01b"}, {}, InvalidCharacterError,
     "ItemServiceAddRq/ItemServiceAdd/Name: character U+0001 at index 1 is not allowed in XML 1.0"),
    ("VendorAdd", {"Name": "V", "Notes": "ok\ud800"}, {}, InvalidCharacterError,
     "VendorAddRq/VendorAdd/Notes: character U+D800 at index 2 is not allowed in XML 1.0"),
    ("VendorAdd", {"Name": "V", "Notes": "\uffff"}, {}, InvalidCharacterError,
     "VendorAddRq/VendorAdd/Notes: character U+FFFF at index 0 is not allowed in XML 1.0"),
    ("ItemServiceQuery", {"ActiveStatus": "all"}, {}, InvalidEnumError,
     "ItemServiceQueryRq/ActiveStatus: 'all' is not one of ActiveOnly, InactiveOnly, All; "
     "did you mean 'All'?"),
    ("ItemServiceQuery", {"ActiveStatus": "Inactive"}, {}, InvalidEnumError,
     "ItemServiceQueryRq/ActiveStatus: 'Inactive' is not one of ActiveOnly, InactiveOnly, All; "
     "did you mean 'InactiveOnly'?"),
    ("ItemServiceQuery", {"MaxReturned": 0}, {}, InvalidValueError,
     "ItemServiceQueryRq/MaxReturned: int 0 is not a valid INTTYPE: outside the allowed range 1.."),
    ("ItemServiceQuery", {"MaxReturned": True}, {}, InvalidValueError,
     "ItemServiceQueryRq/MaxReturned: bool True is not a valid INTTYPE: expected int, not bool"),
    ("ItemServiceQuery", {"MaxReturned": "ten"}, {}, InvalidValueError,
     "ItemServiceQueryRq/MaxReturned: str 'ten' is not a valid INTTYPE: does not match the INTTYPE pattern"),
    ("ItemServiceQuery", {"FromModifiedDate": datetime(2024, 1, 1)}, {}, InvalidValueError,
     "ItemServiceQueryRq/FromModifiedDate: datetime datetime.datetime(2024, 1, 1, 0, 0) is not a valid "
     "DATETIMETYPE: naive datetime; give a timezone-aware one"),
    ("BillAdd", {"VendorRef": VENDOR, "TxnDate": datetime(2024, 1, 1)}, {}, InvalidValueError,
     "BillAddRq/BillAdd/TxnDate: datetime datetime.datetime(2024, 1, 1, 0, 0) is not a valid DATETYPE: "
     "expected date, not datetime (would drop the time)"),
    ("BillAdd", {"VendorRef": VENDOR, "TxnDate": "02/29/2024"}, {}, InvalidValueError,
     "BillAddRq/BillAdd/TxnDate: str '02/29/2024' is not a valid DATETYPE: "
     "does not match the DATETYPE pattern"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"Amount": Decimal("1.005")}]}, {}, InvalidValueError,
     "BillAddRq/BillAdd/ItemLineAdd/Amount: Decimal Decimal('1.005') is not a valid AMTTYPE: "
     "more than two decimals (QuickBooks keeps cents)"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"Amount": 1.5}]}, {}, InvalidValueError,
     "BillAddRq/BillAdd/ItemLineAdd/Amount: float 1.5 is not a valid AMTTYPE: "
     "expected Decimal or int (never float for money)"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"Amount": Decimal("12345678901234")}]}, {},
     InvalidValueError,
     "BillAddRq/BillAdd/ItemLineAdd/Amount: Decimal Decimal('12345678901234') is not a valid AMTTYPE: "
     "more than 13 integer digits"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"Quantity": Decimal("1.123456")}]}, {},
     InvalidValueError,
     "BillAddRq/BillAdd/ItemLineAdd/Quantity: Decimal Decimal('1.123456') is not a valid QUANTYPE: "
     "more than five decimals"),
    ("ItemServiceAdd", {"Name": "x", "SalesOrPurchase": {"Price": Decimal("NaN")}}, {}, InvalidValueError,
     "ItemServiceAddRq/ItemServiceAdd/SalesOrPurchase/Price: Decimal Decimal('NaN') is not a valid "
     "PRICETYPE: not a finite number"),
    ("BillAdd", {"VendorRef": "Acme Concrete"}, {}, InvalidValueError,
     "BillAddRq/BillAdd/VendorRef: str 'Acme Concrete' is not a valid aggregate: "
     "expected a mapping of children"),
    ("VendorAdd", {"Name": 42}, {}, InvalidValueError,
     "VendorAddRq/VendorAdd/Name: int 42 is not a valid STRTYPE: expected str"),
    ("BillAdd", {"VendorRef": VENDOR, "ItemLineAdd": [{"ExpirationDateForSerialLotNumber": "2025-01-01"}]},
     {}, UnknownElementError,
     "BillAddRq/BillAdd/ItemLineAdd: unknown element 'ExpirationDateForSerialLotNumber' in qbXML 13.0 "
     "(it exists in qbXML 16.0)"),
    ("ItemServiceAdd", SERVICE, {"iterator": "Start"}, UnknownAttributeError,
     "ItemServiceAddRq: unknown attribute 'iterator' (allowed: requestID)"),
    ("VendorAdd", {"Name": "V", "@defMacro": "TxnID:x"}, {}, UnknownAttributeError,
     "VendorAddRq/VendorAdd: unknown attribute 'defMacro' (allowed: none)"),
    ("ItemServiceQuery", {}, {"iterator": "Continue"}, IteratorError,
     'ItemServiceQueryRq: iterator="Continue" needs the iteratorID QuickBooks returned'),
    ("ItemServiceQuery", {}, {"iterator_id": "{x}"}, IteratorError,
     'ItemServiceQueryRq: iteratorID is only sent with iterator="Continue" or "Stop"'),
    ("ItemServiceQuery", {}, {"iterator": "Begin"}, InvalidEnumError,
     "ItemServiceQueryRq/@iterator: 'Begin' is not one of Start, Continue, Stop"),
]


@pytest.mark.parametrize(("name", "fields", "kwargs", "error", "message"), CASES,
                         ids=[f"{c[0]}-{c[3].__name__}-{i}" for i, c in enumerate(CASES)])
def test_refused_with_named_error(
    name: str, fields: dict[str, Any], kwargs: dict[str, Any], error: type[QBXMLBuildError], message: str
) -> None:
    with pytest.raises(error) as caught:
        add(name, fields, **kwargs)
    assert str(caught.value) == message


@pytest.mark.parametrize(("name", "suggestion"), [("ItemServiceAd", "ItemServiceAdd"),
                                                 ("itemserviceadd", "ItemServiceAdd"),
                                                 ("VendorQuerry", "VendorQuery")])
def test_unknown_request_names_the_closest(name: str, suggestion: str) -> None:
    with pytest.raises(UnknownRequestError) as caught:
        add(name, {})
    assert caught.value.suggestion == suggestion
    assert str(caught.value) == f"unknown qbXML 13.0 request {name!r}; did you mean {suggestion!r}?"


def test_unknown_element_error_carries_path_name_and_suggestion() -> None:
    with pytest.raises(UnknownElementError) as caught:
        add("ItemServiceAdd", {**SERVICE, "SalesOrPurchase": {"Prise": Decimal("1")}})
    assert (caught.value.path, caught.value.name, caught.value.suggestion) == (
        "ItemServiceAddRq/ItemServiceAdd/SalesOrPurchase", "Prise", "Price")


def test_unsupported_version() -> None:
    with pytest.raises(UnsupportedVersionError) as caught:
        RequestBatch("12.0")
    assert str(caught.value) == "qbXML version '12.0' is not supported; supported: 13.0, 16.0"


def test_on_error_value_is_checked() -> None:
    with pytest.raises(InvalidEnumError) as caught:
        RequestBatch("13.0", "stoponerror")
    assert str(caught.value) == (
        "QBXMLMsgsRq/@onError: 'stoponerror' is not one of continueOnError, rollbackOnError, stopOnError; "
        "did you mean 'stopOnError'?")


@pytest.mark.parametrize(("request_id", "message"), [
    ("a", "requestID 'a' is already used in this batch"),
    ("x" * 51, f"requestID {'x' * 51!r} is longer than 50 characters"),
    ("", "requestID '' must be a non-empty str"),
    (5, "requestID 5 must be a non-empty str"),
])
def test_bad_request_ids(request_id: Any, message: str) -> None:
    batch = RequestBatch()
    batch.add(Request("HostQuery"), "a")
    with pytest.raises(InvalidRequestIDError) as caught:
        batch.add(Request("HostQuery"), request_id)
    assert str(caught.value) == message
    assert len(batch) == 1


def test_a_refused_request_leaves_the_batch_unchanged() -> None:
    batch = RequestBatch()
    batch.add(Request("HostQuery"))
    before = batch.to_xml()
    with pytest.raises(MissingElementError):
        batch.add(Request("BillAdd", {"TxnDate": date(2024, 1, 1)}))
    assert batch.to_xml() == before
    assert batch.add(Request("CompanyQuery")) == "2"


def test_include_ret_element_inside_add_fields_points_to_the_keyword() -> None:
    with pytest.raises(UnknownElementError) as caught:
        add("ItemServiceAdd", {**SERVICE, "IncludeRetElement": ["ListID"]})
    assert str(caught.value) == (
        "ItemServiceAddRq/ItemServiceAdd: unknown element 'IncludeRetElement' (it belongs to the request: "
        "pass Request(..., include_ret_element=[...]))")
