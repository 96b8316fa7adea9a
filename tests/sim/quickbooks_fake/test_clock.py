"""The company file's clock: US Eastern time with daylight saving, and TimeModified moving on every Mod.

QuickBooks stamps TimeCreated/TimeModified with the PC's local time and offset: -05:00 in winter,
-04:00 in summer on a PC in US Eastern time. The fake used to keep -05:00 all year, so summer stamps
were an hour off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sim.clock import ManualClock
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.pc_time import EASTERN, qb_datetime, us_dst_range
from tests.sim.quickbooks_fake.helpers import rs


def _vendor(run, name: str):
    return rs(run(f"<VendorAddRq><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>"))[0]


@pytest.mark.parametrize(("year", "start", "end"), [
    (2024, datetime(2024, 3, 10, 2), datetime(2024, 11, 3, 2)),
    (2025, datetime(2025, 3, 9, 2), datetime(2025, 11, 2, 2)),
    (2006, datetime(2006, 4, 2, 2), datetime(2006, 10, 29, 2)),
])
def test_the_us_rule(year, start, end) -> None:
    assert us_dst_range(year) == (start, end)


def test_offsets_across_the_changes() -> None:
    # 2024-03-10: 01:59 EST is followed by 03:00 EDT; 2024-11-03: 01:00-01:59 happens twice
    spring = datetime(2024, 3, 10, 6, 59, tzinfo=UTC)
    assert qb_datetime(spring.astimezone(EASTERN)) == "2024-03-10T01:59:00-05:00"
    assert qb_datetime((spring + timedelta(minutes=1)).astimezone(EASTERN)) == "2024-03-10T03:00:00-04:00"
    first = datetime(2024, 11, 3, 5, 30, tzinfo=UTC).astimezone(EASTERN)
    second = datetime(2024, 11, 3, 6, 30, tzinfo=UTC).astimezone(EASTERN)
    assert qb_datetime(first) == "2024-11-03T01:30:00-04:00"
    assert qb_datetime(second) == "2024-11-03T01:30:00-05:00"
    assert (first.tzname(), second.tzname()) == ("EDT", "EST")


def test_agrees_with_the_iana_database_where_the_machine_has_it() -> None:
    zoneinfo = pytest.importorskip("zoneinfo")
    try:
        new_york = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no tzdata on this machine (the reason the fake computes the rule itself)")
    moment = datetime(2005, 1, 1, tzinfo=UTC)
    while moment.year < 2031:
        assert moment.astimezone(EASTERN).utcoffset() == moment.astimezone(new_york).utcoffset(), moment
        assert moment.astimezone(EASTERN).replace(tzinfo=None) == moment.astimezone(new_york).replace(
            tzinfo=None)
        moment += timedelta(minutes=30)
        if moment.month not in (3, 4, 10, 11):  # the changes; elsewhere a day at a time is enough
            moment += timedelta(hours=23, minutes=30)


def test_summer_stamps_carry_daylight_time(run, company) -> None:
    company.clock.set(datetime(2024, 7, 15, 9, 0, tzinfo=EASTERN))
    vendor = _vendor(run, "Summer Vendor")
    assert vendor.findtext("TimeCreated") == "2024-07-15T09:00:00-04:00"
    company.clock.set(datetime(2024, 12, 16, 9, 0, tzinfo=EASTERN))
    assert _vendor(run, "Winter Vendor").findtext("TimeCreated") == "2024-12-16T09:00:00-05:00"


def test_advancing_over_the_spring_change_keeps_elapsed_time() -> None:
    clock = ManualClock(datetime(2024, 3, 10, 1, 30, tzinfo=EASTERN))
    assert qb_datetime(clock.advance(3600)) == "2024-03-10T03:30:00-04:00"


def test_a_reopened_file_keeps_the_pcs_zone(tmp_path) -> None:
    path = tmp_path / "co.qbsim"
    company = CompanyFile.create(path)  # clock starts 2024-01-15 (EST)
    company.process_request('<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq '
                            'onError="stopOnError"><VendorQueryRq/></QBXMLMsgsRq></QBXML>')
    company.close()
    reopened = CompanyFile.open(path)
    reopened.advance_clock(180 * 86400)
    assert reopened.now_text() == "2024-07-13T10:00:00-04:00"  # 180 × 24 h later, in daylight time
    reopened.close()


def test_a_summer_local_time_in_a_request_is_daylight_time(run, company) -> None:
    company.clock.set(datetime(2024, 7, 15, 9, 0, tzinfo=EASTERN))
    _vendor(run, "Dock Builders")  # TimeModified 2024-07-15T09:00:00-04:00 = 13:00 UTC
    before = rs(run("<VendorQueryRq><ToModifiedDate>2024-07-15T08:59:59</ToModifiedDate></VendorQueryRq>"))
    after = rs(run("<VendorQueryRq><FromModifiedDate>2024-07-15T09:00:00</FromModifiedDate></VendorQueryRq>"))
    assert before.get("statusCode") == "1"
    assert [v.findtext("Name") for v in after] == ["Dock Builders"]


def test_a_mod_in_the_same_second_moves_time_modified_with_the_edit_sequence(run, company) -> None:
    vendor = _vendor(run, "Same Second Co")
    mod = (f"<VendorModRq><VendorMod><ListID>{vendor.findtext('ListID')}</ListID><EditSequence>"
           f"{vendor.findtext('EditSequence')}</EditSequence><Phone>1</Phone></VendorMod></VendorModRq>")
    modded = rs(run(mod))[0]
    assert int(modded.findtext("EditSequence")) == int(vendor.findtext("EditSequence")) + 1
    assert modded.findtext("TimeModified") > vendor.findtext("TimeModified")
    stamp = datetime.fromisoformat(modded.findtext("TimeModified"))
    assert int(stamp.timestamp()) == int(modded.findtext("EditSequence"))
    assert modded.findtext("TimeCreated") == vendor.findtext("TimeCreated")


def test_a_txn_mod_in_the_same_second_moves_time_modified(run, company) -> None:
    company.ui.create_vendor("Acme")
    bill = rs(run("<BillAddRq><BillAdd><VendorRef><FullName>Acme</FullName></VendorRef><ExpenseLineAdd>"
                  "<AccountRef><FullName>Office Supplies</FullName></AccountRef><Amount>5</Amount>"
                  "</ExpenseLineAdd></BillAdd></BillAddRq>"))[0]
    mod = (f"<BillModRq><BillMod><TxnID>{bill.findtext('TxnID')}</TxnID><EditSequence>"
           f"{bill.findtext('EditSequence')}</EditSequence><Memo>again</Memo></BillMod></BillModRq>")
    modded = rs(run(mod))[0]
    assert modded.findtext("EditSequence") != bill.findtext("EditSequence")
    assert modded.findtext("TimeModified") > bill.findtext("TimeModified")
