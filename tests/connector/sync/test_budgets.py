"""Budgets → estimates: the create_budget / update_budget translator, EstimateAdd, the read-then-EstimateMod
re-export, QuickBooks' errors and the probes after a crash (literal, XSD-valid QuickBooks answers)."""

from __future__ import annotations

from typing import Any

import pytest
from sync_helpers import COMPANY, OK, Env, rs, valid_rs, xml

from connector.sync.answers import UnexpectedAnswer
from connector.sync.budgets import (
    EXPORT_KIND,
    OBJECT_TYPE,
    UPDATE_KIND,
    BudgetCostCodeNotSynced,
    BudgetExportHandler,
    BudgetProjectNotSynced,
    BudgetRejected,
    work_from_request,
)
from connector.sync.erp_requests import PlanningContext, plan
from connector.work import IdMapUpdate, NewWork, PlannedWrite

JOB = "80000015-1705327200"
ITEM = "80000013-1705327200"
ITEM_2 = "80000014-1705327200"
ESTIMATE = "1-1705327200"
ORIGINAL = "Erp::OriginalEstimateTransaction"
REVISED = "Erp::RevisedEstimateTransaction"


def txn(txn_id: int, job_cost: int, value: float, kind: str = ORIGINAL, source: str | None = None
        ) -> dict[str, Any]:
    """A transaction as Procore sends it (the dictionary's create_budget example keys)."""
    return {"id": txn_id, "origin_id": None, "code": None, "value": value, "synced": False, "type": kind,
            "procore_transaction_id": None, "procore_transaction_type": source, "job_cost_id": job_cost,
            "created_at": "2024-01-15T14:00:00Z", "notes": None}


def budget_request(transactions: list[dict[str, Any]] | None = None, *, origin_id: str | None = None,
                   job_id: str | None = JOB, second_item: str | None = ITEM_2) -> dict[str, Any]:
    job_costs = [
        {"id": 501, "cost_code_origin_id": f"{JOB}|{ITEM}", "line_item_type_origin_id": None,
         "budget_line_item_id": 501, "new_amount": 1000.0, "job_origin_id": job_id,
         "sub_job_origin_id": None},
        {"id": 502, "cost_code_origin_id": f"{JOB}|{second_item}" if second_item else None,
         "line_item_type_origin_id": None, "budget_line_item_id": 502, "new_amount": 2500.5,
         "job_origin_id": job_id, "sub_job_origin_id": None},
    ]
    return {
        "job_id": job_id,
        "budget": {"id": 7479, "origin_id": origin_id, "origin_data": None, "synced": bool(origin_id),
                   "custom_fields": {}, "project_id": 7428},
        "job_costs": job_costs,
        "transactions": [txn(7480, 501, 1000.0), txn(7484, 502, 2500.5)] if transactions is None
        else transactions,
        "request_detail_id": 7490,
        "project_cost_codes": [
            {"id": 11, "origin_id": f"{JOB}|{ITEM}", "full_code": "01-100", "code": "100",
             "name": "Site Work"},
            {"id": 12, "origin_id": f"{JOB}|{ITEM_2}", "full_code": "03-300", "code": "300",
             "name": "Cast-in-Place Concrete"},
        ],
    }


def work(request_data: dict[str, Any]) -> NewWork:
    made, _ = work_from_request(request_data)
    assert made is not None
    return made


def enqueue(env: Env, new: NewWork) -> int:
    return env.queue.enqueue(COMPANY, new.kind, new.payload, procore_id=new.procore_id)


def handler(env: Env, kind: str = EXPORT_KIND) -> BudgetExportHandler:
    return BudgetExportHandler(env.context, kind)


def line_ret(txn_line_id: str, item: str, code: str, amount: str, other1: str | None) -> str:
    marker = f"<Other1>{other1}</Other1>" if other1 else ""
    return (f"<EstimateLineRet><TxnLineID>{txn_line_id}</TxnLineID><ItemRef><ListID>{item}</ListID>"
            f"<FullName>{code}</FullName></ItemRef><Desc>{code}</Desc><Rate>{amount}</Rate>"
            f"<Amount>{amount}</Amount>{marker}</EstimateLineRet>")


