"""What a new company file contains before anyone touches it.

QuickBooks' EasyStep interview for a contractor creates a chart of accounts and the sales-tax codes.
The fake seeds a small, fixed contractor chart (so items have accounts to point at), the purchase order
template, and the default sales-tax codes ("Tax"/"Non" in US files; GST codes "G"/"E"/"Z" in Canadian
ones). Everything goes through the same list rules as qbXML adds, so ids/EditSequences are ordinary ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..store import Record
from .account import ACCOUNT
from .common import add_record

if TYPE_CHECKING:
    from ..company_api import Company

CONTRACTOR_CHART: list[tuple[str, str, str | None]] = [
    # (name, AccountType, parent)
    ("Checking", "Bank", None),
    ("Accounts Receivable", "AccountsReceivable", None),
    ("Inventory Asset", "OtherCurrentAsset", None),
    ("Accounts Payable", "AccountsPayable", None),
    ("Retainage Payable", "OtherCurrentLiability", None),
    ("Opening Balance Equity", "Equity", None),
    ("Construction Income", "Income", None),
    ("Job Expenses", "CostOfGoodsSold", None),
    ("Subcontractors", "CostOfGoodsSold", "Job Expenses"),
    ("Job Materials", "CostOfGoodsSold", "Job Expenses"),
    ("Equipment Rental", "CostOfGoodsSold", "Job Expenses"),
    ("Cost of Goods Sold", "CostOfGoodsSold", None),
    ("Office Supplies", "Expense", None),
]
SPECIAL = {"Accounts Receivable": "AccountsReceivable", "Accounts Payable": "AccountsPayable",
           "Inventory Asset": "InventoryAssets", "Opening Balance Equity": "OpeningBalanceEquity",
           "Cost of Goods Sold": "CostOfGoodsSold"}
#: The form templates a new file has that the fake's transactions use (QuickBooks names its built-in
#: purchase order template "Custom Purchase Order"); a PurchaseOrderRet's TemplateRef points here.
TEMPLATES = [("Custom Purchase Order", "PurchaseOrder")]
TAX_CODES = {
    "US": [("Tax", "true", "Taxable Sales"), ("Non", "false", "Non-Taxable Sales")],
    "CA": [("G", "true", "GST"), ("E", "false", "Exempt"), ("Z", "false", "Zero-rated")],
}


def seed_new_company(company: Company) -> None:
    for name, account_type, parent in CONTRACTOR_CHART:
        request: dict[str, object] = {"Name": name, "AccountType": account_type}
        if parent:
            request["ParentRef"] = {"FullName": parent}
        rec = add_record(company, ACCOUNT, request)
        if name in SPECIAL:
            rec.doc["SpecialAccountType"] = SPECIAL[name]
            company.store.update(rec)
    now = company.now_text()
    for name, template_type in TEMPLATES:
        doc = {"ListID": company.ids.list_id(), "TimeCreated": now, "TimeModified": now,
               "EditSequence": company.ids.edit_sequence(), "Name": name, "IsActive": "true",
               "TemplateType": template_type}
        company.store.insert(Record(kind="Template", doc=doc, name_space="Template"))
    for name, taxable, desc in TAX_CODES[company.edition.country]:
        doc = {"ListID": company.ids.list_id(), "TimeCreated": now, "TimeModified": now,
               "EditSequence": company.ids.edit_sequence(), "Name": name, "IsActive": "true",
               "IsTaxable": taxable, "Desc": desc}
        company.store.insert(Record(kind="SalesTaxCode", doc=doc, name_space="SalesTaxCode"))
