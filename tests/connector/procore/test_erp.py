"""Each ERP Integrations call once against the fake Procore (the ERP tool driven through ``/_sim`` as a
person would), plus chunking at 1000 and sync errors that are returned, never dropped."""

from __future__ import annotations

import json
import random
from typing import Any

import httpx
import pytest
from procore_world import World

from connector.procore.auth import ClientCredentialsAuth
from connector.procore.client import ProcoreClient
from connector.procore.erp import ErpApi, SyncResult
from connector.procore.errors import ProcoreUnavailable, ProcoreValidationError

HOOK_URL = "https://connector.example/procore/webhooks"


def exported_vendor(world: World, erp: ErpApi, name: str = "Acme Concrete") -> dict[str, Any]:
    """A vendor an accounting approver accepted for export: Procore emits create_vendor."""
    vendor = erp.client.post("/rest/v1.0/vendors", {"company_id": world.company_id, "vendor": {"name": name}})
    world.act("send", "Erin Sponsor", "vendor", vendor["id"])
    world.act("accept", "Alex Accountant", "vendor", vendor["id"])
    return vendor


def delivered_request_ids(world: World) -> list[int]:
    r = world.http.post("/_sim/webhooks/deliver")
    assert r.status_code == 200
    return [json.loads(sent.content)["resource_id"] for sent in world.webhooks_sent]


def test_erp_connection_is_created_then_updated(world: World) -> None:
    erp = world.erp()
    made = erp.create_connection("https://connector.example/qbwc", {"edition": "QuickBooks Desktop"})
    assert made == {"id": world.company_id, "standard_cost_code_list_id": world.erp_list_id}
    updated = erp.update_connection(metadata={"edition": "QuickBooks Desktop Enterprise"})
    assert updated["standard_cost_code_list_id"] == world.erp_list_id
    settings = world.state.store.query("erp_settings")[0]
    assert settings["service_url"] == "https://connector.example/qbwc"
    assert settings["metadata"] == {"edition": "QuickBooks Desktop Enterprise"}


def test_webhook_registration_is_idempotent(world: World) -> None:
    erp = world.erp()
    first = erp.register_webhook(HOOK_URL, destination_headers={"Authorization": "Bearer hook-secret"})
    again = erp.register_webhook(HOOK_URL)
    assert first.created and not again.created
    assert again.hook["id"] == first.hook["id"] and again.trigger["id"] == first.trigger["id"]
    assert first.hook["namespace"] == "erp-integration" and first.hook["destination_url"] == HOOK_URL
    assert (first.trigger["resource_name"], first.trigger["event_type"]) == ("ERP Requests", "create")
    assert len(world.state.store.query("webhook_hook")) == 1
    assert len(world.state.store.query("webhook_trigger")) == 1


def test_a_hook_missing_its_trigger_gets_it(world: World) -> None:
    erp = world.erp()
    hook = erp.client.post(
        "/rest/v1.0/webhooks/hooks",
        {
            "company_id": world.company_id,
            "hook": {"namespace": "erp-integration", "destination_url": HOOK_URL},
        },
    )
    registered = erp.register_webhook(HOOK_URL)
    assert registered.created and registered.hook["id"] == hook["id"]
    assert len(world.state.store.query("webhook_trigger")) == 1


def test_an_erp_request_is_read_by_the_id_its_webhook_carries_and_its_detail_closed(world: World) -> None:
    erp = world.erp()
    erp.register_webhook(HOOK_URL)
    vendor = exported_vendor(world, erp)
    [request_id] = delivered_request_ids(world)
    request = erp.get_erp_request(request_id)
    assert request["request_name"] == "create_vendor"
    assert request["request_data"]["vendor"]["id"] == vendor["id"]
    detail_id = request["request_data"]["request_detail_id"]

    [open_detail] = erp.open_request_details()
    assert (open_detail["id"], open_detail["item_type"], open_detail["item_id"]) == (
        detail_id,
        "vendor",
        vendor["id"],
    )
    assert erp.list_request_details(erp_request_id=request_id) == [open_detail]

    written = erp.sync_external_data(
        [{"item_type": "vendor", "item_id": vendor["id"], "origin_id": "800000CD-1389650341"}]
    )
    assert written.ok and written.entities[0]["origin_id"] == "800000CD-1389650341"
    closed = erp.close_request_detail(detail_id, "success")
    assert closed["status"] == "success"
    assert erp.open_request_details() == []
    shown = world.sim("GET", f"/erp/items/vendor/{vendor['id']}").json()
    assert shown["status"] == "synced"


