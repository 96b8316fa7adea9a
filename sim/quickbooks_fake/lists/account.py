"""Account: the chart of accounts items and transactions point at (AccountAdd/Mod/Query).

Sub-accounts via ParentRef (FullName "Parent:Child", Sublevel). ``OpenBalance`` becomes Balance and
TotalBalance. ``AccountType`` filters AccountQuery. AccountQuery answers in chart-of-accounts order,
as QuickBooks lists it: by account type (balance-sheet types first, then income and expense), then
hierarchically by name. Not yet faithful: sub-accounts of a different
AccountType are accepted; balances do not follow transactions; CurrencyFilter is ignored.
"""

from __future__ import annotations

from ..company_api import Company
from ..qbxml_io import Doc, as_list
from ..queries import hierarchical_key
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import ListFamily
from .replies import add_reply, mod_reply, query_reply

#: The statement of cash flows section QuickBooks files an account under (Preferences > Reports >
#: Classify Cash): balance-sheet accounts by their nature, bank and profit-and-loss accounts
#: "NotApplicable". Real AccountRets always carry it; the per-type defaults are QuickBooks' as shown in
#: that window for a new file (not from a stored capture).
CASH_FLOW = {
    "AccountsReceivable": "Operating", "OtherCurrentAsset": "Operating", "AccountsPayable": "Operating",
    "CreditCard": "Operating", "OtherCurrentLiability": "Operating", "FixedAsset": "Investing",
    "OtherAsset": "Investing", "LongTermLiability": "Financing", "Equity": "Financing",
}


def cash_flow_classification(account_type: str) -> str:
    return CASH_FLOW.get(account_type, "NotApplicable")


def _on_add(company: Company, doc: Doc, request: Doc) -> None:
    balance = str(request.get("OpenBalance", "0.00"))
    doc.setdefault("Balance", balance)
    doc.setdefault("TotalBalance", balance)
    doc["CashFlowClassification"] = cash_flow_classification(str(doc.get("AccountType", "")))


def _check(company: Company, doc: Doc, request: Doc, is_add: bool) -> None:
    """A Mod that changes AccountType moves the account to that type's cash-flow section."""
    if not is_add and "AccountType" in request:
        doc["CashFlowClassification"] = cash_flow_classification(str(doc.get("AccountType", "")))


#: QuickBooks' chart-of-accounts type order.
TYPE_ORDER = (
    "Bank", "AccountsReceivable", "OtherCurrentAsset", "FixedAsset", "OtherAsset", "AccountsPayable",
    "CreditCard", "OtherCurrentLiability", "LongTermLiability", "Equity", "Income", "CostOfGoodsSold",
    "Expense", "OtherIncome", "OtherExpense", "NonPosting",
)


def chart_order(rec: Record) -> tuple[int, tuple[str, ...]]:
    account_type = rec.doc.get("AccountType", "")
    rank = TYPE_ORDER.index(account_type) if account_type in TYPE_ORDER else len(TYPE_ORDER)
    return rank, hierarchical_key(rec)


# 3130's list label for accounts is not in the stored captures; "Accounts" follows the Customers form.
ACCOUNT = ListFamily(kind="Account", name_space="Account", hierarchical=True, list_label="Accounts",
                     on_add=_on_add, check=_check)


@handles("AccountAdd")
def account_add(ctx: RequestContext) -> Reply:
    return add_reply(ctx, ACCOUNT)


@handles("AccountMod")
def account_mod(ctx: RequestContext) -> Reply:
    return mod_reply(ctx, ACCOUNT)


@handles("AccountQuery")
def account_query(ctx: RequestContext) -> Reply:
    """ListQuery + AccountType filter (several allowed). Not yet faithful: CurrencyFilter is ignored."""
    types = {str(t) for t in as_list(ctx.body.get("AccountType"))}
    keep = (lambda r: r.doc.get("AccountType") in types) if types else None
    return query_reply(ctx, ACCOUNT, extra=keep, order=chart_order)
