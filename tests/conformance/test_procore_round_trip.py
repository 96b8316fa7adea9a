"""Procore users' actions → the connector → one Web Connector update → QuickBooks → results back in Procore.

Each test drives the whole integration in one process (``conformance.procore_stack``): the fake Procore's
web-UI routes for what people do, its webhooks and REST API for what the connector sees, the Web Connector
emulator for QuickBooks' side.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.procore_stack import ProcoreStack


def _one(records: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def _detail_status(stack: ProcoreStack, item_type: str, item_id: int) -> list[str]:
    details = stack.rest("GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details",
                         {"filters[item_type]": item_type, "filters[item_id]": item_id})
    return [d["status"] for d in details]  # type: ignore[index]


@pytest.fixture
def stack() -> ProcoreStack:
    return ProcoreStack.create()


def test_a_standard_cost_code_is_exported_once_and_shows_synced(stack: ProcoreStack) -> None:
    code = stack.export_standard_cost_code("01-100", "Site Work")
    report = stack.sync()
    assert (report.read, report.planned) == (1, 1)
    result = stack.run_update()
    assert result.outcome.name == "COMPLETED" and result.progress[-1] == 100
    stack.tick()
    item = _one(stack.records("ItemService"), FullName="01-100")
    assert item["SalesAndPurchase"]["IncomeAccountRef"]["FullName"] == "Construction Income"
    seen = stack.item("standard_cost_code", code["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", item["ListID"])
    assert stack.synced("standard_cost_code", code["id"])


@pytest.mark.parametrize("job_mode", ["customers_are_jobs", "jobs_under_customers"])
def test_a_project_becomes_a_job_in_each_job_mode(job_mode: str) -> None:
    stack = ProcoreStack.create(job_mode=job_mode)
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.sync()
    stack.run_update()
    stack.tick()
    project = stack.new_project("Tower Apartments")
    options: dict[str, Any] = {}
    if job_mode == "jobs_under_customers":
        customer = stack.company.ui.create_customer("Acme Developers")
        options["customer_origin_id"] = customer["ListID"]
    stack.send_and_accept("project", project["id"], **options)
    stack.sync()
    stack.run_update()
    stack.tick()
    expected = "Tower Apartments" if job_mode == "customers_are_jobs" else "Acme Developers:Tower Apartments"
    job = _one(stack.records("Customer"), FullName=expected)
    assert int(job["Sublevel"]) == (0 if job_mode == "customers_are_jobs" else 1)
    assert job["ShipAddress"]["City"] == "Austin"
    seen = stack.item("project", project["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", job["ListID"])
    cost_codes = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    item = _one(stack.records("ItemService"), FullName="01-100")
    assert [c["origin_id"] for c in cost_codes] == [f"{job['ListID']}|{item['ListID']}"]  # type: ignore[index]


def test_a_company_becomes_a_vendor_and_shows_synced(stack: ProcoreStack) -> None:
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    stack.sync()
    stack.run_update()
    stack.tick()
    made = _one(stack.records("Vendor"), Name="Ace Concrete")
    assert made["Phone"] == "512-555-0100"
    seen = stack.item("vendor", vendor["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", made["ListID"])
    assert _detail_status(stack, "vendor", vendor["id"]) == ["success"]


def test_a_quickbooks_error_lands_in_procore_and_a_resend_after_the_fix_succeeds(stack: ProcoreStack) -> None:
    stack.company.ui.create_vendor("Ace Concrete")  # the accountant already has this name in QuickBooks
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    stack.sync()
    stack.run_update()
    stack.tick()
    seen = stack.item("vendor", vendor["id"])
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        'QuickBooks Desktop error 3100: The name "Ace Concrete" of the list element is already in use.'
    ]
    assert any(i["item_id"] == vendor["id"] for i in stack.lists()["failed_to_export"])
    # The fix: the accountant renames the QuickBooks vendor; the approver resends and accepts again.
    stack.company.ui.edit("Vendor", "Ace Concrete", Name="Ace Concrete (old)")
    resent = stack.act("resend", "Erin Sponsor", "vendor", vendor["id"])
    assert resent.status_code == 200, resent.text
    accepted = stack.act("accept", "Alex Accountant", "vendor", vendor["id"])
    assert accepted.status_code == 200, accepted.text
    stack.sync()
    stack.run_update()
    stack.tick()
    made = _one(stack.records("Vendor"), Name="Ace Concrete")
    seen = stack.item("vendor", vendor["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", made["ListID"])


def test_quickbooks_jobs_and_vendors_appear_in_ready_to_import_after_the_hourly_staging(
    stack: ProcoreStack,
) -> None:
    stack.company.ui.create_vendor("Bedrock Excavation")
    stack.company.ui.create_customer("Harbor Clinic")
    stack.advance(60)  # Procore starts counting its hourly schedule
    emitted = stack.advance(3600)
    assert len(emitted) == 2  # sync_jobs and sync_vendors
    stack.sync()
    stack.run_update()
    stack.tick()
    staged = {(s["item_type"], s["data"]["name"]) for s in stack.lists()["ready_to_import"]}
    assert {("vendor", "Bedrock Excavation"), ("project", "Harbor Clinic")} <= staged


def test_a_duplicated_webhook_delivery_exports_once(stack: ProcoreStack) -> None:
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 1})
    code = stack.export_standard_cost_code("01-100", "Site Work")
    report = stack.sync()
    assert report.planned == 1
    stack.run_update()
    stack.tick()
    assert len([i for i in stack.records("ItemService") if i["FullName"] == "01-100"]) == 1
    assert _detail_status(stack, "standard_cost_code", code["id"]) == ["success"]


def test_a_lost_webhook_is_found_by_polling_open_request_details(stack: ProcoreStack) -> None:
    stack.webhook_link.down = True  # the delivery fails; Procore would retry later, the poller does not wait
    code = stack.export_standard_cost_code("01-100", "Site Work")
    stack.deliver()
    report = stack.tick()
    assert (report.polled, report.read, report.planned) == (1, 1, 1)
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", code["id"])


def test_unsupported_requests_are_closed_failed_with_the_reason(stack: ProcoreStack) -> None:
    # A cost code refused before anything is sent: a name over QuickBooks' 31-character item name.
    code = stack.export_standard_cost_code("01-" + "9" * 40, "Too long for QuickBooks")
    stack.sync()
    seen = stack.item("standard_cost_code", code["id"])
    assert seen["status"] == "failed"
    assert "a QuickBooks Desktop item name holds at most 31" in seen["messages"][0]
    assert not stack.service.queue.items(stack.company_key)  # nothing was queued for QuickBooks
    assert not [r for r in stack.records("ItemService") if r["FullName"] == code["full_code"]]


def test_what_the_connector_cannot_carry_out_is_closed_failed_not_dropped(stack: ProcoreStack) -> None:
    stack.advance(60)
    stack.advance(7200)  # the payment Sync Program's default is daily; the two-hourly project sync ran
    emitted = stack.advance(24 * 3600)
    assert emitted  # sync_contract_payments among them (US file)
    stack.sync()
    stack.run_update()  # the hourly staging's imports
    stack.tick()
    details = stack.rest("GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details")
    assert details and all(d["status"] != "in progress" for d in details)  # type: ignore[union-attr]
    payments = [d for d in details if d["item_type"] == "company"]  # type: ignore[union-attr]
    # The daily payment sync is carried out at that update (no bill paid yet: nothing to write).
    assert any(d["status"] == "success" and "0 QuickBooks bill payment(s) synced to Payments Issued." in m
               for d in payments for m in d["messages"])


@pytest.mark.parametrize("update_synced_vendors", [True, False])
def test_quickbooks_edits_of_a_synced_vendor_follow_the_setting_and_it_is_not_offered_again(
    update_synced_vendors: bool,
) -> None:
    stack = ProcoreStack.create(procore_options={"update_synced_vendors": update_synced_vendors})
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    stack.sync()
    stack.run_update()
    stack.tick()
    stack.company.ui.edit("Vendor", "Ace Concrete", Phone="512-555-0199")
    stack.advance(60)
    stack.advance(3600)
    stack.sync()
    stack.run_update()
    stack.tick()
    assert not [s for s in stack.lists()["ready_to_import"] if s["item_type"] == "vendor"]
    procore = stack.rest("GET", "/rest/v1.0/vendors", {"company_id": stack.company_id})
    phone = next(v["business_phone"] for v in procore if v["id"] == vendor["id"])
    assert phone == ("512-555-0199" if update_synced_vendors else "512-555-0100")


def test_sync_metadata_puts_quickbooks_service_items_and_accounts_into_the_erp_connection(
    stack: ProcoreStack,
) -> None:
    asked = stack.sim("POST", "/erp/refresh/metadata", {"as_user_id": stack.users["Erin Sponsor"]})
    assert asked.status_code == 200, asked.text
    stack.sync()
    stack.run_update()
    stack.tick()
    found = stack.procore.get("/_sim/state").json()["companies"][0]["erp_settings"]["metadata"]
    items = {i["name"] for i in found.get("service_items", [])}
    accounts = {a["name"] for a in found.get("accounts", [])}
    assert {"Retention", "Retainage"} <= items
    assert {"Construction Income", "Job Expenses"} <= accounts


def test_the_connector_logs_each_session_erp_request_and_item_outcome(
    stack: ProcoreStack, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="connector"):
        stack.export_standard_cost_code("01-100", "Site Work")
        stack.sync()
        stack.run_update()
        stack.tick()
    text = caplog.text
    assert "webhook: ERP Request" in text and "create_standard_cost_codes: 1 cost code(s) to export" in text
    assert "work item(s) waiting" in text and "1 done, 0 failed, 0 left" in text
    assert "(cost_code.export) done" in text
    assert "closed success" in text
    assert "qbsim-client-secret" not in text


def test_a_project_created_before_the_integration_was_connected_is_refused(stack: ProcoreStack) -> None:
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.sync()
    stack.run_update()
    stack.tick()
    early = stack.new_project("Old Warehouse")
    stack.advance(86_400)
    # A connector installed a day later (a new store): its connection dates from now.
    stack.database_url = "sqlite://"
    stack.restart()
    stack.send_and_accept("project", early["id"], sender="Pat Manager")
    stack.sync()
    seen = stack.item("project", early["id"])
    assert seen["status"] == "failed"
    assert "before the QuickBooks Desktop integration was connected" in seen["messages"][0]
    assert not [c for c in stack.records("Customer") if c["FullName"] == "Old Warehouse"]


def test_a_project_accepted_while_its_cost_code_export_is_queued_waits_for_it(stack: ProcoreStack) -> None:
    """Cost codes before the project: accepted together, the project's job goes out after the cost code's
    Service item, in the same update, and its cost codes get the item's ListID."""
    code = stack.export_standard_cost_code("01-100", "Site Work")
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"], sender="Pat Manager")
    stack.sync()
    result = stack.run_update()
    stack.tick()
    assert result.status == "OK: 2 done, 0 failed, 0 left for the next update."
    item = _one(stack.records("ItemService"), FullName="01-100")
    job = _one(stack.records("Customer"), FullName="Tower Apartments")
    assert stack.synced("standard_cost_code", code["id"]) and stack.synced("project", project["id"])
    cost_codes = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    assert [c["origin_id"] for c in cost_codes] == [f"{job['ListID']}|{item['ListID']}"]


