"""One lock per company file: parallel requests on one file stay consistent; files are independent;
two processes serving one file take turns."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from tests.sim.quickbooks_fake.helpers import check, request, rs, status


def add_vendor(company: CompanyFile, name: str) -> str:
    body = f"<VendorAddRq><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>"
    text = company.process_request(request(body))
    el = rs(check(text))
    assert status(el)[0] == "0"
    return el[0].findtext("ListID")


def test_parallel_adds_on_one_file_get_distinct_ids() -> None:
    company = CompanyFile.create()
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda n: add_vendor(company, f"Vendor {n}"), range(40)))
    assert len(set(ids)) == 40
    assert len(company.list_records("Vendor")) == 40


def test_companies_are_independent() -> None:
    one, two = CompanyFile.create(), CompanyFile.create()
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda n: add_vendor(one if n % 2 else two, f"V{n}"), range(20)))
    assert len(one.list_records("Vendor")) == 10
    assert len(two.list_records("Vendor")) == 10
    assert one.lock is not two.lock


# -- two processes serving one file ------------------------------------------------------------------
# Two CompanyFile objects on one path hold two SQLite connections: SQLite locks them against each other
# exactly as it locks two processes, so these tests stand for two `serve` processes on one file.
HOLD_LIMIT_SECONDS = 60  # a guard against a hang if the code under test never reaches the lock


def vendor_add(name: str) -> str:
    return request(f"<VendorAddRq><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>")


def hold_write_lock(first: CompanyFile, held: threading.Event, release: threading.Event) -> threading.Thread:
    """``first`` writes a vendor and keeps its transaction (the file's write lock) open until released."""

    def work() -> None:
        with first.store.transaction():
            first.ui.create_vendor("First Process Vendor")
            held.set()
            release.wait(HOLD_LIMIT_SECONDS)

    thread = threading.Thread(target=work)
    thread.start()
    assert held.wait(HOLD_LIMIT_SECONDS)
    return thread


def test_a_second_process_waits_for_the_first_ones_write_instead_of_failing(tmp_path: Path) -> None:
    """Before: the second process read (shared lock), then its first write was refused at once with
    "database is locked" (SQLite never waits on a read-to-write upgrade) and the message set answered
    0x80040402. Now it takes the write lock first and waits for the other to commit."""
    path = tmp_path / "shared.qbsim"
    first = CompanyFile.create(path)
    second = CompanyFile.open(path)
    held, release = threading.Event(), threading.Event()
    thread = hold_write_lock(first, held, release)
    selects = 0

    def let_the_first_commit(sql: str) -> None:
        # release once the second is at the lock: its BEGIN (waits), or -- without one -- once it has
        # read inside its transaction (holds the shared lock), the state that used to fail
        nonlocal selects
        selects += sql.lstrip().upper().startswith("SELECT")
        if sql.lstrip().upper().startswith("BEGIN") or selects >= 2:
            release.set()

    second.store._conn.set_trace_callback(let_the_first_commit)
    try:
        el = rs(check(second.process_request(vendor_add("Second Process Vendor"))))
    finally:
        release.set()
        thread.join()
        second.store._conn.set_trace_callback(None)
    assert status(el) == ("0", "Info", "Status OK")
    names = {v["Name"] for v in CompanyFile.open(path).list_records("Vendor")}
    assert names == {"First Process Vendor", "Second Process Vendor"}


def test_a_lock_held_past_the_busy_timeout_is_quickbooks_unable_to_lock(tmp_path: Path) -> None:
    path = tmp_path / "shared.qbsim"
    first = CompanyFile.create(path)
    second = CompanyFile.open(path, busy_timeout=0)
    held, release = threading.Event(), threading.Event()
    thread = hold_write_lock(first, held, release)
    try:
        with pytest.raises(QBXMLError) as refused:
            second.process_request(vendor_add("Second Process Vendor"))
        with pytest.raises(QBXMLError) as session_refused:
            second.begin_session("Procore QBD Connector")
    finally:
        release.set()
        thread.join()
    for exc in (refused.value, session_refused.value):
        assert exc.hresult == "0x8004041B"
        assert exc.message == ("Unable to lock the necessary information to allow this application to "
                               "access this company data file. Try again later.")
        assert exc.detail == f"the company file {path} stayed locked by another process for 0 s"
    assert [v["Name"] for v in second.list_records("Vendor")] == ["First Process Vendor"]
