"""Request dates read with the schema's own grammar (3020 for an impossible one), From after To → 3030,
and malformed object ids → 3000, each answered on its own request while the batch runs on."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from sim.quickbooks_fake.dates import BadDate, canonical, parse_date, parse_datetime
from sim.quickbooks_fake.pc_time import DEFAULT_TZ
from tests.sim.quickbooks_fake.helpers import rs, status

NO_MATCH = ("1", "Info", "A query request did not find a matching object in QuickBooks")
OK = ("0", "Info", "Status OK")
RANGE = ("3030", "Error", "From date is greater than To date.")


def bad_date(value: str, field: str) -> tuple[str, str, str]:
    return ("3020", "Error",
            f'There was an error when converting the date value "{value}" in the field "{field}"')


def bad_id(value: str, field: str) -> tuple[str, str, str]:
    return ("3000", "Error", f'The given object ID "{value}" in the field "{field}" is invalid. ')


def every(root) -> list:
    return list(root.find("QBXMLMsgsRs"))


def vendor_query(inner: str) -> str:
    return f"<VendorQueryRq>{inner}</VendorQueryRq>"


# -- the shared parser -------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("2024-1-5", "2024-01-05"),
    ("2024-01-15T9", "2024-01-15T09:00:00"),
    ("2024-01-15T9:00:00", "2024-01-15T09:00:00"),
    ("2024-01-15T09:00:00+5:00", "2024-01-15T09:00:00+05:00"),
    ("2024-01-15T09:00:00-05:00", "2024-01-15T09:00:00-05:00"),
    ("2024-01-15Z", "2024-01-15"),
    ("2024-01-15+05:00", "2024-01-15"),
    ("", None),
    ("   ", None),
])
def test_schema_grammar_is_read_and_canonicalised(text: str, expected: str | None) -> None:
    assert canonical(text) == expected


@pytest.mark.parametrize("text", ["2024-13-45", "2024-02-30", "2024-01-15T25:00:00", "2024-01-15T09:61:00",
                                  "2024-01-15T09:00:00+24:00", "0000-01-01", "12024-01-05", "15/01/2024",
                                  "99999999999999999999-01-01"])  # too long for a C int: OverflowError
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(BadDate):
        parse_date(text)


def test_bare_dates_cover_the_whole_local_day() -> None:
    assert parse_datetime("2024-1-5") == datetime(2024, 1, 5, tzinfo=DEFAULT_TZ)
    assert parse_datetime("2024-1-5", end_of_day=True) == datetime(2024, 1, 5, 23, 59, 59, 999999,
                                                                   tzinfo=DEFAULT_TZ)
    assert parse_datetime("2024-01-15T9:00:00+5:00") == datetime(2024, 1, 15, 9,
                                                                 tzinfo=timezone(timedelta(hours=5)))
    assert parse_date("2024-01-15T23:00:00") == date(2024, 1, 15)


# -- list queries ----------------------------------------------------------------------------------
def test_one_and_two_digit_fields_filter_list_queries(run, company) -> None:
    company.ui.create_vendor("Acme Concrete")  # modified 2024-01-15T09:00:00-05:00 (the file's clock)
    answers = every(run(vendor_query("<FromModifiedDate>2024-1-5</FromModifiedDate>")
                     + vendor_query("<ToModifiedDate>2024-1-14</ToModifiedDate>")
                     + vendor_query("<FromModifiedDate>2024-01-15T9:00:00</FromModifiedDate>")
                     + vendor_query("<ToModifiedDate>2024-01-15T9:00:00+5:00</ToModifiedDate>")
                     + vendor_query("<FromModifiedDate>2024-01-15T9:00:00+5:00</FromModifiedDate>"),
                     on_error="continueOnError"))
    got = [(status(a), [r.findtext("Name") for r in a]) for a in answers]
    assert got == [(OK, ["Acme Concrete"]), (NO_MATCH, []), (OK, ["Acme Concrete"]),
                   (NO_MATCH, []),  # 09:00+05:00 is 23:00 the day before in the file's time
                   (OK, ["Acme Concrete"])]


def test_an_empty_date_is_no_filter(run, company) -> None:
    company.ui.create_vendor("Acme Concrete")
    el = rs(run(vendor_query("<FromModifiedDate></FromModifiedDate><ToModifiedDate/>")))
    assert status(el) == OK
    assert [r.findtext("Name") for r in el] == ["Acme Concrete"]


def test_an_impossible_date_fails_only_its_request(run, company) -> None:
    company.ui.create_vendor("Acme Concrete")
    answers = every(run(vendor_query("<FromModifiedDate>2024-13-45</FromModifiedDate>")
                     + vendor_query("<ToModifiedDate>2024-01-15T25:00:00</ToModifiedDate>")
                     + vendor_query(""), on_error="continueOnError"))
    assert [status(a) for a in answers] == [bad_date("2024-13-45", "FromModifiedDate"),
                                           bad_date("2024-01-15T25:00:00", "ToModifiedDate"), OK]
    assert len(answers[0]) == 0


def test_stop_on_error_stops_after_an_impossible_date(run, company) -> None:
    answers = every(run(vendor_query("<FromModifiedDate>2024-2-30</FromModifiedDate>") + vendor_query("")))
    assert [status(a) for a in answers] == [bad_date("2024-2-30", "FromModifiedDate")]


def test_from_after_to_on_a_list_query_is_3030(run, company) -> None:
    company.ui.create_vendor("Acme Concrete")
    answers = every(run(vendor_query("<FromModifiedDate>2024-01-16</FromModifiedDate>"
                                  "<ToModifiedDate>2024-01-15</ToModifiedDate>")
                     + vendor_query("<FromModifiedDate>2024-01-15</FromModifiedDate>"
                                    "<ToModifiedDate>2024-01-15</ToModifiedDate>")
                     + "<ListDeletedQueryRq><ListDelType>Vendor</ListDelType><DeletedDateRangeFilter>"
                       "<FromDeletedDate>2024-02-01</FromDeletedDate><ToDeletedDate>2024-01-01</ToDeletedDate>"
                       "</DeletedDateRangeFilter></ListDeletedQueryRq>",
                     on_error="continueOnError"))
    assert [status(a) for a in answers] == [RANGE, OK, RANGE]


# -- object ids ------------------------------------------------------------------------------------
def test_malformed_list_ids_are_3000_well_formed_unknown_ones_keep_3120(run, company) -> None:
    answers = every(run(
        "<VendorModRq><VendorMod><ListID>1</ListID><EditSequence>1</EditSequence></VendorMod></VendorModRq>"
        "<VendorModRq><VendorMod><ListID></ListID><EditSequence>1</EditSequence></VendorMod></VendorModRq>"
        "<VendorQueryRq><ListID>pending_7</ListID></VendorQueryRq>"
        "<ListDelRq><ListDelType>Vendor</ListDelType><ListID>80000001-17000000001</ListID></ListDelRq>"
        "<VendorModRq><VendorMod><ListID>80000099-1705327200</ListID><EditSequence>1</EditSequence>"
        "</VendorMod></VendorModRq>"
        "<VendorQueryRq><ListID>80000099-1705327200</ListID></VendorQueryRq>",
        on_error="continueOnError"))
    assert [status(a) for a in answers] == [
        bad_id("1", "list id"), bad_id("", "list id"), bad_id("pending_7", "list id"),
        bad_id("80000001-17000000001", "list id"),
        ("3120", "Error", 'Object "80000099-1705327200" specified in the request cannot be found.  '
         "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."),
        ("3120", "Error", 'Object "80000099-1705327200" specified in the request cannot be found.  '
         "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."),
    ]


def test_a_malformed_reference_list_id_is_3000(run, company) -> None:
    el = rs(run("<ItemServiceAddRq><ItemServiceAdd><Name>Labor</Name><SalesOrPurchase><Desc>x</Desc>"
                "<AccountRef><ListID>pending_1</ListID></AccountRef></SalesOrPurchase>"
                "</ItemServiceAdd></ItemServiceAddRq>"))
    assert status(el) == bad_id("pending_1", "list id")
    assert company.list_records("ItemService") == []


def test_a_malformed_txn_id_is_3000(run, company) -> None:
    answers = every(run("<TxnDelRq><TxnDelType>Bill</TxnDelType><TxnID>abc</TxnID></TxnDelRq>"
                     "<BillQueryRq><TxnID>1A-1705327200</TxnID></BillQueryRq>",
                     on_error="continueOnError"))
    assert status(answers[0]) == bad_id("abc", "txn id")
    assert status(answers[1]) == ("3120", "Error",
        'Object "1A-1705327200" specified in the request cannot be found.  QuickBooks error message: '
        "Invalid argument.  The specified record does not exist in the list.")
