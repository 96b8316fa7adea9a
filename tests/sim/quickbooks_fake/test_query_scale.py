"""List queries at scale: the store answers them from its indexes, with the same answers as before.

Two kinds of test. The differential ones compare the fake's answers (names in order) with a plain
Python statement of QuickBooks' list semantics -- hierarchical name order, casefolded name filters,
ActiveStatus, MaxReturned, iterators -- over awkward names (case, ':' against ' ', 'ß', prefixes), for
many seeded random filters. The cost ones count SQLite virtual-machine steps (deterministic, unlike
time): a query that returns 10 rows, and a reference by FullName, must cost about the same at 2,000
records as at 200 (an index walk, not a scan of the kind).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import check, request, rs

CUSTOMERS = ["Acme", "acme corp", "Acme Co", "Bolt", "bolt-on", "Bolt!", "Straße", "strasse 2",
             "Zed", "Ärger", "A", "A B", "AB", "a-b", "Riverside", "river"]
JOBS = {"Acme": ["Tower B", "tower a", "Tower A2"], "Bolt": ["Job 1", "job 10", "Job 2"],
        "Straße": ["Süd", "Nord"], "A": ["B", "b c"], "Riverside": ["Phase 1"]}
SUB_JOBS = {"Acme:tower a": ["Level 1", "level 10"], "Bolt:Job 1": ["Fix"]}
INACTIVE = {"Bolt!", "Acme:Tower B", "Zed", "Bolt:Job 1:Fix"}


@pytest.fixture
def customers(company: CompanyFile) -> CompanyFile:
    """Customers, jobs and sub-jobs whose names sort differently as text and as hierarchies."""
    ui = company.ui
    for name in CUSTOMERS:
        ui.create_customer(name)
    for parent, jobs in {**JOBS, **SUB_JOBS}.items():
        for job in jobs:
            ui.create_job(parent, job)
    for full_name in INACTIVE:
        ui.inactivate("Customer", full_name)
    return company


def oracle(company: CompanyFile, body: dict[str, Any]) -> list[str]:
    """QuickBooks' list semantics stated plainly: filter each record, sort by the casefolded parts of
    its FullName (parents before children), then cut at MaxReturned."""
    records = company.list_records("Customer")
    active = body.get("ActiveStatus", "ActiveOnly")

    def keep(doc: dict[str, Any]) -> bool:
        is_active = doc.get("IsActive", "true") != "false"
        if (active == "ActiveOnly" and not is_active) or (active == "InactiveOnly" and is_active):
            return False
        full = doc["FullName"].casefold()
        if "NameFilter" in body:
            name, how = body["NameFilter"]
            name = name.casefold()
            if not {"StartsWith": full.startswith(name), "Contains": name in full,
                    "EndsWith": full.endswith(name)}[how]:
                return False
        if "NameRangeFilter" in body:
            low, high = body["NameRangeFilter"]
            if low is not None and full < low.casefold():
                return False
            if high is not None and not (full <= high.casefold() or full.startswith(high.casefold())):
                return False
        return True

    kept = sorted((d for d in records if keep(d)),
                  key=lambda d: [part.casefold() for part in d["FullName"].split(":")])
    names = [d["FullName"] for d in kept]
    return names if body.get("MaxReturned") is None else names[: body["MaxReturned"]]


def query_xml(body: dict[str, Any], iterator: str = "") -> str:
    parts = []
    if body.get("MaxReturned") is not None:
        parts.append(f"<MaxReturned>{body['MaxReturned']}</MaxReturned>")
    if "ActiveStatus" in body:
        parts.append(f"<ActiveStatus>{body['ActiveStatus']}</ActiveStatus>")
    if "NameFilter" in body:
        name, how = body["NameFilter"]
        parts.append(f"<NameFilter><MatchCriterion>{how}</MatchCriterion><Name>{name}</Name></NameFilter>")
    if "NameRangeFilter" in body:
        low, high = body["NameRangeFilter"]
        parts.append("<NameRangeFilter>" + (f"<FromName>{low}</FromName>" if low is not None else "")
                     + (f"<ToName>{high}</ToName>" if high is not None else "") + "</NameRangeFilter>")
    return f'<CustomerQueryRq requestID="1"{iterator}>{"".join(parts)}</CustomerQueryRq>'


def random_body(rng: random.Random) -> dict[str, Any]:
    words = ["a", "A", "acme", "ACME:t", "acme:tower a", "b", "bolt", "job 1", "str", "straße", "ss", "r",
             ":", " ", "-", "z", "ä", "tower", "1", "0", ""]
    body: dict[str, Any] = {}
    if rng.random() < 0.6:
        body["ActiveStatus"] = rng.choice(["ActiveOnly", "InactiveOnly", "All"])
    if rng.random() < 0.5:
        body["MaxReturned"] = rng.randint(1, 12)  # the XSD's minInclusive is 1
    which = rng.random()
    if which < 0.35:
        word = rng.choice(words) or "a"
        body["NameFilter"] = (word, rng.choice(["StartsWith", "Contains", "EndsWith"]))
    elif which < 0.7:
        low = rng.choice([*words, None])
        high = rng.choice([*words, None])
        if low is None and high is None:
            high = "b"
        if low is not None and high is not None and low.casefold() > high.casefold():
            low, high = high, low
        body["NameRangeFilter"] = (low or None, high or None)
    return body


def answered(root: Any) -> list[str]:
    return [ret.findtext("FullName") for ret in rs(root) if ret.tag == "CustomerRet"]


def test_list_order_is_hierarchical_by_casefolded_name(run, customers: CompanyFile) -> None:
    names = answered(run('<CustomerQueryRq requestID="1"><ActiveStatus>All</ActiveStatus></CustomerQueryRq>'))
    # "A:B" before "A B" (a parent's children right after it), "acme" before "Acme Co", case ignored
    assert names[:6] == ["A", "A:B", "A:b c", "A B", "a-b", "AB"]
    assert names.index("Acme") < names.index("Acme:tower a") < names.index("Acme:tower a:Level 1") \
        < names.index("Acme:tower a:level 10") < names.index("Acme:Tower A2") < names.index("Acme Co") \
        < names.index("acme corp")
    assert names == oracle(customers, {"ActiveStatus": "All"})


def test_filters_and_max_returned_agree_with_the_plain_statement(run, customers: CompanyFile) -> None:
    rng = random.Random(20240115)
    for _ in range(150):
        body = random_body(rng)
        expected = oracle(customers, body)
        root = run(query_xml(body))
        if expected:
            assert answered(root) == expected, body
        else:
            assert rs(root).get("statusCode") == "1", body


def test_iterator_pages_walk_the_same_order(run, customers: CompanyFile) -> None:
    body = {"ActiveStatus": "All", "MaxReturned": 4}
    first = rs(run(query_xml(body, ' iterator="Start"')))
    seen = [ret.findtext("FullName") for ret in first]
    iterator_id = first.get("iteratorID")
    remaining = int(first.get("iteratorRemainingCount"))
    assert remaining == len(oracle(customers, {"ActiveStatus": "All"})) - 4
    while remaining:
        page = rs(run(f'<CustomerQueryRq requestID="2" iterator="Continue" iteratorID="{iterator_id}">'
                      "<MaxReturned>4</MaxReturned></CustomerQueryRq>"))
        seen += [ret.findtext("FullName") for ret in page]
        remaining = int(page.get("iteratorRemainingCount"))
    assert seen == oracle(customers, {"ActiveStatus": "All"})


def test_meta_data_counts_every_match_and_caps_the_data(run, customers: CompanyFile) -> None:
    body = {"NameFilter": ("acme", "StartsWith"), "MaxReturned": 2}
    el = rs(run(query_xml(body).replace('requestID="1"', 'requestID="1" metaData="MetaDataAndResponseData"')))
    assert el.get("retCount") == str(len(oracle(customers, {"NameFilter": ("acme", "StartsWith")})))
    assert answered_el(el) == oracle(customers, body)


def answered_el(el: Any) -> list[str]:
    return [ret.findtext("FullName") for ret in el if ret.tag == "CustomerRet"]


# -- cost ---------------------------------------------------------------------------------------------
SERVICE = ("<ItemServiceAddRq><ItemServiceAdd><Name>{:05d} Cost code</Name><SalesOrPurchase><AccountRef>"
           "<FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase></ItemServiceAdd>"
           "</ItemServiceAddRq>")
VENDOR = "<VendorAddRq><VendorAdd><Name>Vendor {:05d}</Name></VendorAdd></VendorAddRq>"


def company_with(records: int) -> CompanyFile:
    company = CompanyFile.create()
    company.ui.set_inventory_active(True)
    for start in range(0, records, 500):
        chunk = range(start, min(records, start + 500))
        for template in (VENDOR, SERVICE):
            company.process_request(request("".join(template.format(n) for n in chunk)))
    return company


@pytest.fixture(scope="module")
def small() -> CompanyFile:
    return company_with(200)


@pytest.fixture(scope="module")
def large() -> CompanyFile:
    return company_with(2_000)


@contextmanager
def sqlite_steps(company: CompanyFile) -> Iterator[list[int]]:
    """Count SQLite virtual-machine instructions run while the block runs (deterministic work)."""
    counted = [0]

    def tick() -> int:
        counted[0] += 1
        return 0

    conn = company.store._conn
    conn.set_progress_handler(tick, 1)
    try:
        yield counted
    finally:
        conn.set_progress_handler(None, 1)


def steps(company: CompanyFile, body: str) -> int:
    with sqlite_steps(company) as counted:
        check(company.process_request(request(body)))
    return counted[0]


def po_with_ten_lines(n: int) -> str:
    lines = "".join(f"<PurchaseOrderLineAdd><ItemRef><FullName>{(n + 37 * j) % 200:05d} Cost code</FullName>"
                    "</ItemRef><Amount>10.00</Amount></PurchaseOrderLineAdd>" for j in range(10))
    vendor = f"<VendorRef><FullName>Vendor {n:05d}</FullName></VendorRef>"
    return f"<PurchaseOrderAddRq><PurchaseOrderAdd>{vendor}{lines}</PurchaseOrderAdd></PurchaseOrderAddRq>"


def test_max_returned_ten_costs_the_same_at_ten_times_the_vendors(small: CompanyFile,
                                                                   large: CompanyFile) -> None:
    body = '<VendorQueryRq requestID="1"><MaxReturned>10</MaxReturned></VendorQueryRq>'
    names = [ret.findtext("Name") for ret in rs(check(large.process_request(request(body))))]
    assert names == [f"Vendor {n:05d}" for n in range(10)]
    few, many = steps(small, body), steps(large, body)
    assert many < few * 1.3, (few, many)


def test_references_by_full_name_cost_the_same_at_ten_times_the_items(small: CompanyFile,
                                                                      large: CompanyFile) -> None:
    few, many = steps(small, po_with_ten_lines(1)), steps(large, po_with_ten_lines(2))
    assert many < few * 1.3, (few, many)


def test_a_full_name_query_costs_the_same_at_ten_times_the_items(small: CompanyFile,
                                                                 large: CompanyFile) -> None:
    body = '<ItemServiceQueryRq requestID="1"><FullName>00150 COST CODE</FullName></ItemServiceQueryRq>'
    assert rs(check(large.process_request(request(body))))[0].findtext("Name") == "00150 Cost code"
    few, many = steps(small, body), steps(large, body)
    assert many < few * 1.3, (few, many)


def test_transaction_queries_keep_txn_date_then_entry_order(run, company: CompanyFile) -> None:
    """Checks entered out of date order, some to another payee: filters and MaxReturned cut the same
    (TxnDate, entry) order a plain sort gives."""
    ui = company.ui
    ui.create_vendor("Acme Concrete")
    ui.create_vendor("Bolt Electric")
    rng = random.Random(7)
    entered = []
    for n in range(30):
        payee = rng.choice(["Acme Concrete", "Bolt Electric"])
        day = f"2024-0{rng.randint(1, 3)}-{rng.randint(10, 12)}"
        check_doc = ui.write_check(payee, expenses=[{"account": "Office Supplies", "amount": "1"}],
                                   number=str(n), date=day)
        entered.append((check_doc["TxnDate"], n, payee))
    ordered = sorted(entered)
    for body, expected in (
        ("", ordered),
        ("<MaxReturned>5</MaxReturned>", ordered[:5]),
        ("<MaxReturned>4</MaxReturned><EntityFilter><FullName>Bolt Electric</FullName></EntityFilter>",
         [e for e in ordered if e[2] == "Bolt Electric"][:4]),
        ("<TxnDateRangeFilter><FromTxnDate>2024-02-11</FromTxnDate><ToTxnDate>2024-03-11</ToTxnDate>"
         "</TxnDateRangeFilter>", [e for e in ordered if "2024-02-11" <= e[0] <= "2024-03-11"]),
    ):
        root = run(f'<CheckQueryRq requestID="1">{body}</CheckQueryRq>')
        assert [ret.findtext("RefNumber") for ret in rs(root)] == [str(e[1]) for e in expected], body


# -- balances at scale: a Ret's derived balance reads what that record needs --------------------------------
CUSTOMER = "<CustomerAddRq><CustomerAdd><Name>Customer {:05d}</Name></CustomerAdd></CustomerAddRq>"
BILL = ("<BillAddRq><BillAdd><VendorRef><FullName>{}</FullName></VendorRef><ExpenseLineAdd><AccountRef>"
        "<FullName>Job Expenses</FullName></AccountRef><Amount>{}</Amount></ExpenseLineAdd></BillAdd>"
        "</BillAddRq>")


def company_with_names_and_bills(records: int) -> CompanyFile:
    """``records`` customers (the first with a job and a sub-job) and ``records`` bills of one vendor
    that sorts after the first ten; each of the first ten vendors has one bill."""
    company = CompanyFile.create()
    for start in range(0, records, 500):
        chunk = range(start, min(records, start + 500))
        company.process_request(request("".join(CUSTOMER.format(n) for n in chunk)))
    company.ui.create_job("Customer 00000", "Job", OpenBalance="5.00")
    company.ui.create_job("Customer 00000:Job", "Phase", OpenBalance="7.00")
    for n in range(10):
        company.ui.create_vendor(f"Vendor {n:05d}")
    company.ui.create_vendor("Zed Supply")
    bills = [BILL.format(f"Vendor {n:05d}", f"{n + 1}.00") for n in range(10)]
    bills += [BILL.format("Zed Supply", "1.00")] * records
    for start in range(0, len(bills), 500):
        company.process_request(request("".join(bills[start:start + 500])))
    return company


@pytest.fixture(scope="module")
def small_ledger() -> CompanyFile:
    return company_with_names_and_bills(200)


@pytest.fixture(scope="module")
def large_ledger() -> CompanyFile:
    return company_with_names_and_bills(2_000)


def test_balances_of_ten_vendors_read_their_bills_not_every_bill(small_ledger: CompanyFile,
                                                                 large_ledger: CompanyFile) -> None:
    body = '<VendorQueryRq requestID="1"><MaxReturned>10</MaxReturned></VendorQueryRq>'
    rets = rs(check(large_ledger.process_request(request(body))))
    assert [(r.findtext("Name"), r.findtext("Balance")) for r in rets] == [
        (f"Vendor {n:05d}", f"{n + 1}.00") for n in range(10)]
    few, many = steps(small_ledger, body), steps(large_ledger, body)
    assert many < few * 1.3, (few, many)


def test_customer_total_balances_read_their_jobs_not_every_customer(small_ledger: CompanyFile,
                                                                    large_ledger: CompanyFile) -> None:
    body = '<CustomerQueryRq requestID="1"><MaxReturned>10</MaxReturned></CustomerQueryRq>'
    rets = rs(check(large_ledger.process_request(request(body))))
    assert [(r.findtext("FullName"), r.findtext("TotalBalance")) for r in rets[:4]] == [
        ("Customer 00000", "12.00"), ("Customer 00000:Job", "12.00"), ("Customer 00000:Job:Phase", "7.00"),
        ("Customer 00001", "0.00")]
    few, many = steps(small_ledger, body), steps(large_ledger, body)
    assert many < few * 1.3, (few, many)
    add = "<CustomerAddRq><CustomerAdd><Name>Another {}</Name></CustomerAdd></CustomerAddRq>"
    few, many = steps(small_ledger, add.format(1)), steps(large_ledger, add.format(2))
    assert many < few * 1.3, (few, many)
