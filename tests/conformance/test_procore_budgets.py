"""Budgets → QuickBooks estimates through the whole integration: people build and send a budget in Procore,
the accountant accepts it, the connector plans it, the Web Connector carries it to QuickBooks, and Procore
shows what QuickBooks answered (``conformance.procore_stack``). Estimates are checked field by field against
seed 001's mapping (Project → Customer:Job, Cost Code → Item, Cost Code Description → Description, Original
Budget Amount → Rate and Amount), and the job-cost report QuickBooks gives Procore (Job Estimates vs. Actuals
Detail: Est. Cost = Procore's Revised Budget) against Procore's budget."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.procore_stack import ConnectorKilled, ProcoreStack

BudgetWorld = tuple[ProcoreStack, dict[str, Any], list[dict[str, Any]]]
ORIGINAL = "Erp::OriginalEstimateTransaction"
REVISED = "Erp::RevisedEstimateTransaction"


def _round(stack: ProcoreStack) -> Any:
    """Webhooks delivered and planned, one Web Connector update, then the write-back."""
    stack.sync()
    result = stack.run_update()
    stack.tick()
    return result


def _world(database_url: str = "sqlite://", codes: int = 3) -> BudgetWorld:
    """Cost codes and the project synced (seed 001: both before the budget)."""
    stack = ProcoreStack.create(database_url=database_url)
    for code, name in [("01-100", "Site Work"), ("03-300", "Cast-in-Place Concrete"),
                       ("06-100", "Rough Carpentry")][:codes]:
        stack.export_standard_cost_code(code, name)
    _round(stack)
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    _round(stack)
    cost_codes = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    return stack, project, sorted(cost_codes, key=lambda c: c["full_code"])


@pytest.fixture
def world() -> BudgetWorld:
    return _world()


def _budget(stack: ProcoreStack, project: dict[str, Any], cost_codes: list[dict[str, Any]],
            amounts: tuple[str, ...] = ("1000", "2500.50")) -> tuple[int, list[dict[str, Any]]]:
    """Seed 002 "Set Up and Export a Budget": add line items, lock, send, the accountant accepts."""
    lines = [stack.add_budget_line(project["id"], cc["id"], amount) for cc, amount in zip(cost_codes, amounts,
                                                                                          strict=False)]
    stack.lock_budget(project["id"])
    budget_id = stack.erp_budget(project["id"])
    stack.send_and_accept("budget", budget_id, sender="Pat Manager")
    return budget_id, lines


def _export_again(stack: ProcoreStack, budget_id: int) -> None:
    """Seed 002 "Update and Export a Budget": the changed budget is sent again and accepted."""
    stack.send_and_accept("budget", budget_id, sender="Pat Manager")


def _estimate(stack: ProcoreStack) -> dict[str, Any]:
    [estimate] = stack.records("Estimate")
    return estimate


def _rows(estimate: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(Item, Description, Rate, Amount, Customer:Job) of each estimate line, in order."""
    return [(ln["ItemRef"]["FullName"], ln.get("Desc", ""), ln.get("Rate", ""), ln["Amount"],
             estimate["CustomerRef"]["FullName"]) for ln in estimate["EstimateLineRet"]]


def _transaction_syncs(stack: ProcoreStack) -> list[dict[str, Any]]:
    """Every ``erp_transactions/sync`` body the connector sent (recorded on its link to Procore)."""
    sent: list[dict[str, Any]] = []

    def record(request: httpx.Request) -> None:
        if request.method == "PATCH" and request.url.path == "/rest/v1.0/erp_transactions/sync":
            sent.append(json.loads(request.content))

    stack.procore_link.before = record
    return sent


def _details(stack: ProcoreStack) -> list[dict[str, Any]]:
    """The budget's ERP request details, oldest first (read as the service account)."""
    details: list[dict[str, Any]] = stack.rest(
        "GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details",
        {"filters[item_type]": "budget"})
    return sorted(details, key=lambda d: d["id"])


