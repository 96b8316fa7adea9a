"""CustomDetailReportQuery ``CustomTxnDetail``: Reports > Custom Reports > Transaction Detail.

One DataRow per transaction line (see ``postings``), the columns asked for with ``IncludeColumn`` (the
schema requires at least one, and ``SummarizeRowsBy``) after a blank label column, and a TotalRow
summing Amount. ``SummarizeRowsBy`` groups rows (TextRow + SubtotalRow per group) by Customer
(Customer:Job), ItemDetail (item), ItemType, Account, Vendor or Payee (name); ``TotalOnly`` is flat,
and the period/class/… groupings are not simulated (flat, not yet faithful). Only posting
transactions unless ``ReportPostingStatusFilter`` says otherwise.

Seed 001: Procore's "Commitment Invoiced" is the Amount of this report for bills linked to purchase
orders; the "P. O. #" column (``PONumber``) holds, for a bill line received against a PO, that PO's
number — blank for direct costs and the retainage line.

Words follow the edition: a Canadian file says "Cheque" and "Bill Pmt -Cheque" where a US file says
"Check" and "Bill Pmt -Check" (QuickBooks Canada's report wording).
Requested columns the fake does not compute are left out (not yet faithful); Cash basis is not
simulated (amounts are accrual).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from ..lists.common import ITEM_KINDS, find_ref
from ..qbxml_io import Doc, as_list
from ..registry import Reply, RequestContext, handles
from ..txns.money import ZERO, amt, price, qty
from .filters import period, posting_filter, subtitle
from .job_report import SECTIONS
from .model import Column, Report, Row
from .postings import Posting, all_postings

if TYPE_CHECKING:
    from ..company_api import Company

TITLE = "Custom Transaction Detail Report"
TXN_TYPE_WORDS = {
    "Bill": "Bill",
    "Check": "Check",
    "BillPaymentCheck": "Bill Pmt -Check",
    "JournalEntry": "General Journal",
    "PurchaseOrder": "Purchase Order",
    "Estimate": "Estimate",
}
CA_WORDS = {"Check": "Cheque", "BillPaymentCheck": "Bill Pmt -Cheque"}


def _name(ref: Doc | None) -> str:
    return str((ref or {}).get("FullName", ""))


Getter = Callable[[Posting, str], str]

COLUMN_DEFS: dict[str, tuple[str, str, Getter]] = {
    # IncludeColumn → (title, dataType, value)
    "TxnType": (
        "Type",
        "STRTYPE",
        lambda p, country: (CA_WORDS if country == "CA" else {}).get(
            p.kind, TXN_TYPE_WORDS.get(p.kind, p.kind)
        ),
    ),
    "Date": ("Date", "DATETYPE", lambda p, _: str(p.txn.doc.get("TxnDate", ""))),
    "RefNumber": ("Num", "STRTYPE", lambda p, _: str(p.txn.doc.get("RefNumber", ""))),
    "TxnID": ("Trans ID", "IDTYPE", lambda p, _: str(p.txn.txn_id)),
    "TxnNumber": ("Trans #", "INTTYPE", lambda p, _: str(p.txn.doc.get("TxnNumber", ""))),
    "Name": ("Name", "STRTYPE", lambda p, _: _name(p.job) or _name(p.name)),
    "SourceName": ("Source Name", "STRTYPE", lambda p, _: _name(p.name)),
    "Memo": (
        "Memo",
        "STRTYPE",
        lambda p, _: str(p.line.get("Desc") or p.line.get("Memo") or p.txn.doc.get("Memo", "")),
    ),
    "Item": ("Item", "STRTYPE", lambda p, _: _name(p.item)),
    "ItemDesc": ("Item Description", "STRTYPE", lambda p, _: str(p.line.get("Desc", "")) if p.item else ""),
    "Account": ("Account", "STRTYPE", lambda p, _: _name(p.account)),
    "Quantity": (
        "Qty",
        "QUANTYPE",
        lambda p, _: qty(Decimal(p.line["Quantity"])) if p.line.get("Quantity") else "",
    ),
    "UnitPrice": (
        "Rate",
        "PRICETYPE",
        lambda p, _: (
            price(Decimal(str(p.line.get("Cost") or p.line.get("Rate"))))
            if (p.line.get("Cost") or p.line.get("Rate"))
            else ""
        ),
    ),
    "DueDate": ("Due Date", "DATETYPE", lambda p, _: str(p.txn.doc.get("DueDate", ""))),
    "PONumber": ("P. O. #", "STRTYPE", lambda p, _: p.po_number),
    "ModifiedTime": ("Last modified", "DATETIMETYPE", lambda p, _: str(p.txn.doc.get("TimeModified", ""))),
    "PaidStatus": (
        "Paid",
        "STRTYPE",
        lambda p, _: ("Paid" if p.txn.doc.get("IsPaid") == "true" else "Unpaid") if p.kind == "Bill" else "",
    ),
    "OpenBalance": (
        "Open Balance",
        "AMTTYPE",
        lambda p, _: str(p.txn.doc.get("OpenAmount", "")) if p.kind == "Bill" else "",
    ),
    "Amount": ("Amount", "AMTTYPE", lambda p, _: amt(p.amount)),
}
COL_TYPES = {"Quantity": "Quantity", "UnitPrice": "UnitPrice", "PONumber": "PONumber"}


def _item_type(company: Company, p: Posting) -> str:
    rec = find_ref(company, p.item, ITEM_KINDS) if p.item else None
    return SECTIONS.get(rec.kind, "") if rec is not None else ""


GROUPS: dict[str, tuple[str, Callable[[Company, Posting], str]]] = {
    "Customer": ("customer", lambda _, p: _name(p.job)),
    "ItemDetail": ("item", lambda _, p: _name(p.item)),
    "ItemType": ("label", _item_type),
    "Account": ("account", lambda _, p: _name(p.account)),
    "Vendor": ("vendor", lambda _, p: _name(p.name)),
    "Payee": ("name", lambda _, p: _name(p.name)),
}


def columns(body: Doc) -> list[str]:
    wanted = [str(c) for c in as_list(body.get("IncludeColumn"))]
    return [c for c in dict.fromkeys(wanted) if c in COLUMN_DEFS]


def build(company: Company, body: Doc) -> Report:
    cols = columns(body)
    low, high = period(company, body)
    basis = str(
        body.get("ReportBasis")
        or company.preferences.get("ReportsPreferences", {}).get("SummaryReportBasis", "Accrual")
    )
    spec = [Column("Blank", "")] + [
        Column(COL_TYPES.get(c, c), COLUMN_DEFS[c][0], COLUMN_DEFS[c][1]) for c in cols
    ]
    report = Report(TITLE, subtitle(low, high), spec, basis=basis)
    keep = posting_filter(company, body)
    rows = [p for p in all_postings(company) if keep(p)]
    country = company.edition.country
    amount_col = cols.index("Amount") + 2 if "Amount" in cols else None

    def data_row(p: Posting) -> Row:
        values = {i + 2: COLUMN_DEFS[c][2](p, country) for i, c in enumerate(cols)}
        return Row("DataRow", {k: v for k, v in values.items() if v != ""})

    def total_values(label: str, total: Decimal) -> dict[int, str]:
        values = {1: label}
        if amount_col is not None:
            values[amount_col] = amt(total)
        return values

    group = GROUPS.get(str(body.get("SummarizeRowsBy", "TotalOnly")))
    if group is None:
        for p in rows:
            report.add(data_row(p))
    else:
        row_type, key = group
        for name in sorted(dict.fromkeys(key(company, p) for p in rows), key=str.casefold):
            members = [p for p in rows if key(company, p) == name]
            label = name or "No " + row_type
            report.text_row(label)
            for p in members:
                report.add(data_row(p))
            report.add(
                Row(
                    "SubtotalRow",
                    total_values(f"Total {label}", sum((p.amount for p in members), ZERO)),
                    row_type=row_type if name else None,
                    row_value=name or None,
                )
            )
    report.add(Row("TotalRow", total_values("TOTAL", sum((p.amount for p in rows), ZERO))))
    return report


@handles("CustomDetailReportQuery")
def custom_detail_report_query(ctx: RequestContext) -> Reply:
    """CustomTxnDetail: one row per transaction line, the IncludeColumn columns, grouped by SummarizeRowsBy.

    Not yet faithful: period/class groupings answer flat; requested columns the fake does not compute are
    left out; Cash basis is not simulated (amounts are accrual); report macros beyond the eight listed in
    ``filters.py``, AccountTypeFilter, EntityTypeFilter, ItemTypeFilter and ReportClassFilter are ignored.
    """
    return Reply(children=[("ReportRet", build(ctx.company, ctx.body).raw())])
