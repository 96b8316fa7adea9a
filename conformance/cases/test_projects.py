"""Projects → QuickBooks customers/jobs (seed 001 "Projects" and "Projects/Jobs" mapping, seed 002)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import export_project, one


@pytest.mark.requirement("P1", "P2", "P3", "F2", "F3", "N2", "X3", "PROCORE-DETAILS-CLOSED")
def test_an_accepted_project_becomes_a_tier_one_customer_with_its_ship_to_address(qbsim: World) -> None:
    project, seen = export_project(qbsim)
    job = one(qbsim.company.list_records("Customer"), FullName=project["name"])
    assert int(job["Sublevel"]) == 0  # "Customers = Jobs": a new customer, no parent picked
    ship = job["ShipAddress"]
    assert (ship.get("Addr1"), ship.get("City"), ship.get("State"), ship.get("PostalCode")) == (
        "1 Main St", "Austin", "TX", "78701"), ship
    assert (seen["status"], seen["origin_id"]) == ("synced", job["ListID"]), seen
    details = qbsim.procore.details("project", project["id"])
    assert details and {d["status"] for d in details} == {"success"}, details