def _erp_requests(stack: ProcoreStack, name: str) -> list[dict[str, Any]]:
    """The budget's ERP Requests of ``name`` Procore sent, oldest first (read as the service account)."""
    ids = sorted({d["erp_request_id"] for d in _details(stack)})
    found = [stack.rest("GET", f"/rest/v1.0/companies/{stack.company_id}/erp_requests/{i}") for i in ids]
    return [r for r in found if r["request_name"] == name]


def _documents(result: Any, tag: str) -> list[str]:
    return [e.request for e in result.exchanges if not e.hcp and f"<{tag}Rq" in e.request]


# -- first export ----------------------------------------------------------------------------------------
def test_a_budget_exports_as_one_estimate_on_the_projects_job_with_a_line_per_budget_line_per_the_mapping(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    syncs = _transaction_syncs(stack)
    budget_id, _ = _budget(stack, project, cost_codes)
    result = _round(stack)
    estimate = _estimate(stack)
    job = next(c for c in stack.records("Customer") if c["FullName"] == "Tower Apartments")
    items = {i["FullName"]: i["ListID"] for i in stack.records("ItemService")}
    # Project Name → Customer:Job
    assert estimate["CustomerRef"] == {"ListID": job["ListID"], "FullName": "Tower Apartments"}
    assert _rows(estimate) == [
        ("01-100", "Site Work", "1000.00", "1000.00", "Tower Apartments"),
        ("03-300", "Cast-in-Place Concrete", "2500.50", "2500.50", "Tower Apartments"),
    ]  # Item = cost code, Description = cost code description, Rate = Amount = Original Budget Amount
    assert [ln["ItemRef"]["ListID"] for ln in estimate["EstimateLineRet"]] == [items["01-100"],
                                                                                items["03-300"]]
    assert estimate["TotalAmount"] == "3500.50"
    # one EstimateAdd in one Web Connector round trip
    assert len(_documents(result, "EstimateAdd")) == 1 and not _documents(result, "EstimateMod")
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["origin_id"]) == ("synced", estimate["TxnID"])
    # the transactions marked synced after QuickBooks took them, each with its estimate line's TxnLineID
    [created] = _erp_requests(stack, "create_budget")
    txns = created["request_data"]["transactions"]
    assert syncs == [{"project_id": project["id"], "updates": [
        {"id": t["id"], "origin_id": ln["TxnLineID"], "synced": True}
        for t, ln in zip(txns, estimate["EstimateLineRet"], strict=True)]}]
    # the job-cost report Procore reads: Est. Cost = Procore's revised budget, per cost code
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"]) == {
        "01-100": Decimal("1000.00"), "03-300": Decimal("2500.50")}


def test_a_rejected_budget_edited_and_resent_exports_its_edited_amounts_once(world: BudgetWorld) -> None:
    """Seed 002 "Set Up and Export a Budget": Reject → Edit a Budget → Resend → Accept → exported."""
    stack, project, cost_codes = world
    lines = [stack.add_budget_line(project["id"], cc["id"], a) for cc, a in zip(cost_codes, ("1000", "2500"),
                                                                                 strict=False)]
    stack.lock_budget(project["id"])
    budget_id = stack.erp_budget(project["id"])
    assert stack.act("send", "Pat Manager", "budget", budget_id).status_code == 200
    rejected = stack.act("reject", "Alex Accountant", "budget", budget_id, reason="Concrete is too low")
    assert rejected.json()["status"] == "rejected", rejected.text
    _round(stack)
    assert stack.records("Estimate") == []  # nothing goes to QuickBooks for a rejected budget
    stack.lock_budget(project["id"], locked=False)
    stack.edit_budget_line(project["id"], lines[1]["id"], "3100")
    stack.lock_budget(project["id"])
    assert stack.act("resend", "Pat Manager", "budget", budget_id).status_code == 200
    assert stack.act("accept", "Alex Accountant", "budget", budget_id).status_code == 200
    _round(stack)
    # the edit is part of the first export: one line per budget line, the edited amount as Original Budget
    assert _rows(_estimate(stack)) == [
        ("01-100", "Site Work", "1000.00", "1000.00", "Tower Apartments"),
        ("03-300", "Cast-in-Place Concrete", "3100.00", "3100.00", "Tower Apartments"),
    ]
    assert stack.item("budget", budget_id)["status"] == "synced"


