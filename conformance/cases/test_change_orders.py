"""Commitment change orders → new lines on the commitment's purchase order (seed 001 "Commitment Change
Orders" and its mapping table, seed 002 "Create and Export CCOs")."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import (
    commitment_prerequisites,
    export_commitment,
    job_of,
    purchase_orders_of,
    settle,
)


def _change(world: World, project: dict[str, Any], woc: dict[str, Any], title: str,
            lines: list[tuple[dict[str, Any], str, str]]) -> dict[str, Any]:
    """An approved CCO of ``(cost code, amount, description)`` lines on the commitment."""
    return world.procore.new_change_order(project["id"], woc["id"], title, [
        {"cost_code_id": code["id"], "amount": amount, "description": desc} for code, amount, desc in lines])


@pytest.mark.qbsim_requirement("J1", "N6", "T1", "PROCORE-DETAILS-CLOSED")
def test_a_change_order_appends_its_lines_below_the_purchase_orders_existing_lines(qbsim: World) -> None:
    project, _, codes, woc = export_commitment(qbsim)
    [before] = purchase_orders_of(qbsim, project["name"])
    cco = _change(qbsim, project, woc, "Extra grading",
                  [(codes[0], "300", "More grading"), (codes[1], "125.25", "Thicker slab")])
    qbsim.procore.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    seen = settle(qbsim, "commitment_change_order", cco["id"], "the change order exported")
    assert seen["status"] == "synced", seen
    [po] = purchase_orders_of(qbsim, project["name"])  # the commitment's PO, not a new one
    assert po["TxnID"] == before["TxnID"]
    existing = len(before["PurchaseOrderLineRet"])
    assert po["PurchaseOrderLineRet"][:existing] == before["PurchaseOrderLineRet"]  # untouched, in place
    added = po["PurchaseOrderLineRet"][existing:]
    job = job_of(qbsim, project["name"])
    rows = [(ln.get("ItemRef", {}).get("FullName"), ln.get("Desc"), ln.get("Amount"),
             ln.get("CustomerRef", {}).get("ListID")) for ln in added if "ItemRef" in ln]
    assert rows == [
        (codes[0]["full_code"], "More grading", "300.00", job["ListID"]),
        (codes[1]["full_code"], "Thicker slab", "125.25", job["ListID"]),
    ]
    assert po["RefNumber"] == before["RefNumber"] and po["VendorRef"] == before["VendorRef"]
    details = qbsim.procore.details("commitment_change_order", cco["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("EXPORT-CCO-ONE-AT-A-TIME")
def test_change_orders_accepted_together_reach_quickbooks_one_at_a_time_in_the_order_sent(
    qbsim: World,
) -> None:
    project, _, codes, woc = export_commitment(qbsim)
    [before] = purchase_orders_of(qbsim, project["name"])
    since = len(qbsim.updates)
    ccos = [_change(qbsim, project, woc, f"CCO {n}", [(codes[0], f"{n}00", f"Change {n}")])
            for n in (1, 2, 3)]
    for cco in ccos:  # all three accepted before Procore delivers a webhook or the Web Connector runs
        qbsim.procore.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    qbsim.until(lambda: all(qbsim.procore.status("commitment_change_order", c["id"]) in ("synced", "failed")
                            for c in ccos), "the three change orders closed")
    assert [qbsim.procore.status("commitment_change_order", c["id"]) for c in ccos] == ["synced"] * 3
    mods = [r.count("<PurchaseOrderModRq") for r in qbsim.requests_sent(since) if "<PurchaseOrderModRq" in r]
    assert mods and max(mods) == 1, f"PurchaseOrderMods per message set: {mods}"
    [po] = purchase_orders_of(qbsim, project["name"])
    added = [ln.get("Desc") for ln in po["PurchaseOrderLineRet"][len(before["PurchaseOrderLineRet"]):]
             if "ItemRef" in ln]
    assert added == ["Change 1", "Change 2", "Change 3"]  # in the order sent, below the existing lines


@pytest.mark.qbsim_requirement("EXPORT-CCO-STALE-EDIT-SEQUENCE", "QB-STATUS-3200")
def test_a_change_order_after_the_accountant_edited_the_purchase_order_keeps_the_accountants_line(
    qbsim: World,
) -> None:
    project, _, codes, woc = export_commitment(qbsim)
    [po] = purchase_orders_of(qbsim, project["name"])
    # The accountant adds a freight line in QuickBooks: the PO's EditSequence moves on.
    qbsim.company.ui.edit_purchase_order(po["TxnID"], add_lines=[
        {"item": codes[1]["full_code"], "desc": "Freight", "amount": "75"}])
    cco = _change(qbsim, project, woc, "Extra grading", [(codes[0], "300", "More grading")])
    qbsim.procore.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    seen = settle(qbsim, "commitment_change_order", cco["id"], "the change order exported")
    assert seen["status"] == "synced", seen
    [po] = purchase_orders_of(qbsim, project["name"])
    descs = [ln.get("Desc") for ln in po["PurchaseOrderLineRet"] if "ItemRef" in ln]
    assert descs == ["SOV 1", "SOV 2", "Freight", "More grading"]  # the accountant's line kept, ours below


@pytest.mark.qbsim_requirement("J2")
def test_a_change_order_of_a_commitment_not_synced_is_not_exported(qbsim: World) -> None:
    project, vendor, codes = commitment_prerequisites(qbsim)
    woc = qbsim.procore.new_work_order(project["id"], vendor["id"], [
        {"cost_code_id": codes[0]["id"], "amount": "1000", "description": "SOV 1"}])  # never exported
    cco = _change(qbsim, project, woc, "Extra grading", [(codes[0], "300", "More grading")])
    sent = qbsim.procore.act("send", "Pat Manager", "commitment_change_order", cco["id"])
    accepted = qbsim.procore.act("accept", "Alex Accountant", "commitment_change_order", cco["id"])
    if sent.status_code == 200 and accepted.status_code == 200:  # Procore let it through: the target refuses
        seen = settle(qbsim, "commitment_change_order", cco["id"], "the change order closed")
        assert seen["status"] == "failed" and seen["messages"], seen
    assert purchase_orders_of(qbsim, project["name"]) == []
