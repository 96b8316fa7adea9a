"""QuickBooks' own status codes, as the accountant meets them in Procore (STATUS-CODES.md)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import commitment_prerequisites, one, purchase_orders_of, settle


@pytest.mark.qbsim_requirement("QB-STATUS-3100")
def test_a_name_quickbooks_already_uses_fails_with_its_message_and_a_resend_after_the_fix_succeeds(
    qbsim: World,
) -> None:
    name = qbsim.procore.unique("Taken Name")
    qbsim.company.ui.create_vendor(name)  # the accountant already has this name in QuickBooks
    vendor = qbsim.procore.new_vendor(name)
    qbsim.procore.send_and_accept("vendor", vendor["id"])
    seen = settle(qbsim, "vendor", vendor["id"], "the vendor export closed")
    assert seen["status"] == "failed", seen
    message = f'The name "{name}" of the list element is already in use.'
    assert any("3100" in m and message in m for m in seen["messages"]), seen["messages"]
    qbsim.company.ui.edit("Vendor", name, Name=f"{name} (old)")  # the fix, in QuickBooks
    assert qbsim.procore.act("resend", "Erin Sponsor", "vendor", vendor["id"]).status_code == 200
    assert qbsim.procore.act("accept", "Alex Accountant", "vendor", vendor["id"]).status_code == 200
    qbsim.until(lambda: qbsim.procore.status("vendor", vendor["id"]) == "synced", "the resent vendor synced")
    made = one(qbsim.company.list_records("Vendor"), Name=name)
    assert qbsim.procore.item("vendor", vendor["id"])["origin_id"] == made["ListID"]


@pytest.mark.qbsim_requirement("QB-STATUS-3250")
def test_purchase_orders_turned_off_fail_the_commitment_with_3250_and_create_nothing(qbsim: World) -> None:
    project, vendor, codes = commitment_prerequisites(qbsim)
    lines: list[dict[str, Any]] = [{"cost_code_id": codes[0]["id"], "amount": "10", "description": "Grading"}]
    woc = qbsim.procore.new_work_order(project["id"], vendor["id"], lines)
    qbsim.company.ui.set_inventory_active(False)
    try:
        qbsim.procore.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
        seen = settle(qbsim, "work_order_contract", woc["id"], "the commitment export closed")
    finally:
        qbsim.company.ui.set_inventory_active(True)
    assert seen["status"] == "failed", seen
    text = "This feature is not enabled or not available in this version of QuickBooks."
    assert any("3250" in m and text in m for m in seen["messages"]), seen["messages"]
    assert not purchase_orders_of(qbsim, project["name"])