def _rewrite_request(stack: ProcoreStack, change: Callable[[dict[str, Any]], None]) -> None:
    """Procore answers the connector's read of a budget ERP Request with ``change`` applied to its data."""
    target = stack.procore_link.target
    assert target is not None

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.method != "GET" or "/erp_requests/" not in request.url.path:
            return None
        answer = target.handle_request(request)
        answer.read()
        body = answer.json()
        if body.get("request_name") in ("create_budget", "update_budget"):
            change(body["request_data"])
        return httpx.Response(answer.status_code, json=body)

    stack.procore_link.fault = fault


def _no_job(data: dict[str, Any]) -> None:
    data["job_id"] = None


def _unsynced_cost_code(data: dict[str, Any]) -> None:
    data["job_costs"][1]["cost_code_origin_id"] = None


@pytest.mark.parametrize(("change", "message"), [
    (_no_job, "The budget cannot be exported to QuickBooks Desktop as an estimate: its project is not synced "
              "with QuickBooks Desktop; export the project first"),
    (_unsynced_cost_code, "The budget cannot be exported to QuickBooks Desktop as an estimate: cost "
                          "code(s) 03-300 are not synced with QuickBooks Desktop; export the standard cost "
                          "codes (and the project) first"),
])
def test_a_budget_whose_project_or_a_cost_code_is_not_synced_is_refused_with_the_reason(
    world: BudgetWorld, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    stack, project, cost_codes = world
    budget_id, _ = _budget(stack, project, cost_codes)
    _rewrite_request(stack, change)
    result = _round(stack)
    assert stack.records("Estimate") == []
    assert not _documents(result, "EstimateAdd")  # nothing sent to QuickBooks
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["messages"]) == ("failed", [message])


def test_a_job_cost_entry_that_is_not_an_object_is_passed_over_and_the_budget_exports(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    budget_id, _ = _budget(stack, project, cost_codes)
    _rewrite_request(stack, lambda data: data["job_costs"].append("not a job cost"))
    _round(stack)
    assert [r[3] for r in _rows(_estimate(stack))] == ["1000.00", "2500.50"]
    assert stack.item("budget", budget_id)["status"] == "synced"


# -- re-export -------------------------------------------------------------------------------------------
def test_a_budget_modification_reexports_as_a_negative_from_line_and_a_positive_to_line_below_the_existing(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    budget_id, (site, concrete) = _budget(stack, project, cost_codes)
    _round(stack)
    first = _estimate(stack)
    syncs = _transaction_syncs(stack)
    stack.modify_budget(project["id"], site["id"], concrete["id"], "250")
    _export_again(stack, budget_id)
    result = _round(stack)
    estimate = _estimate(stack)  # the same estimate, modified: never a second one
    assert estimate["TxnID"] == first["TxnID"]
    assert _rows(estimate) == [
        ("01-100", "Site Work", "1000.00", "1000.00", "Tower Apartments"),
        ("03-300", "Cast-in-Place Concrete", "2500.50", "2500.50", "Tower Apartments"),
        ("01-100", "Site Work", "-250.00", "-250.00", "Tower Apartments"),  # the "From" cost code
        ("03-300", "Cast-in-Place Concrete", "250.00", "250.00", "Tower Apartments"),  # the "To" cost code
    ]
    # the first lines untouched (QuickBooks keeps the Original Budget of the first export)
    assert [ln["TxnLineID"] for ln in estimate["EstimateLineRet"][:2]] == [
        ln["TxnLineID"] for ln in first["EstimateLineRet"]]
    assert estimate["TotalAmount"] == "3500.50"  # money moved, the total did not
    # one read, one EstimateMod: the update's two round trips
    assert len(_documents(result, "EstimateQuery")) == 1 and len(_documents(result, "EstimateMod")) == 1
    [update] = _erp_requests(stack, "update_budget")
    sent = [(t["type"], t["procore_transaction_type"], t["value"])
            for t in update["request_data"]["transactions"]]
    assert sent == [(REVISED, "BudgetModification", -250.0), (REVISED, "BudgetModification", 250.0)]
    assert [u["origin_id"] for s in syncs for u in s["updates"]] == [
        ln["TxnLineID"] for ln in estimate["EstimateLineRet"][2:]]
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["origin_id"]) == ("synced", first["TxnID"])
    assert not seen["changed_since_sync"]
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"]) == {
        "01-100": Decimal("750.00"), "03-300": Decimal("2750.50")}


