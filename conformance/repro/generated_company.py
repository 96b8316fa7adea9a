"""A realistic contractor, generated: hundreds of vendors, cost codes and projects, the same for a seed.

Faker (seeded, ``en_US``) gives names, street addresses and phone numbers; cost codes follow CSI
MasterFormat divisions ("03-310 Concrete Forming") as Procore's standard lists do. Names are cut to
QuickBooks' own limits (vendor and customer Name: 41 characters, item Name: 31 — qbxml130.xsd) and made
unique the way an accountant would (a number after the name), so every record can be exported as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from faker import Faker

from conformance.repro.schema import GeneratedProcore, GeneratedQuickBooks

if TYPE_CHECKING:
    from conformance.procore_stack import ProcoreStack
    from sim.quickbooks_fake import CompanyFile

NAME_MAX = 41  # qbxml130.xsd: VendorAdd/Name, CustomerAdd/Name STRTYPE maxLength 41
TRADES = (
    "Concrete",
    "Masonry",
    "Steel",
    "Framing",
    "Roofing",
    "Drywall",
    "Painting",
    "Electric",
    "Plumbing",
    "Mechanical",
    "Glazing",
    "Excavating",
    "Paving",
    "Landscaping",
    "Insulation",
    "Flooring",
    "Demolition",
)
SUFFIXES = ("LLC", "Inc.", "Co.", "Contractors", "& Sons", "Group", "Services")
DIVISIONS = (
    ("01", "General Requirements"),
    ("02", "Existing Conditions"),
    ("03", "Concrete"),
    ("04", "Masonry"),
    ("05", "Metals"),
    ("06", "Wood, Plastics, and Composites"),
    ("07", "Thermal and Moisture Protection"),
    ("08", "Openings"),
    ("09", "Finishes"),
    ("10", "Specialties"),
    ("21", "Fire Suppression"),
    ("22", "Plumbing"),
    ("23", "HVAC"),
    ("26", "Electrical"),
    ("31", "Earthwork"),
    ("32", "Exterior Improvements"),
    ("33", "Utilities"),
)
WORK = (
    "Forming",
    "Reinforcing",
    "Finishing",
    "Layout",
    "Rough-In",
    "Trim",
    "Testing",
    "Supplies",
    "Labor",
    "Equipment",
    "Subcontract",
    "Cleanup",
    "Protection",
    "Submittals",
    "Inspection",
)
BUILDINGS = (
    "Medical Office",
    "Apartments",
    "Elementary School",
    "Warehouse",
    "Parking Garage",
    "Fire Station",
    "Library",
    "Retail Center",
    "Hotel",
    "Clinic",
    "Lofts",
    "Distribution Center",
)


@dataclass(frozen=True)
class Party:
    name: str
    address: str
    city: str
    state: str
    zip: str
    phone: str


def _unique(names: list[str], limit: int) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        base = name[:limit].rstrip()
        seen[base] = seen.get(base, 0) + 1
        if seen[base] > 1:
            tag = f" {seen[base]}"
            base = base[: limit - len(tag)].rstrip() + tag
        out.append(base)
    return out


def _faker(seed: int) -> Faker:
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return fake


def vendors(count: int, seed: int = 0) -> list[Party]:
    """Subcontractors and suppliers: "Hartman Concrete LLC", each with an address and a phone."""
    fake = _faker(seed)
    names = _unique(
        [
            f"{fake.last_name()} {fake.random_element(TRADES)} {fake.random_element(SUFFIXES)}"
            for _ in range(count)
        ],
        NAME_MAX,
    )
    return [
        Party(
            n,
            fake.street_address(),
            fake.city(),
            fake.state_abbr(include_territories=False),
            fake.zipcode(),
            fake.numerify("###-555-####"),
        )
        for n in names
    ]


def projects(count: int, seed: int = 0) -> list[Party]:
    """Jobs: "Lakeview Medical Office", each at its own site address."""
    fake = _faker(seed + 1)
    names = _unique([f"{fake.city()} {fake.random_element(BUILDINGS)}" for _ in range(count)], NAME_MAX)
    return [
        Party(
            n,
            fake.street_address(),
            fake.city(),
            fake.state_abbr(include_territories=False),
            fake.zipcode(),
            fake.numerify("###-555-####"),
        )
        for n in names
    ]


def cost_codes(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """(code, name) pairs, ``"03-310"``, ``"Concrete Forming"``: unique codes spread over the divisions."""
    fake = _faker(seed + 2)
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    while len(out) < count:
        division, title = fake.random_element(DIVISIONS)
        code = f"{division}-{fake.random_int(100, 999)}"
        if code in used:
            if len(used) >= len(DIVISIONS) * 900:
                raise ValueError(f"at most {len(DIVISIONS) * 900} distinct cost codes can be generated")
            continue
        used.add(code)
        out.append((code, f"{title.split(',')[0]} {fake.random_element(WORK)}"[:31].rstrip()))
    return out


def fill_quickbooks(company: CompanyFile, spec: GeneratedQuickBooks) -> dict[str, int]:
    """Vendors and customers (with jobs) entered in QuickBooks' own windows."""
    for party in vendors(spec.vendors, spec.seed):
        company.ui.create_vendor(party.name, Phone=party.phone, VendorAddress=_address(party))
    customers = projects(spec.customers, spec.seed)
    jobs = 0
    for party in customers:
        company.ui.create_customer(party.name, Phone=party.phone, BillAddress=_address(party))
        for n in range(spec.jobs_per_customer):
            company.ui.create_job(party.name, f"Phase {n + 1}", ShipAddress=_address(party))
            jobs += 1
    return {"vendors": spec.vendors, "customers": spec.customers, "jobs": jobs}


def fill_procore(stack: ProcoreStack, spec: GeneratedProcore) -> dict[str, int]:
    """Standard cost codes, projects and Directory companies created through Procore's REST API."""
    for code, name in cost_codes(spec.cost_codes, spec.seed):
        stack.new_standard_cost_code(code, name)
    for party in projects(spec.projects, spec.seed):
        stack.new_project(
            party.name, address=party.address, city=party.city, state_code=party.state, zip=party.zip
        )
    for party in vendors(spec.vendors, spec.seed):
        stack.new_vendor(
            party.name,
            address=party.address,
            city=party.city,
            state_code=party.state,
            zip=party.zip,
            business_phone=party.phone,
        )
    return {"cost_codes": spec.cost_codes, "projects": spec.projects, "vendors": spec.vendors}


def _address(party: Party) -> dict[str, Any]:
    return {"Addr1": party.address, "City": party.city, "State": party.state, "PostalCode": party.zip}
