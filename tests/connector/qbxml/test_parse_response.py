"""Parsing real-looking QuickBooks responses (hand-written from the 13.0 XSD and the 16.0 sample) into exact
typed values. Every fixture that claims to be 13.0 is validated against the XSD first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from connector.qbxml import QBXMLStructureError, Record, parse_response

PST = timezone(timedelta(hours=-8))
EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize("name", ["item_service_query_iterator.xml", "mixed_batch.xml", "hcp_response.xml"])
def test_fixtures_are_valid_13_0(name: str, fixture_text: Callable[[str], str],
                                 assert_valid: Callable[[str], None]) -> None:
    assert_valid(fixture_text(name))


def test_iterator_query_records_exact(fixture_text: Callable[[str], str]) -> None:
    (response,) = parse_response(fixture_text("item_service_query_iterator.xml"))
    assert (response.name, response.request_id, response.status_code, response.status_severity,
            response.status_message) == ("ItemServiceQueryRs", "7", 0, "Info", "Status OK")
    assert response.ok
    assert response.ret_count == 2
    assert response.iterator_remaining_count == 48
    assert response.iterator_id == "{6F0D1A7E-7C11-4BB0-9C4C-2B62E0A3C1D4}"
    first, second = response.records
    assert isinstance(first, Record) and first.tag == "ItemServiceRet"
    assert first == {
        "ListID": "80000007-1700000000",
        "TimeCreated": datetime(2024, 1, 15, 10, 30, tzinfo=PST),
        "TimeModified": datetime(2024, 2, 1, 8, 5, 9, tzinfo=PST),
        "EditSequence": "1706803509",
        "Name": "01-100 General Conditions",
        "FullName": "Cost Codes:01-100 General Conditions",
        "IsActive": True,
        "ParentRef": {"ListID": "80000006-1700000000", "FullName": "Cost Codes"},
        "Sublevel": 1,
        "SalesOrPurchase": {"Desc": "Supervision & site <setup>", "Price": Decimal("125.50"),
                            "AccountRef": {"FullName": "Construction Income"}},
    }
    assert list(first) == list(first.keys())  # schema order is kept
    assert second["IsActive"] is False
    assert second["Name"] == "Überbau"
    assert second["TimeCreated"] == datetime(2024, 1, 15, 10, 31, tzinfo=UTC)
    assert second["SalesAndPurchase"]["SalesPrice"] == Decimal("0.00001")
    assert second["SalesAndPurchase"]["PurchaseCost"] == Decimal("-3.5")
    assert second["DataExtRet"] == [
        {"OwnerID": "0", "DataExtName": "Procore ID", "DataExtType": "STR255TYPE",
         "DataExtValue": "562949953421312"},
        {"OwnerID": "{6F0D1A7E-7C11-4BB0-9C4C-2B62E0A3C1D4}", "DataExtName": "Synced",
         "DataExtType": "STR255TYPE", "DataExtValue": "yes"},
    ]
    assert response.unknown == [] and response.invalid == []


def test_mixed_batch_statuses_and_request_ids(fixture_text: Callable[[str], str]) -> None:
    responses = parse_response(fixture_text("mixed_batch.xml"))
    assert [(r.request_id, r.name, r.status_code, r.status_severity) for r in responses] == [
        ("1", "ItemServiceAddRs", 0, "Info"),
        ("2", "VendorAddRs", 3100, "Error"),
        ("3", "CustomerModRs", 3200, "Error"),
        ("4", "VendorQueryRs", 1, "Info"),
        ("5", "BillAddRs", 0, "Info"),
        ("6", "ListDelRs", 0, "Info"),
    ]
    duplicate = responses.by_request_id("2")
    assert not duplicate.ok
    assert duplicate.status_message == 'The name "Acme Concrete" of the list element is already in use.'
    assert duplicate.records == []
    no_match = responses.get("4")
    assert no_match is not None and no_match.ok and no_match.records == []
    assert no_match.status_message == "A query request did not find a matching object in QuickBooks"
    assert responses.get("99") is None


def test_3200_carries_the_current_record(fixture_text: Callable[[str], str]) -> None:
    stale = parse_response(fixture_text("mixed_batch.xml")).by_request_id("3")
    assert stale.status_message == 'The provided edit sequence "1272664823" is out-of-date. '
    (customer,) = stale.records
    assert customer.tag == "CustomerRet"
    assert customer["EditSequence"] == "1709406733"
    assert customer["ParentRef"] == {"ListID": "80000009-1700000199", "FullName": "Riverside Holdings"}
    assert customer["Balance"] == Decimal("1500.00")
    assert customer["JobStartDate"] == date(2024, 1, 8)
    assert customer["JobStatus"] == "InProgress"


def test_bill_lines_and_links(fixture_text: Callable[[str], str]) -> None:
    (bill,) = parse_response(fixture_text("mixed_batch.xml")).by_request_id("5").records
    assert bill["TxnNumber"] == 311
    assert bill["TxnDate"] == date(2024, 2, 29)
    assert bill["AmountDue"] == Decimal("1234.50")
    assert bill["IsPaid"] is False
    assert bill["LinkedTxn"] == [{"TxnID": "1A00-1709000000", "TxnType": "PurchaseOrder",
                                  "TxnDate": date(2024, 2, 1), "RefNumber": "PO-12", "LinkType": "QUANTYPE",
                                  "Amount": Decimal("-1234.50")}]
    assert [line["TxnLineID"] for line in bill["ItemLineRet"]] == ["1A2C-1709301700", "1A2D-1709301700"]
    assert bill["ItemLineRet"][0]["Quantity"] == Decimal("12.5")
    assert bill["ItemLineRet"][0]["Cost"] == Decimal("80.76")
    assert bill["ItemLineRet"][1]["Quantity"] == Decimal("1")
    assert "ExpenseLineRet" not in bill


def test_non_ret_children_go_to_fields(fixture_text: Callable[[str], str]) -> None:
    deleted = parse_response(fixture_text("mixed_batch.xml")).by_request_id("6")
    assert deleted.records == []
    assert deleted.fields == {"ListDelType": "ItemService", "ListID": "8000000A-1700000100",
                              "TimeDeleted": datetime(2024, 3, 1, 10, 0, tzinfo=EST), "FullName": "02-200"}


def test_raw_keeps_the_element_as_received(fixture_text: Callable[[str], str]) -> None:
    responses = parse_response(fixture_text("mixed_batch.xml"))
    raw = responses.by_request_id("2").raw
    assert raw.startswith('<VendorAddRs requestID="2" statusCode="3100"')
    assert raw.endswith("/>")  # no trailing whitespace from the pretty-printed document
    assert "&quot;Acme Concrete&quot;" in raw
    assert responses.raw.startswith("<QBXML>")


def wrap(body: str, msgs_attrs: str = "") -> str:
    return f'<?xml version="1.0" ?><QBXML><QBXMLMsgsRs{msgs_attrs}>{body}</QBXMLMsgsRs></QBXML>'


def test_unknown_elements_are_kept_raw_and_listed() -> None:
    xml = wrap(
        '<VendorQueryRs requestID="1" statusCode="0" statusSeverity="Info">'
        "<VendorRet><ListID>1</ListID><Name>V</Name>"
        "<FutureField>42</FutureField>"
        '<FutureAggregate kind="x"><A>1</A><A>2</A><B><C>deep</C></B></FutureAggregate>'
        "<FutureField>43</FutureField>"
        "<Balance>10.00</Balance></VendorRet></VendorQueryRs>"
    )
    response = parse_response(xml)[0]
    record = response.records[0]
    assert record["FutureField"] == ["42", "43"]
    assert record["FutureAggregate"] == {"@kind": "x", "A": ["1", "2"], "B": {"C": "deep"}}
    assert record["Balance"] == Decimal("10.00")
    assert response.unknown == ["VendorQueryRs/VendorRet/FutureField",
                                "VendorQueryRs/VendorRet/FutureAggregate",
                                "VendorQueryRs/VendorRet/FutureField"]
    assert response.invalid == ["VendorQueryRs/VendorRet/FutureField"]


def test_unknown_response_type_is_kept_raw() -> None:
    xml = wrap('<FutureThingQueryRs requestID="9" statusCode="0" statusSeverity="Info">'
               "<FutureThingRet><X>1</X></FutureThingRet></FutureThingQueryRs>")
    response = parse_response(xml)[0]
    assert (response.name, response.request_id, response.status_code) == ("FutureThingQueryRs", "9", 0)
    (record,) = response.records
    assert (record.tag, record) == ("FutureThingRet", {"X": "1"})
    assert response.fields == {}
    assert response.unknown == ["FutureThingQueryRs", "FutureThingQueryRs/FutureThingRet"]


def test_values_that_do_not_convert_are_kept_and_flagged() -> None:
    xml = wrap('<VendorQueryRs requestID="1" statusCode="0" statusSeverity="Info">'
               "<VendorRet><ListID>1</ListID><Name>V</Name><IsActive>maybe</IsActive>"
               "<Balance>12,50</Balance><TimeCreated>yesterday</TimeCreated></VendorRet></VendorQueryRs>")
    response = parse_response(xml)[0]
    record = response.records[0]
    assert (record["IsActive"], record["Balance"], record["TimeCreated"]) == ("maybe", "12,50", "yesterday")
    assert response.invalid == ["VendorQueryRs/VendorRet/IsActive", "VendorQueryRs/VendorRet/Balance",
                                "VendorQueryRs/VendorRet/TimeCreated"]


def test_empty_typed_values_are_none_and_empty_strings_stay() -> None:
    xml = wrap('<VendorQueryRs requestID="1" statusCode="0" statusSeverity="Info">'
               "<VendorRet><ListID>1</ListID><Name></Name><Balance/></VendorRet></VendorQueryRs>")
    record = parse_response(xml)[0].records[0]
    assert record["Name"] == "" and record["Balance"] is None


def test_message_set_status_and_id() -> None:
    xml = wrap('<HostQueryRs statusCode="0" statusSeverity="Info"/>',
               ' newMessageSetID="MS-2" messageSetStatusCode="9001"')
    responses = parse_response(xml)
    assert responses.message_set_status_code == 9001
    assert responses.new_message_set_id == "MS-2"
    assert responses[0].request_id is None


def test_mixed_ret_types_keep_document_order() -> None:
    xml = wrap('<ItemQueryRs requestID="1" statusCode="0" statusSeverity="Info">'
               "<ItemServiceRet><ListID>1</ListID><Name>S</Name></ItemServiceRet>"
               "<ItemNonInventoryRet><ListID>2</ListID><Name>N</Name></ItemNonInventoryRet>"
               "<ItemServiceRet><ListID>3</ListID><Name>T</Name></ItemServiceRet></ItemQueryRs>")
    records = parse_response(xml)[0].records
    assert [(r.tag, r["ListID"]) for r in records] == [("ItemServiceRet", "1"), ("ItemNonInventoryRet", "2"),
                                                        ("ItemServiceRet", "3")]


def test_bill_ret_is_pending_is_typed_in_16_0_and_raw_in_13_0() -> None:
    xml = wrap('<BillQueryRs requestID="1" statusCode="0" statusSeverity="Info"><BillRet>'
               "<TxnID>1</TxnID><IsPaid>false</IsPaid><ExternalGUID>0</ExternalGUID><IsPending>true</IsPending>"
               "<OpenAmount>5.00</OpenAmount></BillRet></BillQueryRs>")
    as_16 = parse_response(xml, version="16.0")[0]
    assert as_16.records[0]["IsPending"] is True and as_16.unknown == []
    as_13 = parse_response(xml, version="13.0")[0]
    assert as_13.records[0]["IsPending"] == "true"
    assert as_13.unknown == ["BillQueryRs/BillRet/IsPending"]
    assert as_13.records[0]["OpenAmount"] == as_16.records[0]["OpenAmount"] == Decimal("5.00")


@pytest.mark.parametrize(("xml", "message"), [
    ("<QBXML><QBXMLMsgsRq onError='stopOnError'/></QBXML>", "no <QBXMLMsgsRs> in the response"),
    ("<Envelope/>", "root element is <Envelope>, expected <QBXML>"),
    (wrap('<HostQueryRs statusSeverity="Info"/>'), "<HostQueryRs> has no statusCode"),
    (wrap('<HostQueryRs statusCode="zero" statusSeverity="Info"/>'),
     "<HostQueryRs> statusCode='zero' is not an integer"),
    (wrap('<HostQueryRs statusCode="0" statusSeverity="Info" iteratorRemainingCount="many"/>'),
     "<HostQueryRs> iteratorRemainingCount='many' is not an integer"),
])
def test_structure_errors(xml: str, message: str) -> None:
    with pytest.raises(QBXMLStructureError) as caught:
        parse_response(xml)
    assert str(caught.value) == message


def test_bytes_with_encoding_declaration() -> None:
    xml = ('<?xml version="1.0" encoding="windows-1252"?><QBXML><QBXMLMsgsRs>'
           '<VendorQueryRs statusCode="0" statusSeverity="Info"><VendorRet><ListID>1</ListID>'
           "<Name>Caf\xe9</Name></VendorRet></VendorQueryRs></QBXMLMsgsRs></QBXML>").encode("cp1252")
    assert parse_response(xml)[0].records[0]["Name"] == "Café"


def test_str_with_encoding_declaration() -> None:
    xml = ('<?xml version="1.0" encoding="utf-8"?>' + wrap(
        '<VendorQueryRs statusCode="0" statusSeverity="Info"><VendorRet><ListID>1</ListID>'
        "<Name>北京</Name></VendorRet></VendorQueryRs>").split("?>", 1)[1])
    assert parse_response(xml)[0].records[0]["Name"] == "北京"


def test_parse_plans_are_safe_to_build_from_many_threads() -> None:
    """Plans are published only when complete: concurrent first parses all see fully typed records."""
    import threading

    from connector.qbxml import convert

    xml = wrap('<EstimateQueryRs statusCode="0" statusSeverity="Info"><EstimateRet><TxnID>1</TxnID>'
               "<TxnDate>2024-01-02</TxnDate><EstimateLineRet><TxnLineID>L1</TxnLineID><Amount>1.50</Amount>"
               "</EstimateLineRet></EstimateRet></EstimateQueryRs>")
    convert._PLANS.clear()
    results: list[object] = []

    def work() -> None:
        record = parse_response(xml)[0].records[0]
        results.append((record["TxnDate"], record["EstimateLineRet"][0]["Amount"]))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [(date(2024, 1, 2), Decimal("1.50"))] * 8


def test_parse_with_unsupported_version() -> None:
    from connector.qbxml import UnsupportedVersionError

    with pytest.raises(UnsupportedVersionError) as caught:
        parse_response(wrap(""), version="15.0")
    assert str(caught.value) == "qbXML version '15.0' is not supported; supported: 13.0, 16.0"


def test_parse_one_element_already_parsed(fixture_text: Callable[[str], str]) -> None:
    from connector.qbxml import parse_response_element, parse_xml

    root = parse_xml(fixture_text("mixed_batch.xml"))
    element = root.find("QBXMLMsgsRs/CustomerModRs")
    response = parse_response_element(element)
    assert (response.request_id, response.status_code) == ("3", 3200)
    assert response.records[0]["Balance"] == Decimal("1500.00")
    with pytest.raises(QBXMLStructureError) as caught:
        parse_response_element(root)
    assert str(caught.value) == "<QBXML> is not a qbXML response element"
