"""Field access without the full typed parse: ``Response.views`` and ``Response.select`` read what
``Response.records`` holds, converting only the fields asked for; the typed walk runs on first access."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from connector.qbxml import RecordView, parse_response

FIXTURES = ["item_service_query_iterator.xml", "mixed_batch.xml", "hcp_response.xml"]


@pytest.mark.parametrize("name", FIXTURES)
def test_views_equal_records_key_for_key(name: str, fixture_text: Callable[[str], str]) -> None:
    for response in parse_response(fixture_text(name), version="16.0"):
        views = response.views
        assert [dict(view) for view in views] == [dict(record) for record in response.records]
        assert [view.tag for view in views] == [record.tag for record in response.records]
        assert [view.record() for view in views] == response.records


UNKNOWN_AND_INVALID = (
    '<QBXML><QBXMLMsgsRs><ItemServiceQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
    'statusMessage="Status OK"><ItemServiceRet><ListID>80000001-1</ListID><EditSequence>17</EditSequence>'
    "<Name>01-100</Name><IsActive>maybe</IsActive><FutureField><A>1</A><A>2</A></FutureField>"
    "<DataExtRet><OwnerID>0</OwnerID><DataExtName>Procore ID</DataExtName><DataExtType>STR255TYPE"
    "</DataExtType><DataExtValue>42</DataExtValue></DataExtRet>"
    "<SalesOrPurchase><Price>12.50</Price></SalesOrPurchase></ItemServiceRet></ItemServiceQueryRs>"
    "</QBXMLMsgsRs></QBXML>"
)


def test_views_keep_unknown_raw_and_invalid_as_text() -> None:
    response = parse_response(UNKNOWN_AND_INVALID)[0]
    (view,) = response.views
    assert isinstance(view, RecordView)
    assert view["FutureField"] == {"A": ["1", "2"]}
    assert view["IsActive"] == "maybe"
    assert view["DataExtRet"] == [{"OwnerID": "0", "DataExtName": "Procore ID", "DataExtType": "STR255TYPE",
                                   "DataExtValue": "42"}]
    assert view["SalesOrPurchase"] == {"Price": Decimal("12.50")}
    assert view.get("Desc") is None and "Desc" not in view
    with pytest.raises(KeyError):
        view["Desc"]
    assert dict(view) == dict(response.records[0])
    assert response.unknown == ["ItemServiceQueryRs/ItemServiceRet/FutureField"]
    assert response.invalid == ["ItemServiceQueryRs/ItemServiceRet/IsActive"]


def test_select_reads_the_named_fields_of_every_record(fixture_text: Callable[[str], str]) -> None:
    response = parse_response(fixture_text("item_service_query_iterator.xml"))[0]
    rows = response.select("ListID", "EditSequence", "Sublevel", "NoSuchField")
    assert rows == [(r["ListID"], r["EditSequence"], r["Sublevel"], None) for r in response.records]
    assert all(isinstance(row[2], int) for row in rows)


def test_a_duplicated_single_element_reads_as_its_first_occurrence_in_a_view() -> None:
    doubled = UNKNOWN_AND_INVALID.replace("<Name>01-100</Name>", "<Name>01-100</Name><Name>again</Name>")
    response = parse_response(doubled)[0]
    assert response.views[0]["Name"] == "01-100"  # the documented difference
    assert response.records[0]["Name"] == ["01-100", "again"]
    assert "ItemServiceQueryRs/ItemServiceRet/Name" in response.invalid


def test_records_share_the_tables_key_strings() -> None:
    xml = UNKNOWN_AND_INVALID.replace("<ItemServiceRet>", "<ItemServiceRet>", 1)
    first = parse_response(xml)[0].records[0]
    second = parse_response(xml)[0].records[0]
    assert next(k for k in first if k == "ListID") is next(k for k in second if k == "ListID")


def _leaf_types(value: object) -> set[type]:
    if isinstance(value, dict):
        return set().union(*(_leaf_types(item) for item in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(_leaf_types(item) for item in value)) if value else set()
    return {type(value)}


def test_records_hold_no_reference_into_the_tree(fixture_text: Callable[[str], str]) -> None:
    """Plain Python values only (no lxml proxies or smart strings): keeping records frees the tree."""
    from datetime import date, datetime

    types: set[type] = set()
    for name in FIXTURES:
        for response in parse_response(fixture_text(name), version="16.0"):
            for record in response.records:
                assert type(record).__name__ == "Record"
                types |= _leaf_types(dict(record))
            types |= _leaf_types(response.fields)
    assert types <= {str, int, bool, Decimal, date, datetime, type(None)}


def test_padded_values_are_typed_alike_by_records_views_and_select() -> None:
    padded = UNKNOWN_AND_INVALID.replace("<IsActive>maybe</IsActive>", "<IsActive> true </IsActive>").replace(
        "<EditSequence>17</EditSequence>", "<EditSequence>17</EditSequence><TimeCreated> 2024-01-15T10:30:00"
        "-08:00 </TimeCreated>")
    response = parse_response(padded)[0]
    record = response.records[0]
    assert record["IsActive"] is True
    assert record["TimeCreated"].isoformat() == "2024-01-15T10:30:00-08:00"
    assert response.views[0]["IsActive"] is True
    assert response.select("IsActive", "TimeCreated") == [(True, record["TimeCreated"])]
    assert response.invalid == []


def _two_records(second_edit_sequence: str) -> str:
    ret = ("<ItemServiceRet><ListID>{id}</ListID>{edit}<Name>n</Name><IsActive>true</IsActive>"
           "</ItemServiceRet>")
    body = ret.format(id="1-1", edit="<EditSequence>5</EditSequence>") + ret.format(
        id="2-2", edit=second_edit_sequence)
    return ('<QBXML><QBXMLMsgsRs><ItemServiceQueryRs requestID="1" statusCode="0" statusSeverity="Info" '
            f'statusMessage="Status OK">{body}</ItemServiceQueryRs></QBXMLMsgsRs></QBXML>')


@pytest.mark.parametrize("second", ["<EditSequence>6</EditSequence>", "", "<EditSequence></EditSequence>",
                                    "<EditSequence>6</EditSequence><EditSequence>7</EditSequence>"])
def test_select_reads_missing_empty_and_doubled_fields_like_a_view(second: str) -> None:
    """Missing, empty and duplicated fields read as a view reads them."""
    response = parse_response(_two_records(second))[0]
    expected = [(view["ListID"], view.get("EditSequence"), view["IsActive"]) for view in response.views]
    assert response.select("ListID", "EditSequence", "IsActive") == expected
    assert expected[0] == ("1-1", "5", True)


@pytest.mark.parametrize("third", [
    "<ItemServiceRet><ListID>3-3</ListID><EditSequence>8</EditSequence><Name>n</Name>"
    "<IsActive>false</IsActive></ItemServiceRet>",  # where the first two had them: the compiled picker
    "<ItemServiceRet><ListID>3-3</ListID><Name>n</Name><EditSequence>8</EditSequence>"
    "<IsActive>false</IsActive></ItemServiceRet>",  # moved
    "<ItemServiceRet><ListID>3-3</ListID><EditSequence>8</EditSequence><Name>n</Name>"
    "<IsActive> false </IsActive></ItemServiceRet>",  # padded: more than the fast converter
    "<ItemServiceRet><ListID>3-3</ListID><EditSequence>8</EditSequence><Name>n</Name>"
    "<IsActive>maybe</IsActive></ItemServiceRet>",  # not a boolean: kept as its text
    "<ItemServiceRet><ListID>3-3</ListID></ItemServiceRet>",  # short
])
def test_select_reads_later_records_as_a_view_reads_them(third: str) -> None:
    xml = _two_records("<EditSequence>6</EditSequence>").replace("</ItemServiceQueryRs>",
                                                                 third + "</ItemServiceQueryRs>")
    response = parse_response(xml)[0]
    expected = [(view["ListID"], view.get("EditSequence"), view.get("IsActive")) for view in response.views]
    assert len(expected) == 3
    assert response.select("ListID", "EditSequence", "IsActive") == expected
