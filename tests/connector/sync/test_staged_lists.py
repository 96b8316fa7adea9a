"""Service items and the chart of accounts, staged for Procore's drop-downs (retainage item, accounts)."""

from __future__ import annotations

from sync_helpers import COMPANY, LIST_CORE, OK, Env, new_env, valid_rs, xml

from connector.sync.accounts import KIND as ACCOUNT_KIND
from connector.sync.accounts import AccountImportHandler
from connector.sync.context import SyncOptions
from connector.sync.cost_codes import CostCode, enqueue_exports
from connector.sync.jobs import KIND as JOB_KIND
from connector.sync.jobs import JobImportHandler
from connector.sync.service_items import KIND as ITEM_KIND
from connector.sync.service_items import ServiceItemImportHandler
from connector.work import IdMapUpdate, Outcome


def service_ret(list_id: str, full_name: str, desc: str, *, active: bool = True) -> str:
    name = full_name.rsplit(":", 1)[-1]
    parent = (f"<ParentRef><ListID>80000050-1767621600</ListID><FullName>{full_name.rsplit(':', 1)[0]}"
              "</FullName></ParentRef>" if ":" in full_name else "")
    return (f"<ItemServiceRet><ListID>{list_id}</ListID>{LIST_CORE}<EditSequence>1767621600</EditSequence>"
            f"<Name>{name}</Name><FullName>{full_name}</FullName><IsActive>{str(active).lower()}</IsActive>"
            f"{parent}<Sublevel>{full_name.count(':')}</Sublevel><SalesOrPurchase><Desc>{desc}</Desc>"
            "<Price>0.00</Price><AccountRef><ListID>80000008-1767621600</ListID><FullName>Retainage Payable"
            "</FullName></AccountRef></SalesOrPurchase></ItemServiceRet>")


def account_ret(list_id: str, full_name: str, account_type: str, number: str = "") -> str:
    name = full_name.rsplit(":", 1)[-1]
    parent = (f"<ParentRef><ListID>80000012-1767621600</ListID><FullName>{full_name.rsplit(':', 1)[0]}"
              "</FullName></ParentRef>" if ":" in full_name else "")
    number_el = f"<AccountNumber>{number}</AccountNumber>" if number else ""
    return (f"<AccountRet><ListID>{list_id}</ListID>{LIST_CORE}<EditSequence>1767621600</EditSequence>"
            f"<Name>{name}</Name><FullName>{full_name}</FullName><IsActive>true</IsActive>{parent}"
            f"<Sublevel>{full_name.count(':')}</Sublevel><AccountType>{account_type}</AccountType>"
            f"{number_el}<Balance>0.00</Balance><TotalBalance>0.00</TotalBalance></AccountRet>")


def test_service_items_are_read_with_an_iterator() -> None:
    env = new_env(SyncOptions(import_page_size=50))
    item_id = env.queue.enqueue(COMPANY, ITEM_KIND, {})
    handler = ServiceItemImportHandler(env.context)
    assert xml(handler.build_request(env.view(item_id))) == (
        '<ItemServiceQueryRq iterator="Start"><MaxReturned>50</MaxReturned><ActiveStatus>ActiveOnly'
        "</ActiveStatus></ItemServiceQueryRq>"
    )
    assert handler.build_probe(env.view(item_id)) is None


def test_service_items_are_staged_with_what_a_procore_user_chooses_by(env: Env) -> None:
    # 01-100 is already synced with a Procore cost code: seed 004 says the retainage item should not be
    code = CostCode("1001", "01-100", "General Requirements", "Construction Income", "Job Expenses")
    export_id = enqueue_exports(env.queue, COMPANY, [code]).queued["1001"]
    env.sent(export_id)
    env.apply(export_id, Outcome.done(id_map=(IdMapUpdate("cost_code", "1001", "80000003-1767621600", "1"),)))
    item_id = env.queue.enqueue(COMPANY, ITEM_KIND, {})
    body = (service_ret("80000002-1767621600", "Retainage Payable", "Retainage held")
            + service_ret("80000003-1767621600", "01-100", "General Requirements")
            + service_ret("80000004-1767621600", "Site:Grading", "Grading"))
    page = valid_rs(f'<ItemServiceQueryRs {OK} retCount="3" iteratorRemainingCount="0" '
                    f'iteratorID="{{IT-7}}">{body}</ItemServiceQueryRs>')
    out = ServiceItemImportHandler(env.context).handle_response(env.sent(item_id), [page])
    assert out.result == {"pages": 1, "read": 3, "staged": 3, "skipped": 0, "remaining": 0}
    staged = {s.name: s for s in env.context.staging.list(COMPANY, "item")}
    assert list(staged) == ["Retainage Payable", "01-100", "Site:Grading"]
    assert staged["Retainage Payable"].qb_id == "80000002-1767621600"
    assert staged["Retainage Payable"].data == {
        "name": "Retainage Payable", "full_name": "Retainage Payable", "item_type": "Service",
        "description": "Retainage held", "parent": None, "sublevel": 0, "is_active": True,
        "synced_cost_code": None,
    }
    assert staged["01-100"].data["synced_cost_code"] == "1001"
    assert (staged["Site:Grading"].data["parent"], staged["Site:Grading"].data["sublevel"]) == ("Site", 1)


