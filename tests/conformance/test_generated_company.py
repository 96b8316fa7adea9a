"""The generated contractor: hundreds of realistic records, the same for a seed, valid for QuickBooks."""

from __future__ import annotations

from conformance.procore_stack import ProcoreStack
from conformance.repro import generated_company
from conformance.repro.schema import GeneratedProcore, GeneratedQuickBooks
from sim.quickbooks_fake import CompanyFile


def test_the_same_seed_gives_the_same_company_and_another_seed_another() -> None:
    assert generated_company.vendors(300, seed=3) == generated_company.vendors(300, seed=3)
    assert generated_company.vendors(50, seed=3) != generated_company.vendors(50, seed=4)
    assert generated_company.cost_codes(200, seed=1) == generated_company.cost_codes(200, seed=1)


def test_names_are_unique_and_within_quickbooks_limits() -> None:
    vendors = generated_company.vendors(1000, seed=0)
    names = [v.name for v in vendors]
    assert len(set(names)) == 1000 and max(map(len, names)) <= 41
    assert all(v.phone and v.city and len(v.state) == 2 for v in vendors)
    codes = generated_company.cost_codes(500, seed=0)
    assert len({c for c, _ in codes}) == 500
    assert all(len(c) == 6 and c[2] == "-" and len(n) <= 31 for c, n in codes)
    projects = [p.name for p in generated_company.projects(400, seed=0)]
    assert len(set(projects)) == 400 and max(map(len, projects)) <= 41


def test_it_fills_a_company_file_and_a_procore_company() -> None:
    company = CompanyFile.create()
    made = generated_company.fill_quickbooks(
        company, GeneratedQuickBooks(seed=2, vendors=250, customers=120, jobs_per_customer=2)
    )
    assert made == {"vendors": 250, "customers": 120, "jobs": 240}
    assert len(company.list_records("Vendor")) == 250
    customers = company.list_records("Customer")
    assert sum(str(c["Sublevel"]) == "0" for c in customers) == 120 and len(customers) == 360
    stack = ProcoreStack.create()
    try:
        generated_company.fill_procore(
            stack, GeneratedProcore(seed=2, vendors=200, cost_codes=150, projects=100)
        )
        vendors = stack.rest("GET", "/rest/v1.0/vendors", {"company_id": stack.company_id, "per_page": 1000})
        projects = stack.rest(
            "GET", "/rest/v1.0/projects", {"company_id": stack.company_id, "per_page": 1000}
        )
        assert (len(vendors), len(projects)) == (200, 100)
    finally:
        stack.side.stop()
