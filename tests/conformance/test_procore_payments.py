"""QuickBooks bill payments → Procore's Payments Issued through the whole integration (seed 001 "Commitment
Payments Issued", seed 003): a bill the connector exported is paid in QuickBooks, Procore's Sync Program
(or the on-demand "Sync Payments for Synced Progress Claims") asks for payments, the next Web Connector
update reads them, and Procore shows them on the commitment (``conformance.procore_stack``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from conformance.procore_stack import RETAINAGE_ITEM, ProcoreStack
from connector.sync.payments import CANADA_REASON

Billed = tuple[ProcoreStack, dict[str, Any], dict[str, Any], dict[str, Any]]


def _round(stack: ProcoreStack) -> None:
    stack.sync()
    stack.run_update()
    stack.tick()


def _billed(country: str = "US") -> Billed:
    """Cost code, project, vendor, a work order contract and one invoice synced (a bill of 900.00)."""
    stack = ProcoreStack.create(country=country)
    retainage = next(str(i["ListID"]) for i in stack.records("ItemService")
                     if i["FullName"] == RETAINAGE_ITEM)
    stack.settings(invoice_retainage_item_origin_id=retainage)
    stack.export_standard_cost_code("03-300", "Concrete")
    _round(stack)
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    _round(stack)
    code = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})[0]
    body = {"title": "Sitework", "vendor_id": vendor["id"], "status": "Approved",
            "line_items": [{"cost_code_id": code["id"], "amount": "5000", "description": "Footings"}]}
    woc = stack.rest("POST", "/rest/v1.0/work_order_contracts",
                     {"project_id": project["id"], "work_order_contract": body}, expect=201)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    sov = stack.rest("GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
                     {"project_id": project["id"]})
    req = {"commitment_id": woc["id"], "invoice_number": "ACE-1", "billing_date": "2024-02-29",
           "payment_date": "2024-03-30", "status": "approved",
           "items": [{"commitment_line_item_id": sov[0]["id"], "work_completed_this_period": "1000",
                      "retainage_this_period": "100"}]}
    inv = stack.rest("POST", "/rest/v1.0/requisitions", {"project_id": project["id"], "requisition": req},
                     expect=201)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    _round(stack)
    assert stack.synced("requisition", inv["id"])
    return stack, project, woc, inv


@pytest.fixture
def billed() -> Billed:
    return _billed()


def _payments_issued(stack: ProcoreStack, project: dict[str, Any],
                     woc: dict[str, Any]) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = stack.rest("GET", "/rest/v1.0/contract_payments",
                                           {"project_id": project["id"], "contract_id": woc["id"]})
    return sorted(got, key=lambda p: str(p["check_number"]))


def _details(stack: ProcoreStack) -> list[dict[str, Any]]:
    """Procore's ERP request details, as the connector reads them (every page)."""
    got: list[dict[str, Any]] = stack.rest(
        "GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details", {"per_page": 1000})
    return got


def _sync_payments_on_demand(stack: ProcoreStack, who: str = "Alex Accountant") -> None:
    answer = stack.sim("POST", "/erp/refresh/payments", {"as_user_id": stack.users[who]})
    assert answer.status_code == 200, answer.text
    _round(stack)
    stack.tick()


def test_bill_payments_show_on_payments_issued_per_the_mapping_partial_and_multiple(billed: Billed) -> None:
    stack, project, woc, inv = billed
    stack.company.ui.pay_bill("ACE-1", amount="400.00", check_number="1001", date="2024-03-15",
                              memo="First draw")
    stack.company.ui.pay_bill("ACE-1", amount="500.00", check_number="1002", date="2024-03-30",
                              memo="Balance")
    _sync_payments_on_demand(stack)
    paid = _payments_issued(stack, project, woc)
    assert [(p["payment_method"], p["date"], p["invoice_number"], p["check_number"], p["notes"],
             Decimal(p["amount"])) for p in paid] == [
        ("check", "2024-03-15", "ACE-1", "1001", "First draw", Decimal("400.00")),
        ("check", "2024-03-30", "ACE-1", "1002", "Balance", Decimal("500.00")),
    ]
    assert all(p["requisition_id"] == inv["id"] and p["origin_id"] for p in paid)


