"""Service items and the chart of accounts read from the fake company file and staged for Procore."""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from conformance.stack import Stack
from conformance.target import InProcessConnector
from connector.sync.accounts import KIND as ACCOUNT_IMPORT
from connector.sync.service_items import KIND as ITEM_IMPORT
from sim.webconnector import Outcome


def enqueue(stack: Stack, kind: str, payload: dict[str, object]) -> int:
    connector = stack.connector
    assert isinstance(connector, InProcessConnector)
    return connector.service.queue.enqueue(stack.company_key, kind, payload)


def requests(stack: Stack) -> list[etree._Element]:
    out = []
    for document in stack.results[-1].requests:
        root = etree.fromstring(document.split("?>", 2)[-1].encode())
        out.extend(root.find("QBXMLMsgsRq"))
    return out


def test_service_items_are_staged_page_by_page(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    retainage = stack.company.ui.create_service_item("Retainage Payable", account="Retainage Payable")
    for name in ("01-100", "02-200", "03-300"):
        stack.company.ui.create_service_item(name)
    stack.company.ui.create_service_item("Old Fees")
    stack.company.ui.inactivate("ItemService", "Old Fees")
    stack.company.ui.create("ItemNonInventory", Name="Gravel",
                            SalesOrPurchase={"AccountRef": {"FullName": "Job Expenses:Job Materials"}})
    item_id = enqueue(stack, ITEM_IMPORT, {"page_size": 2})
    assert stack.run_update().outcome is Outcome.COMPLETED
    assert [rq.get("iterator") for rq in requests(stack)] == ["Start", "Continue"]
    staged = {s.name: s for s in stack.connector.staged(stack.company_key, "item")}
    # active Service items only: not the inactive one, not the non-inventory part
    assert sorted(staged) == ["01-100", "02-200", "03-300", "Retainage Payable"]
    assert staged["Retainage Payable"].qb_id == retainage["ListID"]
    assert staged["Retainage Payable"].data["item_type"] == "Service"
    record = stack.connector.work_item(item_id)
    assert (record.state, record.result) == ("done", {"pages": 2, "read": 4, "staged": 4, "skipped": 0,
                                                      "remaining": 0})
    assert_schema_valid(stack.documents())


def test_income_and_expense_accounts_are_staged(
    make_stack: Callable[..., Stack], assert_schema_valid
) -> None:
    stack = make_stack()
    item_id = enqueue(stack, ACCOUNT_IMPORT, {})
    assert stack.run_update().outcome is Outcome.COMPLETED
    [query] = requests(stack)
    assert (query.tag, query.get("iterator")) == ("AccountQueryRq", None)
    staged = {s.name: s for s in stack.connector.staged(stack.company_key, "account")}
    chart = {a["FullName"]: a for a in stack.items("Account")}
    expected = sorted(name for name, a in chart.items()
                      if a["AccountType"] in ("Income", "OtherIncome", "CostOfGoodsSold", "Expense",
                                              "OtherExpense"))
    assert sorted(staged) == expected
    assert "Checking" not in staged and "Retainage Payable" not in staged
    income = staged["Construction Income"]
    assert (income.qb_id, income.data["account_type"], income.data["use"]) == (
        chart["Construction Income"]["ListID"], "Income", "income"
    )
    sub = staged["Job Expenses:Subcontractors"]
    assert (sub.data["account_type"], sub.data["use"], sub.data["sublevel"]) == (
        "CostOfGoodsSold", "expense", 1
    )
    assert stack.connector.work_item(item_id).state == "done"
    assert_schema_valid(stack.documents())
