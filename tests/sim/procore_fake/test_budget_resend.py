"""Budget export transactions are pending until the integrator marks them synced.

The dictionary's create_budget required actions end with "mark the transactions as synced by hitting a
specific ERP Transactions Sync endpoint" (``PATCH /rest/v1.0/erp_transactions/sync``): an export alone is no
proof that QuickBooks got them. So every (re-)export carries each transaction of the budget not yet marked
synced, with its id, and none that is; a failed export followed by a resend sends the same ones again.
"""

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

ORIGINAL = "Erp::OriginalEstimateTransaction"
REVISED = "Erp::RevisedEstimateTransaction"


def _only(fake: Fake, name: str) -> dict[str, Any]:
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == name
    return req["request_data"]


def _close(fake: Fake, data: dict[str, Any], status: str, *messages: str) -> None:
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{data['request_detail_id']}",
        {"request_detail": {"status": status, "messages": list(messages)}},
    )
    assert r.status_code == 200, r.text


def _export(fake: Fake, budget_id: int, name: str, action: str = "send") -> dict[str, Any]:
    assert fake.act(action, "Pat Manager", "budget", budget_id).json()["status"] == "waiting"
    r = fake.act("accept", "Alex Accountant", "budget", budget_id)
    assert r.status_code == 200 and r.json()["status"] == "in_progress", r.text
    return _only(fake, name)


def _fail(fake: Fake, data: dict[str, Any], budget_id: int) -> None:
    _close(fake, data, "failed", "QuickBooks error 3180: the Estimate is in use")
    item = fake.sim("GET", "/erp/lists").json()
    assert [(i["item_id"], i["status"]) for i in item["failed_to_export"]] == [(budget_id, "failed")]


def _modify(fake: Fake, pid: int, from_id: int, to_id: int, amount: str) -> dict[str, Any]:
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_modifications",
        {
            "budget_modification": {
                "from_budget_line_item_id": from_id,
                "to_budget_line_item_id": to_id,
                "transfer_amount": amount,
            }
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def _approved_change(fake: Fake, pid: int, cost_code_id: int, amount: int) -> dict[str, Any]:
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_changes",
        {"status": "approved", "adjustment_line_items": [{"wbs_code_id": cost_code_id, "amount": amount}]},
    )
    assert r.status_code == 201, r.text
    return r.json()["data"]


