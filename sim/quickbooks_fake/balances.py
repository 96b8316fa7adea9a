"""Vendor and customer balances, derived from the file's transactions when a record is read.

QuickBooks computes a name's balance from its ledger; it is never a field one edits. The fake does
the same at read time, so every path that changes a bill (BillAdd/Mod, a bill payment, TxnDel, an
accountant's edit in the UI) is reflected without bookkeeping on each write:

* Vendor ``Balance`` = its opening balance (``OpenBalance`` on VendorAdd) + the ``OpenAmount`` of
  each of its live bills (a partial payment lowers it, a full payment clears it) + journal lines on
  an Accounts Payable account that name it (credit − debit).
* Customer/job ``Balance`` = its opening balance + journal lines on an Accounts Receivable account
  that name it (debit − credit) — the fake has no invoices or receive-payments yet, so these are its
  only A/R transactions. ``TotalBalance`` = its own Balance + the Balance of every job and sub-job
  under it (QuickBooks' "Total Balance" of a customer includes its jobs).

The stored record keeps the opening balance in ``Balance`` (and ``TotalBalance``); :func:`ret_doc`
returns the document as QuickBooks answers it. Used by every Vendor/Customer Ret (queries, Add/Mod
replies, the 3200 record, ``/_sim/lists``) and by TotalBalanceFilter.
Not yet faithful: vendor credits, item receipts, currencies.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from .qbxml_io import Doc, as_list
from .store import Record

if TYPE_CHECKING:
    from .company import CompanyFile

BALANCED_KINDS = ("Vendor", "Customer")
CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _ledger(company: CompanyFile) -> dict[str, Decimal]:
    """ListID → what its transactions add to its opening balance."""
    moves: dict[str, Decimal] = defaultdict(Decimal)
    for vendor_id, open_amount in company.store.json_values("Bill", "$.VendorRef.ListID", "$.OpenAmount"):
        if vendor_id:
            moves[vendor_id] += _dec(open_amount)
    sign = {rec.list_id: rec.doc.get("AccountType") for rec in company.store.select("kind='Account'")}
    for entry in company.store.select("kind='JournalEntry'"):
        for side, factor in (("JournalDebitLine", 1), ("JournalCreditLine", -1)):
            for line in as_list(entry.doc.get(side)):
                entity = (line.get("EntityRef") or {}).get("ListID")
                account_type = sign.get((line.get("AccountRef") or {}).get("ListID"))
                if not entity or account_type not in ("AccountsPayable", "AccountsReceivable"):
                    continue
                # A/R grows with debits, A/P with credits
                direction = factor if account_type == "AccountsReceivable" else -factor
                moves[entity] += direction * _dec(line.get("Amount"))
    return moves


def balance_view(company: CompanyFile) -> Callable[[Record], Doc]:
    """A function giving each record's Ret document with its derived balances.

    The ledger is read on the first vendor or customer asked for, then reused: cheap to make when no
    balanced record is answered, one ledger pass however many are.
    """
    moves: dict[str, Decimal] | None = None
    totals: dict[str, Decimal] | None = None

    def customer_totals(moves: dict[str, Decimal]) -> dict[str, Decimal]:
        out: dict[str, Decimal] = defaultdict(Decimal)
        for rec in company.store.select("kind='Customer'"):
            own = _dec(rec.doc.get("Balance")) + moves.get(rec.list_id or "", Decimal(0))
            parts = (rec.full_name or "").casefold().split(":")
            for depth in range(1, len(parts) + 1):  # the customer and each of its ancestors
                out[":".join(parts[:depth])] += own
        return out

    def view(rec: Record) -> Doc:
        nonlocal moves, totals
        if rec.kind not in BALANCED_KINDS:
            return rec.doc
        moves = moves if moves is not None else _ledger(company)
        doc = dict(rec.doc)
        doc["Balance"] = _money(_dec(rec.doc.get("Balance")) + moves.get(rec.list_id or "", Decimal(0)))
        if rec.kind == "Customer":
            totals = totals if totals is not None else customer_totals(moves)
            doc["TotalBalance"] = _money(totals.get((rec.full_name or "").casefold(), Decimal(0)))
        return doc

    return view


def ret_doc(company: CompanyFile, rec: Record) -> Doc:
    """One record as QuickBooks answers it (derived balances for vendors and customers)."""
    return balance_view(company)(rec)