def test_a_project_whose_cost_code_export_fails_fails_with_that_reason(stack: ProcoreStack) -> None:
    stack.company.ui.create_service_item("01-100")  # an inactive Service item holds the name: not linked
    stack.company.ui.inactivate("ItemService", "01-100")
    code = stack.export_standard_cost_code("01-100", "Site Work")
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"], sender="Pat Manager")
    stack.sync()
    stack.run_update()
    stack.tick()
    assert stack.item("standard_cost_code", code["id"])["status"] == "failed"
    seen = stack.item("project", project["id"])
    assert seen["status"] == "failed"
    assert "01-100" in seen["messages"][0] and "inactive" in seen["messages"][0], seen["messages"]
    assert not [c for c in stack.records("Customer") if c["FullName"] == "Tower Apartments"]


def test_an_erp_request_the_planner_cannot_read_is_closed_failed_and_stops_nothing(
    stack: ProcoreStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    from connector.procore import intake

    broken = stack.export_standard_cost_code("01-100", "Site Work")
    fine = stack.export_standard_cost_code("01-200", "Demolition")
    real_plan = intake.plan

    def plan(name: str, data: Any, context: Any) -> Any:
        if isinstance(data, list) and data and data[0].get("id") == broken["id"]:
            raise AttributeError("'str' object has no attribute 'get'")  # as an odd payload would
        return real_plan(name, data, context)

    monkeypatch.setattr(intake, "plan", plan)
    report = stack.sync()
    assert (report.planned, report.error) == (2, "")
    seen = stack.item("standard_cost_code", broken["id"])
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        "The connector could not read this ERP Request (AttributeError: 'str' object has no attribute 'get')."
    ]
    stack.run_update()
    stack.tick()
    assert stack.synced("standard_cost_code", fine["id"])