def test_the_chart_of_accounts_is_one_query_for_income_and_expense_types(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, ACCOUNT_KIND, {})
    handler = AccountImportHandler(env.context)
    assert xml(handler.build_request(env.view(item_id))) == (
        "<AccountQueryRq><ActiveStatus>ActiveOnly</ActiveStatus><AccountType>Income</AccountType><AccountType>"
        "OtherIncome</AccountType><AccountType>CostOfGoodsSold</AccountType><AccountType>Expense</AccountType>"
        "<AccountType>OtherExpense</AccountType></AccountQueryRq>"
    )
    everything = env.queue.enqueue(COMPANY, ACCOUNT_KIND, {"active_only": False})
    assert "<ActiveStatus>" not in xml(handler.build_request(env.view(everything)))
    assert handler.build_probe(env.view(item_id)) is None


def test_accounts_are_staged_with_type_number_and_side(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, ACCOUNT_KIND, {})
    body = (account_ret("80000007-1767621600", "Construction Income", "Income", "4000")
            + account_ret("80000012-1767621600", "Job Expenses", "CostOfGoodsSold")
            + account_ret("80000013-1767621600", "Job Expenses:Subcontractors", "CostOfGoodsSold", "5100"))
    answer = valid_rs(f'<AccountQueryRs {OK}>{body}</AccountQueryRs>')
    out = AccountImportHandler(env.context).handle_response(env.sent(item_id), [answer])
    assert (out.state, out.result) == ("done", {"pages": 1, "read": 3, "staged": 3, "skipped": 0,
                                                "remaining": 0})
    staged = {s.name: s for s in env.context.staging.list(COMPANY, "account")}
    assert staged["Construction Income"].data == {
        "name": "Construction Income", "full_name": "Construction Income", "account_type": "Income",
        "account_number": "4000", "use": "income", "sublevel": 0, "is_active": True,
    }
    sub = staged["Job Expenses:Subcontractors"]
    assert (sub.qb_id, sub.data["use"], sub.data["sublevel"]) == ("80000013-1767621600", "expense", 1)
    assert staged["Job Expenses"].data["account_number"] is None


def test_no_accounts_of_those_types_stages_nothing(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, ACCOUNT_KIND, {})
    none = valid_rs('<AccountQueryRs statusCode="1" statusSeverity="Info" '
                    'statusMessage="A query request did not find a matching object in QuickBooks" />')
    out = AccountImportHandler(env.context).handle_response(env.sent(item_id), [none])
    assert (out.state, out.result["read"]) == ("done", 0)
    assert env.context.staging.list(COMPANY, "account") == []


def test_a_bill_to_without_address_lines_is_no_address_source(env: Env) -> None:
    item_id = env.queue.enqueue(COMPANY, JOB_KIND, {})
    note_only = ("<BillAddress><Note>deliveries at the back</Note></BillAddress>")
    ret = (f"<CustomerRet><ListID>80000030-1767621600</ListID>{LIST_CORE}<EditSequence>1</EditSequence>"
           "<Name>Riverfront Partners</Name><FullName>Riverfront Partners</FullName><IsActive>true</IsActive>"
           f"<Sublevel>0</Sublevel>{note_only}</CustomerRet>")
    page = valid_rs(f'<CustomerQueryRs {OK} retCount="1" iteratorRemainingCount="0" iteratorID="{{IT-2}}">'
                    f"{ret}</CustomerQueryRs>")
    JobImportHandler(env.context).handle_response(env.sent(item_id), [page])
    [staged] = env.context.staging.list(COMPANY, "job")
    assert (staged.data["address"], staged.data["address_source"]) == (None, None)
