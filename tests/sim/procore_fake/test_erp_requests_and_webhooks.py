"""ERP Requests delivered by webhook, closed out, results written back; staging; direct syncs; schedule."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from pcfake_helpers import (
    Fake,
    client_credentials,
    make_commitment,
    make_project,
    make_vendor,
    mark_synced,
    synced_world,
)


def _hook(fake: Fake, url: str = "https://connector.example/procore/webhooks") -> dict[str, Any]:
    r = fake.dmsa.post(
        "/rest/v1.0/webhooks/hooks",
        {
            "company_id": fake.company_id,
            "hook": {
                "api_version": "v2",
                "namespace": "erp-integration",
                "destination_url": url,
                "destination_headers": {"Authorization": "Bearer connector-secret"},
            },
        },
    )
    assert r.status_code == 201, r.text
    hook = r.json()
    r = fake.dmsa.post(
        f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
        {
            "company_id": fake.company_id,
            "api_version": "v2",
            "trigger": {"resource_name": "ERP Requests", "event_type": "create"},
        },
    )
    assert r.status_code == 201, r.text
    return hook


def _export_vendor(fake: Fake) -> dict[str, Any]:
    vendor = make_vendor(fake)
    fake.act("send", "Erin Sponsor", "vendor", vendor["id"])
    fake.act("accept", "Alex Accountant", "vendor", vendor["id"])
    return vendor


def _deliver(fake: Fake) -> list[dict[str, Any]]:
    r = fake.http.post("/_sim/webhooks/deliver")
    assert r.status_code == 200
    return r.json()


def test_webhook_carries_only_the_erp_request_id_and_request_is_readable(fake: Fake) -> None:
    hook = _hook(fake)
    vendor = _export_vendor(fake)
    delivered = _deliver(fake)
    assert [d["status"] for d in delivered] == ["successful"]
    sent = fake.transport_log[0]
    assert sent.headers["Authorization"] == "Bearer connector-secret"
    payload = json.loads(sent.content)
    assert set(payload) == {
        "id",
        "ulid",
        "timestamp",
        "metadata",
        "user_id",
        "company_id",
        "project_id",
        "api_version",
        "event_type",
        "resource_name",
        "resource_id",
    }
    assert (payload["resource_name"], payload["event_type"], payload["api_version"]) == (
        "ERP Requests",
        "create",
        "v2.0",
    )
    req = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{payload['resource_id']}"
    ).json()
    assert req["request_name"] == "create_vendor" and req["request_data"]["vendor"]["id"] == vendor["id"]
    assert set(req) == {
        "id",
        "company_id",
        "request_name",
        "request_data",
        "created_at",
        "updated_at",
        "integration_app_name",
    }
    listed = fake.dmsa.get(
        f"/rest/v1.0/webhooks/hooks/{hook['id']}/deliveries",
        company_id=fake.company_id,
        **{"filter[status]": "successful"},
    ).json()
    assert [d["payload"]["resource_id"] for d in listed] == [payload["resource_id"]]


def test_failed_deliveries_retry_on_the_clock_then_discard() -> None:
    from pcfake_helpers import build

    calls: list[int] = []
    fake = build()
    fake.state.webhook_transport = httpx.MockTransport(lambda request: calls.append(1) or httpx.Response(503))
    try:
        _hook(fake)
        _export_vendor(fake)
        assert _deliver(fake)[0]["status"] == "failing"
        assert _deliver(fake) == []  # next attempt not due yet
        fake.clock.advance(1)
        assert _deliver(fake)[0]["status"] == "failing"
        fake.clock.advance(1)
        assert _deliver(fake) == []  # back-off doubled to 2 s
        fake.clock.advance(1)
        assert len(_deliver(fake)[0]["attempts"]) == 3
        fake.clock.advance(12 * 3600)
        assert _deliver(fake)[0]["status"] == "discarded"
        assert len(calls) == 4
    finally:
        fake.close()


def test_duplicate_deliveries_are_possible_and_flagged(fake: Fake) -> None:
    _hook(fake)
    fake.http.post("/_sim/webhooks/duplicate_next", json={"count": 1})
    _export_vendor(fake)
    delivered = _deliver(fake)
    assert delivered[0]["duplicates"] == 1 and [a["duplicate"] for a in delivered[0]["attempts"]] == [
        False,
        True,
    ]
    assert len(fake.transport_log) == 2
    assert json.loads(fake.transport_log[0].content) == json.loads(fake.transport_log[1].content)


def test_trigger_validation(fake: Fake) -> None:
    hook = _hook(fake)
    r = fake.dmsa.post(
        f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
        {"company_id": fake.company_id, "trigger": {"resource_name": "ERP Requests", "event_type": "upsert"}},
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"event_type": ["is not included in the list (create, update, delete)"]}}
    r = fake.dmsa.post(
        "/rest/v1.0/webhooks/hooks", {"company_id": fake.company_id, "hook": {"destination_url": "ftp://x"}}
    )
    assert r.json() == {"errors": {"destination_url": ["is invalid"]}}


def test_request_details_filter_and_bulk_close(fake: Fake) -> None:
    vendor = _export_vendor(fake)
    details = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[item_id]": vendor["id"]}
    ).json()
    assert [(d["item_type"], d["status"]) for d in details] == [("vendor", "in progress")]
    mark_synced(fake, "vendor", vendor["id"], "800000CD-1")
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/sync",
        {"updates": [{"id": details[0]["id"], "status": "success"}, {"id": 1, "status": "success"}]},
    )
    assert r.json()["errors"] == [
        {"id": 1, "status": "success", "errors": {"id": ["Entity with this ID not found"]}}
    ]
    assert fake.sim("GET", f"/erp/items/vendor/{vendor['id']}").json()["status"] == "synced"
    bad = fake.dmsa.put(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{details[0]['id']}",
        {"request_detail": {"status": "done"}},
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "errors": {"status": ["is not included in the list (in progress, success, failed, stale)"]}
    }


def test_external_data_sync_errors_and_unlink_by_null(fake: Fake) -> None:
    vendor = make_vendor(fake)
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/external_data/sync",
        [
            {
                "item_type": "vendor",
                "item_id": vendor["id"],
                "origin_id": "800000CD-1",
                "origin_code": "V-001",
            },
            {"item_type": "vendor", "item_id": 1, "origin_id": "x"},
            {"item_type": "prime_contract", "item_id": 1, "origin_id": "x"},
        ],
    )  # the older bare-array body
    body = r.json()
    assert [e["item_id"] for e in body["entities"]] == [vendor["id"]]
    assert body["errors"][0]["errors"] == {"item_id": ["Entity with this ID not found"]}
    assert body["errors"][1]["errors"] == {
        "item_type": ["is not supported by the QuickBooks Desktop integration"]
    }
    fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/external_data/sync",
        {"updates": [{"item_type": "vendor", "item_id": vendor["id"], "origin_id": None}]},
    )
    shown = fake.dmsa.get(f"/rest/v1.0/vendors/{vendor['id']}", company_id=fake.company_id).json()
    assert shown["origin_id"] is None and shown["synced_to_erp"] is False


def test_erp_endpoints_need_erp_permission(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    r = s.patch(f"/rest/v1.0/companies/{fake.company_id}/external_data/sync", {"updates": []})
    assert r.status_code == 403 and r.json() == {"errors": "You do not have access to perform this action."}


def test_staged_vendor_import_link_and_archive(fake: Fake) -> None:
    _hook(fake)
    base = f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records"
    r = fake.dmsa.patch(
        base + "/sync",
        {
            "updates": [
                {
                    "item_type": "vendor",
                    "origin_id": "800000CD-A",
                    "origin_code": "V-A",
                    "data": {"name": "Alpha Steel"},
                },
                {"item_type": "vendor", "origin_id": "800000CD-B", "data": {"name": "Beta Glass"}},
                {"item_type": "vendor", "origin_id": "800000CD-C", "data": {"name": "Gamma"}},
                {"item_type": "widget", "origin_id": "x"},
            ]
        },
    )
    staged = r.json()["entities"]
    assert len(staged) == 3 and r.json()["errors"][0]["errors"]["item_type"][0].startswith("is not included")
    ready = fake.sim("GET", "/erp/lists").json()["ready_to_import"]
    assert sorted(s["origin_id"] for s in ready) == ["800000CD-A", "800000CD-B", "800000CD-C"]
    who = {"as_user_id": fake.users["Erin Sponsor"]}
    made = fake.sim("POST", f"/erp/staged/{staged[0]['id']}/import", who).json()
    assert (
        made["name"] == "Alpha Steel" and made["origin_id"] == "800000CD-A" and made["synced_to_erp"] is True
    )
    existing = make_vendor(fake, "Beta Glass Inc")
    linked = fake.sim(
        "POST", f"/erp/staged/{staged[1]['id']}/link", {**who, "vendor_id": existing["id"]}
    ).json()
    assert linked["id"] == existing["id"] and linked["origin_id"] == "800000CD-B"
    fake.sim("POST", f"/erp/staged/{staged[2]['id']}/archive", who)
    lists = fake.sim("GET", "/erp/lists").json()
    assert lists["ready_to_import"] == [] and [a["origin_id"] for a in lists["archived"]] == ["800000CD-C"]
    delivered = _deliver(fake)
    names = [
        fake.dmsa.get(
            f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{d['payload']['resource_id']}"
        ).json()["request_name"]
        for d in delivered
    ]
    assert names == ["create_vendor_in_procore", "link_vendor"]


def test_staged_job_import_respects_customer_tier_setting(fake: Fake) -> None:
    base = f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records"
    r = fake.dmsa.post(
        base,
        {
            "staged_record": {
                "item_type": "project",
                "origin_id": "800003DD-J",
                "origin_code": "J-1",
                "data": {"name": "Ant Eaters", "tier": 2},
            }
        },
    )
    staged = r.json()
    who = {"as_user_id": fake.users["Erin Sponsor"]}
    r = fake.sim("POST", f"/erp/staged/{staged['id']}/import", who)
    assert r.json() == {
        "errors": {
            "base": [
                "Only QuickBooks customers can be imported as projects with the 'Customers = Jobs' setting."
            ]
        }
    }
    fake.settings(project_mapping="jobs_under_customers")
    project = fake.sim("POST", f"/erp/staged/{staged['id']}/import", who).json()
    assert project["origin_id"] == "800003DD-J" and project["is_erp_integrated"] is True


def test_job_costs_need_synced_budget_and_fill_budget_columns(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    cc = w["codes"][0]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": "1000"}},
    )
    body = {
        "company_id": fake.company_id,
        "job_origin_id": "800003DD-1600977189",
        "updates": [{"cost_code_id": cc["id"], "job_to_date_cost": 400, "commitment_invoiced": 150}],
    }
    r = fake.dmsa.patch("/rest/v1.0/erp_job_costs/sync", body)
    assert r.status_code == 422
    assert r.json() == {
        "errors": {"base": ["The project's budget must be synced before job costs can be retrieved."]}
    }
    erp_budget = fake.sim(
        "POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}
    ).json()
    mark_synced(fake, "budget", erp_budget["item_id"], "EST-1")
    r = fake.dmsa.patch("/rest/v1.0/erp_job_costs/sync", body)
    assert r.status_code == 200 and r.json()["entities"][0]["job_to_date_cost"] == "400.0"
    rows = fake.dmsa.get(f"/rest/v1.0/budget_views/{fake.company_id}/detail_rows", project_id=pid).json()
    assert (rows[0]["job_to_date_cost"], rows[0]["direct_costs"], rows[0]["direct_costs_editable"]) == (
        "400.0",
        "250.0",
        False,
    )


def test_auto_add_new_cost_codes_to_budget(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    fake.settings(auto_add_new_cost_codes_to_budgets=True)
    erp_budget = fake.sim(
        "POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}
    ).json()
    mark_synced(fake, "budget", erp_budget["item_id"], "EST-1")
    fake.dmsa.patch(
        "/rest/v1.0/erp_job_costs/sync",
        {
            "company_id": fake.company_id,
            "job_origin_id": "800003DD-1600977189",
            "updates": [{"cost_code_id": w["codes"][1]["id"], "job_to_date_cost": 5}],
        },
    )
    lines = fake.page(f"/projects/{pid}/budget_line_items").json()
    assert [li["cost_code"]["id"] for li in lines] == [w["codes"][1]["id"]]


def test_invoice_payments_sync_creates_locked_payments_issued(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions",
        {"project_id": pid, "commitment_id": woc["id"], "requisition": {"invoice_number": "9348"}},
    ).json()
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/invoice_payments/sync",
        {
            "company_id": fake.company_id,
            "updates": [
                {
                    "invoice_type": "Billings::Requisition",
                    "invoice_id": req["id"],
                    "origin_id": "BILLPMT-1",
                    "origin_code": "req",
                    "amount": "360.00",
                    "date": "2024-03-05",
                    "check_number": "1042",
                    "payment_method": "check",
                    "notes": "Paid in full",
                }
            ],
        },
    )
    entity = r.json()["entities"][0]
    assert entity["origin_id"] == "BILLPMT-1"
    payments = fake.dmsa.get("/rest/v1.0/contract_payments", project_id=pid, contract_id=woc["id"]).json()
    assert [(p["amount"], p["check_number"], p["invoice_number"]) for p in payments] == [
        ("360.0", "1042", "9348")
    ]
    r = fake.dmsa.patch(
        f"/rest/v1.0/contract_payments/{entity['id']}",
        {"project_id": pid, "contract_payment": {"notes": "x"}},
    )
    assert r.status_code == 422
    fake.settings(quickbooks_country="CA")
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/invoice_payments/sync",
        {
            "updates": [
                {"invoice_type": "Billings::Requisition", "invoice_id": req["id"], "origin_id": "BILLPMT-2"}
            ]
        },
    )
    assert r.json()["errors"][0]["errors"] == {
        "base": ["Invoice payments can only be imported from US editions of QuickBooks Desktop."]
    }


def test_budget_transactions_sync(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "10"}},
    )
    b = fake.sim("POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}).json()
    fake.act("send", "Pat Manager", "budget", b["item_id"])
    fake.act("accept", "Alex Accountant", "budget", b["item_id"])
    details = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[item_type]": "budget"}
    ).json()
    req = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{details[0]['erp_request_id']}"
    ).json()
    txn = req["request_data"]["transactions"][0]
    r = fake.dmsa.patch(
        "/rest/v1.0/erp_transactions/sync",
        {"project_id": pid, "updates": [{"id": txn["id"], "origin_id": "EST-LINE-1", "synced": True}]},
    )
    assert r.json()["entities"][0]["synced"] is True


def test_refresh_buttons_and_payment_sync_program_on_the_clock(fake: Fake) -> None:
    who = {"as_user_id": fake.users["Erin Sponsor"]}
    r = fake.sim("POST", "/erp/refresh/jobs", who)
    assert r.json()["request_name"] == "sync_jobs"
    req = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{r.json()['erp_request_id']}"
    ).json()
    assert req["request_data"]["company_id"] == fake.company_id and "request_detail_id" in req["request_data"]
    assert (
        fake.sim("POST", "/erp/refresh/vendors", {"as_user_id": fake.users["Pat Manager"]}).status_code == 403
    )
    assert (
        fake.sim("POST", "/erp/refresh/payments", {"as_user_id": fake.users["Alex Accountant"]}).status_code
        == 200
    )
    fake.settings(sync_program="Every 4 Hours")
    first = fake.http.post("/_sim/clock/advance", json={"seconds": 1}).json()["erp_requests"]
    assert first == []  # schedules start counting
    ids = []
    for _ in range(4):
        ids += fake.http.post("/_sim/clock/advance", json={"seconds": 3600}).json()["erp_requests"]
    fake.dmsa = client_credentials(fake.http, fake.company_id)  # 4 h later the old token has expired
    names = [
        fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{i}").json()["request_name"]
        for i in ids
    ]
    assert names.count("sync_jobs") == 4 and names.count("sync_vendors") == 4
    assert names.count("sync_contract_payments") == 1
    fake.settings(sync_program="Never")
    later = fake.http.post("/_sim/clock/advance", json={"seconds": 8 * 3600}).json()["erp_requests"]
    fake.dmsa = client_credentials(fake.http, fake.company_id)
    assert later and all(
        fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{i}").json()["request_name"]
        != "sync_contract_payments"
        for i in later
    )


def test_synced_projects_get_periodic_sync_single_job(fake: Fake) -> None:
    project = make_project(fake)
    mark_synced(fake, "project", project["id"], "800003DD-9")
    fake.http.post("/_sim/clock/advance", json={"seconds": 1})
    ids = fake.http.post("/_sim/clock/advance", json={"seconds": 7200}).json()["erp_requests"]
    fake.dmsa = client_credentials(fake.http, fake.company_id)
    reqs = [fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{i}").json() for i in ids]
    single = [r for r in reqs if r["request_name"] == "sync_single_job"]
    assert single[0]["request_data"]["id"] == "800003DD-9"
    assert single[0]["request_data"]["additional_job_data"]["procore_project_id"] == project["id"]


def test_project_hook_gets_object_events_of_its_project_only(fake: Fake) -> None:
    mine, other = make_project(fake, "Mine"), make_project(fake, "Other")
    r = fake.dmsa.post(
        "/rest/v1.0/webhooks/hooks",
        {"project_id": mine["id"], "hook": {"destination_url": "https://connector.example/p"}},
    )
    hook = r.json()
    for resource in ("Projects", "Requisitions"):
        fake.dmsa.post(
            f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
            {"project_id": mine["id"], "trigger": {"resource_name": resource, "event_type": "update"}},
        )
    for project in (mine, other):
        fake.dmsa.patch(f"/rest/v1.0/projects/{project['id']}", {"project": {"city": "Plano"}})
    delivered = _deliver(fake)
    assert [(d["payload"]["resource_name"], d["payload"]["resource_id"]) for d in delivered] == [
        ("Projects", mine["id"])
    ]
    assert delivered[0]["payload"]["user_id"] == fake.service_account_id
    r = fake.dmsa.post(
        f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
        {"project_id": mine["id"], "trigger": {"resource_name": "Punch Items", "event_type": "create"}},
    )
    assert r.status_code == 422 and r.json()["errors"]["resource_name"][0].startswith(
        "is not included in the list"
    )


@pytest.mark.parametrize(
    "program,payment_syncs",
    [("Daily", 1), ("Every 4 Hours", 6), ("Every 2 Hours", 12), ("Hourly", 24), ("Never", 0)],
)
def test_payment_sync_program_runs_on_its_interval(fake: Fake, program: str, payment_syncs: int) -> None:
    """Seed 004's payment "Sync Program": how many sync_contract_payments requests a day brings."""
    assert fake.settings(sync_program=program).status_code == 200
    assert fake.http.post("/_sim/clock/advance", json={"seconds": 1}).json()["erp_requests"] == []
    ids: list[int] = []
    for _ in range(24):
        ids += fake.http.post("/_sim/clock/advance", json={"seconds": 3600}).json()["erp_requests"]
    fake.dmsa = client_credentials(fake.http, fake.company_id)
    names = [
        fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{i}").json()["request_name"]
        for i in ids
    ]
    assert names.count("sync_contract_payments") == payment_syncs
    assert names.count("sync_jobs") == 24  # the company syncs stay hourly whatever the program
