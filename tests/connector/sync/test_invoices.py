"""Subcontractor invoices → bills: the create_requisitions translator and its refusals, the plan of a batch,
the PO read and the BillAdd linked to the PO lines (literal, XSD-valid QuickBooks answers)."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, item_service_ret, valid_rs, xml
from test_commitments import ITEM, JOB, VENDOR

from connector.sync.erp_requests import PlanningContext, plan
from connector.sync.invoices import (
    INVENTORY_OFF,
    KIND,
    InvoiceCommitmentNotSynced,
    InvoiceExportHandler,
    InvoiceNegative,
    InvoiceRejected,
    InvoiceRetainageItemMissing,
    InvoiceRetainageOnCostCode,
    retention_item_missing,
    work_from_request,
)
from connector.work import IdMapUpdate, WorkRefused

PO = "1-1705327200"
PO_LINE = "4-1705327200"
RETAINAGE = "80000012-1705327200"


def req_line(line_id: int = 7601, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procore_requisition_item_id": line_id, "accounting_method": "amount", "amount": "400.0",
        "commitment_item_origin_id": PO_LINE, "cost_code_id": 7435, "description": "Grading",
        "line_item_description": "Grading", "qty": "0.0", "unit_cost": "0.0", "retainage_this_period": "40.0",
    }
    body.update(extra)
    return body


def requisition(lines: list[dict[str, Any]] | None = None, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "procore_requisition_id": 7600, "accounting_method": "amount", "billing_date": "2024-02-29",
        "payment_date": "2024-03-30", "code": "INV-7", "invoice_number": "INV-7", "contract_id": 7486,
        "contract_origin_id": PO, "job_origin_id": JOB, "formatted_payment_due": "$360.00",
        "erp_custom_fields": {"retainage_item_origin_id": RETAINAGE},
        "line_items": [req_line()] if lines is None else lines,
    }
    body.update(extra)
    return body


def test_a_requisition_becomes_a_bill_export_of_the_lines_billed_this_period() -> None:
    idle = req_line(7602, amount="0.0", retainage_this_period="0")
    work = work_from_request(requisition([req_line(), idle]))
    assert (work.kind, work.procore_id) == (KIND, "7600")
    assert work.payload == {
        "invoice_number": "INV-7", "po_txn_id": PO, "job_list_id": JOB, "txn_date": "2024-02-29",
        "due_date": "2024-03-30", "retainage_item_list_id": RETAINAGE, "retainage": "40.0",
        "amount_due": "360.00",
        "lines": [{"procore_id": "7601", "po_line_id": PO_LINE, "description": "Grading", "amount": "400.0"}],
    }


NEGATIVE = "Subcontractor invoices with negative values do not sync between systems."


@pytest.mark.parametrize(("data", "refusal", "reason"), [
    (requisition([req_line(amount="-400.0")]), InvoiceNegative, f"{NEGATIVE} (line 'Grading' bills -400.0)"),
    (requisition(formatted_payment_due="($5.00)"), InvoiceNegative, f"{NEGATIVE} (its current payment due is "
                                                                    "-5.00)"),
    (requisition(erp_custom_fields={}), InvoiceRetainageItemMissing,
     "no Invoice Retainage Item is set; choose one in the ERP Integrations settings (a QuickBooks Service "
     "item not synced with a cost code) and resend"),
    (requisition(contract_origin_id=None), InvoiceCommitmentNotSynced,
     "its commitment is not synced with QuickBooks Desktop; export the commitment first"),
    (requisition([req_line(commitment_item_origin_id=None)]), InvoiceCommitmentNotSynced,
     "the commitment's SOV line 'Grading' is not synced with QuickBooks Desktop; export the commitment "
     "first"),
    (requisition(formatted_payment_due="$400.00"), InvoiceRejected,
     "its lines this period less retainage come to 360.0, not its current payment due 400.00 (materials "
     "stored are not exported)"),
    (requisition([req_line(amount="0.0", retainage_this_period="0.0")]), InvoiceRejected,
     "it bills nothing this period"),
    (requisition(invoice_number="INV-" + "9" * 17), InvoiceRejected,
     "its invoice # has 21 characters; a QuickBooks Desktop bill's REF. NO. holds at most 20"),
    (requisition([req_line(procore_requisition_item_id=None)]), InvoiceRejected,
     "its detail line 'Grading' has no id"),
    (requisition(billing_date="last Tuesday"), InvoiceRejected,
     "its billing date 'last Tuesday' is not a date"),
])
def test_an_invoice_that_cannot_go_is_refused_with_the_reason(
    data: dict[str, Any], refusal: type[InvoiceRejected], reason: str
) -> None:
    with pytest.raises(refusal) as raised:
        work_from_request(data)
    number = data["invoice_number"]
    assert (raised.value.status_code, raised.value.message) == (
        refusal.status, f"Subcontractor invoice {number!r} cannot be exported as a bill: {reason}")


def test_a_batch_plans_one_bill_per_requisition_and_closes_a_refused_one_on_its_detail() -> None:
    refused = requisition(procore_requisition_id=7700, contract_origin_id=None)
    batch = {"requisitions": [requisition(), refused]}
    planned = plan("create_requisitions", batch, PlanningContext())
    assert [w.work.kind for w in planned.work] == [KIND]
    assert [(w.kind, w.after, dict(w.payload)) for w in planned.writes] == [
        ("invoice_outcome", 0, {"detail_item_type": "requisition", "detail_item_id": 7600,
                                "requisition_item_ids": ["7601"]}),
        ("close_item_detail", None, {"detail_item_type": "requisition", "detail_item_id": 7700,
                                     "status": "failed", "messages": [
                                         "Subcontractor invoice 'INV-7' cannot be exported as a bill: its "
                                         "commitment is not synced with QuickBooks Desktop; export the "
                                         "commitment first"]}),
    ]


def _po_rs() -> str:
    line = (f"<PurchaseOrderLineRet><TxnLineID>{PO_LINE}</TxnLineID><ItemRef><ListID>{ITEM}</ListID>"
            "<FullName>01-100</FullName></ItemRef><Desc>Grading</Desc><Amount>1000.00</Amount>"
            "</PurchaseOrderLineRet>")
    return (f"<PurchaseOrderQueryRs {OK}><PurchaseOrderRet><TxnID>{PO}</TxnID>"
            "<TimeCreated>2024-01-15T09:00:00-05:00</TimeCreated><TimeModified>2024-01-15T09:00:00-05:00"
            "</TimeModified><EditSequence>1705327200</EditSequence><TxnNumber>1</TxnNumber>"
            f"<VendorRef><ListID>{VENDOR}</ListID><FullName>Ace Concrete</FullName></VendorRef>"
            f"<TxnDate>2024-01-15</TxnDate><RefNumber>SC-001</RefNumber>{line}</PurchaseOrderRet>"
            "</PurchaseOrderQueryRs>")


def prefs_rs(inventory: bool = True) -> str:
    return (f"<PreferencesQueryRs {OK}><PreferencesRet><PurchasesAndVendorsPreferences>"
            f"<IsUsingInventory>{str(inventory).lower()}</IsUsingInventory><DaysBillsAreDue>10</DaysBillsAreDue>"
            "<IsAutomaticallyUsingDiscounts>false</IsAutomaticallyUsingDiscounts>"
            "</PurchasesAndVendorsPreferences></PreferencesRet></PreferencesQueryRs>")


def retention_rs() -> str:
    ret = item_service_ret(RETAINAGE, "Retention", "1705327200", "Retention")
    return f"<ItemQueryRs {OK}>{ret}</ItemQueryRs>"


def prerequisites() -> list[Any]:
    return [valid_rs(prefs_rs()), valid_rs(retention_rs())]


def test_the_po_is_read_then_the_bill_added_linked_to_its_lines(env: Env) -> None:
    handler = InvoiceExportHandler(env.context)
    work = work_from_request(requisition())
    item = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    assert xml(handler.build_request(env.view(item))) == (
        f"<PurchaseOrderQueryRq><TxnID>{PO}</TxnID><IncludeLineItems>true</IncludeLineItems>"
        "</PurchaseOrderQueryRq><PreferencesQueryRq><IncludeRetElement>PurchasesAndVendorsPreferences"
        f"</IncludeRetElement></PreferencesQueryRq><ItemQueryRq><ListID>{RETAINAGE}</ListID></ItemQueryRq>")
    env.apply(item, handler.handle_response(env.sent(item), [valid_rs(_po_rs()), *prerequisites()]))
    assert xml(handler.build_request(env.view(item))) == (
        f"<BillAddRq><BillAdd><VendorRef><ListID>{VENDOR}</ListID></VendorRef><TxnDate>2024-02-29</TxnDate>"
        "<DueDate>2024-03-30</DueDate><RefNumber>INV-7</RefNumber>"
        f"<ItemLineAdd><ItemRef><ListID>{ITEM}</ListID></ItemRef><Desc>Grading</Desc><Amount>400.00</Amount>"
        f"<CustomerRef><ListID>{JOB}</ListID></CustomerRef><LinkToTxn><TxnID>{PO}</TxnID>"
        f"<TxnLineID>{PO_LINE}</TxnLineID></LinkToTxn></ItemLineAdd>"
        f"<ItemLineAdd><ItemRef><ListID>{RETAINAGE}</ListID></ItemRef><Desc>Retainage</Desc>"
        f"<Amount>-40.00</Amount><CustomerRef><ListID>{JOB}</ListID></CustomerRef></ItemLineAdd>"
        "</BillAdd></BillAddRq>")


def test_a_purchase_order_gone_from_quickbooks_fails_with_quickbooks_message(env: Env) -> None:
    handler = InvoiceExportHandler(env.context)
    work = work_from_request(requisition())
    item = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    gone = ('<PurchaseOrderQueryRs statusCode="500" statusSeverity="Warn" statusMessage="The query request '
            'has not been fully completed. There was a required element (&quot;1-1705327200&quot;) that '
            'could not be found in QuickBooks." />')
    out = handler.handle_response(env.sent(item), [valid_rs(gone), *prerequisites()])
    assert (out.state, out.status_code) == ("failed", "500")
    assert out.message == ('The query request has not been fully completed. There was a required element '
                           '("1-1705327200") that could not be found in QuickBooks.')


def test_a_retainage_item_that_is_a_cost_codes_is_refused_before_anything_is_sent(env: Env) -> None:
    env.queue.complete(env.queue.enqueue(COMPANY, "cost_code.export", {}, procore_id="7382"), "T0",
                       state="done", status_code="0", message="Status OK",
                       id_map=(IdMapUpdate("cost_code", "7382", RETAINAGE, "1", "01-100"),))
    work = work_from_request(requisition())
    item = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    with pytest.raises(InvoiceRetainageOnCostCode) as raised:
        InvoiceExportHandler(env.context).build_request(env.view(item))
    assert isinstance(raised.value, WorkRefused)
    assert raised.value.message == (
        "Subcontractor invoice 'INV-7' cannot be exported as a bill: the Invoice Retainage Item is the "
        "Service item of cost code '01-100'; retainage is never coded to a synced cost code item (choose "
        "another Invoice Retainage Item)")


@pytest.mark.parametrize(("answers", "reason"), [
    (lambda: [valid_rs(prefs_rs(inventory=False)), valid_rs(retention_rs())], INVENTORY_OFF),
    (lambda: [valid_rs(prefs_rs()), valid_rs(
        '<ItemQueryRs statusCode="500" statusSeverity="Warn" statusMessage="The query request has not been '
        'fully completed. There was a required element (&quot;80000012-1705327200&quot;) that could not be '
        'found in QuickBooks." />')], retention_item_missing(RETAINAGE, None)),
    (lambda: [valid_rs(prefs_rs()), valid_rs(
        f"<ItemQueryRs {OK}><ItemOtherChargeRet><ListID>{RETAINAGE}</ListID><TimeCreated>2024-01-15T09:00:00"
        "-05:00</TimeCreated><TimeModified>2024-01-15T09:00:00-05:00</TimeModified><EditSequence>1705327200"
        "</EditSequence><Name>Retention</Name><FullName>Retention</FullName><IsActive>true</IsActive>"
        "</ItemOtherChargeRet></ItemQueryRs>")],
     retention_item_missing(RETAINAGE, "ItemOtherChargeRet")),
], ids=["inventory-and-purchase-orders-off", "retention-item-missing", "retention-item-not-a-service-item"])
def test_a_missing_progress_claim_prerequisite_fails_the_invoice_saying_what_to_set_up(
        env: Env, answers: Any, reason: str) -> None:
    handler = InvoiceExportHandler(env.context)
    work = work_from_request(requisition())
    item = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    out = handler.handle_response(env.sent(item), [valid_rs(_po_rs()), *answers()])
    assert (out.state, out.status_code) == ("failed", "ProgressClaimPrerequisiteMissing")
    assert out.message == f"Subcontractor invoice 'INV-7' cannot be exported as a bill: {reason}"