def test_an_approved_budget_change_reexports_like_a_modification(world: BudgetWorld) -> None:
    stack, project, cost_codes = world
    budget_id, _ = _budget(stack, project, cost_codes)
    _round(stack)
    change = {"status": "approved", "title": "Value engineering", "adjustment_line_items": [
        {"wbs_code_id": cost_codes[0]["id"], "amount": "-300", "description": "Less grading"},
        {"wbs_code_id": cost_codes[1]["id"], "amount": "300", "description": "Thicker slab"},
    ]}
    stack.rest("POST", f"/rest/v1.0/projects/{project['id']}/budget_changes", change, expect=201)
    _export_again(stack, budget_id)
    _round(stack)
    assert _rows(_estimate(stack))[2:] == [
        ("01-100", "Site Work", "-300.00", "-300.00", "Tower Apartments"),
        ("03-300", "Cast-in-Place Concrete", "300.00", "300.00", "Tower Apartments"),
    ]
    assert stack.item("budget", budget_id)["status"] == "synced"
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"]) == {
        "01-100": Decimal("700.00"), "03-300": Decimal("2800.50")}


def test_a_new_budget_line_and_an_edited_original_amount_reexport_as_lines_appended_below_the_existing(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    budget_id, (site, _) = _budget(stack, project, cost_codes)
    _round(stack)
    stack.lock_budget(project["id"], locked=False)
    stack.add_budget_line(project["id"], cost_codes[2]["id"], "800")
    stack.edit_budget_line(project["id"], site["id"], "1200")  # original amount edited after the export
    stack.lock_budget(project["id"])
    _export_again(stack, budget_id)
    _round(stack)
    rows = _rows(_estimate(stack))
    assert rows[:2] == [
        ("01-100", "Site Work", "1000.00", "1000.00", "Tower Apartments"),  # Original Budget at first export
        ("03-300", "Cast-in-Place Concrete", "2500.50", "2500.50", "Tower Apartments"),
    ]
    assert sorted(rows[2:]) == [
        ("01-100", "Site Work", "200.00", "200.00", "Tower Apartments"),  # the delta Procore sends
        ("06-100", "Rough Carpentry", "800.00", "800.00", "Tower Apartments"),  # the new line
    ]
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"]) == {
        "01-100": Decimal("1200.00"), "03-300": Decimal("2500.50"), "06-100": Decimal("800.00")}


