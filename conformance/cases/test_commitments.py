"""Commitments → QuickBooks purchase orders (seed 001 "Commitments" and its mapping table)."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import commitment_prerequisites, job_of, one, purchase_orders_of, settle


def _lines(codes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"cost_code_id": codes[0]["id"], "amount": "1000", "description": "Grading"},
        {"cost_code_id": codes[1]["id"], "amount": "2500.50", "description": "Footings"},
    ]


@pytest.mark.qbsim_requirement("I1", "N5", "S2", "S3", "S4", "S5", "S6", "S9", "S10", "S12",
                         "PROCORE-DETAILS-CLOSED")
def test_a_work_order_contract_becomes_one_purchase_order_per_the_mapping_and_shows_synced(
    qbsim: World,
) -> None:
    project, vendor, codes = commitment_prerequisites(qbsim)
    woc = qbsim.procore.new_work_order(project["id"], vendor["id"], _lines(codes))
    qbsim.procore.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    seen = settle(qbsim, "work_order_contract", woc["id"], "the work order contract exported")
    [po] = purchase_orders_of(qbsim, project["name"])
    assert po["RefNumber"] == woc["number"]  # Commitment # → P.O. NO.
    job = job_of(qbsim, project["name"])
    qb_vendor = one(qbsim.company.list_records("Vendor"), Name=vendor["name"])
    items = {i["FullName"]: i["ListID"] for i in qbsim.company.list_records("ItemService")}
    assert po["VendorRef"]["ListID"] == qb_vendor["ListID"]
    assert po.get("VendorMsg") == "Pour slab and footings"  # Description (General tab) → Vendor Message
    title, *lines = po["PurchaseOrderLineRet"]
    assert title.get("Desc") == "Sitework" and "ItemRef" not in title  # Title → first row's Description
    rows = [(ln["ItemRef"]["ListID"], ln.get("Desc"), ln.get("Amount"), ln["CustomerRef"]["ListID"])
            for ln in lines]
    assert rows == [
        (items[codes[0]["full_code"]], "Grading", "1000.00", job["ListID"]),
        (items[codes[1]["full_code"]], "Footings", "2500.50", job["ListID"]),
    ]
    assert (seen["status"], seen["origin_id"]) == ("synced", po["TxnID"]), seen
    details = qbsim.procore.details("work_order_contract", woc["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("I2", "H6")
def test_a_commitment_whose_company_is_not_synced_is_not_exported(qbsim: World) -> None:
    project, _, codes = commitment_prerequisites(qbsim)
    stranger = qbsim.procore.new_vendor(qbsim.procore.unique("Unsynced Supply"))
    woc = qbsim.procore.new_work_order(project["id"], stranger["id"], _lines(codes))
    sent = qbsim.procore.act("send", "Pat Manager", "work_order_contract", woc["id"])
    accepted = qbsim.procore.act("accept", "Alex Accountant", "work_order_contract", woc["id"])
    if sent.status_code == 200 and accepted.status_code == 200:
        seen = settle(qbsim, "work_order_contract", woc["id"], "the commitment of an unsynced vendor closed")
        assert seen["status"] == "failed" and seen["messages"], seen
    assert not purchase_orders_of(qbsim, project["name"])
