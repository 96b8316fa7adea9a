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
from .common import LineSpec, TxnSpec, build_line, header_fields, resolve_header, stamp_new, today
from .errors import TxnSaveError
from .money import ZERO, dec
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company import CompanyFile

DEBIT = LineSpec("JournalDebitLine", "JournalDebitLine", "JournalDebitLine", None)
CREDIT = LineSpec("JournalCreditLine", "JournalCreditLine", "JournalCreditLine", None)
JOURNAL_ENTRY = TxnSpec("JournalEntry", "General Journal", (DEBIT, CREDIT))
NOT_BALANCED = "Transaction not in balance."


def journal_entry_add_doc(company: CompanyFile, request: Doc) -> Record:
    doc = stamp_new(company)
    doc.update(resolve_header(company, JOURNAL_ENTRY, header_fields(JOURNAL_ENTRY, request)))
    doc.setdefault("TxnDate", today(company))
    doc.setdefault("IsAdjustment", "false")
    totals = {}
    for spec in (DEBIT, CREDIT):
        lines = [build_line(company, JOURNAL_ENTRY, spec, raw) for raw in as_list(request.get(spec.add))]
        if lines:
            doc[spec.ret] = lines
        totals[spec.ret] = sum((dec(ln["Amount"], ZERO) for ln in lines), ZERO)
    if totals["JournalDebitLine"] != totals["JournalCreditLine"] or totals["JournalDebitLine"] == ZERO:
        raise TxnSaveError("General Journal", NOT_BALANCED)
    return company.store.insert(Record(kind="JournalEntry", doc=doc))


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