def test_a_failed_detail_carries_quickbooks_message(world: World) -> None:
    erp = world.erp()
    exported_vendor(world, erp)
    [detail] = erp.open_request_details()
    message = '3100: The name "Acme Concrete" of the list element is already in use.'
    closed = erp.close_request_detail(detail["id"], "failed", [message])
    assert (closed["status"], closed["messages"]) == ("failed", [message])
    with pytest.raises(ValueError, match="status must be one of in progress, success, failed, stale"):
        erp.close_request_detail(detail["id"], "done")


def test_bulk_close_returns_the_unknown_ids_as_errors(world: World) -> None:
    erp = world.erp()
    exported_vendor(world, erp)
    [detail] = erp.open_request_details()
    result = erp.close_request_details(
        [{"id": detail["id"], "status": "success", "messages": []}, {"id": 999999, "status": "success"}]
    )
    assert [e["id"] for e in result.entities] == [detail["id"]]
    assert result.errors == [
        {"id": 999999, "status": "success", "errors": {"id": ["Entity with this ID not found"]}}
    ]


def test_external_data_sync_errors_are_returned_not_dropped(world: World) -> None:
    erp = world.erp()
    vendor = erp.client.post("/rest/v1.0/vendors", {"company_id": world.company_id, "vendor": {"name": "V"}})
    result = erp.sync_external_data(
        [
            {
                "item_type": "vendor",
                "item_id": vendor["id"],
                "origin_id": "80000001-1",
                "origin_data": "EDIT-1",
            },
            {"item_type": "sub_job", "item_id": 1, "origin_id": "x"},
            {"item_type": "vendor", "item_id": 999999, "origin_id": "y"},
        ]
    )
    assert not result.ok and len(result.entities) == 1
    assert [e["errors"] for e in result.errors] == [
        {"item_type": ["is not supported by the QuickBooks Desktop integration"]},
        {"item_id": ["Entity with this ID not found"]},
    ]


def test_staged_records_are_synced_and_listed(world: World) -> None:
    erp = world.erp()
    staged = erp.sync_staged_records(
        [
            {
                "item_type": "vendor",
                "origin_id": "80000002-1",
                "origin_code": "Bolt Electric",
                "data": {"name": "Bolt"},
            },
            {"item_type": "nonsense", "origin_id": "1"},
        ]
    )
    assert [s["origin_id"] for s in staged.entities] == ["80000002-1"]
    assert staged.errors[0]["errors"]["item_type"][0].startswith("is not included in the list")
    listed = erp.list_staged_records("staged")
    assert [(s["item_type"], s["origin_code"]) for s in listed] == [("vendor", "Bolt Electric")]
    assert erp.list_staged_records("imported") == []


def test_cost_codes_projects_vendors_and_job_costs(world: World) -> None:
    erp = world.erp()
    [erp_list] = [x for x in erp.list_standard_cost_code_lists() if x["is_erp_list"]]
    codes = erp.sync_standard_cost_codes(
        erp_list["id"],
        [
            {"origin_id": "80000010-1", "code": "01-100", "name": "Site Work"},
            {"origin_id": "80000011-1", "code": "", "name": "Nameless"},
        ],
    )
    assert [c["code"] for c in codes.entities] == ["01-100"]
    assert codes.errors[0]["errors"] == {"code": ["can't be blank"]}
    assert [c["origin_id"] for c in erp.list_standard_cost_codes(erp_list["id"])] == ["80000010-1"]

    project = erp.client.post(
        "/rest/v1.0/projects",
        {
            "company_id": world.company_id,
            "project": {"name": "Tower", "address": "1 Main St", "city": "Austin"},
        },
    )
    assert [p["id"] for p in erp.list_projects()] == [project["id"]]
    projects = erp.sync_projects([{"id": project["id"], "origin_id": "80000020-1"}])
    assert projects.ok and projects.entities[0]["origin_id"] == "80000020-1"
    [cost_code] = erp.list_cost_codes(project["id"])
    synced = erp.sync_cost_codes(
        project["id"], [{"id": cost_code["id"], "origin_id": "80000020-1|80000010-1"}]
    )
    assert synced.ok and synced.entities[0]["origin_id"] == "80000020-1|80000010-1"

    vendors = erp.sync_vendors([{"origin_id": "80000030-1", "name": "Bolt Electric"}])
    assert vendors.ok
    assert [v["name"] for v in erp.list_vendors(origin_id="80000030-1")] == ["Bolt Electric"]

    budget = world.sim(
        "POST", "/erp/budgets", {"as_user_id": world.users["Erin Sponsor"], "project_id": project["id"]}
    )
    erp.sync_external_data(
        [{"item_type": "budget", "item_id": budget.json()["item_id"], "origin_id": "80000020-1"}]
    )
    costs = erp.sync_job_costs(
        "80000020-1",
        [{"cost_code_id": cost_code["id"], "job_to_date_cost": "125.50"}, {"cost_code_id": 999999}],
    )
    assert [c["job_to_date_cost"] for c in costs.entities] == ["125.5"]  # the fake formats amounts so
    assert costs.errors[0]["errors"] == {"cost_code_id": ["Entity with this ID not found"]}
    with pytest.raises(ProcoreValidationError) as caught:
        erp.sync_job_costs("no-such-job", [{"cost_code_id": cost_code["id"]}])
    assert caught.value.errors == {"job_origin_id": ["Entity with this ID not found"]}


