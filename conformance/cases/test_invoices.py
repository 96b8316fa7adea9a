"""Subcontractor invoices → QuickBooks vendor bills received against the commitment's purchase order (seed
001 "Subcontractor Invoices" and its mapping table; the Invoice Retainage Item of the ERP settings)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import (
    bills_of,
    commitment_prerequisites,
    export_commitment,
    item_id,
    job_of,
    one,
    purchase_orders_of,
    settle,
)
from sim.webconnector import KillSwitch
from sim.webconnector.result import Outcome

RETAINAGE_ITEM = "Retainage"


@contextmanager
def _retainage_item(world: World, full_name: str = RETAINAGE_ITEM) -> Iterator[None]:
    """The ERP settings' Invoice Retainage Item for one case (one Procore company serves the whole run)."""
    answer = world.procore.settings(invoice_retainage_item_origin_id=item_id(world, full_name))
    assert answer.status_code == 200, answer.text
    try:
        yield
    finally:
        world.procore.settings(invoice_retainage_item_origin_id=item_id(world, RETAINAGE_ITEM))


def _invoice(world: World, project: dict[str, Any], woc: dict[str, Any], *,
             billed: tuple[str, str] = ("400", "250.50"), retained: tuple[str, str] = ("40", "25.05"),
             ) -> dict[str, Any]:
    """An approved invoice billing both SOV lines with retainage (made, not yet sent)."""
    sov = world.procore.commitment_lines(project["id"], woc["id"])
    number = world.procore.unique("INV").replace(" ", "-")
    made = world.procore.new_invoice(project["id"], woc["id"], number, [
        {"commitment_line_item_id": line["id"], "work_completed_this_period": amount,
         "retainage_this_period": retainage}
        for line, amount, retainage in zip(sov, billed, retained, strict=True)])
    return made


def _rows(bill: dict[str, Any]) -> list[tuple[str, str | None, str, str]]:
    """(Item, Description, Amount, Customer:Job) of each bill line, in order."""
    return [(ln["ItemRef"]["FullName"], ln.get("Desc"), ln["Amount"], ln["CustomerRef"]["FullName"])
            for ln in bill["ItemLineRet"]]


@pytest.mark.qbsim_requirement("K1", "N8", "V3", "V4", "V11", "V12", "EXPORT-INVOICE-RETAINAGE-ITEM",
                               "PROCORE-DETAILS-CLOSED")
