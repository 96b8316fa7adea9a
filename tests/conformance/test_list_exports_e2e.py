"""Standard cost codes, projects and companies from Procore's ERP Requests, through the Web Connector.

Each test translates a ``request_data`` shaped like the fake Procore's (``sim/procore_fake/domain/
payloads.py``) with the sync module's translator, queues the work straight into the connector's queue
(as intake will), runs "Update Selected" in the emulator and judges the fake company file, the work
item's outcome and id map, and that every qbXML document validates against 13.0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from conformance.stack import Stack
from conformance.target import InProcessConnector
from connector.sync import cost_codes, projects, vendor_exports
from connector.sync.context import SyncOptions
from connector.work import NewWork
from sim.webconnector import KillSwitch, Outcome


def enqueue(stack: Stack, work: NewWork) -> int:
    connector = stack.connector
    assert isinstance(connector, InProcessConnector)
    queue = connector.service.queue
    return queue.enqueue(stack.company_key, work.kind, work.payload, procore_id=work.procore_id)


def tags(document: str) -> list[str]:
    root = etree.fromstring(document.split("?>", 2)[-1].encode())
    return [el.tag for el in root.find("QBXMLMsgsRq")]


def account_id(stack: Stack, name: str) -> str:
    return next(a["ListID"] for a in stack.items("Account") if a["FullName"] == name)


def records(stack: Stack, kind: str, name: str) -> list[dict[str, Any]]:
    return [r for r in stack.items(kind) if r["FullName" if "FullName" in r else "Name"] == name]


# -- standard cost codes -----------------------------------------------------------------------------
def cost_code_entry(stack: Stack) -> dict[str, Any]:
    return {
        "id": 2, "standard_cost_code_list_id": 1, "origin_id": None, "parent_id": 1, "code": "100",
        "full_code": "01-100", "name": "General Requirements", "origin_data": None, "parent_origin_id": None,
        "long_name_helper": [["01", "100"], ["General Requirements"]],
        "erp_custom_fields": {"income_account_origin_id": account_id(stack, "Construction Income"),
                              "expense_account_origin_id": account_id(stack, "Job Expenses:Subcontractors")},
        "request_detail_id": 41,
    }


def test_a_standard_cost_code_becomes_a_service_item_on_the_chosen_accounts(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    item_id = enqueue(stack, cost_codes.work_from_request(cost_code_entry(stack)).work())
    assert stack.run_update().outcome is Outcome.COMPLETED
    [item] = stack.items("ItemService")
    assert item["Name"] == "01-100"
    accounts = item["SalesAndPurchase"]
    assert accounts["SalesDesc"] == accounts["PurchaseDesc"] == "General Requirements"
    assert accounts["IncomeAccountRef"]["ListID"] == account_id(stack, "Construction Income")
    assert accounts["ExpenseAccountRef"]["FullName"] == "Job Expenses:Subcontractors"
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result) == (
        "done", {"action": "created", "ListID": item["ListID"], "EditSequence": item["EditSequence"]}
    )
    mapping = stack.connector.id_mapping(stack.company_key, "cost_code", "2")
    assert mapping is not None
    assert (mapping.qb_id, mapping.edit_sequence) == (item["ListID"], item["EditSequence"])
    assert_schema_valid(stack.documents())


def test_a_standard_cost_code_on_an_account_quickbooks_does_not_have_fails_with_its_message(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    entry = cost_code_entry(stack)
    entry["erp_custom_fields"]["income_account_origin_id"] = "80000099-1767621600"  # type: ignore[index]
    item_id = enqueue(stack, cost_codes.work_from_request(entry).work())
    stack.run_update()
    record = stack.connector.work_item(item_id)
    assert (record.state, record.last_status_code) == ("failed", "3140")
    assert "80000099-1767621600" in (record.last_status_message or "")
    assert stack.items("ItemService") == []
    assert_schema_valid(stack.documents())


# -- projects ----------------------------------------------------------------------------------------
def job_request(**job: Any) -> dict[str, Any]:
    body = {"id": 7, "name": "Riverside Clinic", "origin_id": None, "origin_data": None, "origin_code": None,
            "address": "4 River Rd", "city": "Austin", "state_code": "TX", "zip": "78701", "latitude": None,
            "longitude": None, "active": True, "custom_fields": {}, "erp_custom_fields": {}, "synced": False}
    body.update(job)
    code = {"id": 11, "name": "General Requirements", "full_code": "01-100", "code": "100",
            "standard_cost_code_origin_id": "80000010-1767621600"}
    return {"job": body, "all_cost_codes": [code], "company_id": 8, "request_detail_id": 2}


def test_customers_are_jobs_creates_a_tier_1_customer(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    item_id = enqueue(stack, projects.work_from_request(job_request(), "customers_are_jobs"))
    assert stack.run_update().outcome is Outcome.COMPLETED
    [customer] = stack.items("Customer")
    assert (customer["FullName"], customer["Sublevel"], customer["IsActive"]) == (
        "Riverside Clinic", "0", "true"
    )
    assert customer["ShipAddress"] == {"Addr1": "4 River Rd", "City": "Austin", "State": "TX",
                                       "PostalCode": "78701"}
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result["action"], record.result["ListID"]) == ("done", "created",
                                                                                customer["ListID"])
    mapping = stack.connector.id_mapping(stack.company_key, "project", "7")
    assert mapping is not None and mapping.qb_id == customer["ListID"]
    assert_schema_valid(stack.documents())


def test_jobs_under_customers_creates_a_job_under_the_chosen_customer(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack(options=SyncOptions(job_mode="jobs_under_customers"))
    chosen = stack.company.ui.create_customer("Northside Hospital")
    data = job_request(erp_custom_fields={"customer_origin_id": chosen["ListID"]})
    item_id = enqueue(stack, projects.work_from_request(data, "jobs_under_customers"))
    assert stack.run_update().outcome is Outcome.COMPLETED
    [job] = records(stack, "Customer", "Northside Hospital:Riverside Clinic")
    assert (job["Sublevel"], job["ParentRef"]["ListID"]) == ("1", chosen["ListID"])
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result["ListID"]) == ("done", job["ListID"])
    assert_schema_valid(stack.documents())


def test_a_project_named_like_an_existing_customer_fails_with_quickbooks_message_and_is_not_linked(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    existing = stack.company.ui.create_customer("Riverside Clinic")
    item_id = enqueue(stack, projects.work_from_request(job_request(), "customers_are_jobs"))
    stack.run_update()
    record = stack.connector.work_item(item_id)
    assert (record.state, record.last_status_code, record.last_status_message) == (
        "failed", "3100", 'The name "Riverside Clinic" of the list element is already in use.'
    )
    assert stack.connector.id_mapping(stack.company_key, "project", "7") is None
    assert [c["ListID"] for c in stack.items("Customer")] == [existing["ListID"]]
    assert_schema_valid(stack.documents())


def test_a_job_whose_response_was_lost_is_recovered_not_added_twice(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack(options=SyncOptions(job_mode="jobs_under_customers"))
    chosen = stack.company.ui.create_customer("Northside Hospital")
    data = job_request(erp_custom_fields={"customer_origin_id": chosen["ListID"]})
    item_id = enqueue(stack, projects.work_from_request(data, "jobs_under_customers"))
    killed = stack.run_update(kill=KillSwitch(after_send=1, after_process=True))
    assert killed.outcome is Outcome.KILLED
    [job] = records(stack, "Customer", "Northside Hospital:Riverside Clinic")  # QuickBooks did add it
    again = stack.run_update()
    assert again.outcome is Outcome.COMPLETED
    # the customer is read for its FullName, then "Customer:Job" is queried: no second add
    assert [tags(doc) for doc in again.requests] == [["CustomerQueryRq"], ["CustomerQueryRq"]]
    assert len(records(stack, "Customer", "Northside Hospital:Riverside Clinic")) == 1
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result["action"], record.result["ListID"]) == ("done", "recovered",
                                                                                job["ListID"])
    assert_schema_valid(stack.documents())


def test_a_re_exported_project_updates_its_customer(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    enqueue(stack, projects.work_from_request(job_request(), "customers_are_jobs"))
    stack.run_update()
    [before] = stack.items("Customer")
    # Procore holds the ListID as origin_id and the EditSequence as origin_data after the write-back
    again = job_request(name="Riverside Clinic East", address="6 River Rd", origin_id=before["ListID"],
                        origin_data=before["EditSequence"])
    update_id = enqueue(stack, projects.work_from_request(again, "customers_are_jobs"))
    assert stack.run_update().outcome is Outcome.COMPLETED
    [after] = stack.items("Customer")
    assert (after["ListID"], after["Name"], after["ShipAddress"]["Addr1"]) == (
        before["ListID"], "Riverside Clinic East", "6 River Rd"
    )
    record = stack.connector.work_item(update_id)
    assert (record.state, record.result["action"], record.result["EditSequence"]) == (
        "done", "updated", after["EditSequence"]
    )
    assert_schema_valid(stack.documents())


# -- companies ---------------------------------------------------------------------------------------
def vendor_request(**vendor: Any) -> dict[str, Any]:
    body = {"id": 35, "name": "Acme Concrete", "address": "100 Main St", "business_phone": "312-555-0100",
            "city": "Chicago", "company": "Acme Concrete", "country_code": "US", "email_address": None,
            "fax_number": "312-555-0101", "is_active": True, "origin_id": None, "state_code": "IL",
            "zip": "60601"}
    body.update(vendor)
    return {"vendor": body, "company_id": 8, "request_detail_id": 5}


def test_a_company_becomes_a_vendor(make_stack: Callable[..., Stack], assert_schema_valid) -> None:
    stack = make_stack()
    item_id = enqueue(stack, vendor_exports.work_from_request(vendor_request()))
    assert stack.run_update().outcome is Outcome.COMPLETED
    [vendor] = stack.items("Vendor")
    assert (vendor["Name"], vendor["Phone"], vendor["Fax"]) == (
        "Acme Concrete", "312-555-0100", "312-555-0101"
    )
    assert vendor["VendorAddress"] == {"Addr1": "100 Main St", "City": "Chicago", "State": "IL",
                                       "PostalCode": "60601"}
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result) == (
        "done", {"action": "created", "ListID": vendor["ListID"], "EditSequence": vendor["EditSequence"]}
    )
    assert_schema_valid(stack.documents())


def test_a_company_named_like_an_existing_vendor_fails_with_quickbooks_message(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    stack.company.ui.create_vendor("Acme Concrete")
    item_id = enqueue(stack, vendor_exports.work_from_request(vendor_request()))
    stack.run_update()
    record = stack.connector.work_item(item_id)
    assert (record.state, record.last_status_code, record.last_status_message) == (
        "failed", "3100", 'The name "Acme Concrete" of the list element is already in use.'
    )
    assert len(stack.items("Vendor")) == 1
    assert stack.connector.id_mapping(stack.company_key, "vendor", "35") is None
    assert_schema_valid(stack.documents())


def test_a_vendor_whose_response_was_lost_is_recovered_once(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    item_id = enqueue(stack, vendor_exports.work_from_request(vendor_request()))
    assert stack.run_update(kill=KillSwitch(after_send=1, after_process=True)).outcome is Outcome.KILLED
    again = stack.run_update()
    assert [tags(doc) for doc in again.requests] == [["VendorQueryRq"]]
    [vendor] = stack.items("Vendor")
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result["action"], record.result["ListID"]) == ("done", "recovered",
                                                                                vendor["ListID"])
    assert_schema_valid(stack.documents())


def test_a_re_export_after_an_accountant_edited_the_customer_rereads_and_retries(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    enqueue(stack, projects.work_from_request(job_request(), "customers_are_jobs"))
    stack.run_update()
    [exported] = stack.items("Customer")
    # the accountant adds a phone number in QuickBooks: the EditSequence Procore and the id map hold is stale
    stack.company.ui.edit("Customer", "Riverside Clinic", Phone="512-555-0100")
    again = job_request(name="Riverside Clinic East", origin_id=exported["ListID"],
                        origin_data=exported["EditSequence"])
    update_id = enqueue(stack, projects.work_from_request(again, "customers_are_jobs"))
    assert stack.run_update().outcome is Outcome.COMPLETED
    sent = [tag for doc in stack.results[-1].requests for tag in tags(doc)]
    assert sent == ["CustomerModRq", "CustomerModRq"]  # QuickBooks answers 3200 with the current record
    [after] = stack.items("Customer")
    assert (after["Name"], after["Phone"]) == ("Riverside Clinic East", "512-555-0100")
    record = stack.connector.work_item(update_id)
    assert (record.state, record.result["action"], record.result["stale_retries"]) == ("done", "updated", 1)
    assert_schema_valid(stack.documents())