def estimate_ret(lines: tuple[tuple[str, str, str, str, str | None], ...], *, txn_id: str = ESTIMATE,
                 job: str = JOB, edit_sequence: str = "1705327200", group: bool = False) -> str:
    grouped = ("<EstimateLineGroupRet><TxnLineID>9-1</TxnLineID><ItemGroupRef><FullName>Kit</FullName>"
               "</ItemGroupRef><IsPrintItemsInGroup>false</IsPrintItemsInGroup><TotalAmount>0.00</TotalAmount>"
               "</EstimateLineGroupRet>") if group else ""
    return (f"<EstimateRet><TxnID>{txn_id}</TxnID><TimeCreated>2024-01-15T09:00:00-05:00</TimeCreated>"
            "<TimeModified>2024-01-15T09:00:00-05:00</TimeModified>"
            f"<EditSequence>{edit_sequence}</EditSequence><TxnNumber>1</TxnNumber>"
            f"<CustomerRef><ListID>{job}</ListID><FullName>Tower Apartments</FullName></CustomerRef>"
            "<TxnDate>2024-01-15</TxnDate><IsActive>true</IsActive><Subtotal>3500.50</Subtotal>"
            "<SalesTaxPercentage>0.00</SalesTaxPercentage><SalesTaxTotal>0.00</SalesTaxTotal>"
            "<TotalAmount>3500.50</TotalAmount>"
            f"{''.join(line_ret(*ln) for ln in lines)}{grouped}</EstimateRet>")


FIRST = (("3-1705327200", ITEM, "01-100", "1000.00", "Procore 7480"),
         ("4-1705327200", ITEM_2, "03-300", "2500.50", "Procore 7484"))


# -- the translator --------------------------------------------------------------------------------------
def test_a_first_export_becomes_an_estimate_add_per_the_mapping(env: Env) -> None:
    new = work(budget_request())
    assert (new.kind, new.procore_id) == (EXPORT_KIND, "7479")
    assert new.payload == {
        "budget_id": "7479", "project_id": 7428, "job_list_id": JOB, "txn_id": None,
        "lines": [
            {"transaction_id": "7480", "source": "original", "budget_line_item_id": 501,
             "cost_code": "01-100", "item_list_id": ITEM, "description": "Site Work", "amount": "1000.00"},
            {"transaction_id": "7484", "source": "original", "budget_line_item_id": 502,
             "cost_code": "03-300", "item_list_id": ITEM_2, "description": "Cast-in-Place Concrete",
             "amount": "2500.50"},
        ],
    }
    # Customer:Job; per line Item = the cost code's Service item, Description, Rate = Amount = Original Budget
    assert xml(handler(env).build_request(env.view(enqueue(env, new)))) == (
        f"<EstimateAddRq><EstimateAdd><CustomerRef><ListID>{JOB}</ListID></CustomerRef>"
        f"<EstimateLineAdd><ItemRef><ListID>{ITEM}</ListID></ItemRef><Desc>Site Work</Desc>"
        "<Rate>1000.00</Rate><Amount>1000.00</Amount><Other1>Procore 7480</Other1></EstimateLineAdd>"
        f"<EstimateLineAdd><ItemRef><ListID>{ITEM_2}</ListID></ItemRef><Desc>Cast-in-Place Concrete</Desc>"
        "<Rate>2500.50</Rate><Amount>2500.50</Amount><Other1>Procore 7484</Other1></EstimateLineAdd>"
        "</EstimateAdd></EstimateAddRq>"
    )


def test_a_budget_with_an_origin_id_is_a_reexport_of_its_pending_transactions() -> None:
    mods = [txn(7511, 501, -100.0, REVISED, "BudgetModification"), txn(7518, 502, 100.0, REVISED,
                                                                          "BudgetModification")]
    new = work(budget_request(mods, origin_id=ESTIMATE))
    assert (new.kind, new.payload["txn_id"]) == (UPDATE_KIND, ESTIMATE)
    assert [(ln["source"], ln["amount"]) for ln in new.payload["lines"]] == [
        ("BudgetModification", "-100.00"), ("BudgetModification", "100.00")]


def test_prime_contract_change_order_transactions_are_left_out_and_said_so() -> None:
    pcco = txn(7600, 501, 5000.0, REVISED, "PrimeContractChangeOrder")
    new, left_out = work_from_request(budget_request([txn(7480, 501, 1000.0), pcco]))
    assert new is not None and [ln["transaction_id"] for ln in new.payload["lines"]] == ["7480"]
    assert left_out == ("Transaction 7600 (PrimeContractChangeOrder, 5000.0) was not exported: prime "
                        "contract change order amounts are not exported to QuickBooks Desktop.",)