def test_an_invoice_becomes_a_bill_against_the_purchase_order_with_retainage_on_its_own_item(
    qbsim: World,
) -> None:
    project, vendor, codes, woc = export_commitment(qbsim)
    with _retainage_item(qbsim):
        inv = _invoice(qbsim, project, woc)
        qbsim.procore.send_and_accept("requisition", inv["id"], sender="Pat Manager")
        seen = settle(qbsim, "requisition", inv["id"], "the invoice exported")
    [bill] = bills_of(qbsim, project["name"])
    [po] = purchase_orders_of(qbsim, project["name"])
    qb_vendor = one(qbsim.company.list_records("Vendor"), Name=vendor["name"])
    assert bill["VendorRef"]["ListID"] == qb_vendor["ListID"]  # Contractor Company → Vendor
    assert bill["RefNumber"] == inv["invoice_number"]  # Invoice # → REF. NO.
    job = job_of(qbsim, project["name"])["FullName"]
    assert _rows(bill) == [
        (codes[0]["full_code"], "SOV 1", "400.00", job),  # Cost Code → Item, This Period → Amount
        (codes[1]["full_code"], "SOV 2", "250.50", job),
        (RETAINAGE_ITEM, "Retainage", "-65.05", job),  # Total Retainage This Period, on its own item
    ]
    assert Decimal(bill["AmountDue"]) == Decimal("585.45")
    # received against the commitment's PO: Commitment # → PO. NO.
    assert [(t["TxnID"], t["TxnType"], t["RefNumber"]) for t in bill["LinkedTxn"]] == [
        (po["TxnID"], "PurchaseOrder", woc["number"])]
    assert (seen["status"], seen["origin_id"]) == ("synced", bill["TxnID"]), seen
    details = qbsim.procore.details("requisition", inv["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("N10")
def test_a_negative_invoice_is_refused_while_a_positive_one_of_the_same_commitment_becomes_a_bill(
    qbsim: World,
) -> None:
    project, _, _, woc = export_commitment(qbsim)
    with _retainage_item(qbsim):
        credit = _invoice(qbsim, project, woc, billed=("-400", "0"), retained=("0", "0"))
        sent = qbsim.procore.act("send", "Pat Manager", "requisition", credit["id"])
        accepted = qbsim.procore.act("accept", "Alex Accountant", "requisition", credit["id"])
        if sent.status_code == 200 and accepted.status_code == 200:  # Procore let it through: refuse it
            seen = settle(qbsim, "requisition", credit["id"], "the negative invoice closed")
            assert seen["status"] == "failed" and seen["messages"], seen
        else:
            refused = sent if sent.status_code != 200 else accepted
            assert "negative values" in refused.text, refused.text
        inv = _invoice(qbsim, project, woc)
        qbsim.procore.send_and_accept("requisition", inv["id"], sender="Pat Manager")
        seen = settle(qbsim, "requisition", inv["id"], "the positive invoice exported")
    assert seen["status"] == "synced", seen
    [bill] = bills_of(qbsim, project["name"])  # the positive one only
    assert bill["RefNumber"] == inv["invoice_number"]
    assert qbsim.procore.status("requisition", credit["id"]) != "synced"


@pytest.mark.qbsim_requirement("EXPORT-INVOICE-RETAINAGE-ITEM")
def test_a_cost_codes_item_chosen_as_the_invoice_retainage_item_refuses_the_export_with_the_reason(
    qbsim: World,
) -> None:
    project, _, codes, woc = export_commitment(qbsim)
    with _retainage_item(qbsim, codes[0]["full_code"]):  # a synced cost code's Service item
        inv = _invoice(qbsim, project, woc)
        sent = qbsim.procore.act("send", "Pat Manager", "requisition", inv["id"])
        accepted = qbsim.procore.act("accept", "Alex Accountant", "requisition", inv["id"])
        if sent.status_code == 200 and accepted.status_code == 200:
            seen = settle(qbsim, "requisition", inv["id"], "the invoice export closed")
            assert seen["status"] == "failed", seen
            assert any(codes[0]["full_code"] in m for m in seen["messages"]), seen["messages"]
    assert bills_of(qbsim, project["name"]) == []


@pytest.mark.qbsim_requirement("K2")
def test_an_invoice_of_a_commitment_not_synced_is_not_exported(qbsim: World) -> None:
    project, vendor, codes = commitment_prerequisites(qbsim)
    woc = qbsim.procore.new_work_order(project["id"], vendor["id"], [
        {"cost_code_id": code["id"], "amount": "1000", "description": f"SOV {n}"}
        for n, code in enumerate(codes, 1)])  # never exported
    with _retainage_item(qbsim):
        inv = _invoice(qbsim, project, woc)
        sent = qbsim.procore.act("send", "Pat Manager", "requisition", inv["id"])
        accepted = qbsim.procore.act("accept", "Alex Accountant", "requisition", inv["id"])
        if sent.status_code == 200 and accepted.status_code == 200:
            seen = settle(qbsim, "requisition", inv["id"], "the invoice of an unsynced commitment closed")
            assert seen["status"] == "failed" and seen["messages"], seen
    assert bills_of(qbsim, project["name"]) == []


@pytest.mark.qbsim_requirement("EXPORT-REDELIVERED-ONE-RECORD", "PROCORE-WEBHOOK-DUPLICATE")
def test_an_invoice_delivered_twice_with_the_web_connector_killed_after_quickbooks_took_the_bill_is_one_bill(
    qbsim: World,
) -> None:
    project, _, _, woc = export_commitment(qbsim)
    qbsim.procore.http.post("/_sim/webhooks/duplicate_next", json={"count": 2}).raise_for_status()
    killed_on_bill = False
    kill_at = 1

    def carried_out() -> bool:
        # Each update dies after QuickBooks ran its kill_at-th request, until one dies right after the
        # BillAdd (whatever reads the target sends before it); the updates after that run whole.
        nonlocal killed_on_bill, kill_at
        if killed_on_bill:
            qbsim.run_update()
        else:
            update = qbsim.run_update(kill=KillSwitch(after_send=kill_at, after_process=True))
            if update.outcome == Outcome.KILLED:
                if "<BillAddRq" in update.requests[-1]:
                    killed_on_bill = True
                else:
                    kill_at += 1
        return killed_on_bill and qbsim.procore.status("requisition", inv["id"]) == "synced"

    with _retainage_item(qbsim):
        inv = _invoice(qbsim, project, woc)
        qbsim.procore.send_and_accept("requisition", inv["id"], sender="Pat Manager")
        qbsim.procore.deliver()  # the webhook, twice
        qbsim.until(carried_out, "the invoice synced after the Web Connector died on its bill", updates=False)
    [bill] = bills_of(qbsim, project["name"])
    assert len(bill["ItemLineRet"]) == 3  # two billed lines and the retainage line, never doubled
    seen = qbsim.procore.item("requisition", inv["id"])
    assert (seen["status"], seen["origin_id"]) == ("synced", bill["TxnID"]), seen
    assert [d["status"] for d in qbsim.procore.details("requisition", inv["id"])] == ["success"]
