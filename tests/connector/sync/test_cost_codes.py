"""Cost code export (ItemServiceAdd, link on 3100, probe) and update (ItemServiceMod, 3200 retry)."""

from __future__ import annotations

import pytest
from sync_helpers import COMPANY, OK, Env, item_service_ret, rs, xml

from connector.sync.cost_codes import (
    EXPORT_KIND,
    OBJECT_TYPE,
    CostCode,
    CostCodeAccountsMissing,
    CostCodeExportHandler,
    CostCodeNotSynced,
    CostCodeRejected,
    CostCodeUpdateHandler,
    add_request,
    check_cost_code,
    enqueue_exports,
    enqueue_update,
    work_from_request,
)
from connector.work import IdMapUpdate, NewWork

CC = CostCode("1001", "01-100", "General Requirements", "Construction Income", "Job Expenses")
IN_USE = 'statusCode="3100" statusSeverity="Error" statusMessage="The name &quot;01-100&quot; of the list element is already in use."'  # noqa: E501
NOT_FOUND_500 = (
    'statusCode="500" statusSeverity="Warn" statusMessage="The query request has not been fully completed. '
    'There was a required element (&quot;01-100&quot;) that could not be found in QuickBooks."'
)


QUERY = "<ItemQueryRq><FullName>01-100</FullName></ItemQueryRq>"


def code(text: str) -> CostCode:
    return CostCode("9", text, "d", "Construction Income", "Job Expenses")


def test_add_request_is_schema_ordered_with_desc_on_sales_and_purchase() -> None:
    assert xml(add_request(CC)) == (
        "<ItemServiceAddRq><ItemServiceAdd><Name>01-100</Name><SalesAndPurchase>"
        "<SalesDesc>General Requirements</SalesDesc><IncomeAccountRef><FullName>Construction Income"
        "</FullName></IncomeAccountRef><PurchaseDesc>General Requirements</PurchaseDesc><ExpenseAccountRef>"
        "<FullName>Job Expenses</FullName></ExpenseAccountRef></SalesAndPurchase></ItemServiceAdd>"
        "</ItemServiceAddRq>"
    )


def test_add_request_escapes_text() -> None:
    text = xml(add_request(CostCode("1", "R&D <1>", 'say "hi" & go', "Construction Income", "Job Expenses")))
    assert "<Name>R&amp;D &lt;1&gt;</Name>" in text
    assert "<SalesDesc>say &quot;hi&quot; &amp; go</SalesDesc>" in text


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9" * 97, "it has 97 characters; cost codes must not exceed 96 characters (QuickBooks Desktop "
                   "'Transaction Detail' reporting limitation)"),
        ("9" * 32, "it has 32 characters; a QuickBooks Desktop item name holds at most 31"),
        ("01:100", "':' separates sub-items in QuickBooks item names"),
        ("  ", "the code is empty"),
        ("01-\x01", "it cannot be written as qbXML"),
    ],
)
def test_codes_quickbooks_cannot_hold_are_refused_before_sending(text: str, reason: str) -> None:
    with pytest.raises(CostCodeRejected) as caught:
        check_cost_code(code(text))
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith(f"Cost code {text!r} cannot be exported: ")


def test_a_31_character_code_is_accepted() -> None:
    longest = code("9" * 31)
    check_cost_code(longest)  # refuses nothing at QuickBooks' limit
    assert f"<Name>{'9' * 31}</Name>" in xml(add_request(longest))


def test_enqueue_exports_queues_valid_codes_and_refuses_the_rest(env: Env) -> None:
    plan = enqueue_exports(env.queue, COMPANY, [CC, CostCode("2", "x" * 97, "", "A", "B")])
    assert list(plan.queued) == ["1001"] and list(plan.refused) == ["2"]
    [item] = env.queue.items(COMPANY)
    assert (item.kind, item.procore_id, item.payload["code"]) == (EXPORT_KIND, "1001", "01-100")


