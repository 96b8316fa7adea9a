"""Commitment change orders → PurchaseOrderMod: the create_commitment_change_order translator and its
refusals, the one-at-a-time plan, the lines kept and appended, 3200 and QuickBooks' errors (literal,
XSD-valid QuickBooks answers)."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, valid_rs, xml
from test_commitments import ITEM, JOB, VENDOR, sov_line

from connector.sync import change_orders, commitments
from connector.sync.change_orders import (
    KIND,
    ChangeOrderAlreadySynced,
    ChangeOrderCommitmentNotSynced,
    ChangeOrderCostCodeNotSynced,
    ChangeOrderExportHandler,
    ChangeOrderRejected,
    work_from_request,
)
from connector.sync.erp_requests import PlanningContext, plan
from connector.work import IdMapUpdate

PO = "1-1705327200"
KEPT = ["3-1705327200", "4-1705327200"]


def cco_request(items: list[dict[str, Any]] | None = None, **change_order: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"id": 7537, "contract_id": 7486, "number": 1, "title": "Extra grading",
                            "status": "approved", "origin_id": None}
    body.update(change_order)
    return {
        "job_origin_id": JOB, "request_detail_id": 7540,
        "commitment": {"id": 7486, "type": "WorkOrderContract", "number": "SC-001", "origin_code": "SC-001",
                       "origin_id": PO, "origin_data": "1705327200",
                       "vendor": {"id": 7454, "company": "Ace Concrete", "origin_id": VENDOR}},
        "commitment_items": [sov_line(7460, origin_id=KEPT[1])],
        "change_order": body,
        "change_order_items": [sov_line(7531, description="More grading", amount="300.0")] if items is None
        else items,
        "additional_data": {"accounting_date": None}, "company_id": 7318,
    }


def _unsynced_commitment() -> dict[str, Any]:
    data = cco_request()
    return {**data, "commitment": {**data["commitment"], "origin_id": None}}


def test_a_change_order_becomes_a_mod_of_its_commitments_purchase_order() -> None:
    work = work_from_request(cco_request())
    assert (work.kind, work.procore_id) == (KIND, "7486")  # keyed by the commitment whose PO it changes
    assert work.payload == {
        "change_order_id": "7537", "commitment_item_type": "work_order_contract", "ref_number": "SC-001",
        "txn_id": PO, "job_list_id": JOB, "title": "Extra grading",
        "lines": [{"procore_id": "7531", "cost_code": "01-100", "item_list_id": ITEM,
                   "description": "More grading", "amount": "300.0"}],
    }


@pytest.mark.parametrize(("request_data", "refusal", "message"), [
    (_unsynced_commitment(), ChangeOrderCommitmentNotSynced,
     "Change order 'Extra grading' cannot be added to the purchase order: its commitment 'SC-001' is not "
     "synced with QuickBooks Desktop; export the commitment first"),
    (cco_request([sov_line(7531, None)]), ChangeOrderCostCodeNotSynced,
     "Change order 'Extra grading' cannot be added to the purchase order: cost code(s) 01-100 are not synced "
     "with QuickBooks Desktop; export the standard cost codes first"),
    (cco_request(origin_id=f"{PO}|5-1705327200"), ChangeOrderAlreadySynced,
     f"Change order 'Extra grading' cannot be added to the purchase order: it is already synced with "
     f"QuickBooks Desktop ({PO}|5-1705327200)"),
    (cco_request([]), ChangeOrderRejected,
     "Change order 'Extra grading' cannot be added to the purchase order: it has no line items"),
    (cco_request([sov_line(7531, amount="lots")]), ChangeOrderRejected,
     "Change order 'Extra grading' cannot be added to the purchase order: its SOV amount 'lots' is not an "
     "amount"),
])
def test_a_change_order_that_cannot_go_is_refused_with_the_reason(
    request_data: dict[str, Any], refusal: type[ChangeOrderRejected], message: str
) -> None:
    with pytest.raises(refusal) as raised:
        work_from_request(request_data)
    assert (raised.value.status_code, raised.value.message) == (refusal.status, message)


def test_the_plan_waits_for_the_commitments_unfinished_export_or_change_order() -> None:
    alone = plan("create_commitment_change_order", cco_request(), PlanningContext())
    assert alone.work[0].work.depends_on == ()
    queued = plan("create_commitment_change_order", cco_request(),
                  PlanningContext(exporting_purchase_orders={"7486": 41, "9999": 42}))
    assert queued.work[0].work.depends_on == (41,)
    assert queued.note == "change order 7537 to change_order.export, after work item 41"
    [write] = queued.writes
    assert (write.kind, write.after, dict(write.payload)) == (
        "change_order_outcome", 0, {"detail_id": 7540, "change_order_id": "7537", "line_item_ids": [7531]})


def test_importing_change_orders_is_refused_and_a_requisition_reset_needs_nothing() -> None:
    sync = plan("sync_commitment_change_orders", {"request_detail_id": 9}, PlanningContext())
    assert [dict(w.payload) for w in sync.writes] == [{"detail_id": 9, "status": "failed", "messages": [
        "Commitment Change Orders are export only: QuickBooks Desktop keeps them as purchase order lines, "
        "which are not imported into Procore."]}]
    reset = plan("reset_requisition", {"requisition_id": 1}, PlanningContext())
    assert (reset.work, reset.writes) == ((), ())


def _queued(env: Env, *, with_export: bool = True) -> int:
    if with_export:  # the commitment's export, done: its PO's EditSequence and lines
        export = env.queue.enqueue(COMPANY, commitments.KIND, {}, procore_id="7486")
        env.queue.complete(export, "T0", state="done", status_code="0", message="Status OK",
                           result={"TxnID": PO, "EditSequence": "1705327200", "title_line_id": KEPT[0],
                                   "TxnLineIDs": KEPT[1:]},
                           id_map=(IdMapUpdate(commitments.OBJECT_TYPE, "7486", PO, "1705327200", "SC-001"),))
    work = work_from_request(cco_request())
    return env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)


MOD_LINES = (
    "<PurchaseOrderLineMod><TxnLineID>3-1705327200</TxnLineID></PurchaseOrderLineMod>"
    "<PurchaseOrderLineMod><TxnLineID>4-1705327200</TxnLineID></PurchaseOrderLineMod>"
    "<PurchaseOrderLineMod><TxnLineID>-1</TxnLineID><Desc>Extra grading</Desc></PurchaseOrderLineMod>"
    f"<PurchaseOrderLineMod><TxnLineID>-1</TxnLineID><ItemRef><ListID>{ITEM}</ListID></ItemRef>"
    f"<Desc>More grading</Desc><Amount>300.00</Amount><CustomerRef><ListID>{JOB}</ListID></CustomerRef>"
    "</PurchaseOrderLineMod>"
)


def test_the_mod_keeps_every_current_line_and_appends_the_change_orders(env: Env) -> None:
    handler = ChangeOrderExportHandler(env.context)
    item = _queued(env)
    assert xml(handler.build_request(env.view(item))) == (
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{PO}</TxnID><EditSequence>1705327200</EditSequence>"
        f"{MOD_LINES}</PurchaseOrderMod></PurchaseOrderModRq>"
    )


def test_without_known_lines_the_purchase_order_is_read_first(env: Env) -> None:
    handler = ChangeOrderExportHandler(env.context)
    item = _queued(env, with_export=False)
    assert xml(handler.build_request(env.view(item))) == (
        f"<PurchaseOrderQueryRq><TxnID>{PO}</TxnID><IncludeLineItems>true</IncludeLineItems>"
        "</PurchaseOrderQueryRq>"
    )


STALE = ('statusCode="3200" statusSeverity="Error" statusMessage="The provided edit sequence '
         '&quot;1705327200&quot; is out-of-date."')


def test_a_second_3200_fails_with_quickbooks_code_and_message(env: Env) -> None:
    handler = ChangeOrderExportHandler(env.context)
    item = _queued(env)
    first = handler.handle_response(env.sent(item), [valid_rs(f"<PurchaseOrderModRs {STALE} />")])
    assert first.state == "resend" and (first.result or {})["reread"] is True
    env.apply(item, first)
    assert "<PurchaseOrderQueryRq>" in xml(handler.build_request(env.view(item)))  # read again
    lines = "".join(f"<PurchaseOrderLineRet><TxnLineID>{x}</TxnLineID><Desc>x</Desc></PurchaseOrderLineRet>"
                    for x in KEPT)
    ret = (f"<PurchaseOrderRet><TxnID>{PO}</TxnID><TimeCreated>2024-01-15T09:00:00-05:00</TimeCreated>"
           "<TimeModified>2024-01-15T09:05:00-05:00</TimeModified><EditSequence>1705327500</EditSequence>"
           f"<TxnNumber>1</TxnNumber><VendorRef><ListID>{VENDOR}</ListID></VendorRef>"
           f"<TxnDate>2024-01-15</TxnDate><RefNumber>SC-001</RefNumber>{lines}</PurchaseOrderRet>")
    reread = handler.handle_response(env.sent(item), [valid_rs(f"<PurchaseOrderQueryRs {OK}>{ret}"
                                                               "</PurchaseOrderQueryRs>")])
    env.apply(item, reread)
    assert "<EditSequence>1705327500</EditSequence>" in xml(handler.build_request(env.view(item)))
    again = handler.handle_response(env.sent(item), [valid_rs(f"<PurchaseOrderModRs {STALE} />")])
    assert (again.state, again.status_code, again.message) == (
        "failed", "3200", 'The provided edit sequence "1705327200" is out-of-date.')


def test_lines_applied_needs_the_kept_lines_then_ours() -> None:
    payload = work_from_request(cco_request()).payload
    ours = [{"TxnLineID": "9", "Desc": "Extra grading"},
            {"TxnLineID": "10", "ItemRef": {"ListID": ITEM}, "Desc": "More grading", "Amount": "300.00"}]
    kept = [{"TxnLineID": x} for x in KEPT]
    assert change_orders.lines_applied(payload, KEPT, kept + ours)
    assert not change_orders.lines_applied(payload, KEPT, kept)  # not applied yet
    assert not change_orders.lines_applied(payload, KEPT, kept + [ours[0], {**ours[1], "Amount": "30.00"}])
    assert not change_orders.lines_applied(payload, KEPT + ["9"], kept + ours)


def test_a_line_sent_without_a_description_is_ours_whatever_description_quickbooks_fills_in() -> None:
    """QuickBooks fills a PO line's Desc from the item when the Mod sends none: that line is still ours,
    so the Mod is never sent twice (the PO would get the change order's lines again)."""
    request = cco_request()
    for line in request["change_order_items"]:
        line["description"] = None
    payload = work_from_request(request).payload
    assert all(not line.get("description") for line in payload["lines"])
    kept = [{"TxnLineID": x} for x in KEPT]
    ours = [{"TxnLineID": "9", "Desc": "Extra grading"},
            {"TxnLineID": "10", "ItemRef": {"ListID": ITEM}, "Desc": "Site grading (the item's)",
             "Amount": "300.00"}]
    assert change_orders.lines_applied(payload, KEPT, kept + ours)
    assert not change_orders.lines_applied(payload, KEPT, kept + [ours[0], {**ours[1], "Amount": "30.00"}])


def test_a_change_order_line_with_qty_and_unit_cost_sends_quantity_and_rate(env: Env) -> None:
    work = work_from_request(cco_request([sov_line(7531, description="Extra piers", quantity="4.0",
                                                   unit_cost="75.0", amount="300.0")], title=""))
    item = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    env.queue.complete(env.queue.enqueue(COMPANY, commitments.KIND, {}, procore_id="7486"), "T0",
                       state="done", status_code="0", message="Status OK",
                       result={"TxnID": PO, "EditSequence": "1705327200", "title_line_id": None,
                               "TxnLineIDs": KEPT},
                       id_map=(IdMapUpdate(commitments.OBJECT_TYPE, "7486", PO, "1705327200", "SC-001"),))
    # no title: no Title row; Qty and Unit Cost given → Quantity and Rate, Amount = the line's amount
    assert xml(ChangeOrderExportHandler(env.context).build_request(env.view(item))).endswith(
        "<PurchaseOrderLineMod><TxnLineID>4-1705327200</TxnLineID></PurchaseOrderLineMod>"
        f"<PurchaseOrderLineMod><TxnLineID>-1</TxnLineID><ItemRef><ListID>{ITEM}</ListID></ItemRef>"
        "<Desc>Extra piers</Desc><Quantity>4.0</Quantity><Rate>75.0</Rate><Amount>300.00</Amount>"
        f"<CustomerRef><ListID>{JOB}</ListID></CustomerRef></PurchaseOrderLineMod>"
        "</PurchaseOrderMod></PurchaseOrderModRq>")