def test_an_edit_undone_before_the_reexport_sends_nothing_to_quickbooks_and_shows_synced(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    budget_id, (site, _) = _budget(stack, project, cost_codes)
    _round(stack)
    stack.lock_budget(project["id"], locked=False)
    stack.edit_budget_line(project["id"], site["id"], "1200")
    stack.edit_budget_line(project["id"], site["id"], "1000")
    stack.lock_budget(project["id"])
    _export_again(stack, budget_id)
    result = _round(stack)
    assert not _documents(result, "EstimateQuery") and not _documents(result, "EstimateMod")
    assert len(_estimate(stack)["EstimateLineRet"]) == 2
    assert stack.item("budget", budget_id)["status"] == "synced"
    assert _details(stack)[-1]["messages"] == [
        "QuickBooks Desktop already has every amount of this budget; nothing to export."]


def test_a_stale_edit_sequence_rereads_and_retries_once_keeping_the_accountants_own_line(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    budget_id, (site, concrete) = _budget(stack, project, cost_codes)
    _round(stack)
    stack.modify_budget(project["id"], site["id"], concrete["id"], "100")
    _export_again(stack, budget_id)
    reads = {"n": 0}

    def accountant_edits_after_our_read(request: httpx.Request) -> None:
        # the connector's read of the estimate has been answered; before its Mod arrives, the accountant
        # saves the estimate with a line of their own: the Mod's EditSequence is stale (3200)
        if b"receiveResponseXML" in request.content and b"EstimateQueryRs" in request.content:
            reads["n"] += 1
            if reads["n"] == 1:
                stack.company.ui.edit_estimate(_estimate(stack)["TxnID"], add_lines=[
                    {"item": "06-100", "amount": "75", "desc": "Owner allowance"}])

    stack.qbwc_link.before = accountant_edits_after_our_read
    result = _round(stack)
    estimate = _estimate(stack)
    rows = [(r[0], r[3]) for r in _rows(estimate)]
    assert rows == [("01-100", "1000.00"), ("03-300", "2500.50"), ("06-100", "75.00"),
                    ("01-100", "-100.00"), ("03-300", "100.00")]  # the accountant's line kept, ours below
    answers = [e.response for e in result.exchanges if not e.hcp and "EstimateModRs" in (e.response or "")]
    assert 'statusCode="3200"' in answers[0] and 'statusCode="0"' in answers[1]  # stale once, then accepted
    assert reads["n"] == 2  # read again after the 3200
    assert stack.item("budget", budget_id)["status"] == "synced"


def test_a_second_stale_edit_sequence_fails_with_quickbooks_message(world: BudgetWorld) -> None:
    stack, project, cost_codes = world
    budget_id, (site, concrete) = _budget(stack, project, cost_codes)
    _round(stack)
    stack.modify_budget(project["id"], site["id"], concrete["id"], "100")
    _export_again(stack, budget_id)

    def accountant_keeps_saving(request: httpx.Request) -> None:
        if b"receiveResponseXML" in request.content and b"EstimateQueryRs" in request.content:
            stack.company.ui.edit_estimate(_estimate(stack)["TxnID"], memo=f"saved {len(request.content)}")

    stack.qbwc_link.before = accountant_keeps_saving
    _round(stack)
    assert len(_estimate(stack)["EstimateLineRet"]) == 2
    seen = stack.item("budget", budget_id)
    assert seen["status"] == "failed"
    [message] = seen["messages"]
    assert message.startswith("QuickBooks Desktop error 3200: The provided edit sequence")
    assert "is out-of-date" in message


# -- failure and recovery --------------------------------------------------------------------------------
def test_a_quickbooks_error_fails_the_budget_with_its_code_and_message_and_the_resend_after_the_fix_succeeds(
    world: BudgetWorld,
) -> None:
    stack, project, cost_codes = world
    stack.company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "false")
    budget_id, _ = _budget(stack, project, cost_codes)
    _round(stack)
    assert stack.records("Estimate") == []
    seen = stack.item("budget", budget_id)
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        "QuickBooks Desktop error 3250: This feature is not enabled or not available in this version of "
        "QuickBooks."
    ]
    assert any(i["item_id"] == budget_id for i in stack.lists()["failed_to_export"])
    # the fix: estimates turned on; the approver resends, the accountant accepts again
    stack.company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "true")
    assert stack.act("resend", "Pat Manager", "budget", budget_id).status_code == 200
    assert stack.act("accept", "Alex Accountant", "budget", budget_id).status_code == 200
    _round(stack)
    estimate = _estimate(stack)  # one estimate, nothing duplicated
    assert [r[3] for r in _rows(estimate)] == ["1000.00", "2500.50"]
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["origin_id"]) == ("synced", estimate["TxnID"])


