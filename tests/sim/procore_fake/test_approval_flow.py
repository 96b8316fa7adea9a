"""The ERP Integrations tool: settings, approvers, every approval transition, prerequisites, lists, unlink."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pcfake_helpers import (
    Fake,
    cost_codes_of,
    make_commitment,
    make_project,
    make_std_codes,
    make_vendor,
    mark_synced,
    subscribe_erp_requests,
    synced_world,
)

import sim.procore_fake

EVENTS = json.loads((Path(sim.procore_fake.__file__).parent / "data" / "erp-events.json").read_text())[
    "events"
]
FORBIDDEN = {"errors": "You do not have access to perform this action."}
NOT_APPROVER = {
    "errors": "Only accounting approvers ('Can Push to Accounting') can accept or reject items for export."
}


def _request(fake: Fake, request_id: int) -> dict[str, Any]:
    r = fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{request_id}")
    assert r.status_code == 200, r.text
    return r.json()


def _latest_request(fake: Fake, name: str) -> dict[str, Any]:
    details = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", per_page=2000
    ).json()
    for detail in reversed(details):
        req = _request(fake, detail["erp_request_id"])
        if req["request_name"] == name:
            return req
    raise AssertionError(f"no {name} request")


def _documented_payload(name: str) -> Any:
    event = EVENTS[name]
    if "payload" in event:
        return event["payload"]
    # A few doc examples are not strict JSON (a stray closing brace): take the first JSON value.
    return json.JSONDecoder().raw_decode(event["payload_raw"].strip())[0]


def _documented_keys_present(name: str, emitted: Any) -> None:
    documented = _documented_payload(name)["request_data"]
    if isinstance(documented, list):
        documented, emitted = documented[0], emitted[0]
    missing = set(documented) - set(emitted)
    assert not missing, f"{name} request_data lacks documented keys {missing}"


def _status(fake: Fake, item_type: str, item_id: int) -> dict[str, Any]:
    return fake.sim("GET", f"/erp/items/{item_type}/{item_id}").json()


def _close(fake: Fake, detail_id: int, **body: Any) -> Any:
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{detail_id}", {"request_detail": body}
    )
    assert r.status_code == 200, r.text
    return r.json()


# -- project export: send -> accept -> ERP request -> origin_id + close out -> synced --------------------
def test_project_send_accept_export_and_settle(fake: Fake) -> None:
    make_std_codes(fake, [("01-100", "Site Work")])
    project = make_project(fake, origin_code="JOB-EXP")
    assert _status(fake, "project", project["id"])["status"] == "not_sent"
    r = fake.act("send", "Pat Manager", "project", project["id"])
    assert r.status_code == 200 and r.json()["status_label"] == "Waiting for Acceptance"
    lists = fake.sim("GET", "/erp/lists").json()
    assert [i["item_id"] for i in lists["ready_to_export"]] == [project["id"]]
    edit = fake.dmsa.patch(f"/rest/v1.0/projects/{project['id']}", {"project": {"city": "Dallas"}})
    assert edit.status_code == 422 and edit.json() == {
        "errors": {
            "base": [
                "This item has been sent to ERP Integrations for accounting acceptance and cannot be edited."
            ]
        }
    }
    r = fake.act("accept", "Alex Accountant", "project", project["id"])
    assert r.json()["status"] == "in_progress"
    req = _latest_request(fake, "create_or_update_job")
    _documented_keys_present("create_or_update_job", req["request_data"])
    assert req["request_data"]["job"]["origin_code"] == "JOB-EXP"
    assert [c["full_code"] for c in req["request_data"]["all_cost_codes"]] == ["01-100"]
    detail_id = req["request_data"]["request_detail_id"]
    mark_synced(fake, "project", project["id"], "800003DD-1600977189")
    assert _status(fake, "project", project["id"])["status"] == "in_progress"  # detail still open
    closed = _close(fake, detail_id, status="success")
    assert closed["status"] == "success"
    assert _status(fake, "project", project["id"])["status"] == "synced"
    assert [i["item_id"] for i in fake.sim("GET", "/erp/lists").json()["synced"]] == [project["id"]]


def test_reject_makes_item_editable_and_resend(fake: Fake) -> None:
    project = make_project(fake)
    fake.act("send", "Pat Manager", "project", project["id"])
    r = fake.act("reject", "Alex Accountant", "project", project["id"], reason="wrong address")
    assert r.json()["status"] == "rejected" and r.json()["rejection_reason"] == "wrong address"
    edit = fake.dmsa.patch(f"/rest/v1.0/projects/{project['id']}", {"project": {"city": "Dallas"}})
    assert edit.status_code == 200
    assert fake.act("resend", "Pat Manager", "project", project["id"]).json()["status"] == "waiting"


def test_retrieve_then_send_again(fake: Fake) -> None:
    vendor = make_vendor(fake)
    fake.act("send", "Pat Manager", "vendor", vendor["id"])  # Pat has Standard on Directory: not enough
    assert _status(fake, "vendor", vendor["id"])["status"] == "not_sent"
    assert fake.act("send", "Erin Sponsor", "vendor", vendor["id"]).json()["status"] == "waiting"
    assert fake.act("retrieve", "Erin Sponsor", "vendor", vendor["id"]).json()["status"] == "retrieved"
    assert fake.act("send", "Erin Sponsor", "vendor", vendor["id"]).json()["status"] == "waiting"


def test_invalid_transitions_are_refused(fake: Fake) -> None:
    vendor = make_vendor(fake)
    r = fake.act("accept", "Alex Accountant", "vendor", vendor["id"])
    assert r.status_code == 422
    assert r.json() == {"errors": {"base": ["Cannot accept an item whose ERP status is 'Not Sent'."]}}
    r = fake.act("retrieve", "Erin Sponsor", "vendor", vendor["id"])
    assert r.json() == {"errors": {"base": ["Cannot retrieve an item whose ERP status is 'Not Sent'."]}}


def test_send_needs_admin_on_the_items_tool(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.act("send", "Alex Accountant", "project", project["id"])
    assert r.status_code == 403 and r.json() == FORBIDDEN


def test_accept_and_reject_need_an_accounting_approver(fake: Fake) -> None:
    project = make_project(fake)
    fake.act("send", "Pat Manager", "project", project["id"])
    for action in ("accept", "reject"):
        r = fake.act(action, "Pat Manager", "project", project["id"])
        assert r.status_code == 403 and r.json() == NOT_APPROVER


def test_executive_sponsor_grants_can_push_to_accounting(fake: Fake) -> None:
    project = make_project(fake)
    fake.act("send", "Pat Manager", "project", project["id"])
    new = fake.http.post(
        f"/_sim/companies/{fake.company_id}/users",
        json={"name": "Sam Bookkeeper", "permissions": {"erp_integrations": "standard"}},
    ).json()
    r = fake.sim(
        "POST", "/accounting_approvers", {"as_user_id": fake.users["Pat Manager"], "user_id": new["id"]}
    )
    assert r.status_code == 403
    assert r.json() == {"errors": "Only the company's Executive Sponsor can perform this action."}
    r = fake.sim(
        "POST", "/accounting_approvers", {"as_user_id": fake.users["Erin Sponsor"], "user_id": new["id"]}
    )
    assert r.json()["accounting_approver"] is True
    r = fake.sim(
        "POST",
        "/erp/items/accept",
        {"as_user_id": new["id"], "item_type": "project", "item_id": project["id"]},
    )
    assert r.json()["status"] == "in_progress"


def test_read_only_erp_user_with_privilege_is_not_an_approver(fake: Fake) -> None:
    new = fake.http.post(
        f"/_sim/companies/{fake.company_id}/users",
        json={"name": "Ro", "permissions": {"erp_integrations": "read_only"}},
    ).json()
    r = fake.sim(
        "POST", "/accounting_approvers", {"as_user_id": fake.users["Erin Sponsor"], "user_id": new["id"]}
    )
    assert r.json() == {"user_id": new["id"], "can_push_to_accounting": True, "accounting_approver": False}


def test_jobs_under_customers_requires_choosing_the_customer(fake: Fake) -> None:
    assert fake.settings(project_mapping="jobs_under_customers").status_code == 200
    project = make_project(fake)
    fake.act("send", "Pat Manager", "project", project["id"])
    r = fake.act("accept", "Alex Accountant", "project", project["id"])
    assert r.status_code == 422
    assert r.json() == {
        "errors": {"customer_origin_id": ["Select the QuickBooks customer this job belongs to."]}
    }
    r = fake.act("accept", "Alex Accountant", "project", project["id"], customer_origin_id="80000001-1234")
    assert r.json()["status"] == "in_progress"
    req = _latest_request(fake, "create_or_update_job")
    assert req["request_data"]["job"]["erp_custom_fields"]["customer_origin_id"] == "80000001-1234"


def test_project_not_on_quickbooks_list_cannot_export(fake: Fake) -> None:
    lists = fake.dmsa.get("/rest/v1.0/standard_cost_code_lists", company_id=fake.company_id).json()
    plain = next(x for x in lists if not x["is_erp_list"])
    project = make_project(fake, standard_cost_code_list_id=plain["id"])
    fake.act("send", "Pat Manager", "project", project["id"])
    r = fake.act("accept", "Alex Accountant", "project", project["id"])
    assert r.json() == {
        "errors": {"base": ["Integrated projects require the QuickBooks Standard Cost Codes list."]}
    }


def test_failed_export_shows_quickbooks_message_and_can_resend(fake: Fake) -> None:
    vendor = make_vendor(fake)
    fake.act("send", "Erin Sponsor", "vendor", vendor["id"])
    fake.act("accept", "Alex Accountant", "vendor", vendor["id"])
    req = _latest_request(fake, "create_vendor")
    _documented_keys_present("create_vendor", req["request_data"])
    message = 'There was an error when saving a Vendor list, element "Acme Concrete". QuickBooks error: 3100'
    _close(fake, req["request_data"]["request_detail_id"], status="failed", messages=[message])
    status = _status(fake, "vendor", vendor["id"])
    assert status["status"] == "failed" and status["messages"] == [message]
    assert [i["item_id"] for i in fake.sim("GET", "/erp/lists").json()["failed_to_export"]] == [vendor["id"]]
    assert fake.act("resend", "Erin Sponsor", "vendor", vendor["id"]).json()["status"] == "waiting"


def test_direct_export_setting(fake: Fake) -> None:
    vendor = make_vendor(fake)
    r = fake.act("direct_export", "Alex Accountant", "vendor", vendor["id"])
    assert r.json() == {
        "errors": {"base": ["Direct export is not enabled for this company's ERP integration."]}
    }
    fake.settings(direct_export_enabled=True)
    assert (
        fake.act("direct_export", "Alex Accountant", "vendor", vendor["id"]).json()["status"] == "in_progress"
    )


def test_budget_export_prerequisites_and_payload(fake: Fake) -> None:
    make_std_codes(fake, [("01-100", "Site Work")])
    project = make_project(fake)
    cc = cost_codes_of(fake, project["id"])[0]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": project["id"], "budget_line_item": {"cost_code_id": cc["id"], "amount": "44.45"}},
    )
    budget_id = fake.sim(
        "POST",
        "/erp/items/send",
        {"as_user_id": fake.users["Pat Manager"], "item_type": "budget", "item_id": 0},
    ).status_code
    assert budget_id == 422  # there is no ERP budget with id 0
    state = fake.http.post(
        f"/_sim/companies/{fake.company_id}/erp/budgets",
        json={"as_user_id": fake.users["Pat Manager"], "project_id": project["id"]},
    )
    erp_budget = state.json()
    fake.act("send", "Pat Manager", "budget", erp_budget["item_id"])
    r = fake.act("accept", "Alex Accountant", "budget", erp_budget["item_id"])
    assert r.json() == {
        "errors": {"base": ["The project must be synced with QuickBooks before this item can be exported."]}
    }
    mark_synced(fake, "project", project["id"], "800003DD-1")
    r = fake.act("accept", "Alex Accountant", "budget", erp_budget["item_id"])
    assert r.json() == {
        "errors": {
            "base": ["Cost code 01-100 must be synced with QuickBooks before this item can be exported."]
        }
    }
    mark_synced(fake, "cost_code", cc["id"], "800003DD-1|800005FA-1")
    assert (
        fake.act("accept", "Alex Accountant", "budget", erp_budget["item_id"]).json()["status"]
        == "in_progress"
    )
    req = _latest_request(fake, "create_budget")
    _documented_keys_present("create_budget", req["request_data"])
    assert req["request_data"]["job_id"] == "800003DD-1"
    assert req["request_data"]["job_costs"][0]["new_amount"] == 44.45
    assert req["request_data"]["transactions"][0]["type"] == "Erp::OriginalEstimateTransaction"


def test_commitment_export_needs_synced_vendor_and_uses_contract_number(fake: Fake) -> None:
    w = synced_world(fake)
    other = make_vendor(fake, "Unsynced Co")
    woc = make_commitment(fake, w["project"], other, w["codes"][0]["id"])
    fake.act("send", "Pat Manager", "work_order_contract", woc["id"])
    r = fake.act("accept", "Alex Accountant", "work_order_contract", woc["id"])
    assert r.json() == {
        "errors": {
            "base": [
                "The commitment's vendor must be synced with QuickBooks before the commitment "
                "can be exported."
            ]
        }
    }
    good = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    fake.act("send", "Pat Manager", "work_order_contract", good["id"])
    assert (
        fake.act("accept", "Alex Accountant", "work_order_contract", good["id"]).json()["origin_code"]
        == "SC-002"
    )
    req = _latest_request(fake, "create_commitment")
    _documented_keys_present("create_commitment", req["request_data"])
    assert req["request_data"]["commitment"]["type"] == "WorkOrderContract"
    assert req["request_data"]["commitment_items"][0]["line_item_type"]["name"] == "Other"


def test_commitment_needs_quickbooks_id_when_contract_number_setting_off(fake: Fake) -> None:
    w = synced_world(fake)
    fake.settings(use_procore_contract_number=False)
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    fake.act("send", "Pat Manager", "work_order_contract", woc["id"])
    r = fake.act("accept", "Alex Accountant", "work_order_contract", woc["id"])
    assert r.json() == {
        "errors": {"origin_code": ["Enter the QuickBooks Desktop ID before exporting this commitment."]}
    }
    r = fake.act("accept", "Alex Accountant", "work_order_contract", woc["id"], origin_code="QB-PO-77")
    assert r.json()["origin_code"] == "QB-PO-77"


def test_cco_and_invoice_exports(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    cco = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/commitment_change_orders",
        {
            "commitment_change_order": {
                "contract_id": woc["id"],
                "title": "CO 1",
                "status": "approved",
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "233"}],
            }
        },
    ).json()
    fake.act("send", "Pat Manager", "commitment_change_order", cco["id"])
    r = fake.act("accept", "Alex Accountant", "commitment_change_order", cco["id"])
    assert r.json() == {
        "errors": {
            "base": ["The commitment must be synced with QuickBooks before this item can be exported."]
        }
    }
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    assert (
        fake.act("accept", "Alex Accountant", "commitment_change_order", cco["id"]).json()["status"]
        == "in_progress"
    )
    _documented_keys_present(
        "create_commitment_change_order",
        _latest_request(fake, "create_commitment_change_order")["request_data"],
    )
    sov = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions",
        {
            "project_id": pid,
            "commitment_id": woc["id"],
            "requisition": {
                "billing_date": "2024-01-31",
                "payment_date": "2024-02-29",
                "invoice_number": "9348",
                "status": "approved",
                "items": [
                    {
                        "commitment_line_item_id": sov["id"],
                        "work_completed_this_period": "500",
                        "retainage_this_period": "10",
                    }
                ],
            },
        },
    ).json()
    fake.act("send", "Pat Manager", "requisition", req["id"])
    r = fake.act("accept", "Alex Accountant", "requisition", req["id"])
    assert r.json() == {
        "errors": {
            "base": [
                "Select an Invoice Retainage Item in the ERP Integrations settings before exporting invoices."
            ]
        }
    }
    fake.settings(invoice_retainage_item_origin_id="80000099-RET")
    assert fake.act("accept", "Alex Accountant", "requisition", req["id"]).json()["status"] == "in_progress"
    sent = _latest_request(fake, "create_requisitions")["request_data"]["requisitions"][0]
    _documented_keys_present("create_requisitions", {"requisitions": [sent]})
    assert (sent["invoice_number"], sent["formatted_payment_due"]) == ("9348", "$490.00")
    assert sent["line_items"][0]["retainage_this_period"] == "10.0"
    mark_synced(fake, "requisition", req["id"], "BILL-TXN-1")  # no request detail in this payload
    assert _status(fake, "requisition", req["id"])["status"] == "synced"


def test_negative_invoice_cannot_sync(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    fake.settings(invoice_retainage_item_origin_id="RET")
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    sov = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    req = fake.dmsa.post(
        "/rest/v1.0/requisitions",
        {
            "project_id": pid,
            "commitment_id": woc["id"],
            "requisition": {
                "status": "approved",
                "items": [{"commitment_line_item_id": sov["id"], "work_completed_this_period": "-50"}],
            },
        },
    ).json()
    fake.act("send", "Pat Manager", "requisition", req["id"])
    r = fake.act("accept", "Alex Accountant", "requisition", req["id"])
    assert r.json() == {
        "errors": {"base": ["Subcontractor invoices with negative values cannot be synced with QuickBooks."]}
    }


def test_edit_after_sync_goes_to_ready_to_update(fake: Fake) -> None:
    project = make_project(fake)
    mark_synced(fake, "project", project["id"], "800003DD-1")
    assert _status(fake, "project", project["id"])["status"] == "synced"
    fake.dmsa.patch(f"/rest/v1.0/projects/{project['id']}", {"project": {"address": "2 Elm St"}})
    lists = fake.sim("GET", "/erp/lists").json()
    assert [i["item_id"] for i in lists["ready_to_update"]] == [project["id"]]


def test_unlink_commitment_emits_documented_event(fake: Fake) -> None:
    w = synced_world(fake)
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    r = fake.act("unlink", "Robin Viewer", "work_order_contract", woc["id"])
    assert r.status_code == 403
    r = fake.act("unlink", "Alex Accountant", "work_order_contract", woc["id"])
    assert r.json()["status"] == "not_sent" and r.json()["origin_id"] is None
    req = _latest_request(fake, "unlink_commitment")
    _documented_keys_present("unlink_commitment", req["request_data"])
    assert req["request_data"]["commitment_origin_id"] == "PO-1"


@pytest.mark.parametrize(
    "setting,value,expected",
    [
        (
            "sync_program",
            "Weekly",
            {
                "sync_program": [
                    "is not included in the list (Daily, Every 4 Hours, Every 2 Hours, Hourly, Never)"
                ]
            },
        ),
        (
            "vendor_updates",
            "sometimes",
            {
                "vendor_updates": [
                    "is not included in the list (automatically_update_vendors, do_not_update_vendors)"
                ]
            },
        ),
    ],
)
def test_settings_validation(fake: Fake, setting: str, value: str, expected: dict[str, list[str]]) -> None:
    r = fake.settings(**{setting: value})
    assert r.status_code == 422 and r.json() == {"errors": expected}


def test_settings_need_erp_admin_and_hide_password(fake: Fake) -> None:
    r = fake.sim(
        "PATCH", "/erp/settings", {"as_user_id": fake.users["Alex Accountant"], "sync_program": "Hourly"}
    )
    assert r.status_code == 403
    r = fake.settings(
        service_url="https://qbd.example/qbwc",
        service_user="svc",
        service_password="s3cret",
        sync_program="Every 2 Hours",
        budget_direct_cost_columns="editable_do_not_populate_from_erp",
    )
    body = r.json()
    assert body["has_service_password"] is True and "service_password" not in body
    assert body["sync_program"] == "Every 2 Hours" and body["status"] == "Not Connected"
    fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_request_details")  # the connector calls in
    assert (
        fake.sim("PATCH", "/erp/settings", {"as_user_id": fake.users["Erin Sponsor"]}).json()["status"]
        == "Connected"
    )


def test_progress_claims_only_by_executive_sponsor_with_retention_item(fake: Fake) -> None:
    r = fake.sim(
        "POST", "/erp/progress_claims", {"as_user_id": fake.users["Alex Accountant"], "enabled": True}
    )
    assert r.status_code == 403
    r = fake.sim("POST", "/erp/progress_claims", {"as_user_id": fake.users["Erin Sponsor"], "enabled": True})
    assert r.json() == {
        "errors": {
            "progress_claim_retention_item_origin_id": [
                "a Retention service item must be selected before the feature can be turned on"
            ]
        }
    }
    fake.settings(progress_claim_retention_item_origin_id="80000098-RETENTION")
    r = fake.sim("POST", "/erp/progress_claims", {"as_user_id": fake.users["Erin Sponsor"], "enabled": True})
    assert r.json() == {"progress_claims_enabled": True}


def test_synced_vendor_edit_is_not_ready_to_update(fake: Fake) -> None:
    vendor = make_vendor(fake)
    mark_synced(fake, "vendor", vendor["id"], "800000CD-1")
    fake.dmsa.patch(
        f"/rest/v1.0/vendors/{vendor['id']}",
        {"company_id": fake.company_id, "vendor": {"business_phone": "555"}},
    )
    assert fake.sim("GET", "/erp/lists").json()["ready_to_update"] == []
    r = fake.act("send", "Erin Sponsor", "vendor", vendor["id"])
    assert r.json() == {
        "errors": {"base": ["This item is already synced with ERP and has no changes to send."]}
    }


def test_synced_project_edit_is_re_exported_as_an_update(fake: Fake) -> None:
    project = make_project(fake)
    mark_synced(fake, "project", project["id"], "800003DD-1")
    fake.dmsa.patch(f"/rest/v1.0/projects/{project['id']}", {"project": {"address": "2 Elm St"}})
    fake.act("send", "Pat Manager", "project", project["id"])
    assert fake.act("accept", "Alex Accountant", "project", project["id"]).json()["status"] == "in_progress"
    job = _latest_request(fake, "create_or_update_job")["request_data"]["job"]
    assert (job["origin_id"], job["synced"], job["address"]) == ("800003DD-1", True, "2 Elm St")
    detail = _latest_request(fake, "create_or_update_job")["request_data"]["request_detail_id"]
    _close(fake, detail, status="success")
    view = _status(fake, "project", project["id"])
    assert view["status"] == "synced" and view["changed_since_sync"] is False


@pytest.mark.parametrize(
    "button,names",
    [
        ("jobs", ["sync_jobs"]),
        ("vendors", ["sync_vendors"]),
        ("commitments", ["sync_commitments"]),
        ("commitment_change_orders", ["sync_commitment_change_orders"]),
        ("payments", ["sync_contract_payments"]),
        ("standard_cost_codes", ["sync_standard_cost_codes", "sync_standard_categories"]),
        ("metadata", ["sync_metadata"]),
    ],
)
def test_refresh_buttons_emit_documented_payloads(fake: Fake, button: str, names: list[str]) -> None:
    subscribe_erp_requests(fake)
    r = fake.sim("POST", f"/erp/refresh/{button}", {"as_user_id": fake.users["Erin Sponsor"]})
    assert r.status_code == 200
    delivered = fake.http.post("/_sim/webhooks/deliver").json()
    requests = [_request(fake, d["payload"]["resource_id"]) for d in delivered]
    assert [q["request_name"] for q in requests] == names
    for q in requests:
        _documented_keys_present(q["request_name"], q["request_data"])


def test_payloads_carry_origin_ids_synced_after_the_records_were_made(fake: Fake) -> None:
    """Standard codes exported after the project copied them; project codes synced after budget lines."""
    std = make_std_codes(fake, [("01-100", "Site Work")])[0]
    project = make_project(fake)
    cc = cost_codes_of(fake, project["id"])[0]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": project["id"], "budget_line_item": {"cost_code_id": cc["id"], "amount": "5"}},
    )
    mark_synced(fake, "standard_cost_code", std["id"], "800005FA-1477351439")
    fake.act("send", "Pat Manager", "project", project["id"])
    fake.act("accept", "Alex Accountant", "project", project["id"])
    job = _latest_request(fake, "create_or_update_job")["request_data"]
    assert job["all_cost_codes"][0]["standard_cost_code_origin_id"] == "800005FA-1477351439"
    mark_synced(fake, "project", project["id"], "800003DD-1")
    mark_synced(fake, "cost_code", cc["id"], "800003DD-1|800005FA-1477351439")
    b = fake.sim(
        "POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": project["id"]}
    )
    fake.act("send", "Pat Manager", "budget", b.json()["item_id"])
    fake.act("accept", "Alex Accountant", "budget", b.json()["item_id"])
    budget = _latest_request(fake, "create_budget")["request_data"]
    assert budget["job_costs"][0]["cost_code_origin_id"] == "800003DD-1|800005FA-1477351439"


def test_cost_type_origin_synced_later_reaches_the_commitment_payload(fake: Fake) -> None:
    w = synced_world(fake)
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    other = fake.dmsa.get("/rest/v1.0/line_item_types", company_id=fake.company_id).json()[0]
    fake.dmsa.patch(
        "/rest/v1.0/line_item_types/sync",
        {"company_id": fake.company_id, "updates": [{"id": other["id"], "origin_id": "std_cat_9_origin_id"}]},
    )
    fake.act("send", "Pat Manager", "work_order_contract", woc["id"])
    fake.act("accept", "Alex Accountant", "work_order_contract", woc["id"])
    item = _latest_request(fake, "create_commitment")["request_data"]["commitment_items"][0]
    assert item["line_item_type"]["origin_id"] == "std_cat_9_origin_id"
    assert item["cost_code"]["line_item_types"][0]["origin_id"] == "std_cat_9_origin_id"
