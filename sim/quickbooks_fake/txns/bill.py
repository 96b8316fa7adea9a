"""BillAdd / BillMod / BillQuery (Procore subcontractor invoices → vendor bills).

Real semantics imitated:

* ``VendorRef`` resolves or 3140; ``APAccountRef`` defaults to the Accounts Payable account;
  ``TxnDate`` defaults to today and ``DueDate`` to TxnDate + "Bills are due N days after receipt"
  (PurchasesAndVendorsPreferences/DaysBillsAreDue).
* Item lines (``ItemLineAdd``: Item, Desc, Quantity, Cost, Amount, Customer:Job) and expense lines
  (``ExpenseLineAdd``: an account, Amount, Customer:Job). A retainage line is an ordinary item line
  on the retention Service item (seeds 000/004), normally negative: lines may be negative, but a bill
  whose total is negative is refused with 3180 — QuickBooks records a negative bill only as a vendor
  credit (seed 001: "Subcontractor invoices with negative values do not sync"; integrators turn a
  negative bill into a vendor credit, e.g. Knowify's QuickBooks sync help). The reason text is the
  fake's wording (not captured).
* ``AmountDue`` is the bill total; ``OpenAmount`` falls as payments are applied; ``IsPaid``.
* Linking to a purchase order: ``ItemLineAdd/LinkToTxn`` (TxnID + TxnLineID) receives that PO line;
  ``LinkToTxnID`` receives every open line of the PO in full (as "Select PO" fills the bill in
  QuickBooks' window — chosen reading of the OSR). A PO of another vendor → 3180; an unknown PO or
  line → 3120; a closed PO (fully received or manually closed) → the bill is saved without the
  link, with status 570 (Warn). A BillMod may not change the vendor of a bill linked to a PO or
  with payments applied (3180, chosen; see ``_check_vendor_change``).
* qbXML 16.0 adds ``IsPending`` to BillRet; the fake answers in the 13.0 shape (``processor`` drops
  16.0-only elements), so it is never written.

Not yet faithful: item groups, VendorAddress defaulting, terms-based due dates, sales tax on lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ObjectNotFound, StatusError
from ..qbxml_io import Doc, as_list
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import (
    LineSpec,
    TxnSpec,
    add_days,
    build_line,
    check_edit_sequence,
    get_txn,
    header_fields,
    line_total,
    mod_lines,
    resolve_header,
    same_ref,
    special_account,
    stamp_new,
    today,
    touch,
)
from .errors import LinkClosed, TxnSaveError
from .links import (
    add_link,
    drop_links,
    line_is_received,
    links_from,
    payments_on,
    po_line_status,
    refresh_bill,
    refresh_po,
)
from .money import ZERO, amt, dec, qty
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

EXPENSE_LINE = LineSpec("ExpenseLineAdd", "ExpenseLineMod", "ExpenseLineRet", None)
ITEM_LINE = LineSpec("ItemLineAdd", "ItemLineMod", "ItemLineRet", "Cost")
BILL = TxnSpec("Bill", "Bill", (EXPENSE_LINE, ITEM_LINE))
LINE_FIELDS = ("ExpenseLineRet", "ItemLineRet", "ItemGroupLineRet")
NEGATIVE_TOTAL = "The transaction total cannot be negative; enter a vendor credit instead."
VENDOR_LOCKED = "The vendor cannot be changed on a bill linked to a purchase order or with payments applied."


def _check_total(doc: Doc) -> None:
    total = line_total(doc, BILL)
    if total < ZERO:
        raise TxnSaveError("Bill", NEGATIVE_TOTAL)
    doc["AmountDue"] = amt(total)


def _open_po(company: Company, vendor: Doc, po_id: str) -> Record:
    po = get_txn(company, "PurchaseOrder", po_id)
    if not same_ref(po.doc.get("VendorRef"), vendor):
        raise TxnSaveError(
            "Bill", f'The purchase order "{po.doc.get("RefNumber", po_id)}" is for a different vendor.'
        )
    return po


def _po_closed(po: Record) -> bool:
    return po.doc.get("IsManuallyClosed") == "true" or po.doc.get("IsFullyReceived") == "true"


def _lines_from_po(company: Company, po: Record) -> list[tuple[Doc, str]]:
    """Every open line of ``po`` as a bill ItemLineAdd (open quantity/amount), with its PO line id."""
    status = po_line_status(company, po.txn_id or "")
    out: list[tuple[Doc, str]] = []
    for line in as_list(po.doc.get("PurchaseOrderLineRet")):
        got_qty, billed = status.get(line["TxnLineID"], (ZERO, ZERO))
        if line.get("IsManuallyClosed") == "true" or line_is_received(line, got_qty, billed):
            continue
        add: Doc = {k: line[k] for k in ("ItemRef", "Desc", "CustomerRef", "ClassRef") if k in line}
        if line.get("Quantity"):
            open_qty = dec(line["Quantity"]) - got_qty
            add["Quantity"] = qty(open_qty)
            if line.get("Rate"):
                add["Cost"] = line["Rate"]
                add["Amount"] = amt(open_qty * dec(line["Rate"]))
        else:
            add["Amount"] = amt(dec(line.get("Amount"), ZERO) - billed)
        out.append((add, line["TxnLineID"]))
    return out


def bill_add_doc(company: Company, request: Doc) -> tuple[Record, StatusError | None]:
    """Create a bill from a ``BillAdd`` dict; returns it and a 570 warning if a link was dropped."""
    doc = stamp_new(company)
    doc.update(resolve_header(company, BILL, header_fields(BILL, request)))
    doc.setdefault("APAccountRef", special_account(company, "AccountsPayable"))
    doc.setdefault("TxnDate", today(company))
    days = int(company.preferences["PurchasesAndVendorsPreferences"].get("DaysBillsAreDue", "10"))
    doc.setdefault("DueDate", add_days(doc["TxnDate"], days))
    warning: StatusError | None = None
    pending: list[tuple[str, str, str]] = []  # (bill line id, po id, po line id)
    expense = [build_line(company, BILL, EXPENSE_LINE, raw) for raw in as_list(request.get("ExpenseLineAdd"))]
    items: list[Doc] = []
    for po_id in [str(v) for v in as_list(request.get("LinkToTxnID"))]:
        po = _open_po(company, doc["VendorRef"], po_id)
        if _po_closed(po):
            warning = LinkClosed(po_id)
            continue
        for add, po_line_id in _lines_from_po(company, po):
            line = build_line(company, BILL, ITEM_LINE, add)
            items.append(line)
            pending.append((line["TxnLineID"], po_id, po_line_id))
    for raw in as_list(request.get("ItemLineAdd")):
        line = build_line(company, BILL, ITEM_LINE, raw)
        items.append(line)
        link = raw.get("LinkToTxn")
        if isinstance(link, dict):
            po = _open_po(company, doc["VendorRef"], str(link["TxnID"]))
            po_line = next(
                (
                    ln
                    for ln in as_list(po.doc.get("PurchaseOrderLineRet"))
                    if ln.get("TxnLineID") == link.get("TxnLineID")
                ),
                None,
            )
            if po_line is None:
                raise ObjectNotFound(str(link.get("TxnLineID")))
            if _po_closed(po) or po_line.get("IsManuallyClosed") == "true":
                warning = LinkClosed(str(link["TxnID"]))
                continue
            pending.append((line["TxnLineID"], str(link["TxnID"]), str(link["TxnLineID"])))
    if expense:
        doc["ExpenseLineRet"] = expense
    if items:
        doc["ItemLineRet"] = items
    _check_total(doc)
    doc["IsPaid"] = "false"
    doc["OpenAmount"] = doc["AmountDue"]
    rec = company.store.insert(Record(kind="Bill", doc=doc))
    for line_id, po_id, po_line_id in pending:
        add_link(company, rec.txn_id or "", line_id, po_id, po_line_id)
    for po_id in dict.fromkeys(p for _, p, _ in pending):
        refresh_po(company, get_txn(company, "PurchaseOrder", po_id))
    refresh_bill(company, rec, bump=False)
    return rec, warning


def bill_mod_doc(company: Company, request: Doc) -> Record:
    """Apply a ``BillMod`` dict (header fields, ClearItemLines/ClearExpenseLines, line replace)."""
    rec = get_txn(company, "Bill", str(request["TxnID"]))
    check_edit_sequence(BILL, rec, str(request.get("EditSequence", "")))
    doc = dict(rec.doc)
    doc.update(resolve_header(company, BILL, header_fields(BILL, request)))
    _check_vendor_change(company, rec, doc)
    mod_lines(
        company,
        BILL,
        request,
        doc,
        clear_flags={"ItemLineRet": "ClearItemLines", "ExpenseLineRet": "ClearExpenseLines"},
    )
    _check_total(doc)
    rec.doc = doc
    kept = {ln["TxnLineID"] for ln in as_list(doc.get("ItemLineRet"))}
    stale = [link for link in links_from(company, rec.txn_id or "") if link.doc["FromLineID"] not in kept]
    po_ids = [link.doc["ToTxnID"] for link in links_from(company, rec.txn_id or "")]
    drop_links(company, stale)
    refresh_bill(company, rec, bump=False)
    touch(company, rec)
    for po_id in dict.fromkeys(po_ids):
        refresh_po(company, get_txn(company, "PurchaseOrder", po_id))
    return rec


def _check_vendor_change(company: Company, rec: Record, doc: Doc) -> None:
    """A bill received against a vendor's PO, or already paid by a check to that vendor, keeps its
    vendor: another vendor would leave the link or the payment pointing at the wrong payee.

    Chosen: QuickBooks' own answer to this BillMod is not in our sources; 3180 in the fake's words.
    """
    bill_id = rec.txn_id or ""
    if same_ref(doc.get("VendorRef"), rec.doc.get("VendorRef")):
        return
    if links_from(company, bill_id) or payments_on(company, bill_id):
        raise TxnSaveError("Bill", VENDOR_LOCKED)


@handles("BillAdd")
def bill_add(ctx: RequestContext) -> Reply:
    rec, warning = bill_add_doc(ctx.company, ctx.body["BillAdd"])
    return ret_reply(ctx, rec, status=warning)


@handles("BillMod")
def bill_mod(ctx: RequestContext) -> Reply:
    return ret_reply(ctx, bill_mod_doc(ctx.company, ctx.body["BillMod"]))


def _paid_filter(ctx: RequestContext):
    wanted = ctx.body.get("PaidStatus", "All")
    if wanted == "PaidOnly":
        return lambda rec: rec.doc.get("IsPaid") == "true"
    if wanted == "NotPaidOnly":
        return lambda rec: rec.doc.get("IsPaid") != "true"
    return None


@handles("BillQuery")
def bill_query(ctx: RequestContext) -> Reply:
    """TxnID/RefNumber lists or TxnFilter; EntityFilter = vendor; AccountFilter = A/P or expense
    account; PaidStatus. Not yet faithful: CurrencyFilter, DateMacro."""
    return txn_query(
        ctx,
        ("Bill",),
        entity_fields=("VendorRef",),
        account_fields=("APAccountRef", "AccountRef"),
        line_fields=LINE_FIELDS,
        extra=_paid_filter(ctx),
    )