def test_a_failed_reexport_resent_sends_exactly_what_quickbooks_lacks(world: BudgetWorld) -> None:
    stack, project, cost_codes = world
    budget_id, (site, concrete) = _budget(stack, project, cost_codes)
    _round(stack)
    syncs = _transaction_syncs(stack)
    stack.modify_budget(project["id"], site["id"], concrete["id"], "100")
    stack.company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "false")
    _export_again(stack, budget_id)
    _round(stack)
    seen = stack.item("budget", budget_id)
    assert seen["status"] == "failed" and seen["messages"][0].startswith("QuickBooks Desktop error 3250")
    assert syncs == []  # nothing marked synced: QuickBooks has none of it
    # fixed, one more modification in the meantime, resent
    stack.company.ui.set_preference("JobsAndEstimatesPreferences", "IsUsingEstimates", "true")
    stack.modify_budget(project["id"], concrete["id"], site["id"], "40")
    assert stack.act("resend", "Pat Manager", "budget", budget_id).status_code == 200
    assert stack.act("accept", "Alex Accountant", "budget", budget_id).status_code == 200
    result = _round(stack)
    [mod] = _documents(result, "EstimateMod")
    assert mod.count("<EstimateLineMod>") == 6 and mod.count("<TxnLineID>-1</TxnLineID>") == 4
    assert [(r[0], r[3]) for r in _rows(_estimate(stack))] == [
        ("01-100", "1000.00"), ("03-300", "2500.50"),
        ("01-100", "-100.00"), ("03-300", "100.00"), ("03-300", "-40.00"), ("01-100", "40.00"),
    ]
    assert len([u for s in syncs for u in s["updates"]]) == 4
    assert stack.item("budget", budget_id)["status"] == "synced"
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"])


def test_transactions_procore_refuses_to_mark_synced_fail_the_budget_saying_which(world: BudgetWorld) -> None:
    stack, project, cost_codes = world
    budget_id, _ = _budget(stack, project, cost_codes)

    def refuse(request: httpx.Request) -> httpx.Response | None:
        if request.url.path != "/rest/v1.0/erp_transactions/sync":
            return None
        updates = json.loads(request.content)["updates"]
        return httpx.Response(200, json={"entities": [], "errors": [
            {**updates[0], "errors": {"id": ["Entity with this ID not found"]}}]})

    stack.procore_link.fault = refuse
    _round(stack)
    seen = stack.item("budget", budget_id)
    txn = _erp_requests(stack, "create_budget")[0]["request_data"]["transactions"][0]["id"]
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        f"Procore refused to mark transaction {txn} synced: {{'id': ['Entity with this ID not found']}}"]


def _with_pcco(data: dict[str, Any]) -> None:
    txn = dict(data["transactions"][0])
    txn.update({"id": txn["id"] + 100_000, "type": REVISED, "value": 5000.0,
                "procore_transaction_type": "PrimeContractChangeOrder", "procore_transaction_id": 42})
    data["transactions"].append(txn)


def test_prime_contract_change_order_amounts_are_never_exported(world: BudgetWorld) -> None:
    stack, project, cost_codes = world
    syncs = _transaction_syncs(stack)
    budget_id, _ = _budget(stack, project, cost_codes)
    _rewrite_request(stack, _with_pcco)
    _round(stack)
    assert [r[3] for r in _rows(_estimate(stack))] == ["1000.00", "2500.50"]  # no 5000.00 line
    seen = stack.item("budget", budget_id)
    assert seen["status"] == "synced"
    assert len([u for s in syncs for u in s["updates"]]) == 2  # the PCCO's transaction is not marked synced
    detail = _details(stack)[-1]
    assert any("prime contract change order amounts are not exported" in m for m in detail["messages"])


# -- crash safety ----------------------------------------------------------------------------------------
def _soap(operation: str) -> Callable[[httpx.Request], bool]:
    names = (f":{operation}".encode(), f"<{operation}".encode())
    return lambda request: any(n in request.content for n in names)


