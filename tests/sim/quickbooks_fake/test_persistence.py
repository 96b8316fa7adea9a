"""A company file is one SQLite file: snapshot → open gives an identical file; ids are reproducible."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sim.clock import ManualClock
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.pc_time import DEFAULT_START
from tests.sim.quickbooks_fake.helpers import check, request, rs

SERVICE = ("<ItemServiceAddRq><ItemServiceAdd><Name>{}</Name><SalesOrPurchase><AccountRef><FullName>"
           "Job Expenses</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd></ItemServiceAddRq>")


def populate(company: CompanyFile) -> None:
    company.ui.create_vendor("Acme Concrete", Phone="555-0100")
    company.ui.create_customer("Riverside")
    company.ui.create_job("Riverside", "Tower A")
    company.process_request(request(SERVICE.format("01-100 General")))
    company.faults.add(action="delay", request_type="HostQuery", delay_seconds=1)


def test_snapshot_then_open_is_identical(tmp_path: Path) -> None:
    company = CompanyFile.create(country="CA", year=2023, product="Enterprise Contractor", seed=3)
    populate(company)
    path = tmp_path / "copy.qbsim"
    company.snapshot(path)
    reopened = CompanyFile.open(path)
    assert reopened.dump() == company.dump()
    assert reopened.edition == company.edition
    # the copy continues the same id sequence as the original
    a = check(company.process_request(request(SERVICE.format("Next"))))
    b = check(reopened.process_request(request(SERVICE.format("Next"))))
    assert rs(a)[0].findtext("ListID") == rs(b)[0].findtext("ListID")


def test_file_backed_company_is_one_sqlite_file(tmp_path: Path) -> None:
    path = tmp_path / "co.qbsim"
    company = CompanyFile.create(path)
    populate(company)
    company.close()
    with sqlite3.connect(path) as conn:
        kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM objects")}
    assert {"Vendor", "Customer", "ItemService", "Account"} <= kinds
    reopened = CompanyFile.open(path)
    assert [v["Name"] for v in reopened.list_records("Vendor")] == ["Acme Concrete"]
    with pytest.raises(FileExistsError):
        CompanyFile.create(path)


def test_open_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        CompanyFile.open(tmp_path / "missing.qbsim")
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).close()
    with pytest.raises(ValueError):
        CompanyFile.open(foreign)


def test_same_seed_and_clock_give_same_file() -> None:
    one, two = CompanyFile.create(seed=5), CompanyFile.create(seed=5)
    populate(one)
    populate(two)
    assert one.dump() == two.dump()


def test_ids_look_like_quickbooks() -> None:
    company = CompanyFile.create(clock=ManualClock(DEFAULT_START))
    vendor = company.ui.create_vendor("V")
    counter, stamp = vendor["ListID"].split("-")
    assert int(counter, 16) > 0x80000000 and stamp == str(int(company.clock.now().timestamp()))
    assert vendor["EditSequence"] == stamp
    assert vendor["TimeCreated"] == "2024-01-15T09:00:00-05:00"


def test_reopen_keeps_the_clock_moving_forward(tmp_path: Path) -> None:
    company = CompanyFile.create()
    company.clock.advance(3600)
    company.process_request(request("<HostQueryRq/>"))
    company.snapshot(tmp_path / "s.qbsim")
    reopened = CompanyFile.open(tmp_path / "s.qbsim")
    assert reopened.clock.now() == company.clock.now()


def test_snapshot_and_restore_over_http(client, company, tmp_path: Path) -> None:
    populate(company)
    snap = tmp_path / "http.qbsim"
    assert client.post("/_sim/snapshot", json={"path": str(snap)}).status_code == 200
    saved = company.dump()
    client.post("/_sim/ui/create_vendor", json={"name": "After Snapshot"})
    assert len(company.list_records("Vendor")) == 2
    assert client.post("/_sim/restore", json={"path": str(snap)}).status_code == 200
    assert company.dump() == saved
    assert client.post("/_sim/restore", json={"path": str(tmp_path / "nope")}).status_code == 404
