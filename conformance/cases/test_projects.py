"""Projects → QuickBooks customers/jobs (seed 001 "Projects" and "Projects/Jobs" mapping, seed 002)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import (
    CUSTOMERS_ARE_JOBS,
    JOBS_UNDER_CUSTOMERS,
    export_project,
    job_of,
    one,
    only_in,
)


@pytest.mark.qbsim_requirement("P1", "P2", "P3", "F2", "F3", "N2", "X3", "PROCORE-DETAILS-CLOSED")
def test_an_accepted_project_becomes_a_tier_one_customer_with_its_ship_to_address(qbsim: World) -> None:
    only_in(qbsim, CUSTOMERS_ARE_JOBS)
    project, seen = export_project(qbsim)
    job = one(qbsim.company.list_records("Customer"), FullName=project["name"])
    assert int(job["Sublevel"]) == 0  # "Customers = Jobs": a new customer, no parent picked
    ship = job["ShipAddress"]
    assert (ship.get("Addr1"), ship.get("City"), ship.get("State"), ship.get("PostalCode")) == (
        "1 Main St", "Austin", "TX", "78701"), ship
    assert (seen["status"], seen["origin_id"]) == ("synced", job["ListID"]), seen
    details = qbsim.procore.details("project", project["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("X4", "QB-STATUS-3200")
def test_a_project_edited_in_procore_after_an_accountants_edit_in_quickbooks_updates_its_customer(
    qbsim: World,
) -> None:
    project, seen = export_project(qbsim)
    assert seen["status"] == "synced", seen
    # The accountant edits the customer in QuickBooks: its EditSequence moves on.
    qbsim.company.ui.edit("Customer", job_of(qbsim, project["name"])["FullName"], Phone="512-555-0142")
    qbsim.procore.rest("PATCH", f"/rest/v1.0/projects/{project['id']}",
                       {"company_id": qbsim.procore.company_id, "project": {"city": "Dallas"}})
    assert qbsim.procore.item("project", project["id"])["changed_since_sync"] is True  # Ready to Update
    qbsim.procore.send_and_accept("project", project["id"])

    def updated() -> bool:
        item = qbsim.procore.item("project", project["id"])
        return item["status"] == "failed" or (item["status"] == "synced" and not item["changed_since_sync"])

    qbsim.until(updated, "the re-exported project closed")
    seen = qbsim.procore.item("project", project["id"])
    assert seen["status"] == "synced", seen
    job = job_of(qbsim, project["name"])
    assert job["ShipAddress"].get("City") == "Dallas"  # Procore's edit reached QuickBooks …
    assert job.get("Phone") == "512-555-0142"  # … and the accountant's edit was not overwritten


@pytest.mark.qbsim_requirement("F5", "P1", "P2", "N2")
def test_under_jobs_under_customers_a_project_becomes_a_job_under_the_customer_the_approver_picked(
    qbsim: World,
) -> None:
    only_in(qbsim, JOBS_UNDER_CUSTOMERS)
    project, seen = export_project(qbsim)  # the approver picks the QuickBooks customer at acceptance
    assert seen["status"] == "synced", seen
    job = job_of(qbsim, project["name"])
    owner = one(qbsim.company.list_records("Customer"), ListID=job["ParentRef"]["ListID"])
    assert (int(job["Sublevel"]), int(owner["Sublevel"])) == (1, 0)  # a new job, tier 2, under the customer
    assert job["FullName"] == f"{owner['Name']}:{project['name']}"
    assert seen["origin_id"] == job["ListID"]
