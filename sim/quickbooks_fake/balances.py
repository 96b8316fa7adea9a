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
    from .company_api import Company

BALANCED_KINDS = ("Vendor", "Customer")
CENT = Decimal("0.01")


def _dec(value: Any) -> Decimal:
    try:
        return Decimal(str(value)) if value not in (None, "") else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def _money(value: Decimal) -> str:
    return str(value.quantize(CENT))


def _journal_moves(company: Company) -> dict[str, Decimal]:
    """ListID → what journal lines on an A/P or A/R account that name it add to its balance."""
    moves: dict[str, Decimal] = defaultdict(Decimal)
    entries = company.store.of_kinds("JournalEntry")
    if not entries:
        return moves
    sign = {rec.list_id: rec.doc.get("AccountType") for rec in company.store.of_kinds("Account")}
    for entry in entries:
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


def balance_view(company: Company) -> Callable[[Record], Doc]:
    """A function giving each record's Ret document with its derived balances.

    Per record, from indexes: a vendor's bills through the store's VendorRef index, a customer's jobs
    and sub-jobs through its FullName range -- so answering ten vendors or customers reads what those ten
    need, not every bill and customer in the file. Journal entries (few in a contractor's file, and
    their names sit in line aggregates no index holds) are read once, on the first vendor or customer
    asked for, then reused.
    """
    journal: dict[str, Decimal] | None = None

    def moves(list_id: str) -> Decimal:
        nonlocal journal
        journal = journal if journal is not None else _journal_moves(company)
        return journal.get(list_id, Decimal(0))

    def own_balance(rec: Record) -> Decimal:
        balance = _dec(rec.doc.get("Balance")) + moves(rec.list_id or "")
        if rec.kind == "Vendor":
            for (open_amount,) in company.store.field_values("Bill", "OpenAmount",
                                                               vendor_id=rec.list_id or ""):
                balance += _dec(open_amount)
        return balance

    def total_balance(rec: Record) -> Decimal:
        """Its own balance and that of every job and sub-job under it (FullName "Name:…")."""
        below = company.store.descendants("Customer", rec.full_name or "")
        return own_balance(rec) + sum((own_balance(job) for job in below), Decimal(0))

    def view(rec: Record) -> Doc:
        if rec.kind not in BALANCED_KINDS:
            return rec.doc
        doc = dict(rec.doc)
        doc["Balance"] = _money(own_balance(rec))
        if rec.kind == "Customer":
            doc["TotalBalance"] = _money(total_balance(rec))
        return doc

    return view


def ret_doc(company: Company, rec: Record) -> Doc:
    """One record as QuickBooks answers it (derived balances for vendors and customers)."""
    return balance_view(company)(rec)