def _interrupt(stack: ProcoreStack, point: str, quickbooks_answer: str) -> None:
    """Deliver the webhooks and run the next update with the connector restarted at ``point``."""
    stack.deliver()
    if point == "webhook_received":
        stack.restart()
        return
    if point == "request_read":
        assert stack.side.connections[stack.company_key].intake.read() == 1
        stack.restart()
        return
    stack.tick()
    if point == "work_queued":
        stack.restart()
        return
    if point == "during_send_request_xml":
        send = _soap("sendRequestXML")
        stack.qbwc_link.kill = lambda request: "dropped" if send(request) else None
        stack.run_update()
        stack.restart()
        return
    receive = _soap("receiveResponseXML")

    def carrying(request: httpx.Request) -> bool:
        return receive(request) and quickbooks_answer.encode() in request.content

    if point == "quickbooks_processed":  # QuickBooks applied it; the connector restarts before its answer

        def restart_before(request: httpx.Request) -> None:
            if carrying(request):
                stack.qbwc_link.before = None
                stack.restart()

        stack.qbwc_link.before = restart_before
        stack.run_update()
    elif point == "answer_lost":  # QuickBooks applied it; its answer never reaches the connector
        stack.qbwc_link.kill = lambda request: "before" if carrying(request) else None
        with pytest.raises(ConnectorKilled):
            stack.run_update()
        stack.restart()
    elif point == "during_receive_response_xml":
        stack.qbwc_link.kill = lambda request: "dropped" if carrying(request) else None
        stack.run_update()
        stack.restart()
    else:
        stack.run_update()
        path = {"write_back": "/external_data/sync", "transactions_synced": "/erp_transactions/sync",
                "close_out": "/erp_request_details/"}[point]
        stack.procore_link.kill = lambda r: "after" if r.method == "PATCH" and path in r.url.path else None
        with pytest.raises(ConnectorKilled):
            stack.tick()
        stack.restart()


CRASH_POINTS = ["webhook_received", "request_read", "work_queued", "during_send_request_xml",
                "quickbooks_processed", "answer_lost", "during_receive_response_xml", "write_back",
                "transactions_synced", "close_out"]


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_restart_mid_first_export_leaves_one_estimate_its_lines_once_and_one_synced_budget(
    tmp_path: Path, point: str
) -> None:
    stack, project, cost_codes = _world(f"sqlite:///{tmp_path / 'connector.db'}")
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})  # every delivery arrives twice
    budget_id, _ = _budget(stack, project, cost_codes)
    _interrupt(stack, point, "EstimateAddRs")
    for _ in range(3):
        _round(stack)
    estimate = _estimate(stack)
    assert [r[3] for r in _rows(estimate)] == ["1000.00", "2500.50"]  # never doubled
    [export] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "budget.export"]
    # an answer lost with the connector: the estimate is found by its marked lines, not added again
    assert (export.result or {})["action"] == ("recovered" if point == "answer_lost" else "created")
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["origin_id"]) == ("synced", estimate["TxnID"])
    details = _details(stack)
    assert [d["status"] for d in details] == ["success"]
    assert stack.restarts == 1
    close_path = f"/erp_request_details/{details[0]['id']}"
    assert len([p for m, p in stack.procore_link.log if m == "PATCH" and p.endswith(close_path)]) == 1


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_restart_mid_reexport_appends_the_new_lines_once(tmp_path: Path, point: str) -> None:
    stack, project, cost_codes = _world(f"sqlite:///{tmp_path / 'connector.db'}")
    budget_id, (site, concrete) = _budget(stack, project, cost_codes)
    _round(stack)
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})
    stack.modify_budget(project["id"], site["id"], concrete["id"], "100")
    _export_again(stack, budget_id)
    _interrupt(stack, point, "EstimateModRs")
    for _ in range(3):
        _round(stack)
    assert [(r[0], r[3]) for r in _rows(_estimate(stack))] == [
        ("01-100", "1000.00"), ("03-300", "2500.50"), ("01-100", "-100.00"), ("03-300", "100.00")]
    [update] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "budget.update"]
    # the Mod applied and its answer lost: the read shows the lines there, none sent again
    assert (update.result or {})["action"] == ("recovered" if point == "answer_lost" else "updated")
    seen = stack.item("budget", budget_id)
    assert (seen["status"], seen["changed_since_sync"]) == ("synced", False)
    details = _details(stack)
    assert [d["status"] for d in details] == ["success", "success"]
    assert stack.restarts == 1
    close_path = f"/erp_request_details/{details[1]['id']}"
    assert len([p for m, p in stack.procore_link.log if m == "PATCH" and p.endswith(close_path)]) == 1
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"])


