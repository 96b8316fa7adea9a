"""CheckAdd / CheckQuery and ``ui.write_check``: Write Checks.

A check pays from a bank account (``AccountRef``) to a payee; its lines are expense lines (straight
to an account — seed 001: "Expenses entered in QuickBooks will not be picked up") or item lines
(``ItemRef`` + ``CustomerRef``: a direct cost on a synced Service item when the item is a cost
code). ``Amount`` is the sum of the lines. Not yet faithful: ApplyCheckToTxnAdd, addresses, tax.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..qbxml_io import Doc
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import LineSpec, TxnSpec, add_txn, line_total, require_bank_account
from .errors import TxnSaveError
from .money import ZERO, amt
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

CHECK = TxnSpec(
    "Check",
    "Check",
    (
        LineSpec("ExpenseLineAdd", "ExpenseLineMod", "ExpenseLineRet", None),
        LineSpec("ItemLineAdd", "ItemLineMod", "ItemLineRet", "Cost"),
    ),
)
LINE_FIELDS = ("ExpenseLineRet", "ItemLineRet", "ItemGroupLineRet")


def _totals(doc: Doc) -> None:
    total = line_total(doc, CHECK)
    if total < ZERO:
        # Real QuickBooks refuses a negative check in Write Checks; its exact SDK text is not captured.
        raise TxnSaveError("Check", "The transaction total cannot be negative.")
    doc["Amount"] = amt(total)
    doc.setdefault("IsToBePrinted", "false")


def check_add_doc(company: Company, request: Doc) -> Record:
    def bank_then_totals(doc: Doc) -> None:
        require_bank_account(company, doc["AccountRef"], "Check")
        _totals(doc)

    return add_txn(company, CHECK, request, bank_then_totals)


@handles("CheckAdd")
def check_add(ctx: RequestContext) -> Reply:
    return ret_reply(ctx, check_add_doc(ctx.company, ctx.body["CheckAdd"]))


@handles("CheckQuery")
def check_query(ctx: RequestContext) -> Reply:
    """EntityFilter = payee or a line's Customer:Job; AccountFilter = bank or expense account."""
    return txn_query(
        ctx,
        ("Check",),
        entity_fields=("PayeeEntityRef", "CustomerRef"),
        account_fields=("AccountRef",),
        line_fields=LINE_FIELDS,
    )
