"""Links between transactions: bill lines received against purchase-order lines, payments on bills.

QuickBooks keeps these links itself and derives status from them; so does the fake:

* A bill line linked to a PO line (``ItemLineAdd/LinkToTxn`` or ``BillAdd/LinkToTxnID``) is a
  "receipt" of that PO line. Each link is one ``TxnLink`` record (bill line → PO line). From them the
  PO line's ``ReceivedQuantity``/``UnbilledQuantity``/``IsBilled`` and the PO's ``IsFullyReceived``
  are recomputed, and both sides get a ``LinkedTxn`` (``LinkType`` QUANTYPE).
  A PO line without a quantity counts as received when the linked amounts reach its amount (chosen:
  the OSR does not say how amount-only lines are received).
* A ``BillPaymentCheck`` applies amounts to bills (``AppliedToTxnRet``); the bill's ``OpenAmount`` is
  ``AmountDue`` minus what is applied, ``IsPaid`` is true when nothing is open, and the bill gets a
  ``LinkedTxn`` (``LinkType`` AMTTYPE, negative amount, as QuickBooks lists payments on a bill).
* A linked transaction that changes status is modified: new ``TimeModified``/``EditSequence`` (chosen:
  QuickBooks rewrites a PO's received quantities and a bill's paid status, so a poller sees them).
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import TYPE_CHECKING

from ..qbxml_io import Doc, as_list
from ..store import Record
from .common import touch
from .money import ZERO, amt, dec, qty

if TYPE_CHECKING:
    from ..company_api import Company

LINK_KIND = "TxnLink"


def add_link(company: Company, bill_id: str, bill_line_id: str, po_id: str, po_line_id: str) -> None:
    doc = {"FromTxnID": bill_id, "FromLineID": bill_line_id, "ToTxnID": po_id, "ToLineID": po_line_id}
    company.store.insert(Record(kind=LINK_KIND, doc=doc))


def links_from(company: Company, bill_id: str) -> list[Record]:
    return company.store.with_field(LINK_KIND, "FromTxnID", bill_id)


def links_to(company: Company, po_id: str) -> list[Record]:
    return company.store.with_field(LINK_KIND, "ToTxnID", po_id)


def drop_links(company: Company, recs: list[Record]) -> None:
    for rec in recs:
        company.store.hard_delete(rec)


def _txn(company: Company, txn_id: str) -> Record | None:
    return company.store.by_txn_id(txn_id)


def _bill_line(bill: Record, line_id: str) -> Doc | None:
    for line in as_list(bill.doc.get("ItemLineRet")):
        if line.get("TxnLineID") == line_id:
            return line
    return None


def _link_entry(other: Record, link_type: str, amount: Decimal) -> Doc:
    entry: Doc = {
        "TxnID": other.txn_id,
        "TxnType": other.kind,
        "TxnDate": other.doc.get("TxnDate"),
        "LinkType": link_type,
        "Amount": amt(amount),
    }
    if other.doc.get("RefNumber"):
        entry = {**entry, "RefNumber": other.doc["RefNumber"]}
    return entry


def linked_lines(company: Company, po_id: str) -> list[tuple[Record, str, Doc]]:
    """(bill, PO line id, bill line) for every bill line received against ``po_id`` (two queries)."""
    found = links_to(company, po_id)
    bill_ids = list(dict.fromkeys(link.doc["FromTxnID"] for link in found))
    bills = {b.txn_id: b for b in company.store.by_txn_ids(bill_ids)}
    out: list[tuple[Record, str, Doc]] = []
    for link in found:
        bill = bills.get(link.doc["FromTxnID"])
        line = _bill_line(bill, link.doc["FromLineID"]) if bill else None
        if bill is not None and line is not None:
            out.append((bill, link.doc["ToLineID"], line))
    return out


def po_line_status(
    company: Company, po_id: str, linked: list[tuple[Record, str, Doc]] | None = None
) -> dict[str, tuple[Decimal, Decimal]]:
    """PO line id → (quantity received, amount billed) from every linked bill line."""
    out: dict[str, tuple[Decimal, Decimal]] = {}
    for _bill, po_line_id, line in linked if linked is not None else linked_lines(company, po_id):
        got_qty, got_amt = out.get(po_line_id, (ZERO, ZERO))
        out[po_line_id] = (got_qty + dec(line.get("Quantity"), ZERO), got_amt + dec(line.get("Amount"), ZERO))
    return out


def line_is_received(line: Doc, received_qty: Decimal, billed: Decimal) -> bool:
    if line.get("Quantity"):
        return received_qty >= dec(line["Quantity"])
    return billed >= dec(line.get("Amount"), ZERO) and billed > ZERO


def refresh_po(company: Company, po: Record, *, bump: bool = True) -> None:
    """Recompute received quantities, IsFullyReceived and LinkedTxn of a purchase order."""
    before = copy.deepcopy(po.doc)
    linked = linked_lines(company, po.txn_id or "")
    status = po_line_status(company, po.txn_id or "", linked)
    lines = as_list(po.doc.get("PurchaseOrderLineRet"))
    all_closed = bool(lines)
    for line in lines:
        got_qty, billed = status.get(line["TxnLineID"], (ZERO, ZERO))
        received = line_is_received(line, got_qty, billed)
        if line.get("Quantity"):
            line["ReceivedQuantity"] = qty(got_qty)
            line["UnbilledQuantity"] = qty(max(dec(line["Quantity"]) - got_qty, ZERO))
        line["IsBilled"] = "true" if received else "false"
        all_closed = all_closed and (received or line.get("IsManuallyClosed") == "true")
    po.doc["IsFullyReceived"] = (
        "true" if all_closed and any(ln.get("IsBilled") == "true" for ln in lines) else "false"
    )
    per_bill: dict[str, tuple[Record, Decimal]] = {}
    for bill, _po_line_id, line in linked:
        _, total = per_bill.get(bill.txn_id or "", (bill, ZERO))
        per_bill[bill.txn_id or ""] = (bill, total + dec(line.get("Amount"), ZERO))
    entries = [_link_entry(bill, "QUANTYPE", total) for bill, total in per_bill.values()]
    _set_linked(po.doc, entries)
    if bump and po.doc != before:
        touch(company, po)
    elif po.doc != before:
        company.store.update(po)


def _set_linked(doc: Doc, entries: list[Doc]) -> None:
    if entries:
        doc["LinkedTxn"] = entries
    else:
        doc.pop("LinkedTxn", None)


def payments_on(company: Company, bill_id: str) -> list[tuple[Record, Decimal]]:
    out: list[tuple[Record, Decimal]] = []
    for pay in company.store.with_line_field("BillPaymentCheck", "AppliedToTxnRet", "TxnID", bill_id):
        for applied in as_list(pay.doc.get("AppliedToTxnRet")):
            if applied.get("TxnID") == bill_id:
                out.append((pay, dec(applied.get("Amount"), ZERO)))
    return out


def paid_amount(company: Company, bill_id: str) -> Decimal:
    return sum((a for _, a in payments_on(company, bill_id)), ZERO)


def refresh_bill(company: Company, bill: Record, *, bump: bool = True) -> None:
    """Recompute OpenAmount, IsPaid and LinkedTxn (PO receipts and payments) of a bill."""
    before = copy.deepcopy(bill.doc)
    bill_id = bill.txn_id or ""
    entries: list[Doc] = []
    for po_id in dict.fromkeys(link.doc["ToTxnID"] for link in links_from(company, bill_id)):
        po = _txn(company, po_id)
        if po is None:
            continue
        linked = sum(
            (
                dec(ln.get("Amount"), ZERO)
                for link in links_from(company, bill_id)
                if link.doc["ToTxnID"] == po_id
                for ln in [_bill_line(bill, link.doc["FromLineID"])]
                if ln
            ),
            ZERO,
        )
        entries.append(_link_entry(po, "QUANTYPE", linked))
    for pay, amount in payments_on(company, bill_id):
        entries.append(_link_entry(pay, "AMTTYPE", -amount))
    _set_linked(bill.doc, entries)
    due = dec(bill.doc.get("AmountDue"), ZERO)
    # A bill edited below what was already paid leaves the excess as a credit with the vendor
    # (QuickBooks help, "Edit bills"); the bill itself is then simply paid.
    open_amount = max(due - paid_amount(company, bill_id), ZERO)
    bill.doc["OpenAmount"] = amt(open_amount)
    bill.doc["IsPaid"] = "true" if open_amount <= ZERO else "false"
    if bump and bill.doc != before:
        touch(company, bill)
    elif bill.doc != before:
        company.store.update(bill)


def refresh_pos_of_bill(company: Company, bill_id: str, po_ids: list[str]) -> None:
    for po_id in dict.fromkeys(po_ids):
        po = _txn(company, po_id)
        if po is not None:
            refresh_po(company, po)