# -- large budgets ---------------------------------------------------------------------------------------
def _large_world(lines: int) -> BudgetWorld:
    """``lines`` cost codes already linked to QuickBooks Service items (Procore's standard cost code sync, one
    call), and the project exported through the connector."""
    stack = ProcoreStack.create()
    items = [stack.company.ui.create_service_item(f"{10 + n // 100:02d}-{n % 100:03d}") for n in range(lines)]
    erp_list = stack.procore.get("/_sim/state").json()["companies"][0]["erp_standard_cost_code_list_id"]
    linked = stack.rest("PATCH", "/rest/v1.0/standard_cost_codes/sync", {
        "company_id": stack.company_id, "standard_cost_code_list_id": erp_list,
        "updates": [{"code": i["Name"], "name": f"Scope {n}", "origin_id": i["ListID"]}
                    for n, i in enumerate(items)]})
    assert not linked["errors"], linked["errors"][:1]
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    _round(stack)
    cost_codes = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"], "per_page": 1000})
    return stack, project, sorted(cost_codes, key=lambda c: c["full_code"])


def test_a_500_line_budget_exports_in_one_round_trip_and_its_500_line_change_in_two() -> None:
    stack, project, cost_codes = _large_world(500)
    made = stack.rest("POST", "/rest/v1.0/budget_line_items/sync", {
        "project_id": project["id"],
        "updates": [{"cost_code_id": c["id"], "amount": f"{n + 1}.25"} for n, c in enumerate(cost_codes)]})
    assert len(made["entities"]) == 500 and not made["errors"]
    stack.lock_budget(project["id"])
    budget_id = stack.erp_budget(project["id"])
    stack.send_and_accept("budget", budget_id, sender="Pat Manager")
    result = _round(stack)
    documents = [e for e in result.exchanges if not e.hcp]
    assert len(documents) == 1 and documents[0].request.count("<EstimateLineAdd>") == 500
    estimate = _estimate(stack)
    assert _rows(estimate) == [(c["full_code"], f"Scope {n}", f"{n + 1}.25", f"{n + 1}.25",
                                "Tower Apartments") for n, c in enumerate(cost_codes)]
    assert stack.item("budget", budget_id)["status"] == "synced"
    # a Budget Change moving a dollar on every line: 500 lines appended below the 500 there
    change = {"status": "approved", "title": "Rebalance", "adjustment_line_items": [
        {"wbs_code_id": c["id"], "amount": "-1" if n % 2 else "1"} for n, c in enumerate(cost_codes)]}
    stack.rest("POST", f"/rest/v1.0/projects/{project['id']}/budget_changes", change, expect=201)
    _export_again(stack, budget_id)
    result = _round(stack)
    documents = [e for e in result.exchanges if not e.hcp]
    assert len(documents) == 2  # the read, then one EstimateMod keeping 500 lines and appending 500
    assert documents[1].request.count("<TxnLineID>-1</TxnLineID>") == 500
    estimate = _estimate(stack)
    assert len(estimate["EstimateLineRet"]) == 1000
    assert [r[3] for r in _rows(estimate)[500:]] == ["-1.00" if n % 2 else "1.00" for n in range(500)]
    assert stack.item("budget", budget_id)["status"] == "synced"
    assert stack.est_cost("Tower Apartments") == stack.revised_budget(project["id"])