def test_created_item_is_mapped(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    out = handler.handle_response(env.sent(item_id), [rs(
        f'<ItemServiceAddRs requestID="{item_id}" {OK}>{item_service_ret("80000001-1", "01-100", "17")}'
        "</ItemServiceAddRs>")])
    assert (out.state, out.status_code, out.message) == ("done", "0", "Status OK")
    assert out.id_map == (IdMapUpdate(OBJECT_TYPE, "1001", "80000001-1", "17", "01-100"),)
    assert out.result == {"action": "created", "ListID": "80000001-1", "EditSequence": "17"}


def test_3100_queries_the_name_then_links_a_service_item(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    out = handler.handle_response(env.sent(item_id), [rs(f'<ItemServiceAddRs requestID="1" {IN_USE} />')])
    assert (out.state, out.status_code) == ("resend", "3100")
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))) == QUERY
    ret = item_service_ret("80000007-1", "01-100", "99")
    found = rs(f'<ItemQueryRs requestID="1" {OK}>{ret}</ItemQueryRs>')
    linked = handler.handle_response(env.sent(item_id), [found])
    assert linked.state == "done" and linked.result["action"] == "linked"
    assert linked.message == ('Linked to the existing Service item "01-100" (ListID 80000007-1): QuickBooks '
                              "answered 3100 (name already in use) to the add.")
    assert linked.id_map == (IdMapUpdate(OBJECT_TYPE, "1001", "80000007-1", "99", "01-100"),)


