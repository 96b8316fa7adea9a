"""Budgets → QuickBooks estimates (seed 001 "Budget" and its mapping table, seed 002 "Set Up and Export a
Budget" and "Update and Export a Budget")."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import estimates_of, export_cost_code, export_project, job_of, settle


def _synced_project(world: World) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """seed 001: the project and every budget cost code synced before the budget. (project, its two codes)"""
    codes = [export_cost_code(world, name)[0] for name in ("Site Work", "Cast-in-Place Concrete")]
    project, seen = export_project(world)
    assert seen["status"] == "synced", seen
    wanted = {c["code"] for c in codes}
    project_codes = [c for c in world.procore.project_cost_codes(project["id"]) if c["full_code"] in wanted]
    assert len(project_codes) == 2, project_codes
    return project, project_codes


def _send_budget(world: World, project: dict[str, Any], codes: list[dict[str, Any]],
                 amounts: tuple[str, str] = ("1000", "2500.50")) -> tuple[int, list[dict[str, Any]]]:
    """Add line items, lock the budget, send it; the accountant accepts. (budget item id, its lines)"""
    lines = [world.procore.new_budget_line(project["id"], code["id"], amount)
             for code, amount in zip(codes, amounts, strict=True)]
    world.procore.lock_budget(project["id"])
    budget_id = world.procore.erp_budget(project["id"])
    world.procore.send_and_accept("budget", budget_id, sender="Pat Manager")
    return budget_id, lines


def _rows(estimate: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(Item, Description, Rate, Amount) of each estimate line, in order."""
    return [(ln["ItemRef"]["FullName"], ln.get("Desc", ""), ln.get("Rate", ""), ln["Amount"])
            for ln in estimate["EstimateLineRet"]]


def _reexported(world: World, budget_id: int) -> None:
    """Until the re-export closed: Failed, or Synced with nothing left changed since the sync."""

    def closed() -> bool:
        item = world.procore.item("budget", budget_id)
        return item["status"] == "failed" or (item["status"] == "synced" and not item["changed_since_sync"])

    world.until(closed, "the re-exported budget closed")


@pytest.mark.qbsim_requirement("G1", "N4", "R3", "R4", "R5", "R6", "R7", "PROCORE-DETAILS-CLOSED")
def test_an_accepted_budget_becomes_one_estimate_on_the_projects_job_a_line_per_budget_line(
    qbsim: World,
) -> None:
    project, codes = _synced_project(qbsim)
    budget_id, _ = _send_budget(qbsim, project, codes)
    seen = settle(qbsim, "budget", budget_id, "the budget exported")
    [estimate] = estimates_of(qbsim, project["name"])
    job = job_of(qbsim, project["name"])
    assert estimate["CustomerRef"]["ListID"] == job["ListID"]  # Project Name → Customer:Job
    # Cost Code → Item, Cost Code Description → Description, Original Budget Amount → Rate and Amount
    assert _rows(estimate) == [
        (codes[0]["full_code"], "Site Work", "1000.00", "1000.00"),
        (codes[1]["full_code"], "Cast-in-Place Concrete", "2500.50", "2500.50"),
    ]
    assert estimate["TotalAmount"] == "3500.50"
    assert (seen["status"], seen["origin_id"]) == ("synced", estimate["TxnID"]), seen
    details = qbsim.procore.details("budget", budget_id)
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("EXPORT-BUDGET-REEXPORT-APPENDS", "N4")
def test_a_budget_modification_reexports_as_lines_appended_below_the_first_exports_lines(
    qbsim: World,
) -> None:
    project, codes = _synced_project(qbsim)
    budget_id, (site, concrete) = _send_budget(qbsim, project, codes)
    assert settle(qbsim, "budget", budget_id, "the budget exported")["status"] == "synced"
    [first] = estimates_of(qbsim, project["name"])
    qbsim.procore.modify_budget(project["id"], site["id"], concrete["id"], "250")
    assert qbsim.procore.item("budget", budget_id)["changed_since_sync"] is True  # Ready to Update
    qbsim.procore.send_and_accept("budget", budget_id, sender="Pat Manager")
    _reexported(qbsim, budget_id)
    [estimate] = estimates_of(qbsim, project["name"])  # the same estimate, never a second one
    assert estimate["TxnID"] == first["TxnID"]
    assert estimate["EstimateLineRet"][:2] == first["EstimateLineRet"]  # the first export's lines kept
    assert _rows(estimate)[2:] == [
        (codes[0]["full_code"], "Site Work", "-250.00", "-250.00"),  # the "From" cost code
        (codes[1]["full_code"], "Cast-in-Place Concrete", "250.00", "250.00"),  # the "To" cost code
    ]
    assert estimate["TotalAmount"] == "3500.50"  # money moved; the total did not
    assert qbsim.procore.status("budget", budget_id) == "synced"


@pytest.mark.qbsim_requirement("EXPORT-BUDGET-STALE-EDIT-SEQUENCE", "QB-STATUS-3200")
def test_a_budget_reexported_after_the_accountant_edited_its_estimate_keeps_the_accountants_line(
    qbsim: World,
) -> None:
    project, codes = _synced_project(qbsim)
    budget_id, (site, concrete) = _send_budget(qbsim, project, codes)
    assert settle(qbsim, "budget", budget_id, "the budget exported")["status"] == "synced"
    [first] = estimates_of(qbsim, project["name"])
    # The accountant adds a line of their own in QuickBooks: the estimate's EditSequence moves on.
    qbsim.company.ui.edit_estimate(first["TxnID"], add_lines=[
        {"item": codes[1]["full_code"], "amount": "75", "desc": "Owner allowance"}])
    qbsim.procore.modify_budget(project["id"], site["id"], concrete["id"], "100")
    qbsim.procore.send_and_accept("budget", budget_id, sender="Pat Manager")
    _reexported(qbsim, budget_id)
    assert qbsim.procore.status("budget", budget_id) == "synced", qbsim.procore.item("budget", budget_id)
    [estimate] = estimates_of(qbsim, project["name"])
    assert [(r[0], r[3]) for r in _rows(estimate)] == [
        (codes[0]["full_code"], "1000.00"), (codes[1]["full_code"], "2500.50"),
        (codes[1]["full_code"], "75.00"),  # the accountant's line, kept …
        (codes[0]["full_code"], "-100.00"), (codes[1]["full_code"], "100.00"),  # … and Procore's below it
    ]


@pytest.mark.qbsim_requirement("G5")
def test_a_budget_of_a_project_not_synced_is_not_exported(qbsim: World) -> None:
    code, _ = export_cost_code(qbsim, "Site Work")
    project = qbsim.procore.new_project(qbsim.procore.unique("Unsynced Tower"))  # never exported
    codes = qbsim.procore.project_cost_codes(project["id"])
    [cost_code] = [c for c in codes if c["full_code"] == code["code"]]
    qbsim.procore.new_budget_line(project["id"], cost_code["id"], "1000")
    qbsim.procore.lock_budget(project["id"])
    budget_id = qbsim.procore.erp_budget(project["id"])
    sent = qbsim.procore.act("send", "Pat Manager", "budget", budget_id)
    accepted = qbsim.procore.act("accept", "Alex Accountant", "budget", budget_id)
    if sent.status_code == 200 and accepted.status_code == 200:  # Procore let it through: the target refuses
        seen = settle(qbsim, "budget", budget_id, "the budget of an unsynced project closed")
        assert seen["status"] == "failed" and seen["messages"], seen
    assert estimates_of(qbsim, project["name"]) == []
