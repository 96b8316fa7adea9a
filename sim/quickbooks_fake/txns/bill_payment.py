"""Bill payments by check: ``BillPaymentCheckAdd`` / ``BillPaymentCheckQuery`` and ``ui.pay_bill``.

What Pay Bills writes in QuickBooks: one ``BillPaymentCheck`` per vendor payment — payee, A/P
account, bank account, check number (``RefNumber``), date, memo, the amount, and
``AppliedToTxnRet`` per bill paid (TxnID, TxnType, TxnDate, RefNumber, BalanceRemaining, Amount).
Partial payments leave the bill open (``OpenAmount`` > 0, ``IsPaid`` false). Paying more than is
open → 3210 with QuickBooks' captured text and severity ``Info`` (sic).

Canada: a Canadian file pays bills with a cheque through the very same qbXML objects — the request
processor does not refuse ``BillPaymentCheckQuery`` there. That payments are not imported from
Canadian files is a limitation of Procore's connector (seed 001, "Commitment Payments Issued"), so
the fake answers exactly as for US files and a connector must check the edition itself; the
difference QuickBooks shows is in words (reports say "Bill Pmt -Cheque", see ``reports``).

Not yet faithful: discounts, credits (SetCredit), IsToBePrinted without a number, currencies,
Address/AddressBlock.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from ..lists.common import resolve_ref
from ..qbxml_io import Doc, as_list
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import TxnSpec, get_txn, require_bank_account, special_account, stamp_new, today
from .errors import PaymentExceedsAmountDue, TxnSaveError
from .links import paid_amount, refresh_bill
from .money import ZERO, amt, dec
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

BILL_PAYMENT_CHECK = TxnSpec("BillPaymentCheck", "BillPaymentCheck")


def pay_bills(
    company: Company,
    payee: Doc,
    applied: list[tuple[str, Decimal | None]],
    *,
    bank_account: Doc | None = None,
    txn_date: str | None = None,
    ref_number: str | None = None,
    memo: str | None = None,
    to_be_printed: bool = False,
) -> Record:
    """Write one check paying ``applied`` [(bill TxnID, amount or None = the open balance)]."""
    if not applied:
        # Pay Bills will not write a check that pays nothing (reason text is the fake's wording).
        raise TxnSaveError("Bill Pmt -Check", "There are no bills selected to pay.")
    vendor = resolve_ref(company, "PayeeEntityRef", payee, BILL_PAYMENT_CHECK.label)
    bank = (
        resolve_ref(company, "BankAccountRef", bank_account, BILL_PAYMENT_CHECK.label)
        if bank_account
        else special_account(company, "Bank")
    )
    require_bank_account(company, bank, "Bill Pmt -Check")
    lines: list[Doc] = []
    total = ZERO
    bills: list[Record] = []
    for bill_id, amount in applied:
        bill = get_txn(company, "Bill", bill_id)
        if bill.doc["VendorRef"].get("ListID") != vendor["ListID"]:
            raise TxnSaveError("Bill Pmt -Check", f'The bill "{bill_id}" is not from this payee.')
        open_amount = dec(bill.doc.get("AmountDue"), ZERO) - paid_amount(company, bill_id)
        pay = open_amount if amount is None else amount
        if pay > open_amount:
            raise PaymentExceedsAmountDue(pay)
        if pay <= ZERO:
            raise TxnSaveError("Bill Pmt -Check", "The payment amount must be greater than zero.")
        line: Doc = {"TxnID": bill_id, "TxnType": "Bill", "TxnDate": bill.doc.get("TxnDate")}
        if bill.doc.get("RefNumber"):
            line["RefNumber"] = bill.doc["RefNumber"]
        line["BalanceRemaining"] = amt(open_amount - pay)
        line["Amount"] = amt(pay)
        lines.append(line)
        bills.append(bill)
        total += pay
    doc = stamp_new(company)
    doc.update(
        {
            "PayeeEntityRef": vendor,
            "APAccountRef": bills[0].doc.get("APAccountRef") or special_account(company, "AccountsPayable"),
            "TxnDate": txn_date or today(company),
            "BankAccountRef": bank,
            "Amount": amt(total),
        }
    )
    if ref_number:
        doc["RefNumber"] = ref_number
    if memo:
        doc["Memo"] = memo
    doc["IsToBePrinted"] = "true" if to_be_printed else "false"
    doc["AppliedToTxnRet"] = lines
    rec = company.store.insert(Record(kind="BillPaymentCheck", doc=doc))
    for bill in bills:
        refresh_bill(company, get_txn(company, "Bill", bill.txn_id or ""))
    return rec


@handles("BillPaymentCheckAdd")
def bill_payment_check_add(ctx: RequestContext) -> Reply:
    add = ctx.body["BillPaymentCheckAdd"]
    applied = [
        (str(a["TxnID"]), dec(a["PaymentAmount"]) if a.get("PaymentAmount") else None)
        for a in as_list(add.get("AppliedToTxnAdd"))
    ]
    rec = pay_bills(
        ctx.company,
        add["PayeeEntityRef"],
        applied,
        bank_account=add.get("BankAccountRef"),
        txn_date=add.get("TxnDate"),
        ref_number=add.get("RefNumber"),
        memo=add.get("Memo"),
        to_be_printed=add.get("IsToBePrinted") == "true",
    )
    return ret_reply(ctx, rec)


@handles("BillPaymentCheckQuery")
def bill_payment_check_query(ctx: RequestContext) -> Reply:
    """TxnID/RefNumber or TxnFilter; EntityFilter = payee (vendor); AccountFilter = bank or A/P.

    ``AppliedToTxnRet`` is always returned (it is the payment itself, not a line item).
    """
    return txn_query(
        ctx,
        ("BillPaymentCheck",),
        entity_fields=("PayeeEntityRef",),
        account_fields=("BankAccountRef", "APAccountRef"),
    )
