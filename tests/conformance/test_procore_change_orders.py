"""Commitment change orders → new purchase order lines through the whole integration: the accountant accepts
an approved CCO in Procore, the connector plans it, the Web Connector carries a PurchaseOrderMod to
QuickBooks, and Procore shows the CCO synced with its new lines' ids (``conformance.procore_stack``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.procore_stack import ConnectorKilled, ProcoreStack, rewrite_erp_requests

Synced = tuple[ProcoreStack, dict[str, Any], dict[str, Any], list[dict[str, Any]], dict[str, Any]]


def _one(records: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def _round(stack: ProcoreStack) -> None:
    stack.sync()
    stack.run_update()
    stack.tick()


def _synced_commitment(database_url: str = "sqlite://", lines: int = 2) -> Synced:
    """Cost codes, project, vendor and a work order contract synced: the PO a change order changes."""
    stack = ProcoreStack.create(database_url=database_url)
    stack.export_standard_cost_code("01-100", "Site Work")
    stack.export_standard_cost_code("03-300", "Concrete")
    _round(stack)
    project = stack.new_project("Tower Apartments")
    stack.send_and_accept("project", project["id"])
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    _round(stack)
    codes = sorted(stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]}),
                   key=lambda c: c["full_code"])
    sov = [{"cost_code_id": codes[n % 2]["id"], "amount": f"{1000 + n}", "description": f"SOV {n + 1}"}
           for n in range(lines)]
    body = {"title": "Sitework", "description": "Pour slab and footings", "vendor_id": vendor["id"],
            "status": "Approved", "line_items": sov}
    woc = stack.rest("POST", "/rest/v1.0/work_order_contracts",
                     {"project_id": project["id"], "work_order_contract": body}, expect=201)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    assert stack.synced("work_order_contract", woc["id"])
    return stack, project, vendor, codes, woc


@pytest.fixture
def synced() -> Synced:
    return _synced_commitment()


def new_change_order(stack: ProcoreStack, project: dict[str, Any], woc: dict[str, Any], title: str,
                     lines: list[dict[str, Any]]) -> dict[str, Any]:
    made: dict[str, Any] = stack.rest(
        "POST", f"/rest/v1.0/projects/{project['id']}/commitment_change_orders",
        {"change_order": {"contract_id": woc["id"], "title": title, "status": "approved",
                          "line_items": lines}},
        expect=201)
    return made


def _cco_lines(stack: ProcoreStack, project: dict[str, Any], cco: dict[str, Any]) -> list[dict[str, Any]]:
    got: dict[str, Any] = stack.rest("GET", f"/rest/v1.0/projects/{project['id']}/commitment_change_orders/"
                                            f"{cco['id']}")
    return list(got["line_items"])


def test_a_change_order_appends_its_lines_below_the_existing_purchase_order_lines(synced: Synced) -> None:
    stack, project, _vendor, codes, woc = synced
    [before] = stack.records("PurchaseOrder")
    cco = new_change_order(stack, project, woc, "Extra grading", [
        {"cost_code_id": codes[0]["id"], "amount": "300", "description": "More grading"},
        {"cost_code_id": codes[1]["id"], "amount": "125.25", "description": "Thicker slab"},
    ])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    job = _one(stack.records("Customer"), FullName="Tower Apartments")
    items = {i["FullName"]: i["ListID"] for i in stack.records("ItemService")}
    assert po["TxnID"] == before["TxnID"]  # the commitment's PO, not a new one
    old, new = po["PurchaseOrderLineRet"][:3], po["PurchaseOrderLineRet"][3:]
    assert [ln["TxnLineID"] for ln in old] == [ln["TxnLineID"] for ln in before["PurchaseOrderLineRet"]]
    assert old == before["PurchaseOrderLineRet"]  # the existing lines untouched, in place
    title, *lines = new
    assert title["Desc"] == "Extra grading" and "ItemRef" not in title
    rows = [(ln["ItemRef"]["ListID"], ln["Desc"], ln["Amount"], ln["CustomerRef"]["ListID"]) for ln in lines]
    assert rows == [
        (items["01-100"], "More grading", "300.00", job["ListID"]),
        (items["03-300"], "Thicker slab", "125.25", job["ListID"]),
    ]
    # the header stays the commitment's: date, P.O. NO., vendor, vendor message
    for field in ("TxnDate", "RefNumber", "VendorRef", "VendorMsg"):
        assert po[field] == before[field]
    assert po["TotalAmount"] == "2426.25"
    seen = stack.item("commitment_change_order", cco["id"])
    assert seen["status"] == "synced"
    assert seen["origin_id"] == f"{po['TxnID']}|{title['TxnLineID']}"
    assert [ln["origin_id"] for ln in _cco_lines(stack, project, cco)] == [ln["TxnLineID"] for ln in lines]


def _mods(result: Any) -> list[str]:
    """The qbXML documents of an update that carried a PurchaseOrderMod."""
    return [x.request for x in result.exchanges if "<PurchaseOrderModRq" in x.request]


def test_several_change_orders_of_one_commitment_go_one_per_batch_in_the_order_sent(synced: Synced) -> None:
    stack, project, _vendor, codes, woc = synced
    ccos = [new_change_order(stack, project, woc, f"CCO {n}",
                             [{"cost_code_id": codes[0]["id"], "amount": f"{n}00",
                               "description": f"Change {n}"}])
            for n in (1, 2, 3)]
    for cco in ccos:  # all three accepted before the connector hears of any
        stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    stack.sync()
    result = stack.run_update()
    stack.tick()
    mods = _mods(result)
    assert [m.count("<PurchaseOrderModRq") for m in mods] == [1, 1, 1]  # never two in one batch
    [po] = stack.records("PurchaseOrder")
    descs = [ln.get("Desc") for ln in po["PurchaseOrderLineRet"][3:]]
    assert descs == ["CCO 1", "Change 1", "CCO 2", "Change 2", "CCO 3", "Change 3"]  # in order, below
    assert all(stack.item("commitment_change_order", c["id"])["status"] == "synced" for c in ccos)


def test_a_purchase_order_edited_in_quickbooks_meets_3200_is_read_again_and_keeps_the_edit(
    synced: Synced,
) -> None:
    stack, project, _vendor, codes, woc = synced
    [po] = stack.records("PurchaseOrder")
    # The accountant adds a freight line in QuickBooks: the id map's EditSequence is now stale.
    stack.company.ui.edit_purchase_order(po["TxnID"], add_lines=[{"item": "03-300", "desc": "Freight",
                                                                  "amount": "75"}])
    cco = new_change_order(stack, project, woc, "Extra grading",
                           [{"cost_code_id": codes[0]["id"], "amount": "300", "description": "More grading"}])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    stack.sync()
    result = stack.run_update()
    stack.tick()
    answers = [x.response for x in result.exchanges if "PurchaseOrder" in x.request]
    assert any('statusCode="3200"' in a for a in answers)  # the stale EditSequence, answered by QuickBooks
    [po] = stack.records("PurchaseOrder")
    assert [ln.get("Desc") for ln in po["PurchaseOrderLineRet"]] == [
        "Sitework", "SOV 1", "SOV 2", "Freight", "Extra grading", "More grading"]
    assert stack.item("commitment_change_order", cco["id"])["status"] == "synced"


def test_a_change_order_failing_in_quickbooks_shows_its_code_and_the_resend_adds_the_lines_once(
    synced: Synced,
) -> None:
    stack, project, _vendor, codes, woc = synced
    stack.company.ui.set_inventory_active(False)
    cco = new_change_order(stack, project, woc, "Extra grading",
                           [{"cost_code_id": codes[0]["id"], "amount": "300", "description": "More grading"}])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    _round(stack)
    seen = stack.item("commitment_change_order", cco["id"])
    assert seen["status"] == "failed"
    assert seen["messages"] == [
        "QuickBooks Desktop error 3250: This feature is not enabled or not available in this version of "
        "QuickBooks."
    ]
    [po] = stack.records("PurchaseOrder")
    assert len(po["PurchaseOrderLineRet"]) == 3
    stack.company.ui.set_inventory_active(True)
    assert stack.act("resend", "Pat Manager", "commitment_change_order", cco["id"]).status_code == 200
    assert stack.act("accept", "Alex Accountant", "commitment_change_order", cco["id"]).status_code == 200
    _round(stack)
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    assert [ln.get("Desc") for ln in po["PurchaseOrderLineRet"][3:]] == ["Extra grading", "More grading"]
    assert stack.item("commitment_change_order", cco["id"])["status"] == "synced"


def _soap(operation: str) -> Any:
    names = (f":{operation}".encode(), f"<{operation}".encode())
    return lambda request: any(n in request.content for n in names)


@pytest.mark.parametrize(
    "point", ["quickbooks_processed", "answer_lost", "during_receive_response_xml", "write_back"]
)
def test_a_restart_mid_change_order_leaves_its_lines_once_and_the_change_order_synced_once(
    tmp_path: Path, point: str
) -> None:
    stack, project, _vendor, codes, woc = _synced_commitment(f"sqlite:///{tmp_path / 'connector.db'}")
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})  # every delivery arrives twice
    cco = new_change_order(stack, project, woc, "Extra grading",
                           [{"cost_code_id": codes[0]["id"], "amount": "300", "description": "More grading"}])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    stack.sync()
    receive = _soap("receiveResponseXML")
    if point == "quickbooks_processed":

        def restart_before(request: httpx.Request) -> None:
            if receive(request):
                stack.qbwc_link.before = None
                stack.restart()

        stack.qbwc_link.before = restart_before
        stack.run_update()
    elif point == "answer_lost":
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
    assert [ln.get("Desc") for ln in po["PurchaseOrderLineRet"]] == [
        "Sitework", "SOV 1", "SOV 2", "Extra grading", "More grading"]  # never doubled
    [export] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "change_order.export"]
    assert (export.result or {})["action"] == ("recovered" if point == "answer_lost" else "updated")
    seen = stack.item("commitment_change_order", cco["id"])
    assert seen["status"] == "synced"
    assert [ln["origin_id"] for ln in _cco_lines(stack, project, cco)] == [
        po["PurchaseOrderLineRet"][4]["TxnLineID"]]


def _unsynced_code(data: dict[str, Any]) -> dict[str, Any]:
    first, *rest = data["change_order_items"]
    cost_code = {**first["cost_code"], "standard_cost_code_origin_id": None}
    return {**data, "change_order_items": [{**first, "cost_code": cost_code}, *rest]}


@pytest.mark.parametrize(("change", "message"), [
    (lambda data: {**data, "commitment": {**data["commitment"], "origin_id": None}},
     "Change order 'Extra grading' cannot be added to the purchase order: its commitment 'SC-001' is not "
     "synced with QuickBooks Desktop; export the commitment first"),
    (_unsynced_code,
     "Change order 'Extra grading' cannot be added to the purchase order: cost code(s) 01-100 are not synced "
     "with QuickBooks Desktop; export the standard cost codes first"),
], ids=["commitment_not_synced", "cost_code_not_synced"])
def test_a_change_order_the_connector_refuses_is_failed_with_the_reason_and_the_po_is_untouched(
    synced: Synced, change: Any, message: str
) -> None:
    stack, project, _vendor, codes, woc = synced
    rewrite_erp_requests(stack, lambda name, data: change(data) if name == "create_commitment_change_order"
                         else data)
    cco = new_change_order(stack, project, woc, "Extra grading",
                           [{"cost_code_id": codes[0]["id"], "amount": "300", "description": "More grading"}])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    _round(stack)
    [po] = stack.records("PurchaseOrder")
    assert len(po["PurchaseOrderLineRet"]) == 3
    seen = stack.item("commitment_change_order", cco["id"])
    assert (seen["status"], seen["messages"]) == ("failed", [message])


def test_a_300_line_commitment_its_300_line_change_order_and_an_invoice_of_every_line_take_four_round_trips(
) -> None:
    stack, project, _vendor, codes, woc = _synced_commitment(lines=300)
    [po] = stack.records("PurchaseOrder")
    assert len(po["PurchaseOrderLineRet"]) == 301  # the Title row and 300 SOV lines, one Add
    add_trips = [x for r in stack.results for x in r.exchanges if "<PurchaseOrderAddRq" in x.request]
    assert len(add_trips) == 1
    cco = new_change_order(stack, project, woc, "Big change", [
        {"cost_code_id": codes[n % 2]["id"], "amount": "10", "description": f"CO line {n + 1}"}
        for n in range(300)])
    stack.send_and_accept("commitment_change_order", cco["id"], sender="Pat Manager")
    stack.sync()
    result = stack.run_update()
    stack.tick()
    assert len(_mods(result)) == 1  # 601 lines kept or added in one PurchaseOrderMod
    [po] = stack.records("PurchaseOrder")
    assert len(po["PurchaseOrderLineRet"]) == 602
    assert stack.item("commitment_change_order", cco["id"])["status"] == "synced"
    sov = stack.rest("GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
                     {"project_id": project["id"], "per_page": 1000})
    assert len(sov) == 300
    body = {"commitment_id": woc["id"], "invoice_number": "INV-300", "billing_date": "2024-02-29",
            "status": "approved", "items": [{"commitment_line_item_id": line["id"],
                                             "work_completed_this_period": "100"} for line in sov]}
    stack.settings(invoice_retainage_item_origin_id=next(
        i["ListID"] for i in stack.records("ItemService") if i["FullName"] == "Retainage"))
    inv = stack.rest("POST", "/rest/v1.0/requisitions", {"project_id": project["id"], "requisition": body},
                     expect=201)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    stack.sync()
    result = stack.run_update()
    stack.tick()
    trips = [x.request for x in result.exchanges if not x.hcp]
    kinds = [("<PurchaseOrderQueryRq" in t, "<BillAddRq" in t) for t in trips]
    assert kinds == [(True, False), (False, True)]  # the PO read, then one BillAdd of 300 lines
    [bill] = stack.records("Bill")
    assert len(bill["ItemLineRet"]) == 300 and bill["AmountDue"] == "30000.00"
    assert stack.item("requisition", inv["id"])["status"] == "synced"