def _budget(fake: Fake, pid: int) -> int:
    r = fake.sim("POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid})
    subscribe_erp_requests(fake)
    return r.json()["item_id"]


def _kinds(data: dict[str, Any]) -> list[tuple[str, int, float]]:
    return [(t["type"], t["job_cost_id"], t["value"]) for t in data["transactions"]]


def _synced_budget(fake: Fake) -> tuple[int, list[dict[str, Any]], int, dict[str, Any]]:
    """Two lines (1000, 500) exported, written and marked synced: (project id, lines, budget id, export)."""
    w = synced_world(fake)
    pid = w["project"]["id"]
    lines = [
        add_budget_line(fake, pid, w["codes"][0]["id"], "1000"),
        add_budget_line(fake, pid, w["codes"][1]["id"], "500"),
    ]
    budget_id = _budget(fake, pid)
    created = _export(fake, budget_id, "create_budget")
    mark_synced(fake, "budget", budget_id, "800000EE-1")
    mark_transactions_synced(fake, created)
    _close(fake, created, "success")
    return pid, lines, budget_id, created


def test_a_failed_first_export_is_resent_with_the_same_transactions(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    line = add_budget_line(fake, pid, w["codes"][0]["id"], "1000")
    other = add_budget_line(fake, pid, w["codes"][1]["id"], "0")
    _approved_change(fake, pid, w["codes"][1]["id"], 150)
    budget_id = _budget(fake, pid)
    first = _export(fake, budget_id, "create_budget")
    assert _kinds(first) == [
        (ORIGINAL, line["id"], 1000.0),
        (ORIGINAL, other["id"], 0.0),
        (REVISED, other["id"], 150.0),
    ]
    _fail(fake, first, budget_id)
    again = _export(fake, budget_id, "create_budget", action="resend")
    # the very same transactions (ids, values, created_at), not lost and not duplicated under new ids
    assert again["transactions"] == first["transactions"]
    assert again["job_costs"] == first["job_costs"]
    assert again["request_detail_id"] != first["request_detail_id"]


def test_a_failed_reexport_is_resent_with_the_same_transactions(fake: Fake) -> None:
    pid, [line, other], budget_id, _ = _synced_budget(fake)
    edit_budget_line(fake, pid, line["id"], "1200")
    mod = _modify(fake, pid, line["id"], other["id"], "40")
    first = _export(fake, budget_id, "update_budget")
    assert [
        (t["procore_transaction_type"], t["procore_transaction_id"], t["value"])
        for t in first["transactions"]
    ] == [
        ("BudgetLineItem", line["id"], 200.0),
        ("BudgetModification", mod["id"], -40.0),
        ("BudgetModification", mod["id"], 40.0),
    ]
    _fail(fake, first, budget_id)
    again = _export(fake, budget_id, "update_budget", action="resend")
    assert again["transactions"] == first["transactions"]


def test_synced_transactions_are_not_sent_again(fake: Fake) -> None:
    pid, [line, other], budget_id, created = _synced_budget(fake)
    edit_budget_line(fake, pid, other["id"], "650")
    data = _export(fake, budget_id, "update_budget")
    # only the new delta: the originals were marked synced after the first export
    assert _kinds(data) == [(REVISED, other["id"], 150.0)]
    assert not {t["id"] for t in data["transactions"]} & {t["id"] for t in created["transactions"]}
    mark_transactions_synced(fake, data)
    _close(fake, data, "success")
    edit_budget_line(fake, pid, line["id"], "900")
    later = _export(fake, budget_id, "update_budget")
    assert _kinds(later) == [(REVISED, line["id"], -100.0)]


def test_a_partly_synced_export_resends_the_rest(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    line = add_budget_line(fake, pid, w["codes"][0]["id"], "1000")
    other = add_budget_line(fake, pid, w["codes"][1]["id"], "500")
    budget_id = _budget(fake, pid)
    first = _export(fake, budget_id, "create_budget")
    written, unwritten = first["transactions"]
    # the integrator wrote the first line, then QuickBooks refused the second
    mark_transactions_synced(fake, first, written["id"])
    _fail(fake, first, budget_id)
    again = _export(fake, budget_id, "create_budget", action="resend")
    assert again["transactions"] == [unwritten]
    assert _kinds(again) == [(ORIGINAL, other["id"], 500.0)]
    assert [j["budget_line_item_id"] for j in again["job_costs"]] == [line["id"], other["id"]]


def test_a_synced_export_with_unmarked_transactions_resends_them_on_the_next_change(fake: Fake) -> None:
    pid, [line, other], budget_id, _ = _synced_budget(fake)
    mod = _modify(fake, pid, line["id"], other["id"], "25")
    first = _export(fake, budget_id, "update_budget")
    from_, to = first["transactions"]
    mark_transactions_synced(fake, first, from_["id"])  # the detail succeeds, one transaction is unmarked
    _close(fake, first, "success")
    edit_budget_line(fake, pid, line["id"], "1010")
    data = _export(fake, budget_id, "update_budget")
    assert data["transactions"][0] == to and to["procore_transaction_id"] == mod["id"]
    assert _kinds(data)[1:] == [(REVISED, line["id"], 10.0)]


def test_an_unsynced_delta_is_replaced_by_the_net_delta_from_the_synced_amount(fake: Fake) -> None:
    pid, [line, _], budget_id, _ = _synced_budget(fake)
    edit_budget_line(fake, pid, line["id"], "1200")
    first = _export(fake, budget_id, "update_budget")
    [pending] = first["transactions"]
    _fail(fake, first, budget_id)
    edit_budget_line(fake, pid, line["id"], "1300")
    again = _export(fake, budget_id, "update_budget", action="resend")
    # one delta from what QuickBooks has (1000), not +200 and then +100 on top of an amount it never got;
    # a new id, as an id names one amount
    [delta] = again["transactions"]
    assert (delta["value"], delta["procore_transaction_type"], delta["job_cost_id"]) == (
        300.0,
        "BudgetLineItem",
        line["id"],
    )
    assert delta["id"] != pending["id"]
    _fail(fake, again, budget_id)
    edit_budget_line(fake, pid, line["id"], "1000")  # back to the synced amount: nothing left to send
    last = _export(fake, budget_id, "update_budget", action="resend")
    assert last["transactions"] == []


def test_an_unsynced_original_is_replaced_by_the_current_amount(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    line = add_budget_line(fake, pid, w["codes"][0]["id"], "1000")
    budget_id = _budget(fake, pid)
    first = _export(fake, budget_id, "create_budget")
    _fail(fake, first, budget_id)
    edit_budget_line(fake, pid, line["id"], "1100")
    again = _export(fake, budget_id, "create_budget", action="resend")
    # QuickBooks never got the first export: the original amount is the one at the first export it gets
    assert _kinds(again) == [(ORIGINAL, line["id"], 1100.0)]
    assert again["transactions"][0]["id"] != first["transactions"][0]["id"]