def test_a_reexport_with_nothing_for_quickbooks_closes_success_without_work() -> None:
    pcco = txn(7600, 501, 5000.0, REVISED, "PrimeContractChangeOrder")
    request = plan("update_budget", budget_request([pcco], origin_id=ESTIMATE), PlanningContext())
    assert request.work == ()
    assert request.writes == (PlannedWrite("close_detail", {"detail_id": 7490, "status": "success",
                                                            "messages": [
        "Nothing to export to QuickBooks Desktop: the export carries only prime contract change order "
        "amounts.",
        "Transaction 7600 (PrimeContractChangeOrder, 5000.0) was not exported: prime contract change order "
        "amounts are not exported to QuickBooks Desktop."]}),)


def test_a_reexport_whose_edits_cancel_out_closes_success_saying_quickbooks_has_it_all() -> None:
    request = plan("update_budget", budget_request([], origin_id=ESTIMATE), PlanningContext())
    assert request.work == ()
    message = "QuickBooks Desktop already has every amount of this budget; nothing to export."
    assert request.writes == (PlannedWrite("close_detail", {"detail_id": 7490, "status": "success",
                                                            "messages": [message]}),)


def test_the_plan_of_a_budget_export_writes_its_outcome_after_the_work() -> None:
    request = plan("create_budget", budget_request(), PlanningContext())
    [planned] = request.work
    assert planned.work.kind == EXPORT_KIND
    assert request.writes == (PlannedWrite("item_outcome", {"detail_id": 7490, "item_type": "budget",
                                                            "item_id": 7479, "project_id": 7428,
                                                            "messages": []}, after=0),)


@pytest.mark.parametrize(("request_data", "refusal", "message"), [
    (budget_request(job_id=None), BudgetProjectNotSynced,
     "its project is not synced with QuickBooks Desktop; export the project first"),
    (budget_request(second_item=None), BudgetCostCodeNotSynced,
     "cost code(s) (budget line 502) are not synced with QuickBooks Desktop; export the standard cost codes "
     "(and the project) first"),
    ({**budget_request(second_item=None), "unsynced_line_codes": {"502": "03-300"}}, BudgetCostCodeNotSynced,
     "cost code(s) 03-300 are not synced with QuickBooks Desktop; export the standard cost codes (and the "
     "project) first"),
    (budget_request([]), BudgetRejected,
     "Procore sent no budget amount to export (the export carries no transaction that is not synced yet)"),
    (budget_request([txn(7480, 501, 10.005)]), BudgetRejected,
     "transaction 7480's value 10.005 has fractions of a cent; QuickBooks amounts have two decimals"),
    (budget_request([txn(7480, 501, 1.0, REVISED, "ChangeEvent")]), BudgetRejected,
     "transaction 7480 is a 'Erp::RevisedEstimateTransaction' of 'ChangeEvent', which this connector does "
     "not know how to write to an estimate"),
    (budget_request([txn(7480, 999, 1.0)]), BudgetRejected,
     "transaction 7480 names job cost 999, which the export does not carry"),
    ({"job_id": JOB}, BudgetRejected, "the ERP Request carries no budget with an id"),
    ({**budget_request(), "budget": {"id": 7479, "origin_id": None, "project_id": "7428"}}, BudgetRejected,
     "its project id '7428' is not a Procore id"),
])
def test_a_budget_that_cannot_be_an_estimate_is_refused_with_the_reason(
    request_data: dict[str, Any], refusal: type[BudgetRejected], message: str
) -> None:
    with pytest.raises(refusal) as refused:
        work_from_request(request_data)
    assert refused.value.status_code == refusal.status
    assert refused.value.message == (
        f"The budget cannot be exported to QuickBooks Desktop as an estimate: {message}")
    # the planner closes the detail failed with that reason, nothing queued
    request = plan("create_budget", {**request_data, "request_detail_id": 7490}, PlanningContext())
    assert request.work == ()
    assert request.writes == (PlannedWrite("close_detail", {"detail_id": 7490, "status": "failed",
                                                            "messages": [refused.value.message]}),)