def test_a_payment_edited_in_quickbooks_is_updated_and_a_deleted_one_is_named(billed: Billed) -> None:
    stack, project, woc, _inv = billed
    first = stack.company.ui.pay_bill("ACE-1", amount="400.00", check_number="1001", date="2024-03-15")
    _sync_payments_on_demand(stack)
    assert [Decimal(p["amount"]) for p in _payments_issued(stack, project, woc)] == [Decimal("400.00")]
    # The accountant voids the check and pays again with another amount: a full compare sees both.
    stack.company.ui.delete_bill_payment(first["TxnID"])
    stack.company.ui.pay_bill("ACE-1", amount="350.00", check_number="1003", date="2024-03-20")
    _sync_payments_on_demand(stack)
    paid = _payments_issued(stack, project, woc)
    assert [(p["check_number"], Decimal(p["amount"])) for p in paid][-1] == ("1003", Decimal("350.00"))
    messages = [m for d in _details(stack) for m in d.get("messages") or []]
    assert any(f"Payment {first['TxnID']}|" in m and "deleted in QuickBooks" in m for m in messages)


def test_payments_of_bills_the_connector_did_not_export_are_not_imported(billed: Billed) -> None:
    stack, project, woc, _inv = billed
    stack.company.ui.enter_bill("Ace Concrete", lines=[{"item": "03-300", "amount": "75.00"}],
                                ref_number="NOT-PROCORE")
    stack.company.ui.pay_bill("NOT-PROCORE", check_number="2001")
    stack.company.ui.pay_bill("ACE-1", check_number="1001", date="2024-03-15")
    _sync_payments_on_demand(stack)
    assert [p["check_number"] for p in _payments_issued(stack, project, woc)] == ["1001"]


def test_a_canadian_company_file_never_imports_payments_and_says_why() -> None:
    stack, project, woc, _inv = _billed(country="CA")
    stack.company.ui.pay_bill("ACE-1", check_number="1001", date="2024-03-15")
    # Procore's setting says US (as it may, wrongly): the connector checks the company file itself.
    answer = stack.sim("POST", "/erp/refresh/payments", {"as_user_id": stack.users["Alex Accountant"]})
    assert answer.status_code == 200, answer.text
    _round(stack)
    stack.tick()
    assert _payments_issued(stack, project, woc) == []
    failed = [d for d in _details(stack) if d.get("status") == "failed"]
    assert any(CANADA_REASON in (d.get("messages") or []) for d in failed), failed


SYNC_PROGRAM_SYNCS_PER_DAY = {"Hourly": 24, "Every 2 Hours": 12, "Every 4 Hours": 6, "Daily": 1, "Never": 0}


@pytest.mark.parametrize("program", list(SYNC_PROGRAM_SYNCS_PER_DAY))
def test_the_sync_program_setting_syncs_payments_that_often_over_a_simulated_day(program: str) -> None:
    stack = ProcoreStack.create()
    assert stack.settings(sync_program=program).status_code == 200
    stack.advance(1)  # the schedule starts counting when Procore first looks
    syncs = 0
    for _ in range(24 * 2):  # a day in half hours, a Web Connector update after each
        stack.advance(30 * 60)
        _round(stack)
    for record in stack.service.queue.items(stack.company_key):
        if record.kind == "payment.import":
            assert record.state == "done", record
            syncs += 1
    assert syncs == SYNC_PROGRAM_SYNCS_PER_DAY[program]


# -- progress claims (seed 000): prerequisites, the retention item, the designated approvers ---------------