def test_transactions_and_invoice_payments_return_their_errors(world: World) -> None:
    erp = world.erp()
    project = erp.client.post(
        "/rest/v1.0/projects", {"company_id": world.company_id, "project": {"name": "P"}}
    )
    txns = erp.sync_transactions(project["id"], [{"id": 999999, "origin_id": "T-1", "synced": True}])
    assert txns.errors == [
        {
            "id": 999999,
            "origin_id": "T-1",
            "synced": True,
            "errors": {"id": ["Entity with this ID not found"]},
        }
    ]
    payments = erp.sync_invoice_payments([{"invoice_id": 999999, "origin_id": "P-1", "amount": "10.00"}])
    assert payments.errors[0]["errors"] == {"invoice_id": ["Entity with this ID not found"]}


def test_sync_actions_are_sent_in_chunks_of_1000() -> None:
    sizes: list[int] = []
    bodies: list[dict[str, Any]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        body = json.loads(request.content)
        bodies.append(body)
        sizes.append(len(body["updates"]))
        entities = [u for u in body["updates"] if u["item_id"] % 2]
        errors = [
            {**u, "errors": {"item_id": ["Entity with this ID not found"]}}
            for u in body["updates"]
            if not u["item_id"] % 2
        ]
        return httpx.Response(200, json={"entities": entities, "errors": errors})

    client = ProcoreClient(
        "https://api.example",
        9,
        ClientCredentialsAuth("cid", "secret"),
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        rng=random.Random(0),
    )
    with client:
        updates = [{"item_type": "vendor", "item_id": i, "origin_id": str(i)} for i in range(2500)]
        result = ErpApi(client).sync_external_data(updates)
        job_costs = ErpApi(client).sync_job_costs("J-1", [{"item_id": 1}])
    assert sizes[:3] == [1000, 1000, 500]
    assert len(result.entities) == 1250 and len(result.errors) == 1250
    assert [e["item_id"] for e in result.errors][:2] == [0, 2]
    assert bodies[3] == {"company_id": 9, "job_origin_id": "J-1", "updates": [{"item_id": 1}]}
    assert job_costs == SyncResult(entities=[{"item_id": 1}], errors=[])


def test_a_failing_later_chunk_raises_and_says_what_was_applied() -> None:
    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        calls.append(len(json.loads(request.content)["updates"]))
        if len(calls) == 1:
            return httpx.Response(200, json={"entities": [{"id": 1}] * 1000, "errors": []})
        return httpx.Response(503, json={"errors": "Service Unavailable"})

    client = ProcoreClient(
        "https://api.example",
        9,
        ClientCredentialsAuth("cid", "secret"),
        transport=httpx.MockTransport(handler),
        sleep=lambda s: None,
        rng=random.Random(0),
        max_retries=1,
    )
    updates = [{"item_type": "vendor", "item_id": i, "origin_id": str(i)} for i in range(1500)]
    with client, pytest.raises(ProcoreUnavailable) as caught:
        ErpApi(client).sync_external_data(updates)
    assert calls == [1000, 500, 500]
    assert caught.value.__notes__ == [
        "1000 updates in earlier chunks of 1000 were already answered (0 refused)"
    ]
