"""QuickBooks vendors and jobs → Procore's Ready to Import (seed 001 "Companies", "Projects", hourly sync)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import CUSTOMERS_ARE_JOBS, only_in


@pytest.mark.qbsim_requirement("D12", "H1", "X7", "F4")
def test_quickbooks_vendors_and_jobs_reach_ready_to_import_after_the_hourly_staging(qbsim: World) -> None:
    only_in(qbsim, CUSTOMERS_ARE_JOBS)  # a tier-1 customer is a project only under Customers = Jobs (F4)
    vendor = qbsim.procore.unique("Bedrock Excavation")
    customer = qbsim.procore.unique("Harbor Clinic")
    qbsim.company.ui.create_vendor(vendor)
    qbsim.company.ui.create_customer(customer)
    qbsim.procore.advance(60)  # Procore's schedule starts counting …
    qbsim.procore.advance(3600)  # … and an hour later its hourly company-level syncs are due

    def staged() -> bool:
        seen = {(s["item_type"], s["data"]["name"]) for s in qbsim.procore.lists()["ready_to_import"]}
        return {("vendor", vendor), ("project", customer)} <= seen

    qbsim.until(staged, f"vendor {vendor!r} and job {customer!r} in Procore's Ready to Import")
