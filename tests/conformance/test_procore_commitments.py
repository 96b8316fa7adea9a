"""Commitments → purchase orders through the whole integration: a person creates and sends a commitment in
Procore, the accountant accepts it, the connector plans it, the Web Connector carries it to QuickBooks, and
Procore shows what QuickBooks answered (``conformance.procore_stack``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.procore_stack import ConnectorKilled, ProcoreStack


def _one(records: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def _round(stack: ProcoreStack) -> None:
    """Webhooks delivered and planned, one Web Connector update, then the write-back."""
    stack.sync()
    stack.run_update()
    stack.tick()


Synced = tuple[ProcoreStack, dict[str, Any], dict[str, Any], list[dict[str, Any]]]


@pytest.fixture
def synced() -> Synced:
    return _synced_stack("sqlite://")


def _synced_stack(database_url: str) -> Synced:
    """A stack whose cost codes, project and vendor are synced (seed 001: before any commitment)."""
    stack = ProcoreStack.create(database_url=database_url)
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.export_standard_cost_code("03-300", "Concrete")
    _round(stack)
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    _round(stack)
    cost_codes = stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]})
    return stack, project, vendor, sorted(cost_codes, key=lambda c: c["full_code"])


def _work_order(stack: ProcoreStack, project: dict[str, Any], vendor: dict[str, Any],
                cost_codes: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {"title": "Sitework", "description": "Pour slab and footings", "vendor_id": vendor["id"],
            "status": "Approved",
            "line_items": [
                {"cost_code_id": cost_codes[0]["id"], "amount": "1000", "description": "Grading"},
                {"cost_code_id": cost_codes[1]["id"], "amount": "2500.50", "description": "Footings"},
            ], **extra}
    made: dict[str, Any] = stack.rest("POST", "/rest/v1.0/work_order_contracts",
                                      {"project_id": project["id"], "work_order_contract": body}, expect=201)
    return made


def _sov(stack: ProcoreStack, project: dict[str, Any], woc: dict[str, Any]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = stack.rest("GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
                                             {"project_id": project["id"]})
    return lines


def test_a_work_order_contract_becomes_one_purchase_order_per_the_mapping_and_shows_synced(
    synced: Any,
) -> None:
    stack, project, vendor, cost_codes = synced
    woc = _work_order(stack, project, vendor, cost_codes)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    job = _one(stack.records("Customer"), FullName="Tower Apartments")
    qb_vendor = _one(stack.records("Vendor"), Name="Ace Concrete")
    items = {i["FullName"]: i["ListID"] for i in stack.records("ItemService")}
    assert po["VendorRef"] == {"ListID": qb_vendor["ListID"], "FullName": "Ace Concrete"}
    assert po["TxnDate"] == woc["created_at"][:10]  # system date at commitment creation
    assert po["RefNumber"] == woc["number"]  # Commitment # → P.O. NO.
    assert po["VendorMsg"] == "Pour slab and footings"  # Description → Vendor Message
    title, *lines = po["PurchaseOrderLineRet"]
    assert title["Desc"] == "Sitework" and "ItemRef" not in title  # Title: first row's Description
    rows = [(ln["ItemRef"]["ListID"], ln["Desc"], ln["Amount"], ln["CustomerRef"]["ListID"]) for ln in lines]
    assert rows == [
        (items["01-100"], "Grading", "1000.00", job["ListID"]),
        (items["03-300"], "Footings", "2500.50", job["ListID"]),
    ]  # Item, Description, Amount = Contract Amount, Customer:Job
    assert po["TotalAmount"] == "3500.50"
    seen = stack.item("work_order_contract", woc["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", po["TxnID"])
    assert stack.synced("work_order_contract", woc["id"])
    # each SOV line carries its PO line's TxnLineID, so invoices and change orders can link to it
    assert [s["origin_id"] for s in _sov(stack, project, woc)] == [ln["TxnLineID"] for ln in lines]


def test_purchase_orders_off_in_quickbooks_fails_with_3250_and_the_resend_after_turning_them_on_succeeds(
    synced: Any,
) -> None:
    stack, project, vendor, cost_codes = synced
    stack.company.ui.set_inventory_active(False)
    woc = _work_order(stack, project, vendor, cost_codes)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    assert stack.records("PurchaseOrder") == []
    seen = stack.item("work_order_contract", woc["id"])
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        "QuickBooks Desktop error 3250: This feature is not enabled or not available in this version of "
        "QuickBooks."
    ]
    assert any(i["item_id"] == woc["id"] for i in stack.lists()["failed_to_export"])
    # The fix: the accountant turns purchase orders on; the approver resends and accepts again.
    stack.company.ui.set_inventory_active(True)
    resent = stack.act("resend", "Pat Manager", "work_order_contract", woc["id"])
    assert resent.status_code == 200, resent.text
    accepted = stack.act("accept", "Alex Accountant", "work_order_contract", woc["id"])
    assert accepted.status_code == 200, accepted.text
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    seen = stack.item("work_order_contract", woc["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", po["TxnID"])


def test_a_po_number_over_quickbooks_limit_is_refused_with_the_reason_before_anything_is_sent(
    synced: Any,
) -> None:
    stack, project, vendor, cost_codes = synced
    woc = _work_order(stack, project, vendor, cost_codes, number="SUB-2024-0001")
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    report = stack.sync()
    assert report.planned == 1
    result = stack.run_update()
    stack.tick()
    assert stack.records("PurchaseOrder") == []
    assert not any("PurchaseOrder" in x.request for x in result.exchanges)  # nothing sent to QuickBooks
    seen = stack.item("work_order_contract", woc["id"])
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        "Commitment 'SUB-2024-0001' cannot be exported as a purchase order: its number 'SUB-2024-0001' "
        "has 13 characters; a QuickBooks Desktop P.O. NO. holds at most 11 (shorten the commitment # or "
        "type a QuickBooks ID when accepting)"
    ]


def _soap(operation: str) -> Callable[[httpx.Request], bool]:
    names = (f":{operation}".encode(), f"<{operation}".encode())
    return lambda request: any(n in request.content for n in names)


@pytest.mark.parametrize(
    "point", ["quickbooks_processed", "answer_lost", "during_receive_response_xml", "write_back"]
)
def test_a_restart_mid_export_leaves_one_purchase_order_and_one_synced_commitment(
    tmp_path: Path, point: str
) -> None:
    stack, project, vendor, cost_codes = _synced_stack(f"sqlite:///{tmp_path / 'connector.db'}")
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})  # every delivery arrives twice
    woc = _work_order(stack, project, vendor, cost_codes)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    stack.sync()
    receive = _soap("receiveResponseXML")
    if point == "quickbooks_processed":  # QuickBooks added the PO; the connector restarts before its answer

        def restart_before(request: httpx.Request) -> None:
            if receive(request):
                stack.qbwc_link.before = None
                stack.restart()

        stack.qbwc_link.before = restart_before
        stack.run_update()
    elif point == "answer_lost":  # QuickBooks added the PO; its answer never reaches the connector
        stack.qbwc_link.kill = lambda request: "before" if receive(request) else None
        with pytest.raises(ConnectorKilled):
            stack.run_update()
        stack.restart()
    elif point == "during_receive_response_xml":
        stack.qbwc_link.kill = lambda request: "dropped" if receive(request) else None
        stack.run_update()
        stack.restart()
    else:
        stack.run_update()
        stack.procore_link.kill = lambda r: (
            "after" if r.method == "PATCH" and "/external_data/sync" in r.url.path else None
        )
        with pytest.raises(ConnectorKilled):
            stack.tick()
        stack.restart()
    for _ in range(3):
        _round(stack)
    [po] = stack.records("PurchaseOrder")
    assert len(po["PurchaseOrderLineRet"]) == 3  # the Title row and two SOV lines, never doubled
    [export] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "commitment.export"]
    # an answer lost with the connector: the PO is found by its P.O. NO., not added again
    assert (export.result or {})["action"] == ("recovered" if point == "answer_lost" else "created")
    seen = stack.item("work_order_contract", woc["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", po["TxnID"])
    assert [s["origin_id"] for s in _sov(stack, project, woc)] == [
        ln["TxnLineID"] for ln in po["PurchaseOrderLineRet"][1:]
    ]


def test_a_purchase_order_contract_sends_qty_rate_and_the_subtotal_as_amount(synced: Any) -> None:
    stack, project, vendor, cost_codes = synced
    body = {"title": "Rebar", "vendor_id": vendor["id"], "status": "Approved", "accounting_method": "unit",
            "line_items": [{"cost_code_id": cost_codes[1]["id"], "quantity": "40", "unit_cost": "12.50",
                            "description": "Rebar #5"}]}
    poc = stack.rest("POST", "/rest/v1.0/purchase_order_contracts",
                     {"project_id": project["id"], "purchase_order_contract": body}, expect=201)
    stack.send_and_accept("purchase_order_contract", poc["id"], sender="Pat Manager")
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    title, line = po["PurchaseOrderLineRet"]
    assert title["Desc"] == "Rebar"
    # Qty and Rate given; Amount = Subtotal (quantity x unit cost)
    assert (line["Desc"], line["Quantity"], line["Rate"], line["Amount"]) == ("Rebar #5", "40", "12.50",
                                                                              "500.00")
    assert "VendorMsg" not in po
    seen = stack.item("purchase_order_contract", poc["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", po["TxnID"])
