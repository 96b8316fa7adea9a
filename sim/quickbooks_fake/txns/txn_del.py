"""TxnDel: delete a transaction (Edit > Delete in QuickBooks' window does the same).

``TxnDelType`` names the type; a TxnID that is not a live transaction of that type → 3120. The
answer carries TxnDelType, TxnID, TimeDeleted and RefNumber. Links die with the transaction, as in
QuickBooks: deleting a bill re-opens the PO lines it received and unapplies its payments (the check
stays, unapplied); deleting a PO unlinks the bills; deleting a bill payment re-opens the bills.
Seed 001: unlinking a synced commitment in Procore requires deleting the PO here first.
Not yet faithful: QuickBooks' closing-date password and "transaction is reconciled" refusals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..qbxml_io import as_list
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import get_txn, touch
from .links import drop_links, links_from, links_to, refresh_bill, refresh_pos_of_bill

if TYPE_CHECKING:
    from ..company_api import Company

SUPPORTED = ("Estimate", "PurchaseOrder", "Bill", "BillPaymentCheck", "Check", "JournalEntry")


def delete_txn(company: Company, txn_type: str, txn_id: str) -> Record:
    """Delete one transaction and its links; returns the deleted record."""
    rec = get_txn(company, txn_type, txn_id)  # other types hold no records here → 3120
    rec.deleted = True
    rec.time_deleted = company.now_text()
    company.store.update(rec)
    if txn_type == "Bill":
        outgoing = links_from(company, txn_id)
        po_ids = [link.doc["ToTxnID"] for link in outgoing]
        drop_links(company, outgoing)
        refresh_pos_of_bill(company, txn_id, po_ids)
        for pay in company.store.of_kinds("BillPaymentCheck"):
            applied = as_list(pay.doc.get("AppliedToTxnRet"))
            kept = [a for a in applied if a.get("TxnID") != txn_id]
            if len(kept) != len(applied):
                if kept:
                    pay.doc["AppliedToTxnRet"] = kept
                else:
                    pay.doc.pop("AppliedToTxnRet", None)
                touch(company, pay)
    elif txn_type == "PurchaseOrder":
        incoming = links_to(company, txn_id)
        bill_ids = [link.doc["FromTxnID"] for link in incoming]
        drop_links(company, incoming)
        for bill_id in dict.fromkeys(bill_ids):
            refresh_bill(company, get_txn(company, "Bill", bill_id))
    elif txn_type == "BillPaymentCheck":
        for applied in as_list(rec.doc.get("AppliedToTxnRet")):
            bill = company.store.by_txn_id(str(applied.get("TxnID")), ("Bill",))
            if bill is not None:
                refresh_bill(company, bill)
    return rec


@handles("TxnDel")
def txn_del(ctx: RequestContext) -> Reply:
    txn_type = str(ctx.body["TxnDelType"])
    txn_id = str(ctx.body["TxnID"])
    rec = delete_txn(ctx.company, txn_type, txn_id)
    children = [("TxnDelType", txn_type), ("TxnID", txn_id), ("TimeDeleted", rec.time_deleted)]
    if rec.doc.get("RefNumber"):
        children.append(("RefNumber", rec.doc["RefNumber"]))
    return Reply(children=children)