# -- first export ----------------------------------------------------------------------------------------
def test_an_added_estimate_records_its_txn_id_and_each_transactions_line(env: Env) -> None:
    item = enqueue(env, work(budget_request()))
    answer = valid_rs(f"<EstimateAddRs requestID=\"{item}\" {OK}>{estimate_ret(FIRST)}</EstimateAddRs>")
    outcome = handler(env).handle_response(env.sent(item), [answer])
    assert outcome.state == "done"
    assert outcome.result == {"action": "created", "TxnID": ESTIMATE, "EditSequence": "1705327200",
                              "transaction_lines": {"7480": "3-1705327200", "7484": "4-1705327200"},
                              "stale_retries": 0}
    assert outcome.id_map == (IdMapUpdate(OBJECT_TYPE, "7479", ESTIMATE, "1705327200"),)


def test_a_quickbooks_error_fails_the_export_with_its_code_and_message(env: Env) -> None:
    item = enqueue(env, work(budget_request()))
    answer = rs(f'<EstimateAddRs requestID="{item}" statusCode="3250" statusSeverity="Error" '
                'statusMessage="This feature is not enabled or not available in this version of '
                'QuickBooks." />')
    outcome = handler(env).handle_response(env.sent(item), [answer])
    assert (outcome.state, outcome.status_code, outcome.message) == (
        "failed", "3250", "This feature is not enabled or not available in this version of QuickBooks.")


def test_an_add_answered_with_another_jobs_estimate_is_looked_up_not_recorded(env: Env) -> None:
    item = enqueue(env, work(budget_request()))
    answer = valid_rs(f"<EstimateAddRs requestID=\"{item}\" {OK}>"
                      f"{estimate_ret(FIRST, job='80000099-1705327200')}</EstimateAddRs>")
    outcome = handler(env).handle_response(env.sent(item), [answer])
    assert (outcome.state, outcome.status_code) == ("resend", "WrongObject")
    assert outcome.result == {"phase": "probe"}
    assert outcome.id_map == ()
    env.apply(item, outcome)
    # the look-up: the job's estimates with their lines
    assert xml(handler(env).build_request(env.view(item))) == (
        f"<EstimateQueryRq><EntityFilter><ListID>{JOB}</ListID></EntityFilter>"
        "<IncludeLineItems>true</IncludeLineItems></EstimateQueryRq>")


def test_a_crash_probe_finds_the_estimate_by_its_marked_lines_and_adds_nothing(env: Env) -> None:
    item = enqueue(env, work(budget_request()))
    probe = handler(env).build_probe(env.sent(item))
    assert xml(probe).startswith(f"<EstimateQueryRq><EntityFilter><ListID>{JOB}</ListID>")
    # a person's estimate on the same job (with an item group) is not ours, and not in the way
    other = estimate_ret((("7-1", ITEM, "01-100", "5.00", None),), txn_id="2-1705327200", group=True)
    answer = valid_rs(f"<EstimateQueryRs requestID=\"{item}\" {OK}>{other}{estimate_ret(FIRST)}"
                      "</EstimateQueryRs>")
    outcome = handler(env).handle_probe_response(env.view(item, is_probe=True), [answer])
    assert (outcome.state, outcome.result["action"]) == ("done", "recovered")
    assert outcome.result["TxnID"] == ESTIMATE
    assert outcome.message == (f"QuickBooks estimate {ESTIMATE} already has every line of this export (an "
                               "interrupted session or a resend); nothing added again.")


def test_a_crash_probe_that_finds_nothing_adds_and_one_that_finds_two_fails(env: Env) -> None:
    item = enqueue(env, work(budget_request()))
    none = valid_rs(f'<EstimateQueryRs requestID="{item}" statusCode="1" statusSeverity="Info" '
                    'statusMessage="A query request did not find a matching object in QuickBooks" />')
    outcome = handler(env).handle_probe_response(env.view(item, is_probe=True), [none])
    assert (outcome.state, outcome.result) == ("resend", {"phase": "add"})
    two = valid_rs(f"<EstimateQueryRs requestID=\"{item}\" {OK}>{estimate_ret(FIRST)}"
                   f"{estimate_ret(FIRST, txn_id='2-1705327200')}</EstimateQueryRs>")
    outcome = handler(env).handle_probe_response(env.view(item, is_probe=True), [two])
    assert (outcome.state, outcome.status_code) == ("failed", "UnexpectedAnswer")
    assert outcome.message == (f"QuickBooks has 2 estimates ({ESTIMATE}, 2-1705327200) with lines of this "
                               "budget; not adding another (delete the extra one and resend)")


