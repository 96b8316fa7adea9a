"""Fake company file at scale: 10,000 vendors, customers and Service items, beside a 100-record floor.

A query that returns 10 rows and a transaction that names 11 records by FullName should cost what they
cost in a small file: QuickBooks answers both from its indexes. Each group holds the same request
against a file of ``LARGE`` records and against the floor, a file of ``SMALL`` records; the ratio
large/floor is the cost of the file's size (about 1 when the store walks an index).

- ``VendorQuery MaxReturned=10``: the first ten vendors in name order (each with its derived Balance).
- ``CustomerQuery MaxReturned=10``: the first ten customers (Balance and TotalBalance over their jobs).
- ``PurchaseOrderAdd x10 lines``: a vendor and ten items, each referenced by FullName.

Report from one run: ``pytest benchmarks/quickbooks_fake --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from itertools import count
from typing import Any

import pytest

from sim.quickbooks_fake import CompanyFile

LARGE = 10_000
SMALL = 100
CHUNK = 1_000

VENDOR = "<VendorAddRq><VendorAdd><Name>Vendor {:05d}</Name></VendorAdd></VendorAddRq>"
SERVICE = ("<ItemServiceAddRq><ItemServiceAdd><Name>{:05d} Cost code</Name><SalesOrPurchase><AccountRef>"
           "<FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd>"
           "</ItemServiceAddRq>")
CUSTOMER = "<CustomerAddRq><CustomerAdd><Name>Customer {:05d}</Name></CustomerAdd></CustomerAddRq>"
VENDOR_QUERY = '<VendorQueryRq requestID="1"><MaxReturned>10</MaxReturned></VendorQueryRq>'
CUSTOMER_QUERY = '<CustomerQueryRq requestID="1"><MaxReturned>10</MaxReturned></CustomerQueryRq>'


def message_set(body: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>')


def company_with(records: int) -> CompanyFile:
    """A file with ``records`` vendors, customers and Service items (POs on, one more customer)."""
    company = CompanyFile.create()
    company.ui.set_inventory_active(True)
    company.ui.create_customer("Smith Residence")
    for start in range(0, records, CHUNK):
        chunk = range(start, min(records, start + CHUNK))
        for template in (VENDOR, CUSTOMER, SERVICE):
            answer = company.process_request(message_set("".join(template.format(n) for n in chunk)))
            assert answer.count('statusCode="0"') == len(chunk)
    return company


def purchase_order(records: int, serial: int) -> str:
    """Ten lines spread over the whole item list, a different vendor each time."""
    lines = "".join(
        f"<PurchaseOrderLineAdd><ItemRef><FullName>{(serial + j * records // 10) % records:05d} Cost code"
        "</FullName></ItemRef><Amount>10.00</Amount><CustomerRef><FullName>Smith Residence</FullName>"
        "</CustomerRef></PurchaseOrderLineAdd>"
        for j in range(10)
    )
    vendor = f"<VendorRef><FullName>Vendor {serial % records:05d}</FullName></VendorRef>"
    add = f"<PurchaseOrderAdd>{vendor}{lines}</PurchaseOrderAdd>"
    return message_set(f"<PurchaseOrderAddRq>{add}</PurchaseOrderAddRq>")


@pytest.fixture(scope="module")
def large() -> CompanyFile:
    return company_with(LARGE)


@pytest.fixture(scope="module")
def small() -> CompanyFile:
    return company_with(SMALL)


def query_first_ten(company: CompanyFile) -> str:
    return company.process_request(message_set(VENDOR_QUERY))


def check_first_ten(answer: str) -> None:
    assert answer.count("<VendorRet>") == 10
    assert "<Name>Vendor 00000</Name>" in answer and "<Name>Vendor 00009</Name>" in answer


@pytest.mark.benchmark(group="VendorQuery MaxReturned=10")
def test_vendor_query_first_ten_of_10000(benchmark: Any, large: CompanyFile) -> None:
    check_first_ten(benchmark(query_first_ten, large))


@pytest.mark.benchmark(group="VendorQuery MaxReturned=10")
def test_vendor_query_first_ten_of_100_floor(benchmark: Any, small: CompanyFile) -> None:
    check_first_ten(benchmark(query_first_ten, small))


def query_first_ten_customers(company: CompanyFile) -> str:
    return company.process_request(message_set(CUSTOMER_QUERY))


@pytest.mark.benchmark(group="CustomerQuery MaxReturned=10")
def test_customer_query_first_ten_of_10000(benchmark: Any, large: CompanyFile) -> None:
    assert benchmark(query_first_ten_customers, large).count("<CustomerRet>") == 10


@pytest.mark.benchmark(group="CustomerQuery MaxReturned=10")
def test_customer_query_first_ten_of_100_floor(benchmark: Any, small: CompanyFile) -> None:
    assert benchmark(query_first_ten_customers, small).count("<CustomerRet>") == 10


def add_purchase_orders(benchmark: Any, company: CompanyFile, records: int) -> None:
    serial = count(1)

    def add() -> str:
        return company.process_request(purchase_order(records, next(serial)))

    answer = benchmark(add)
    assert 'statusCode="0"' in answer and answer.count("<PurchaseOrderLineRet>") == 10


@pytest.mark.benchmark(group="PurchaseOrderAdd x10 lines by FullName")
def test_purchase_order_add_among_10000_items(benchmark: Any, large: CompanyFile) -> None:
    add_purchase_orders(benchmark, large, LARGE)


@pytest.mark.benchmark(group="PurchaseOrderAdd x10 lines by FullName")
def test_purchase_order_add_among_100_items_floor(benchmark: Any, small: CompanyFile) -> None:
    add_purchase_orders(benchmark, small, SMALL)
