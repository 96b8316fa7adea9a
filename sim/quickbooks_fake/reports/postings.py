"""Every transaction line as a report sees it: one :class:`Posting` per cost/amount line.

Reports are computed from these, so what a report shows is exactly what the transactions hold:

* Bill / Check item lines: the item's expense account, the line's Customer:Job, +Amount;
  expense lines: their account. The name is the vendor/payee.
* Journal entries: debit lines +Amount, credit lines −Amount; a Customer:Job in ``EntityRef`` is the
  job. They never carry an item (seed 001: not retrievable by the integration).
* Bill payments: one posting on the bank account for the check amount.
* Estimates and purchase orders are non-posting (QuickBooks' "Posting status": only reports asked for
  non-posting transactions show them).
* A bill line received against a PO line carries that PO's number (``po_number``): the custom detail
  report's "P. O. #" column, which is how "Commitment Invoiced" is told apart from direct costs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from ..lists.common import ITEM_KINDS, find_ref
from ..qbxml_io import Doc, as_list
from ..store import Record
from ..txns.links import links_from
from ..txns.money import ZERO, dec

if TYPE_CHECKING:
    from ..company_api import Company

POSTING_KINDS = ("Bill", "Check", "JournalEntry", "BillPaymentCheck")
NON_POSTING_KINDS = ("Estimate", "PurchaseOrder")


@dataclass
class Posting:
    txn: Record
    line: Doc
    amount: Decimal
    name: Doc | None = None
    job: Doc | None = None
    item: Doc | None = None
    account: Doc | None = None
    po_number: str = ""
    is_posting: bool = True

    @property
    def kind(self) -> str:
        return self.txn.kind


def item_account(company: Company, item_ref: Doc | None) -> Doc | None:
    """The account a purchase of the item posts to (expense/COGS side)."""
    if not item_ref:
        return None
    rec = find_ref(company, item_ref, ITEM_KINDS)
    if rec is None:
        return None
    doc = rec.doc
    for group, key in (("SalesOrPurchase", "AccountRef"), ("SalesAndPurchase", "ExpenseAccountRef")):
        ref = (doc.get(group) or {}).get(key)
        if ref:
            return ref
    return doc.get("COGSAccountRef")


def _is_customer(company: Company, ref: Doc | None) -> bool:
    return bool(ref) and find_ref(company, ref, ("Customer",)) is not None


def _po_numbers(company: Company, bill: Record) -> dict[str, str]:
    out: dict[str, str] = {}
    for link in links_from(company, bill.txn_id or ""):
        po = company.store.by_txn_id(link.doc["ToTxnID"])
        if po is not None:
            out[link.doc["FromLineID"]] = str(po.doc.get("RefNumber", ""))
    return out


def _purchase_lines(company: Company, rec: Record, name_key: str) -> list[Posting]:
    """Item lines post to the item's expense account (and carry the linked P.O. No.); expense lines
    post straight to their account."""
    po_numbers = _po_numbers(company, rec) if rec.kind == "Bill" else {}
    out: list[Posting] = []
    for key in ("ItemLineRet", "ExpenseLineRet"):
        for line in as_list(rec.doc.get(key)):
            item = line.get("ItemRef") if key == "ItemLineRet" else None
            out.append(
                Posting(
                    rec,
                    line,
                    dec(line.get("Amount"), ZERO),
                    rec.doc.get(name_key),
                    line.get("CustomerRef"),
                    item,
                    item_account(company, item) if item else line.get("AccountRef"),
                    po_numbers.get(line["TxnLineID"], ""),
                )
            )
    return out


def postings_of(company: Company, rec: Record) -> list[Posting]:
    if rec.kind == "Bill":
        return _purchase_lines(company, rec, "VendorRef")
    if rec.kind == "Check":
        return _purchase_lines(company, rec, "PayeeEntityRef")
    if rec.kind == "JournalEntry":
        out: list[Posting] = []
        for key, sign in (("JournalDebitLine", 1), ("JournalCreditLine", -1)):
            for line in as_list(rec.doc.get(key)):
                entity = line.get("EntityRef")
                job = entity if _is_customer(company, entity) else None
                out.append(
                    Posting(
                        rec,
                        line,
                        sign * dec(line.get("Amount"), ZERO),
                        entity,
                        job,
                        None,
                        line.get("AccountRef"),
                    )
                )
        return out
    if rec.kind == "BillPaymentCheck":
        return [
            Posting(
                rec,
                {},
                dec(rec.doc.get("Amount"), ZERO),
                rec.doc.get("PayeeEntityRef"),
                None,
                None,
                rec.doc.get("BankAccountRef"),
            )
        ]
    if rec.kind == "Estimate":
        return [
            Posting(
                rec,
                line,
                dec(line.get("Amount"), ZERO),
                rec.doc.get("CustomerRef"),
                rec.doc.get("CustomerRef"),
                line.get("ItemRef"),
                item_account(company, line.get("ItemRef")),
                is_posting=False,
            )
            for line in as_list(rec.doc.get("EstimateLineRet"))
        ]
    if rec.kind == "PurchaseOrder":
        return [
            Posting(
                rec,
                line,
                dec(line.get("Amount"), ZERO),
                rec.doc.get("VendorRef"),
                line.get("CustomerRef"),
                line.get("ItemRef"),
                item_account(company, line.get("ItemRef")),
                po_number=str(rec.doc.get("RefNumber", "")),
                is_posting=False,
            )
            for line in as_list(rec.doc.get("PurchaseOrderLineRet"))
        ]
    return []


def all_postings(
    company: Company, kinds: tuple[str, ...] = POSTING_KINDS + NON_POSTING_KINDS
) -> list[Posting]:
    records = company.store.of_kinds(*kinds)
    records.sort(key=lambda r: (str(r.doc.get("TxnDate", "")), r.seq))
    out: list[Posting] = []
    for rec in records:
        out.extend(postings_of(company, rec))
    return out