def test_3100_on_an_item_of_another_type_fails_with_a_clear_message(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    other = (f'<ItemQueryRs requestID="1" {OK}><ItemOtherChargeRet><ListID>80000003-1</ListID>'
             "<EditSequence>5</EditSequence><Name>01-100</Name><FullName>01-100</FullName>"
             "</ItemOtherChargeRet></ItemQueryRs>")
    env.apply(item_id, handler.handle_response(env.sent(item_id), [rs(f'<ItemServiceAddRs {IN_USE} />')]))
    out = handler.handle_response(env.sent(item_id), [rs(other)])
    assert (out.state, out.status_code) == ("failed", "3100")
    assert out.message == (
        'Cost code "01-100" cannot be synced: QuickBooks already has an item named "01-100" of type '
        "ItemOtherCharge; Procore cost codes can only be synced with QuickBooks items of type Service."
    )
    assert out.id_map == ()


def test_an_inactive_service_item_is_not_linked(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    env.apply(item_id, handler.handle_response(env.sent(item_id), [rs(f'<ItemServiceAddRs {IN_USE} />')]))
    inactive = item_service_ret("80000007-1", "01-100", "99").replace("<IsActive>true", "<IsActive>false")
    out = handler.handle_response(env.sent(item_id), [rs(f"<ItemQueryRs {OK}>{inactive}</ItemQueryRs>")])
    assert (out.state, out.status_code) == ("failed", "3100")
    assert out.message == (
        'Cost code "01-100" cannot be linked: the QuickBooks Service item "01-100" is inactive. Make it '
        "active in QuickBooks (or rename the cost code in Procore) and export it again."
    )


def test_name_gone_after_3100_goes_back_to_adding(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    env.apply(item_id, handler.handle_response(env.sent(item_id), [rs(f'<ItemServiceAddRs {IN_USE} />')]))
    out = handler.handle_response(env.sent(item_id), [rs(f"<ItemQueryRs {NOT_FOUND_500} />")])
    assert (out.state, out.result) == ("resend", {"phase": "add"})
    env.apply(item_id, out)
    assert xml(handler.build_request(env.view(item_id))).startswith("<ItemServiceAddRq>")


def test_probe_after_a_crash_links_what_quickbooks_created(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    assert xml(handler.build_probe(env.view(item_id))) == QUERY
    found = rs(f'<ItemQueryRs {OK}>{item_service_ret("80000009-1", "01-100", "3")}</ItemQueryRs>')
    out = handler.handle_probe_response(env.view(item_id, is_probe=True), [found])
    assert (out.state, out.result["action"], out.result["ListID"]) == ("done", "recovered", "80000009-1")
    nothing = rs(f"<ItemQueryRs {NOT_FOUND_500} />")
    missing = handler.handle_probe_response(env.view(item_id, is_probe=True), [nothing])
    assert missing.state == "resend"


def test_other_add_errors_fail_with_quickbooks_status(env: Env) -> None:
    handler = CostCodeExportHandler(env.context)
    item_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    message = (
        'There is an invalid reference to QuickBooks Account "Construction Income" in the ItemService.  '
        "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."
    )
    attr = message.replace('"', "&quot;")
    out = handler.handle_response(env.sent(item_id), [rs(
        f'<ItemServiceAddRs statusCode="3140" statusSeverity="Error" statusMessage="{attr}" />')])
    assert (out.state, out.status_code, out.message) == ("failed", "3140", message)


# -- update ----------------------------------------------------------------------------------------
RENAMED = CostCode("1001", "01-100", "General Requirements (Div. 01)", "Construction Income", "Job Expenses")
STALE = 'statusCode="3200" statusSeverity="Error" statusMessage="The provided edit sequence &quot;17&quot; is out-of-date. "'  # noqa: E501


def _mapped(env: Env, edit_sequence: str | None = "17") -> int:
    export_id = enqueue_exports(env.queue, COMPANY, [CC]).queued["1001"]
    env.sent(export_id)
    env.apply(export_id, CostCodeExportHandler(env.context).handle_response(env.view(export_id), [rs(
        f'<ItemServiceAddRs {OK}>{item_service_ret("80000001-1", "01-100", "17")}</ItemServiceAddRs>')]))
    return enqueue_update(env.queue, COMPANY, RENAMED)


def test_update_sends_mod_with_the_id_map_edit_sequence(env: Env) -> None:
    item_id = _mapped(env)
    assert xml(CostCodeUpdateHandler(env.context).build_request(env.view(item_id))) == (
        "<ItemServiceModRq><ItemServiceMod><ListID>80000001-1</ListID><EditSequence>17</EditSequence>"
        "<Name>01-100</Name><SalesAndPurchaseMod><SalesDesc>General Requirements (Div. 01)</SalesDesc>"
        "<IncomeAccountRef><FullName>Construction Income</FullName></IncomeAccountRef>"
        "<PurchaseDesc>General Requirements (Div. 01)</PurchaseDesc><ExpenseAccountRef><FullName>Job Expenses"
        "</FullName></ExpenseAccountRef></SalesAndPurchaseMod></ItemServiceMod></ItemServiceModRq>"
    )


def test_3200_takes_the_current_record_and_retries_once(env: Env) -> None:
    handler = CostCodeUpdateHandler(env.context)
    item_id = _mapped(env)
    current = item_service_ret("80000001-1", "01-100", "21")
    stale = f"<ItemServiceModRs {STALE}>{current}</ItemServiceModRs>"
    out = handler.handle_response(env.sent(item_id), [rs(stale)])
    assert (out.state, out.status_code, out.result) == ("resend", "3200", {"stale_retries": 1})
    env.apply(item_id, out)
    assert "<EditSequence>21</EditSequence>" in xml(handler.build_request(env.view(item_id)))
    again = handler.handle_response(env.sent(item_id), [rs(stale)])
    assert (again.state, again.status_code) == ("failed", "3200")
    assert again.message == 'The provided edit sequence "17" is out-of-date. '


def test_3200_without_the_record_rereads_it_first(env: Env) -> None:
    handler = CostCodeUpdateHandler(env.context)
    item_id = _mapped(env)
    out = handler.handle_response(env.sent(item_id), [rs(f"<ItemServiceModRs {STALE} />")])
    env.apply(item_id, out)
    mapping = env.context.id_map.by_procore_id(COMPANY, OBJECT_TYPE, "1001")
    assert mapping is not None and (mapping.qb_id, mapping.edit_sequence) == ("80000001-1", None)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<ItemServiceQueryRq><ListID>80000001-1</ListID></ItemServiceQueryRq>"
    )
    read = rs(f'<ItemServiceQueryRs {OK}>{item_service_ret("80000001-1", "01-100", "30")}'
              "</ItemServiceQueryRs>")
    reread = handler.handle_response(env.sent(item_id), [read])
    assert reread.state == "resend"
    env.apply(item_id, reread)
    assert "<EditSequence>30</EditSequence>" in xml(handler.build_request(env.view(item_id)))
    done = handler.handle_response(env.sent(item_id), [rs(
        f'<ItemServiceModRs {OK}>{item_service_ret("80000001-1", "01-100", "31")}</ItemServiceModRs>')])
    assert (done.state, done.result["action"], done.result["stale_retries"]) == ("done", "updated", 1)
    assert done.id_map[0].edit_sequence == "31"


def test_update_of_an_unsynced_cost_code_is_refused(env: Env) -> None:
    item_id = enqueue_update(env.queue, COMPANY, RENAMED)
    with pytest.raises(CostCodeNotSynced, match="has no QuickBooks item yet; export it first"):
        CostCodeUpdateHandler(env.context).build_request(env.view(item_id))


# -- from Procore's create_standard_cost_codes ------------------------------------------------------
INCOME_ID, EXPENSE_ID = "8000000A-1767621600", "8000000B-1767621600"


def entry(**fields: object) -> dict[str, object]:
    """One create_standard_cost_codes entry as the fake Procore emits it (sim/procore_fake payloads)."""
    body: dict[str, object] = {
        "id": 2, "standard_cost_code_list_id": 1, "origin_id": None, "parent_id": 1, "code": "100",
        "full_code": "01-100", "name": "General Requirements", "origin_data": None, "parent_origin_id": None,
        "long_name_helper": [["01", "100"], ["General Requirements"]],
        "erp_custom_fields": {"income_account_origin_id": INCOME_ID, "expense_account_origin_id": EXPENSE_ID},
        "request_detail_id": 41,
    }
    body.update(fields)
    return body


def test_work_from_request_names_the_item_by_full_code_and_accounts_by_list_id() -> None:
    cc = work_from_request(entry())
    assert cc == CostCode("2", "01-100", "General Requirements", income_account_list_id=INCOME_ID,
                          expense_account_list_id=EXPENSE_ID)
    assert cc.work() == NewWork(EXPORT_KIND, {
        "code": "01-100", "description": "General Requirements", "income_account": "", "expense_account": "",
        "income_account_list_id": INCOME_ID, "expense_account_list_id": EXPENSE_ID,
    }, "2")
    assert xml(add_request(cc)) == (
        "<ItemServiceAddRq><ItemServiceAdd><Name>01-100</Name><SalesAndPurchase>"
        f"<SalesDesc>General Requirements</SalesDesc><IncomeAccountRef><ListID>{INCOME_ID}</ListID>"
        f"</IncomeAccountRef><PurchaseDesc>General Requirements</PurchaseDesc><ExpenseAccountRef><ListID>"
        f"{EXPENSE_ID}</ListID></ExpenseAccountRef></SalesAndPurchase></ItemServiceAdd></ItemServiceAddRq>"
    )


def test_a_queued_code_keeps_its_account_list_ids(env: Env) -> None:
    cc = work_from_request(entry())
    work = cc.work()
    item_id = env.queue.enqueue(COMPANY, work.kind, work.payload, procore_id=work.procore_id)
    request = xml(CostCodeExportHandler(env.context).build_request(env.view(item_id)))
    assert f"<IncomeAccountRef><ListID>{INCOME_ID}</ListID></IncomeAccountRef>" in request


def test_a_top_level_code_without_full_code_uses_its_code() -> None:
    assert work_from_request(entry(full_code=None, code="01", parent_id=None)).code == "01"


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({}, "no income and no expense account was chosen"),
        ({"income_account_origin_id": INCOME_ID}, "no expense account was chosen"),
        ({"expense_account_origin_id": EXPENSE_ID, "income_account_origin_id": ""},
         "no income account was chosen"),
    ],
)
def test_a_code_without_its_accounts_is_refused_naming_acceptance(
    fields: dict[str, str], missing: str
) -> None:
    with pytest.raises(CostCodeAccountsMissing) as caught:
        work_from_request(entry(erp_custom_fields=fields))
    assert isinstance(caught.value, CostCodeRejected)
    assert caught.value.status_code == "CostCodeAccountsMissing"
    assert caught.value.message == (
        f"Cost code '01-100' cannot be exported: {missing}; the income and expense accounts are chosen when "
        "the cost code is accepted for export"
    )


def test_work_from_request_refuses_what_quickbooks_cannot_hold() -> None:
    with pytest.raises(CostCodeRejected) as caught:
        work_from_request(entry(full_code="01-" + "1" * 30))
    assert (caught.value.status_code, caught.value.reason) == (
        "CostCodeRejected", "it has 33 characters; a QuickBooks Desktop item name holds at most 31"
    )


def test_enqueue_exports_refuses_a_code_without_accounts(env: Env) -> None:
    plan = enqueue_exports(env.queue, COMPANY, [CostCode("5", "05-100", "Steel")])
    assert plan.refused == {
        "5": "Cost code '05-100' cannot be exported: no income and no expense account was chosen; the income "
             "and expense accounts are chosen when the cost code is accepted for export"
    }


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (["01-100"], "the ERP Request entry is not an object"),
        (entry(id=None), "the ERP Request entry has no cost code id"),
    ],
)
def test_a_malformed_entry_is_a_named_refusal(value: object, reason: str) -> None:
    with pytest.raises(CostCodeRejected) as caught:
        work_from_request(value)  # type: ignore[arg-type]
    assert (caught.value.status_code, caught.value.reason) == ("CostCodeRejected", reason)