def _committed(stack: ProcoreStack) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Cost code, project, vendor and a work order contract synced (no invoice yet)."""
    retainage = next(str(i["ListID"]) for i in stack.records("ItemService")
                     if i["FullName"] == RETAINAGE_ITEM)
    stack.settings(invoice_retainage_item_origin_id=retainage)
    stack.export_standard_cost_code("03-300", "Concrete")
    _round(stack)
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    _round(stack)
    code = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})[0]
    body = {"title": "Sitework", "vendor_id": vendor["id"], "status": "Approved",
            "line_items": [{"cost_code_id": code["id"], "amount": "5000", "description": "Footings"}]}
    woc = stack.rest("POST", "/rest/v1.0/work_order_contracts",
                     {"project_id": project["id"], "work_order_contract": body}, expect=201)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    sov = stack.rest("GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
                     {"project_id": project["id"]})
    return project, woc, sov


def _claim(stack: ProcoreStack, project: dict[str, Any], woc: dict[str, Any],
           sov: list[dict[str, Any]], number: str = "PC-1") -> dict[str, Any]:
    req = {"commitment_id": woc["id"], "invoice_number": number, "billing_date": "2024-02-29",
           "payment_date": "2024-03-30", "status": "approved",
           "items": [{"commitment_line_item_id": sov[0]["id"], "work_completed_this_period": "1000",
                      "retainage_this_period": "100"}]}
    made: dict[str, Any] = stack.rest("POST", "/rest/v1.0/requisitions",
                                      {"project_id": project["id"], "requisition": req}, expect=201)
    return made


def _bills(stack: ProcoreStack, number: str) -> list[dict[str, Any]]:
    return [b for b in stack.records("Bill") if b.get("RefNumber") == number]


def test_inventory_and_purchase_orders_off_fails_a_progress_claim_saying_what_to_turn_on() -> None:
    stack = ProcoreStack.create()
    project, woc, sov = _committed(stack)
    stack.company.ui.set_inventory_active(False)
    claim = _claim(stack, project, woc, sov)
    stack.send_and_accept("requisition", claim["id"], sender="Pat Manager")
    _round(stack)
    seen = stack.item("requisition", claim["id"])
    assert seen["status"] == "failed" and _bills(stack, "PC-1") == []
    assert any("'Inventory and purchase orders are active' is off" in m for m in seen["messages"]), seen


def test_a_retention_item_missing_from_the_company_file_fails_a_progress_claim_saying_so() -> None:
    stack = ProcoreStack.create()
    project, woc, sov = _committed(stack)
    stack.settings(invoice_retainage_item_origin_id="80000999-1705327200")
    claim = _claim(stack, project, woc, sov)
    stack.send_and_accept("requisition", claim["id"], sender="Pat Manager")
    _round(stack)
    seen = stack.item("requisition", claim["id"])
    assert seen["status"] == "failed" and _bills(stack, "PC-1") == []
    assert any("the retention item (ListID 80000999-1705327200) is not in it; create a Service item named "
               "'Retention'" in m for m in seen["messages"]), seen


def test_the_progress_claim_retention_item_setting_is_where_retention_is_recorded() -> None:
    stack = ProcoreStack.create()
    project, woc, sov = _committed(stack)
    retention = next(str(i["ListID"]) for i in stack.records("ItemService") if i["FullName"] == "Retention")
    assert stack.settings(progress_claim_retention_item_origin_id=retention).status_code == 200
    enabled = stack.sim("POST", "/erp/progress_claims", {"as_user_id": stack.users["Erin Sponsor"],
                                                         "enabled": True})
    assert enabled.status_code == 200, enabled.text
    claim = _claim(stack, project, woc, sov)
    stack.send_and_accept("requisition", claim["id"], sender="Pat Manager")
    _round(stack)
    (bill,) = _bills(stack, "PC-1")
    assert [(ln["ItemRef"]["FullName"], ln["Amount"]) for ln in bill["ItemLineRet"]] == [
        ("03-300", "1000.00"), ("Retention", "-100.00")]


def test_only_the_executive_sponsors_designated_approvers_can_export_progress_claims() -> None:
    stack = ProcoreStack.create()
    project, woc, sov = _committed(stack)
    claim = _claim(stack, project, woc, sov)
    assert stack.act("send", "Pat Manager", "requisition", claim["id"]).status_code == 200
    # Not an approver: Pat Manager cannot accept it, and the accountant asking for himself cannot either.
    refused = stack.act("accept", "Pat Manager", "requisition", claim["id"])
    assert refused.status_code == 403, refused.text
    self_grant = stack.sim("POST", "/accounting_approvers", {"as_user_id": stack.users["Alex Accountant"],
                                                              "user_id": stack.users["Pat Manager"]})
    assert self_grant.status_code == 403, self_grant.text
    revoked = stack.sim("POST", "/accounting_approvers", {"as_user_id": stack.users["Erin Sponsor"],
                                                          "user_id": stack.users["Alex Accountant"],
                                                          "grant": False})
    assert revoked.status_code == 200 and revoked.json()["accounting_approver"] is False
    assert stack.act("accept", "Alex Accountant", "requisition", claim["id"]).status_code == 403
    _round(stack)
    assert _bills(stack, "PC-1") == [] and not stack.synced("requisition", claim["id"])
    # The Executive Sponsor designates the accountant again: the export goes through.
    stack.sim("POST", "/accounting_approvers", {"as_user_id": stack.users["Erin Sponsor"],
                                                "user_id": stack.users["Alex Accountant"], "grant": True})
    assert stack.act("accept", "Alex Accountant", "requisition", claim["id"]).status_code == 200
    _round(stack)
    assert len(_bills(stack, "PC-1")) == 1 and stack.synced("requisition", claim["id"])
