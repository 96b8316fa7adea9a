"""JournalEntryAdd / JournalEntryQuery and ``ui.make_journal_entry``: Make General Journal Entries.

Debit and credit lines (account, amount, memo, name — a Customer:Job on a cost line). Debits must
equal credits: QuickBooks will not save an unbalanced entry (3180; reason text is the fake's, the
real SDK wording is not captured). Seed 001: costs moved by journal entry are coded to accounts, not
to synced items, so the integration cannot retrieve them — they show in the job report's "Other"
rows, never on an item row. Not yet faithful: JournalEntryMod, sales-tax items, currencies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..qbxml_io import Doc, as_list
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import LineSpec, TxnSpec, add_txn
from .errors import TxnSaveError
from .money import ZERO, dec
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

DEBIT = LineSpec("JournalDebitLine", "JournalDebitLine", "JournalDebitLine", None)
CREDIT = LineSpec("JournalCreditLine", "JournalCreditLine", "JournalCreditLine", None)
JOURNAL_ENTRY = TxnSpec("JournalEntry", "General Journal", (DEBIT, CREDIT))
NOT_BALANCED = "Transaction not in balance."


def _balance(doc: Doc) -> None:
    """Debits must equal credits (and not be zero), as the Make General Journal Entries window insists."""
    doc.setdefault("IsAdjustment", "false")
    debits, credits = (
        sum((dec(ln["Amount"], ZERO) for ln in as_list(doc.get(spec.ret))), ZERO) for spec in (DEBIT, CREDIT)
    )
    if debits != credits or debits == ZERO:
        raise TxnSaveError("General Journal", NOT_BALANCED)


def journal_entry_add_doc(company: Company, request: Doc) -> Record:
    return add_txn(company, JOURNAL_ENTRY, request, _balance)


@handles("JournalEntryAdd")
def journal_entry_add(ctx: RequestContext) -> Reply:
    return ret_reply(ctx, journal_entry_add_doc(ctx.company, ctx.body["JournalEntryAdd"]))


@handles("JournalEntryQuery")
def journal_entry_query(ctx: RequestContext) -> Reply:
    """EntityFilter = a line's name; AccountFilter = a line's account."""
    return txn_query(
        ctx,
        ("JournalEntry",),
        entity_fields=("EntityRef",),
        account_fields=("AccountRef",),
        line_fields=("JournalDebitLine", "JournalCreditLine"),
    )
