"""One lock per company file: parallel requests on one file stay consistent; files are independent."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from qbfake_helpers import check, request, rs, status

from sim.quickbooks_fake import CompanyFile


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
