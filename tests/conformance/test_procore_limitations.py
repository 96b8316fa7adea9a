"""What QuickBooks Desktop never syncs (seed 001 "Limitations"), through the whole integration: the Procore
action or ERP Request that would ask for it is refused with the seed's reason — closed ``failed`` by the
connector with nothing sent to QuickBooks, or refused by Procore before anything is queued."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.procore_stack import ProcoreStack, disguise_next_erp_request
from connector.sync.erp_requests import NOT_SUPPORTED


@pytest.fixture
def stack() -> ProcoreStack:
    return ProcoreStack.create()


def _refused(stack: ProcoreStack, request_name: str, request_data: Any = None) -> dict[str, Any]:
    """Procore asks for ``request_name`` (a real request with a detail, read back under that name); the
    connector's answer on its detail, and what went to QuickBooks."""
    answer = stack.sim("POST", "/erp/refresh/vendors", {"as_user_id": stack.users["Erin Sponsor"]})
    assert answer.status_code == 200, answer.text
    request_id = answer.json()["erp_request_id"]
    disguise_next_erp_request(stack, request_name, request_data if request_data is not None else {})
    stack.sync()
    stack.tick()
    result = stack.run_update()
    [detail] = stack.rest("GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details",
                          {"filters[erp_request_id]": request_id})
    assert result.requests == []  # nothing for QuickBooks
    return detail


def _assert_refused(stack: ProcoreStack, request_name: str, reason: str) -> None:
    detail = _refused(stack, request_name)
    assert detail["status"] == "failed", detail
    assert reason in str(detail), detail
    assert NOT_SUPPORTED[request_name] == reason


def test_prime_contracts_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "sync_prime_contracts",
                    "Prime Contracts and Prime Contract Change Orders do not sync with QuickBooks Desktop.")


def test_prime_contract_change_orders_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "create_prime_contract_change_order",
                    "Prime Contracts and Prime Contract Change Orders do not sync with QuickBooks Desktop.")


def test_owner_invoices_and_payments_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "create_payment_application", "Prime Contract Invoices (payment applications) and "
                    "payments do not sync with QuickBooks Desktop.")


def test_sub_jobs_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "create_sub_job",
                    "Sub Jobs are not supported by the QuickBooks Desktop integration.")


def test_cost_types_other_than_the_other_placeholder_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "sync_standard_categories",
                    "Cost Types are not supported by QuickBooks Desktop: they are not transferred to "
                    "QuickBooks.")


def test_expenses_never_sync(stack: ProcoreStack) -> None:
    _assert_refused(stack, "create_company_level_direct_cost",
                    "Company level direct costs do not sync with QuickBooks Desktop.")


def _synced_project(stack: ProcoreStack) -> dict[str, Any]:
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.sync()
    stack.run_update()
    stack.tick()
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    stack.sync()
    stack.run_update()
    stack.tick()
    return project


def test_project_specific_cost_codes_are_refused_before_anything_is_queued(stack: ProcoreStack) -> None:
    project = _synced_project(stack)
    before = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    answer = stack.rest("POST", "/rest/v1.0/cost_codes", {"project_id": project["id"], "cost_code": {
        "code": "999", "name": "Project only"}}, expect=422)
    assert answer == {"errors": {"base": ["Cost codes of ERP integrated projects can only be created or "
                                          "updated through the ERP sync endpoint."]}}
    assert stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]}) == before
    assert stack.sync().planned == 0  # no ERP Request reached the connector


def test_class_is_never_written_to_quickbooks(stack: ProcoreStack) -> None:
    _synced_project(stack)
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    stack.sync()
    stack.run_update()
    sent = [s for r in stack.results for s in r.requests]
    assert any("<CustomerAddRq" in s for s in sent) and any("<VendorAddRq" in s for s in sent)
    assert not any("ClassRef" in s for s in sent)  # seed 001: the integration does not write to "Class"


def test_procore_companies_are_never_exported_as_customers(stack: ProcoreStack) -> None:
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    stack.sync()
    stack.run_update()
    stack.tick()
    assert [v["Name"] for v in stack.records("Vendor")] == ["Ace Concrete"]
    assert "Ace Concrete" not in [c["Name"] for c in stack.records("Customer")]
    assert not any("<CustomerAddRq" in s for r in stack.results for s in r.requests)


def test_existing_projects_and_jobs_are_never_linked_to_each_other(stack: ProcoreStack) -> None:
    stack.company.ui.create_customer("Harbor Lofts")
    existing = stack.new_project("Harbor Lofts")
    stack.advance(60)
    stack.advance(3600)  # Procore's hourly company sync stages QuickBooks' jobs on Ready to Import
    stack.sync()
    stack.run_update()
    stack.tick()
    [staged] = [s for s in stack.lists()["ready_to_import"] if s["item_type"] == "project"]
    answer = stack.sim("POST", f"/erp/staged/{staged['id']}/link",
                       {"as_user_id": stack.users["Erin Sponsor"], "vendor_id": existing["id"]})
    assert (answer.status_code, answer.json()) == (422, {"errors": {"base": [
        "The integration can not link an existing Procore Project to an existing QuickBooks Desktop Job or "
        "Customer."]}})
    assert not stack.item("project", existing["id"]).get("origin_id")
    assert stack.sync().planned == 0  # nothing was asked of the connector
