"""The QuickBooks chart of accounts → staged choices for Procore (one AccountQuery).

seed 001, WBS: "Prior to export, you will map each cost code to the appropriate income and expense
accounts from your QuickBooks Desktop Chart of Accounts" — Procore's Accounting Approver picks them when
accepting a standard cost code, and they come back as Account ListIDs in ``create_standard_cost_codes``
(``erp_custom_fields.income_account_origin_id`` / ``expense_account_origin_id``). The accounts read here are
staged as ``account`` records (name/full name, AccountType, account number, active flag, ListID, and which
side of a cost code they serve: ``income`` or ``expense``).

AccountQuery has no iterator in qbXML 13.0 (``AccountQueryRqType`` declares no ``iterator`` attribute,
unlike VendorQuery or ItemServiceQuery), so the chart is read in one request. A chart of accounts is
small (tens to a few hundred accounts), and the request asks only for the account types cost codes'
accounts are drawn from: Income and OtherIncome for the income account; CostOfGoodsSold, Expense and
OtherExpense for the expense account. Not yet faithful: QuickBooks lets a Service item post to accounts of
other types too (our sources do not list which); a company that does would need the types widened.
"""

from __future__ import annotations

from collections.abc import Sequence

from connector.qbxml import Record, Request, Response
from connector.sync import answers, codec
from connector.sync.imports import PageImportHandler, entry
from connector.sync.staging import StageEntry
from connector.work import WorkItemView

KIND = "account.import"
OBJECT_TYPE = "account"
INCOME_TYPES = ("Income", "OtherIncome")
EXPENSE_TYPES = ("CostOfGoodsSold", "Expense", "OtherExpense")


def account_entry(rs: Response, ret: Record) -> StageEntry:
    """The Procore-side fields of one AccountRet."""
    account_type = answers.single(rs, ret, "AccountType", required=False) or ""
    data = {
        "name": answers.single(rs, ret, "Name"),
        "full_name": answers.name_of(rs, ret),
        "account_type": account_type,
        "account_number": ret.get("AccountNumber"),
        "use": "income" if account_type in INCOME_TYPES else "expense",
        "sublevel": answers.sublevel(rs, ret),
        "is_active": ret.get("IsActive", True),
    }
    return entry(rs, ret, str(data["full_name"]), data)


class AccountImportHandler(PageImportHandler):
    """``account.import``: one AccountQuery for the income and expense account types, each staged."""

    kind = KIND
    query = "AccountQuery"
    object_type = OBJECT_TYPE

    def build_request(self, item: WorkItemView) -> Request:
        active_only = bool(item.payload.get("active_only", self._context.options.import_active_only))
        fields: dict[str, object] = {"AccountType": [*INCOME_TYPES, *EXPENSE_TYPES]}
        if active_only:
            fields["ActiveStatus"] = "ActiveOnly"
        return codec.build(self.query, fields)

    def entries(self, item: WorkItemView, rs: Response, records: Sequence[Record]) -> list[StageEntry]:
        return [account_entry(rs, r) for r in records]