def test_an_export_of_a_budget_this_connector_already_added_reads_it_instead_of_adding(env: Env) -> None:
    known = IdMapUpdate(OBJECT_TYPE, "7479", ESTIMATE, "1705327200")
    env.queue.complete(enqueue(env, work(budget_request())), "T0", state="done", status_code="0",
                       message="Status OK", id_map=(known,))
    item = enqueue(env, work(budget_request()))
    assert xml(handler(env).build_request(env.view(item))) == (
        f"<EstimateQueryRq><TxnID>{ESTIMATE}</TxnID><IncludeLineItems>true</IncludeLineItems></EstimateQueryRq>")


# -- re-export -------------------------------------------------------------------------------------------
MODS = [txn(7511, 501, -100.0, REVISED, "BudgetModification"),
        txn(7518, 502, 100.0, REVISED, "BudgetModification")]


def _read(env: Env, item: int, ret: str) -> Any:
    answer = valid_rs(f"<EstimateQueryRs requestID=\"{item}\" {OK}>{ret}</EstimateQueryRs>")
    outcome = handler(env, UPDATE_KIND).handle_response(env.sent(item), [answer])
    env.apply(item, outcome)
    return outcome


def test_a_reexport_reads_the_estimate_then_mods_it_keeping_every_line_and_appending_the_new(
    env: Env,
) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    assert xml(handler(env, UPDATE_KIND).build_request(env.view(item))) == (
        f"<EstimateQueryRq><TxnID>{ESTIMATE}</TxnID><IncludeLineItems>true</IncludeLineItems></EstimateQueryRq>")
    # the accountant's own line (no marker) is kept too
    own = ("5-1705327200", ITEM, "01-100", "75.00", None)
    outcome = _read(env, item, estimate_ret((*FIRST, own), edit_sequence="1705400000"))
    assert (outcome.state, outcome.result["missing"]) == ("resend", ["7511", "7518"])
    assert xml(handler(env, UPDATE_KIND).build_request(env.view(item))) == (
        f"<EstimateModRq><EstimateMod><TxnID>{ESTIMATE}</TxnID><EditSequence>1705400000</EditSequence>"
        "<EstimateLineMod><TxnLineID>3-1705327200</TxnLineID></EstimateLineMod>"
        "<EstimateLineMod><TxnLineID>4-1705327200</TxnLineID></EstimateLineMod>"
        "<EstimateLineMod><TxnLineID>5-1705327200</TxnLineID></EstimateLineMod>"
        f"<EstimateLineMod><TxnLineID>-1</TxnLineID><ItemRef><ListID>{ITEM}</ListID></ItemRef>"
        "<Desc>Site Work</Desc><Rate>-100.00</Rate><Amount>-100.00</Amount><Other1>Procore 7511</Other1>"
        "</EstimateLineMod>"
        f"<EstimateLineMod><TxnLineID>-1</TxnLineID><ItemRef><ListID>{ITEM_2}</ListID></ItemRef>"
        "<Desc>Cast-in-Place Concrete</Desc><Rate>100.00</Rate><Amount>100.00</Amount>"
        "<Other1>Procore 7518</Other1></EstimateLineMod></EstimateMod></EstimateModRq>")
    modified = estimate_ret((*FIRST, own, ("6-1", ITEM, "01-100", "-100.00", "Procore 7511"),
                             ("7-1", ITEM_2, "03-300", "100.00", "Procore 7518")), edit_sequence="1705400001")
    answer = valid_rs(f"<EstimateModRs requestID=\"{item}\" {OK}>{modified}</EstimateModRs>")
    outcome = handler(env, UPDATE_KIND).handle_response(env.sent(item), [answer])
    assert (outcome.state, outcome.result["action"], outcome.result["transaction_lines"]) == (
        "done", "updated", {"7511": "6-1", "7518": "7-1"})
    assert outcome.id_map == (IdMapUpdate(OBJECT_TYPE, "7479", ESTIMATE, "1705400001"),)


def test_a_reexport_sends_only_the_transactions_the_estimate_lacks(env: Env) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    half = (*FIRST, ("6-1", ITEM, "01-100", "-100.00", "Procore 7511"))
    outcome = _read(env, item, estimate_ret(half))
    assert outcome.result["missing"] == ["7518"]
    request = xml(handler(env, UPDATE_KIND).build_request(env.view(item)))
    assert request.count("<TxnLineID>-1</TxnLineID>") == 1 and "Procore 7511" not in request
    # and an estimate holding all of them is left alone
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    whole = (*half, ("7-1", ITEM_2, "03-300", "100.00", "Procore 7518"))
    outcome = _read(env, item, estimate_ret(whole))
    assert (outcome.state, outcome.result["action"]) == ("done", "unchanged")


