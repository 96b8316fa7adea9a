"""Commitments → purchase orders: the create_commitment translator, PurchaseOrderAdd, QuickBooks' errors
and the probe by P.O. NO. after a crash (literal, XSD-valid QuickBooks answers)."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, rs, valid_rs, xml

from connector.sync.commitments import (
    KIND,
    OBJECT_TYPE,
    CommitmentAlreadySynced,
    CommitmentCostCodeNotSynced,
    CommitmentExportHandler,
    CommitmentNumberTooLong,
    CommitmentProjectNotSynced,
    CommitmentRejected,
    CommitmentVendorNotSynced,
    work_from_request,
)
from connector.sync.erp_requests import PlanningContext, plan
from connector.work import IdMapUpdate, NewWork

VENDOR = "80000015-1705327200"
JOB = "80000014-1705327200"
ITEM = "80000013-1705327200"
ITEM_2 = "80000016-1705327200"


def sov_line(line_id: int, item: str | None = ITEM, **extra: Any) -> dict[str, Any]:
    """A Schedule of Values line as the fake Procore sends it in ``commitment_items``."""
    body: dict[str, Any] = {
        "id": line_id, "amount": "1000.0", "extended_amount": "1000.0", "total_amount": "1000.0",
        "tax_amount": "0.0", "description": "Slab on grade", "quantity": "0.0", "unit_cost": "0.0",
        "uom": None, "position": 1, "origin_id": None,
        "cost_code": {"id": 7402, "full_code": "01-100", "name": "Site Work",
                      "origin_id": f"{JOB}|{item}", "standard_cost_code_origin_id": item},
    }
    body.update(extra)
    return body


def commitment_request(items: list[dict[str, Any]] | None = None, job_id: str | None = JOB,
                       **commitment: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": 7453, "type": "WorkOrderContract", "number": "SC-001", "origin_code": "SC-001",
        "origin_id": None, "title": "Sitework", "description": "Pour slab", "status": "Approved",
        "created_at": "2024-01-15T14:00:00Z",
        "vendor": {"id": 7420, "company": "Ace Concrete", "origin_id": VENDOR},
        "project": {"id": 7398, "name": "Tower Apartments", "origin_id": job_id},
    }
    body.update(commitment)
    return {"job_id": job_id, "commitment": body,
            "commitment_items": [sov_line(7460)] if items is None else items,
            "additional_data": {"accounting_date": None}, "company_id": 7318, "request_detail_id": 7466}


def enqueue(env: Env, work: NewWork) -> int:
    return env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)


def po_line_ret(txn_line_id: str, body: str) -> str:
    return (f"<PurchaseOrderLineRet><TxnLineID>{txn_line_id}</TxnLineID>{body}"
            "<IsBilled>false</IsBilled><IsManuallyClosed>false</IsManuallyClosed></PurchaseOrderLineRet>")


def po_ret(txn_id: str = "1-1705327200", ref: str = "SC-001", vendor: str = VENDOR,
           lines: tuple[str, ...] = ("3-1705327200", "4-1705327200")) -> str:
    rows = [po_line_ret(lines[0], "<Desc>Sitework</Desc><Amount>0.00</Amount>")]
    rows += [po_line_ret(line, f"<ItemRef><ListID>{ITEM}</ListID><FullName>01-100</FullName></ItemRef>"
                               "<Desc>Slab on grade</Desc><Amount>1000.00</Amount>"
                               f"<CustomerRef><ListID>{JOB}</ListID><FullName>Tower Apartments</FullName>"
                               "</CustomerRef>") for line in lines[1:]]
    return (f"<PurchaseOrderRet><TxnID>{txn_id}</TxnID><TimeCreated>2024-01-15T09:00:00-05:00</TimeCreated>"
            "<TimeModified>2024-01-15T09:00:00-05:00</TimeModified><EditSequence>1705327200</EditSequence>"
            f"<TxnNumber>1</TxnNumber><VendorRef><ListID>{vendor}</ListID><FullName>Ace Concrete</FullName>"
            f"</VendorRef><TxnDate>2024-01-15</TxnDate><RefNumber>{ref}</RefNumber>"
            "<TotalAmount>1000.00</TotalAmount><IsManuallyClosed>false</IsManuallyClosed>"
            "<IsFullyReceived>false</IsFullyReceived><VendorMsg>Pour slab</VendorMsg>"
            f"{''.join(rows)}</PurchaseOrderRet>")


def test_a_work_order_contract_becomes_a_purchase_order_add_per_the_mapping(env: Env) -> None:
    work = work_from_request(commitment_request())
    assert (work.kind, work.procore_id) == (KIND, "7453")
    assert work.payload == {
        "item_type": "work_order_contract", "ref_number": "SC-001", "vendor_list_id": VENDOR,
        "job_list_id": JOB, "txn_date": "2024-01-15", "title": "Sitework", "vendor_message": "Pour slab",
        "lines": [{"procore_id": "7460", "cost_code": "01-100", "item_list_id": ITEM,
                   "description": "Slab on grade", "amount": "1000.0"}],
    }
    # Date = creation date, P.O. NO. = commitment #, Title as the first row's Description, one line per SOV
    # line (Item, Description, Amount = Contract Amount, Customer:Job), Description → Vendor Message
    assert xml(CommitmentExportHandler(env.context).build_request(env.view(enqueue(env, work)))) == (
        "<PurchaseOrderAddRq><PurchaseOrderAdd>"
        f"<VendorRef><ListID>{VENDOR}</ListID></VendorRef><TxnDate>2024-01-15</TxnDate>"
        "<RefNumber>SC-001</RefNumber><VendorMsg>Pour slab</VendorMsg>"
        "<PurchaseOrderLineAdd><Desc>Sitework</Desc></PurchaseOrderLineAdd>"
        f"<PurchaseOrderLineAdd><ItemRef><ListID>{ITEM}</ListID></ItemRef><Desc>Slab on grade</Desc>"
        f"<Amount>1000.00</Amount><CustomerRef><ListID>{JOB}</ListID></CustomerRef></PurchaseOrderLineAdd>"
        "</PurchaseOrderAdd></PurchaseOrderAddRq>"
    )


def test_a_purchase_order_contract_sends_qty_rate_and_the_subtotal(env: Env) -> None:
    line = sov_line(7461, ITEM_2, quantity="4.0", unit_cost="12.5", amount="55.0", extended_amount="50.0")
    work = work_from_request(commitment_request([line], type="PurchaseOrderContract", title="",
                                                description=""))
    assert work.payload["item_type"] == "purchase_order_contract"
    assert xml(CommitmentExportHandler(env.context).build_request(env.view(enqueue(env, work)))) == (
        "<PurchaseOrderAddRq><PurchaseOrderAdd>"
        f"<VendorRef><ListID>{VENDOR}</ListID></VendorRef><TxnDate>2024-01-15</TxnDate>"
        "<RefNumber>SC-001</RefNumber>"
        f"<PurchaseOrderLineAdd><ItemRef><ListID>{ITEM_2}</ListID></ItemRef><Desc>Slab on grade</Desc>"
        "<Quantity>4.0</Quantity><Rate>12.5</Rate><Amount>50.00</Amount>"
        f"<CustomerRef><ListID>{JOB}</ListID></CustomerRef></PurchaseOrderLineAdd>"
        "</PurchaseOrderAdd></PurchaseOrderAddRq>"
    )


def test_the_creation_date_is_taken_in_utc() -> None:
    work = work_from_request(commitment_request(created_at="2024-01-15T23:30:00-05:00"))
    assert work.payload["txn_date"] == "2024-01-16"


@pytest.mark.parametrize(
    ("request_data", "refusal", "message"),
    [
        (commitment_request(vendor={"id": 7420, "company": "Ace Concrete", "origin_id": None}),
         CommitmentVendorNotSynced,
         "Commitment 'SC-001' cannot be exported as a purchase order: its vendor 'Ace Concrete' is not "
         "synced with QuickBooks Desktop; export the company first"),
        (commitment_request(job_id=None), CommitmentProjectNotSynced,
         "Commitment 'SC-001' cannot be exported as a purchase order: its project 'Tower Apartments' is not "
         "synced with QuickBooks Desktop; export the project first"),
        (commitment_request([sov_line(7460), sov_line(7461, None)]), CommitmentCostCodeNotSynced,
         "Commitment 'SC-001' cannot be exported as a purchase order: cost code(s) 01-100 are not synced "
         "with QuickBooks Desktop; export the standard cost codes first"),
        (commitment_request(origin_code="SC-000000012"), CommitmentNumberTooLong,
         "Commitment 'SC-000000012' cannot be exported as a purchase order: its number 'SC-000000012' has 12 "
         "characters; a QuickBooks Desktop P.O. NO. holds at most 11 (shorten the commitment # or type a "
         "QuickBooks ID when accepting)"),
        (commitment_request(origin_id="1-1705327200"), CommitmentAlreadySynced,
         "Commitment 'SC-001' cannot be exported as a purchase order: it is already synced with the "
         "QuickBooks purchase order 1-1705327200"),
        (commitment_request([]), CommitmentRejected,
         "Commitment 'SC-001' cannot be exported as a purchase order: it has no Schedule of Values lines"),
        (commitment_request(description="x" * 100), CommitmentRejected,
         "Commitment 'SC-001' cannot be exported as a purchase order: its description has 100 characters; a "
         "QuickBooks Desktop vendor message holds at most 99"),
        (commitment_request([sov_line(7460, amount="lots")]), CommitmentRejected,
         "Commitment 'SC-001' cannot be exported as a purchase order: its SOV amount 'lots' is not an "
         "amount"),
    ],
)
def test_what_cannot_be_exported_is_refused_before_sending(
    request_data: dict[str, Any], refusal: type[CommitmentRejected], message: str
) -> None:
    with pytest.raises(refusal) as caught:
        work_from_request(request_data)
    assert (caught.value.status_code, caught.value.message) == (refusal.status, message)


def test_an_11_character_po_number_and_a_typed_quickbooks_id_are_used() -> None:
    eleven = work_from_request(commitment_request(origin_code="SC-00000011"))
    assert eleven.payload["ref_number"] == "SC-00000011"
    typed = work_from_request(commitment_request(number="SC-000000012", origin_code="QB-7"))
    assert typed.payload["ref_number"] == "QB-7"


def test_a_created_purchase_order_gives_its_txn_id_and_line_ids_in_sov_order(env: Env) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request([sov_line(7460), sov_line(7461)])))
    ret = po_ret(lines=("3-1705327200", "4-1705327200", "5-1705327200"))
    answer = valid_rs(f"<PurchaseOrderAddRs {OK}>{ret}</PurchaseOrderAddRs>")
    out = handler.handle_response(env.sent(item_id), [answer])
    assert (out.state, out.status_code, out.message) == ("done", "0", "Status OK")
    assert out.result == {"action": "created", "TxnID": "1-1705327200", "EditSequence": "1705327200",
                          "RefNumber": "SC-001", "title_line_id": "3-1705327200",
                          "TxnLineIDs": ["4-1705327200", "5-1705327200"]}
    assert out.id_map == (IdMapUpdate(OBJECT_TYPE, "7453", "1-1705327200", "1705327200", "SC-001"),)


def test_purchase_orders_off_fails_with_quickbooks_3250_message(env: Env) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request()))
    off = ('<PurchaseOrderAddRs statusCode="3250" statusSeverity="Error" statusMessage="This feature is not '
           'enabled or not available in this version of QuickBooks." />')
    out = handler.handle_response(env.sent(item_id), [valid_rs(off)])
    assert (out.state, out.status_code, out.message) == (
        "failed", "3250", "This feature is not enabled or not available in this version of QuickBooks."
    )
    assert out.id_map == ()


def test_an_answer_with_another_purchase_order_is_not_recorded_but_looked_up(env: Env) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request()))
    other = valid_rs(f"<PurchaseOrderAddRs {OK}>{po_ret(ref='SC-002')}</PurchaseOrderAddRs>")
    out = handler.handle_response(env.sent(item_id), [other])
    assert (out.state, out.status_code, out.result, out.id_map) == ("resend", "WrongObject",
                                                                    {"phase": "probe"}, ())
    assert out.message is not None and out.message.endswith("looking the object up by name")
    bare = valid_rs(f"<PurchaseOrderAddRs {OK} />")
    missing = handler.handle_response(env.sent(item_id), [bare])
    assert (missing.state, missing.status_code) == ("resend", "UnexpectedAnswer")
    assert missing.message == ("QuickBooks answered PurchaseOrderAddRs status 0 without a PurchaseOrderRet; "
                               "looking the object up by name")


@pytest.mark.parametrize(
    ("mutate", "why"),
    [
        (lambda r: r.replace("<TxnID>1-1705327200</TxnID>", ""), "without a TxnID in its PurchaseOrderRet"),
        (lambda r: r.replace("<TxnLineID>4-1705327200</TxnLineID>", ""),
         "without a TxnLineID in line 2 of its PurchaseOrderRet"),
        (lambda r: r.replace("<EditSequence>1705327200</EditSequence>",
                             "<EditSequence>1705327200</EditSequence>" * 2),
         "with 2 EditSequence elements in its PurchaseOrderRet"),
    ],
)
def test_an_unreadable_answer_is_not_recorded_but_looked_up(
    env: Env, mutate: Any, why: str
) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request()))
    out = handler.handle_response(env.sent(item_id), [rs(f"<PurchaseOrderAddRs {OK}>{mutate(po_ret())}"
                                                        "</PurchaseOrderAddRs>")])
    assert (out.state, out.result, out.id_map) == ("resend", {"phase": "probe"}, ())
    assert out.message == (f"QuickBooks answered PurchaseOrderAddRs status 0 {why}; looking the object up "
                           "by name")


def test_probe_after_a_crash_recovers_the_purchase_order_or_adds_it(env: Env) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request()))
    assert xml(handler.build_probe(env.view(item_id))) == (
        "<PurchaseOrderQueryRq><RefNumber>SC-001</RefNumber><IncludeLineItems>true</IncludeLineItems>"
        "</PurchaseOrderQueryRq>"
    )
    # another vendor's PO with our number is not ours; ours is recovered
    found = valid_rs(f"<PurchaseOrderQueryRs {OK}>{po_ret('2-1705327200', vendor='80000099-1705327200')}"
                     f"{po_ret()}</PurchaseOrderQueryRs>")
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [found])
    assert (out.state, out.result["action"], out.result["TxnID"], out.result["TxnLineIDs"]) == (
        "done", "recovered", "1-1705327200", ["4-1705327200"]
    )
    assert out.message == ("Found purchase order P.O. NO. 'SC-001' (TxnID 1-1705327200) after an interrupted "
                           "session; not added again.")
    assert out.id_map == (IdMapUpdate(OBJECT_TYPE, "7453", "1-1705327200", "1705327200", "SC-001"),)
    nothing = valid_rs('<PurchaseOrderQueryRs statusCode="1" statusSeverity="Info" statusMessage="A query '
                       'request did not find a matching object in QuickBooks" />')
    missing = handler.handle_probe_response(env.view(item_id, is_probe=True), [nothing])
    assert (missing.state, missing.result) == ("resend", {"phase": "add"})


def test_two_matching_purchase_orders_after_a_crash_fail_rather_than_guess(env: Env) -> None:
    handler = CommitmentExportHandler(env.context)
    item_id = enqueue(env, work_from_request(commitment_request()))
    twice = valid_rs(f"<PurchaseOrderQueryRs {OK}>{po_ret()}{po_ret('2-1705327200')}</PurchaseOrderQueryRs>")
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [twice])
    assert (out.state, out.status_code, out.message) == (
        "failed", "UnexpectedAnswer",
        "QuickBooks has 2 purchase orders P.O. NO. 'SC-001' of this vendor after an interrupted session; not "
        "adding another (delete the extra one and resend)",
    )



def test_create_commitment_is_planned_as_an_export_whose_outcome_names_the_sov_lines() -> None:
    request_data = commitment_request([sov_line(7460), sov_line(7461)], type="PurchaseOrderContract")
    result = plan("create_commitment", request_data, PlanningContext())
    assert [(w.work.kind, w.work.procore_id) for w in result.work] == [(KIND, "7453")]
    assert [(w.kind, w.after, dict(w.payload)) for w in result.writes] == [
        ("item_outcome", 0, {"detail_id": 7466, "item_type": "purchase_order_contract", "item_id": 7453,
                             "line_item_ids": [7460, 7461]}),
    ]


def test_a_refused_commitment_is_closed_failed_with_the_reason_and_nothing_queued() -> None:
    result = plan("create_commitment", commitment_request(job_id=None), PlanningContext())
    assert result.work == ()
    assert [dict(w.payload) for w in result.writes] == [{
        "detail_id": 7466, "status": "failed",
        "messages": ["Commitment 'SC-001' cannot be exported as a purchase order: its project "
                     "'Tower Apartments' is not synced with QuickBooks Desktop; export the project first"],
    }]
