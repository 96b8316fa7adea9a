"""Procore-like and QuickBooks-like test data: a contractor's cost codes, vendors, customers and jobs.

Cost codes follow the CSI MasterFormat numbering Procore's standard cost code lists use
("01-100 General Requirements"); vendors and jobs are what a contractor's QuickBooks file holds.
All of it is fixed data: scenarios are reproducible without a random generator.
"""

from __future__ import annotations

from connector.sync.cost_codes import CostCode
from sim.quickbooks_fake import CompanyFile

INCOME_ACCOUNT = "Construction Income"  # seeded in every fake company file's contractor chart
EXPENSE_ACCOUNT = "Job Expenses"

COST_CODES: tuple[tuple[str, str], ...] = (
    ("01-100", "General Requirements"),
    ("01-500", "Temporary Facilities and Controls"),
    ("02-200", "Site Preparation"),
    ("03-300", "Cast-in-Place Concrete"),
    ("05-100", "Structural Steel Framing"),
    ("06-100", "Rough Carpentry"),
    ("09-900", "Painting and Coating"),
    ("16-000", "Electrical"),
)


def cost_codes(count: int | None = None, *, first_id: int = 1001) -> list[CostCode]:
    """Procore cost codes with their export accounts (Procore ids from ``first_id``)."""
    chosen = COST_CODES if count is None else COST_CODES[:count]
    return [
        CostCode(str(first_id + n), code, description, INCOME_ACCOUNT, EXPENSE_ACCOUNT)
        for n, (code, description) in enumerate(chosen)
    ]


VENDORS: tuple[dict[str, object], ...] = (
    {"Name": "Acme Concrete", "CompanyName": "Acme Concrete LLC", "Phone": "312-555-0100",
     "Fax": "312-555-0101", "VendorAddress": {"Addr1": "100 Main St", "City": "Chicago", "State": "IL",
                                              "PostalCode": "60601"}},
    {"Name": "Bolt Steel Erectors", "Phone": "312-555-0200",
     "VendorAddress": {"Addr1": "2 Foundry Rd", "City": "Gary", "State": "IN", "PostalCode": "46402"}},
    {"Name": "Clearview Glass", "Fax": "312-555-0301"},
    {"Name": "Delta Electric", "Phone": "312-555-0400", "Fax": "312-555-0401"},
    {"Name": "Evergreen Landscaping"},
)


def seed_vendors(company: CompanyFile) -> list[str]:
    """Vendors an accountant entered in QuickBooks; returns their names."""
    for vendor in VENDORS:
        fields = {k: v for k, v in vendor.items() if k != "Name"}
        company.ui.create_vendor(str(vendor["Name"]), **fields)
    return [str(v["Name"]) for v in VENDORS]


def seed_customers_and_jobs(company: CompanyFile) -> dict[str, list[str]]:
    """Customer Center tiers: 2 customers (tier 1), 3 jobs (tier 2), 1 sub-job (tier 3)."""
    company.ui.create_customer(
        "Northside Hospital",
        BillAddress={"Addr1": "900 N Lake Shore Dr", "City": "Chicago", "State": "IL", "PostalCode": "60611"},
    )
    company.ui.create_customer("Riverfront Partners")
    company.ui.create_job(
        "Northside Hospital",
        "East Wing Expansion",
        ShipAddress={"Addr1": "920 N Lake Shore Dr", "City": "Chicago", "State": "IL", "PostalCode": "60611"},
    )
    company.ui.create_job(  # no Ship To: the import falls back to Bill To (seed 001 import note)
        "Northside Hospital",
        "Parking Garage",
        BillAddress={"Addr1": "950 N Lake Shore Dr", "City": "Chicago", "State": "IL", "PostalCode": "60611"},
    )
    company.ui.create_job("Riverfront Partners", "Riverwalk Lofts")
    company.ui.create_job("Northside Hospital:East Wing Expansion", "Phase 2")
    return {
        "tier1": ["Northside Hospital", "Riverfront Partners"],
        "tier2": [
            "Northside Hospital:East Wing Expansion",
            "Northside Hospital:Parking Garage",
            "Riverfront Partners:Riverwalk Lofts",
        ],
        "tier3": ["Northside Hospital:East Wing Expansion:Phase 2"],
    }