def test_a_stale_edit_sequence_rereads_once_then_fails_with_quickbooks_message(env: Env) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    stale = ('statusCode="3200" statusSeverity="Error" statusMessage="The provided edit sequence '
             '&quot;1705327200&quot; is out-of-date. "')
    for spent in (0, 1):
        _read(env, item, estimate_ret(FIRST))
        outcome = handler(env, UPDATE_KIND).handle_response(
            env.sent(item), [rs(f'<EstimateModRs requestID="{item}" {stale} />')])
        env.apply(item, outcome)
        if spent == 0:
            assert (outcome.state, outcome.result) == (
                "resend", {"phase": "read", "TxnID": ESTIMATE, "stale_retries": 1})
            assert xml(handler(env, UPDATE_KIND).build_request(env.view(item))).startswith(
                f"<EstimateQueryRq><TxnID>{ESTIMATE}</TxnID>")
    assert (outcome.state, outcome.status_code) == ("failed", "3200")
    assert outcome.message == 'The provided edit sequence "1705327200" is out-of-date. '


def test_an_estimate_gone_from_quickbooks_fails_with_quickbooks_message(env: Env) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    gone = rs(f'<EstimateQueryRs requestID="{item}" statusCode="500" statusSeverity="Warn" statusMessage='
              '"The query request has not been fully completed. There was a required element '
              f'(&quot;{ESTIMATE}&quot;) that could not be found in QuickBooks." />')
    outcome = handler(env, UPDATE_KIND).handle_response(env.sent(item), [gone])
    assert (outcome.state, outcome.status_code) == ("failed", "500")
    assert outcome.message is not None and ESTIMATE in outcome.message


def test_an_estimate_with_a_line_group_is_refused_naming_it(env: Env) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    answer = valid_rs(f"<EstimateQueryRs requestID=\"{item}\" {OK}>{estimate_ret(FIRST, group=True)}"
                      "</EstimateQueryRs>")
    with pytest.raises(UnexpectedAnswer) as refused:
        handler(env, UPDATE_KIND).handle_response(env.sent(item), [answer])
    assert refused.value.status_code == "UnexpectedAnswer"
    assert "with a line group in its EstimateRet" in refused.value.message


def test_a_read_of_another_jobs_estimate_is_refused(env: Env) -> None:
    item = enqueue(env, work(budget_request(MODS, origin_id=ESTIMATE)))
    answer = valid_rs(f"<EstimateQueryRs requestID=\"{item}\" {OK}>"
                      f"{estimate_ret(FIRST, job='80000099-1705327200')}</EstimateQueryRs>")
    with pytest.raises(UnexpectedAnswer) as refused:
        handler(env, UPDATE_KIND).handle_response(env.sent(item), [answer])
    assert refused.value.message == ("QuickBooks answered EstimateQueryRs status 0 with estimate "
                                     f"{ESTIMATE} of another Customer:Job than {JOB}")


def test_an_estimate_this_connector_added_before_and_quickbooks_no_longer_has_is_added_anew(env: Env) -> None:
    known = IdMapUpdate(OBJECT_TYPE, "7479", ESTIMATE, "1705327200")
    env.queue.complete(enqueue(env, work(budget_request())), "T0", state="done", status_code="0",
                       message="Status OK", id_map=(known,))
    item = enqueue(env, work(budget_request()))  # Procore: not synced (the budget was unlinked)
    gone = rs(f'<EstimateQueryRs requestID="{item}" statusCode="500" statusSeverity="Warn" statusMessage='
              '"The query request has not been fully completed. There was a required element '
              f'(&quot;{ESTIMATE}&quot;) that could not be found in QuickBooks." />')
    outcome = handler(env).handle_response(env.sent(item), [gone])
    assert (outcome.state, outcome.result) == ("resend", {"phase": "add"})
    env.apply(item, outcome)
    assert xml(handler(env).build_request(env.view(item))).startswith("<EstimateAddRq>")
    # and a crash after that add is probed by the job's estimates, not by the old TxnID
    assert xml(handler(env).build_probe(env.view(item, is_probe=True))).startswith(
        f"<EstimateQueryRq><EntityFilter><ListID>{JOB}</ListID>")
