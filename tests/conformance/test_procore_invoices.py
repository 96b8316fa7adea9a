"""Subcontractor invoices → vendor bills through the whole integration: an approved invoice on a synced
commitment is sent and accepted in Procore, the connector plans it, the Web Connector carries it to
QuickBooks as a bill received against the commitment's purchase order, and Procore shows it synced
(``conformance.procore_stack``)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from conformance.procore_stack import (
    RETAINAGE_ITEM,
    ConnectorKilled,
    ProcoreStack,
    commitment_invoiced,
    job_actual_costs,
    rewrite_erp_requests,
)

Synced = tuple[ProcoreStack, dict[str, Any], list[dict[str, Any]], dict[str, Any], list[dict[str, Any]]]


def _one(records: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, found
    return found[0]


def _round(stack: ProcoreStack) -> None:
    stack.sync()
    stack.run_update()
    stack.tick()


def _retainage_item(stack: ProcoreStack) -> str:
    return next(str(i["ListID"]) for i in stack.records("ItemService") if i["FullName"] == RETAINAGE_ITEM)


def _synced_commitment(database_url: str = "sqlite://", lines: int = 2) -> Synced:
    """Cost codes, project, vendor and a work order contract synced; the Invoice Retainage Item chosen."""
    stack = ProcoreStack.create(database_url=database_url)
    stack.settings(invoice_retainage_item_origin_id=_retainage_item(stack))
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
    sov = [{"cost_code_id": codes[n % 2]["id"], "amount": "1000", "description": f"SOV {n + 1}"}
           for n in range(lines)]
    body = {"title": "Sitework", "vendor_id": vendor["id"], "status": "Approved", "line_items": sov}
    woc = stack.rest("POST", "/rest/v1.0/work_order_contracts",
                     {"project_id": project["id"], "work_order_contract": body}, expect=201)
    stack.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    _round(stack)
    assert stack.synced("work_order_contract", woc["id"])
    lines_ = stack.rest("GET", f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
                        {"project_id": project["id"]})
    return stack, project, codes, woc, lines_


@pytest.fixture
def synced() -> Synced:
    return _synced_commitment()


def new_invoice(stack: ProcoreStack, project: dict[str, Any], woc: dict[str, Any], number: str,
                items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {"commitment_id": woc["id"], "invoice_number": number, "billing_date": "2024-02-29",
            "payment_date": "2024-03-30", "status": "approved", "items": items, **extra}
    made: dict[str, Any] = stack.rest("POST", "/rest/v1.0/requisitions",
                                      {"project_id": project["id"], "requisition": body}, expect=201)
    return made


def _two_line_invoice(stack: ProcoreStack, project: dict[str, Any], woc: dict[str, Any],
                      sov: list[dict[str, Any]], number: str = "INV-7") -> dict[str, Any]:
    return new_invoice(stack, project, woc, number, [
        {"commitment_line_item_id": sov[0]["id"], "work_completed_this_period": "400",
         "retainage_this_period": "40"},
        {"commitment_line_item_id": sov[1]["id"], "work_completed_this_period": "250.50",
         "retainage_this_period": "25.05"},
    ])


def _requisition_items(stack: ProcoreStack, inv: dict[str, Any]) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = stack.rest("GET", f"/rest/v1.0/requisitions/{inv['id']}/contract_items",
                                           {"project_id": inv["project_id"]})
    return got


def test_an_invoice_becomes_a_bill_per_the_mapping_received_against_the_purchase_order(
    synced: Synced,
) -> None:
    stack, project, _codes, woc, sov = synced
    inv = _two_line_invoice(stack, project, woc, sov)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    _round(stack)
    [bill] = stack.records("Bill")
    [po] = stack.records("PurchaseOrder")
    job = _one(stack.records("Customer"), FullName="Tower Apartments")
    items = {i["FullName"]: i["ListID"] for i in stack.records("ItemService")}
    assert bill["VendorRef"] == po["VendorRef"]  # Contractor Company → Vendor (the commitment's)
    assert bill["TxnDate"] == "2024-02-29"  # Billing Date → Date
    assert bill["DueDate"] == "2024-03-30"  # Payment Date → Bill Due
    assert bill["RefNumber"] == "INV-7"  # Invoice # → REF. NO.
    rows = [(ln["ItemRef"]["ListID"], ln.get("Desc"), ln["Amount"], ln["CustomerRef"]["ListID"])
            for ln in bill["ItemLineRet"]]
    assert rows == [
        (items["01-100"], "SOV 1", "400.00", job["ListID"]),  # Cost Code → Item, This Period → Amount
        (items["03-300"], "SOV 2", "250.50", job["ListID"]),
        (items[RETAINAGE_ITEM], "Retainage", "-65.05", job["ListID"]),  # retainage: its own line and item
    ]
    shown = stack.rest("GET", f"/rest/v1.0/requisitions/{inv['id']}", {"project_id": project["id"]})
    summary = shown["summary"]
    assert Decimal(bill["AmountDue"]) == Decimal(summary["current_payment_due"]) == Decimal("585.45")
    # received against the commitment's PO (Commitment # → PO. NO.)
    assert [(t["TxnID"], t["TxnType"], t["RefNumber"]) for t in bill["LinkedTxn"]] == [
        (po["TxnID"], "PurchaseOrder", woc["number"])]
    # Procore: the invoice synced with the bill's TxnID, each billed line with its bill line's TxnLineID
    seen = stack.item("requisition", inv["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", bill["TxnID"])
    assert [i["origin_id"] for i in _requisition_items(stack, inv)] == [
        ln["TxnLineID"] for ln in bill["ItemLineRet"][:2]]
    # QuickBooks' job costs: Commitment Invoiced agrees with the bill, per cost code; retainage not in it
    assert commitment_invoiced(stack.company, "Tower Apartments") == {
        "01-100": Decimal("400.00"), "03-300": Decimal("250.50")}
    # Job to Date Cost (Act. Cost of the Job Estimates vs. Actuals Detail) holds the bill's lines, per item
    assert job_actual_costs(stack.company, "Tower Apartments") == {
        "01-100": Decimal("400.00"), "03-300": Decimal("250.50"), RETAINAGE_ITEM: Decimal("-65.05")}


def _failed_with(stack: ProcoreStack, inv: dict[str, Any]) -> list[str]:
    seen = stack.item("requisition", inv["id"])
    assert seen["status"] == "failed", seen
    messages: list[str] = seen["messages"]
    return messages


@pytest.mark.parametrize(("change", "message"), [
    (lambda r: {**r, "line_items": [{**r["line_items"][0], "amount": "-400.0"}, *r["line_items"][1:]]},
     "Subcontractor invoice 'INV-7' cannot be exported as a bill: Subcontractor invoices with negative "
     "values do not sync between systems. (line 'SOV 1' bills -400.0)"),
    (lambda r: {**r, "erp_custom_fields": {"retainage_item_origin_id": None}},
     "Subcontractor invoice 'INV-7' cannot be exported as a bill: no Invoice Retainage Item is set; choose "
     "one in the ERP Integrations settings (a QuickBooks Service item not synced with a cost code) and "
     "resend"),
    (lambda r: {**r, "contract_origin_id": None},
     "Subcontractor invoice 'INV-7' cannot be exported as a bill: its commitment is not synced with "
     "QuickBooks Desktop; export the commitment first"),
], ids=["negative_invoice", "no_retainage_item", "commitment_not_synced"])
def test_an_invoice_the_connector_refuses_is_failed_with_the_reason_and_nothing_reaches_quickbooks(
    synced: Synced, change: Any, message: str
) -> None:
    stack, project, _codes, woc, sov = synced
    rewrite_erp_requests(stack, lambda name, data: (
        {**data, "requisitions": [change(r) for r in data["requisitions"]]}
        if name == "create_requisitions" else data))
    inv = _two_line_invoice(stack, project, woc, sov)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    _round(stack)
    assert stack.records("Bill") == []
    assert _failed_with(stack, inv) == [message]


def test_retainage_is_never_coded_to_a_synced_cost_code_item(synced: Synced) -> None:
    stack, project, _codes, woc, sov = synced
    cost_code_item = next(i["ListID"] for i in stack.records("ItemService") if i["FullName"] == "01-100")
    stack.settings(invoice_retainage_item_origin_id=cost_code_item)
    inv = _two_line_invoice(stack, project, woc, sov)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    _round(stack)
    assert stack.records("Bill") == []
    assert _failed_with(stack, inv) == [
        "Subcontractor invoice 'INV-7' cannot be exported as a bill: the Invoice Retainage Item is the "
        "Service item of cost code '01-100'; retainage is never coded to a synced cost code item (choose "
        "another Invoice Retainage Item)"]


def test_a_quickbooks_error_fails_the_invoice_with_its_code_and_the_resend_makes_one_bill(
    synced: Synced,
) -> None:
    stack, project, _codes, woc, sov = synced
    text = ("There was an error when saving a Bill transaction.  QuickBooks error message: This list has "
            "been modified by another user.")
    stack.company.faults.add(action="status", request_type="BillAdd", status_code=3180, times=1,
                             status_message=text)
    inv = _two_line_invoice(stack, project, woc, sov)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    _round(stack)
    assert stack.records("Bill") == []
    assert _failed_with(stack, inv) == [f"QuickBooks Desktop error 3180: {text}"]
    assert stack.act("resend", "Pat Manager", "requisition", inv["id"]).status_code == 200
    assert stack.act("accept", "Alex Accountant", "requisition", inv["id"]).status_code == 200
    _round(stack)
    _round(stack)
    [bill] = stack.records("Bill")
    seen = stack.item("requisition", inv["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", bill["TxnID"])
    assert commitment_invoiced(stack.company, "Tower Apartments") == {
        "01-100": Decimal("400.00"), "03-300": Decimal("250.50")}


def _soap(operation: str) -> Any:
    names = (f":{operation}".encode(), f"<{operation}".encode())
    return lambda request: any(n in request.content for n in names)


@pytest.mark.parametrize(
    "point", ["quickbooks_processed", "answer_lost", "during_receive_response_xml", "write_back"]
)
def test_a_restart_mid_invoice_export_leaves_one_bill_and_the_invoice_synced_once(
    tmp_path: Path, point: str
) -> None:
    stack, project, _codes, woc, sov = _synced_commitment(f"sqlite:///{tmp_path / 'connector.db'}")
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})  # every delivery arrives twice
    inv = _two_line_invoice(stack, project, woc, sov)
    stack.send_and_accept("requisition", inv["id"], sender="Pat Manager")
    stack.sync()
    adding = _soap("receiveResponseXML")
    seen_reads: list[int] = []

    def receive(request: httpx.Request) -> bool:
        # the second receiveResponseXML answers the BillAdd (the first, the purchase order read)
        if adding(request):
            seen_reads.append(1)
            return len(seen_reads) == 2
        return False

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
    [bill] = stack.records("Bill")
    assert len(bill["ItemLineRet"]) == 3  # two billed lines and the retainage line, never doubled
    [export] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "invoice.export"]
    assert (export.result or {})["action"] == ("recovered" if point == "answer_lost" else "created")
    seen = stack.item("requisition", inv["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", bill["TxnID"])
    assert commitment_invoiced(stack.company, "Tower Apartments") == {
        "01-100": Decimal("400.00"), "03-300": Decimal("250.50")}
