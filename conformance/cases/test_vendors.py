"""Procore companies → QuickBooks vendors (seed 001 "Companies" and "Vendors" mapping)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import export_vendor, one


@pytest.mark.qbsim_requirement("Q1", "Q2", "Q3", "Q4", "Q5", "H3", "N3", "PROCORE-DETAILS-CLOSED")
def test_an_accepted_company_becomes_a_vendor_with_its_address_phone_and_fax(qbsim: World) -> None:
    vendor, seen = export_vendor(qbsim, fax_number="512-555-0101")
    made = one(qbsim.company.list_records("Vendor"), Name=vendor["name"])
    billed_from = made["VendorAddress"]
    assert (billed_from.get("Addr1"), billed_from.get("City"), billed_from.get("State"),
            billed_from.get("PostalCode")) == ("9 Mill Rd", "Austin", "TX", "78702"), billed_from
    assert made.get("Phone") == "512-555-0100"
    assert made.get("Fax") == "512-555-0101"
    assert (seen["status"], seen["origin_id"]) == ("synced", made["ListID"]), seen
    details = qbsim.procore.details("vendor", vendor["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("H5")
def test_a_procore_edit_of_a_synced_company_does_not_change_the_quickbooks_vendor(qbsim: World) -> None:
    vendor, seen = export_vendor(qbsim)
    assert seen["status"] == "synced", seen
    qbsim.procore.rest("PATCH", f"/rest/v1.0/vendors/{vendor['id']}",
                       {"company_id": qbsim.procore.company_id, "vendor": {"business_phone": "512-555-0177"}})
    for _ in range(2):
        qbsim.procore.deliver()
        qbsim.run_update()
    assert one(qbsim.company.list_records("Vendor"), Name=vendor["name"]).get("Phone") == "512-555-0100"
