"""Re-exporting a synced budget after its original budget amounts were edited (seed 001: budgets are
re-exported "as adjustments (added line items, editing original budget amounts, budget modifications or budget
changes) are made to the synced budget"; QuickBooks keeps the "Original Budget amount at time of first
export"). The edit goes out as a revised-estimate delta; its shape is the fake's choice (see
``budget._original_edit_txn``)."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import (
    Fake,
    add_budget_line,
    delivered_erp_requests,
    edit_budget_line,
    mark_synced,
    mark_transactions_synced,
    subscribe_erp_requests,
    synced_world,
)

from sim.procore_fake.clock import iso

FORBIDDEN = {"errors": "You do not have access to perform this action."}
BUDGET_LOCKED = {
    "error": "Budget Locked",
    "message": "The budget is locked. Unlock the budget to add or change original budget amounts.",
}
PENDING = {
    "errors": {
        "base": [
            "This item has been sent to ERP Integrations for accounting acceptance and cannot be edited."
        ]
    }
}


def _only(fake: Fake, name: str) -> dict[str, Any]:
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == name
    return req["request_data"]


def _close(fake: Fake, data: dict[str, Any]) -> None:
    """The integrator wrote the export: it marks the transactions synced, then closes the detail."""
    mark_transactions_synced(fake, data)
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{data['request_detail_id']}",
        {"request_detail": {"status": "success"}},
    )
    assert r.status_code == 200, r.text


def _export(fake: Fake, budget_id: int, name: str = "update_budget") -> dict[str, Any]:
    assert fake.act("send", "Pat Manager", "budget", budget_id).status_code == 200
    r = fake.act("accept", "Alex Accountant", "budget", budget_id)
    assert r.status_code == 200 and r.json()["status"] == "in_progress", r.text
    data = _only(fake, name)
    _close(fake, data)
    return data


def _synced_budget(fake: Fake) -> tuple[dict[str, Any], dict[str, Any], int]:
    """A budget of one 1000.00 line, exported (create_budget) and synced."""
    w = synced_world(fake)
    pid = w["project"]["id"]
    line = add_budget_line(fake, pid, w["codes"][0]["id"], "1000")
    budget_id = fake.sim("POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid})
    budget_id = budget_id.json()["item_id"]
    subscribe_erp_requests(fake)
    assert fake.act("send", "Pat Manager", "budget", budget_id).status_code == 200
    fake.act("accept", "Alex Accountant", "budget", budget_id)
    created = _only(fake, "create_budget")
    assert [(t["type"], t["value"]) for t in created["transactions"]] == [
        ("Erp::OriginalEstimateTransaction", 1000.0)
    ]
    mark_synced(fake, "budget", budget_id, "800000EE-1")
    _close(fake, created)
    return w, line, budget_id


def _delta(fake: Fake, txn_id: int, line_id: int, value: float) -> dict[str, Any]:
    """The documented transaction keys (create_budget example) of an original-amount edit."""
    return {
        "id": txn_id,
        "origin_id": None,
        "code": None,
        "value": value,
        "synced": False,
        "type": "Erp::RevisedEstimateTransaction",
        "procore_transaction_id": line_id,
        "procore_transaction_type": "BudgetLineItem",
        "job_cost_id": line_id,
        "created_at": iso(fake.clock.now()),
        "notes": None,
    }


def _ready_to_update(fake: Fake) -> list[tuple[str, int]]:
    return [(i["item_type"], i["item_id"]) for i in fake.sim("GET", "/erp/lists").json()["ready_to_update"]]


def test_editing_an_exported_original_amount_reexports_the_delta(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    assert _ready_to_update(fake) == []
    shown = edit_budget_line(fake, pid, line["id"], "1200")
    assert (shown["original_budget_amount"], shown["revised_budget"]) == ("1200.0", "1200.0")
    assert _ready_to_update(fake) == [("budget", budget_id)]  # seed 001: re-exported as adjustments are made
    data = _export(fake, budget_id)
    assert data["transactions"] == [_delta(fake, data["transactions"][0]["id"], line["id"], 200.0)]
    assert [(j["budget_line_item_id"], j["new_amount"]) for j in data["job_costs"]] == [(line["id"], 1200.0)]
    assert _ready_to_update(fake) == []
    # nothing changed since: the budget cannot be sent again
    r = fake.act("send", "Pat Manager", "budget", budget_id)
    assert r.status_code == 422 and r.json() == {
        "errors": {"base": ["This item is already synced with ERP and has no changes to send."]}
    }


def test_editing_back_to_the_exported_amount_sends_no_transaction(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    edit_budget_line(fake, pid, line["id"], "1200")
    edit_budget_line(fake, pid, line["id"], "1000.00")
    data = _export(fake, budget_id)
    assert data["transactions"] == []
    assert [j["new_amount"] for j in data["job_costs"]] == [1000.0]


def test_two_edits_between_exports_send_one_net_delta_from_the_last_export(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    edit_budget_line(fake, pid, line["id"], "1200")
    edit_budget_line(fake, pid, line["id"], "1350.50")
    first = _export(fake, budget_id)
    assert first["transactions"] == [_delta(fake, first["transactions"][0]["id"], line["id"], 350.5)]
    # the next delta is measured from what was synced so far (1000 + 350.50), not from the first export
    edit_budget_line(fake, pid, line["id"], "1300")
    second = _export(fake, budget_id)
    assert second["transactions"] == [_delta(fake, second["transactions"][0]["id"], line["id"], -50.5)]
    assert [j["new_amount"] for j in second["job_costs"]] == [1300.0]


def test_an_edit_of_a_line_never_exported_is_part_of_its_first_export(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    added = add_budget_line(fake, pid, w["codes"][1]["id"], "150")
    edit_budget_line(fake, pid, added["id"], "175")
    data = _export(fake, budget_id)
    assert data["transactions"] == [
        {
            "id": data["transactions"][0]["id"],
            "origin_id": None,
            "code": None,
            "value": 175.0,
            "synced": False,
            "type": "Erp::OriginalEstimateTransaction",
            "procore_transaction_id": None,
            "procore_transaction_type": None,
            "job_cost_id": added["id"],
            "created_at": iso(fake.clock.now()),
            "notes": None,
        }
    ]
    assert [(j["budget_line_item_id"], j["new_amount"]) for j in data["job_costs"]] == [
        (line["id"], 1000.0),
        (added["id"], 175.0),
    ]


def test_original_edit_and_budget_modification_reexport_together(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    other = add_budget_line(fake, pid, w["codes"][1]["id"], "0")
    first = _export(fake, budget_id)
    assert [(t["type"], t["job_cost_id"]) for t in first["transactions"]] == [
        ("Erp::OriginalEstimateTransaction", other["id"])
    ]
    edit_budget_line(fake, pid, line["id"], "1100")
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_modifications",
        {
            "budget_modification": {
                "from_budget_line_item_id": line["id"],
                "to_budget_line_item_id": other["id"],
                "transfer_amount": "40",
            }
        },
    )
    assert r.status_code == 201, r.text
    mod = r.json()
    data = _export(fake, budget_id)
    [delta, from_, to] = data["transactions"]
    assert delta == _delta(fake, delta["id"], line["id"], 100.0)
    assert [
        (t["type"], t["procore_transaction_type"], t["procore_transaction_id"], t["job_cost_id"], t["value"])
        for t in (from_, to)
    ] == [
        ("Erp::RevisedEstimateTransaction", "BudgetModification", mod["id"], line["id"], -40.0),
        ("Erp::RevisedEstimateTransaction", "BudgetModification", mod["id"], other["id"], 40.0),
    ]
    assert [j["new_amount"] for j in data["job_costs"]] == [1060.0, 40.0]


def test_locked_or_forbidden_edit_of_a_synced_line_changes_nothing(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    url = f"/rest/v1.0/budget_line_items/{line['id']}"
    body = {"project_id": pid, "budget_line_item": {"amount": "1200"}}
    r = fake.login("Alex Accountant").patch(url, body)  # read-only on the Budget tool
    assert r.status_code == 403 and r.json() == FORBIDDEN
    assert fake.dmsa.post(f"/rest/v1.0/projects/{pid}/budget/lock").status_code == 201
    r = fake.dmsa.patch(url, body)
    assert r.status_code == 422 and r.json() == BUDGET_LOCKED
    assert fake.dmsa.get(url, project_id=pid).json()["original_budget_amount"] == "1000.0"
    assert _ready_to_update(fake) == []
    assert fake.dmsa.delete(f"/rest/v1.0/projects/{pid}/budget/lock").status_code == 200
    edit_budget_line(fake, pid, line["id"], "1200")
    assert fake.act("send", "Pat Manager", "budget", budget_id).status_code == 200
    # waiting for accounting acceptance: no edits until it is exported, retrieved or rejected
    r = fake.dmsa.patch(url, {"project_id": pid, "budget_line_item": {"amount": "1300"}})
    assert r.status_code == 422 and r.json() == PENDING
    fake.act("accept", "Alex Accountant", "budget", budget_id)
    data = _only(fake, "update_budget")
    assert data["transactions"] == [_delta(fake, data["transactions"][0]["id"], line["id"], 200.0)]


def _sync(fake: Fake, pid: int, *updates: dict[str, Any]) -> dict[str, Any]:
    r = fake.dmsa.post("/rest/v1.0/budget_line_items/sync", {"project_id": pid, "updates": list(updates)})
    assert r.status_code == 200, r.text
    return r.json()


def test_amount_edited_through_sync_is_an_adjustment_too(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    # an integrator linking the line to its QuickBooks estimate line adjusts nothing
    body = _sync(fake, pid, {"id": line["id"], "origin_id": "EST-LINE-1"})
    assert body["errors"] == [] and body["entities"][0]["origin_id"] == "EST-LINE-1"
    assert _ready_to_update(fake) == []
    body = _sync(fake, pid, {"id": line["id"], "amount": "900"})
    assert body["errors"] == [] and body["entities"][0]["original_budget_amount"] == "900.0"
    assert _ready_to_update(fake) == [("budget", budget_id)]
    data = _export(fake, budget_id)
    assert data["transactions"] == [_delta(fake, data["transactions"][0]["id"], line["id"], -100.0)]


def test_sync_cannot_adjust_a_locked_or_pending_budget(fake: Fake) -> None:
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    assert fake.dmsa.post(f"/rest/v1.0/projects/{pid}/budget/lock").status_code == 201
    edit = {"id": line["id"], "amount": "1200"}
    assert _sync(fake, pid, edit) == {
        "entities": [],
        "errors": [{**edit, "errors": {"base": [BUDGET_LOCKED["message"]]}}],
    }
    assert _ready_to_update(fake) == []
    assert fake.dmsa.delete(f"/rest/v1.0/projects/{pid}/budget/lock").status_code == 200
    edit_budget_line(fake, pid, line["id"], "1100")
    assert fake.act("send", "Pat Manager", "budget", budget_id).status_code == 200
    added = {"cost_code_id": w["codes"][1]["id"], "amount": "5"}
    assert _sync(fake, pid, edit, added) == {
        "entities": [],
        "errors": [{**edit, "errors": PENDING["errors"]}, {**added, "errors": PENDING["errors"]}],
    }
    fake.act("accept", "Alex Accountant", "budget", budget_id)
    data = _only(fake, "update_budget")
    assert data["transactions"] == [_delta(fake, data["transactions"][0]["id"], line["id"], 100.0)]
    assert [j["budget_line_item_id"] for j in data["job_costs"]] == [line["id"]]


def test_an_exported_budget_modification_cannot_be_changed_or_deleted(fake: Fake) -> None:
    """Its transactions are in QuickBooks: editing or deleting it in Procore is refused (the fake's text)."""
    w, line, budget_id = _synced_budget(fake)
    pid = w["project"]["id"]
    other = add_budget_line(fake, pid, w["codes"][1]["id"], "0")
    _export(fake, budget_id)
    url = f"/rest/v1.0/projects/{pid}/budget_modifications"
    body = {"from_budget_line_item_id": line["id"], "to_budget_line_item_id": other["id"]}
    body["transfer_amount"] = "5"
    mod = fake.dmsa.post(url, {"budget_modification": body}).json()
    _export(fake, budget_id)
    r = fake.dmsa.patch(f"{url}/{mod['id']}", {"budget_modification": {"transfer_amount": "9"}})
    refused = "A budget modification exported to ERP cannot be changed."
    assert (r.status_code, r.json()) == (422, {"errors": {"base": [refused]}})
    r = fake.dmsa.delete(f"{url}/{mod['id']}")
    refused = "A budget modification exported to ERP cannot be deleted."
    assert (r.status_code, r.json()) == (422, {"errors": {"base": [refused]}})
    assert fake.dmsa.get(f"{url}/{mod['id']}").json()["transfer_amount"] == "5.0"
