"""QuickBooks bill payments → Procore's Payments Issued (seed 001 "Commitment Payments Issued", seed 003).

One ``payment.import`` work item per ``sync_contract_payments`` ERP Request (Procore's Sync Program, or the
on-demand "Sync Payments for Synced Progress Claims"); it is carried out at the next Web Connector update.
One batch of three queries:

* ``HostQuery`` — seed 001: payments are imported from US editions only. A Canadian company file
  (``HostRet/Country`` CA) is never read for payments: the item fails with that reason (QuickBooks itself
  answers bill payment queries in Canada just the same, so the connector must check the edition);
* ``BillPaymentCheckQuery`` and ``BillPaymentCreditCardQuery`` — every bill payment with its
  ``AppliedToTxnRet`` (the bills it pays; always returned, it is the payment itself).

Each amount applied to a bill this connector exported (a finished ``invoice.export``: the bill's TxnID is
the requisition's origin id) becomes one Procore invoice payment (seed 001 mapping, SEED-RULES W1–W9):
Payment Method = the Bill Pmt window used (``check`` / ``credit_card``), Date = the payment's date,
Invoice # = the bill's REF. NO., Check/Ref # = the payment's NO. (``RefNumber``), Notes = MEMO,
Amount = AMT. PAID on that bill (a payment of several bills gives one Procore payment per bill, partial
payments and several payments of one bill each their own). Its ``origin_id`` is
``<payment TxnID>|<bill TxnID>`` (unique per Procore payment), ``origin_data`` the payment's EditSequence.

Edits and deletes made in QuickBooks afterwards: a *full compare* on every sync (our choice over
``ModifiedDateRangeFilter`` + ``TxnDeletedQuery``: the set of payments of synced bills is small, and a
full read needs no high-water mark that a lost session could skip past). An edited payment is sent again
under its origin id, so Procore updates it; a payment gone from QuickBooks since the last sync is in the
result (``deleted``): Procore documents no call that removes a synced payment (``unlink_invoice_payment``
has no known path, and a synced payment cannot be deleted through ``contract_payments``), so the
write-back names it on the sync's request detail for a person to remove.

Not yet faithful: the queries are unfiltered (a company with years of bill payments would want a
``TxnDateRangeFilter`` or iterators); QuickBooks versions that answer ``BillPaymentCreditCardQuery`` with
1030 (not supported) are read as having no credit-card bill payments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import Response
from connector.sync import answers, codec
from connector.sync.context import SyncContext
from connector.sync.invoices import KIND as INVOICE_KIND
from connector.work import NewWork, Outcome, RequestBody, WorkItemView

KIND = "payment.import"
#: seed 001 "Commitment Payments Issued" / "Limited Release" (the reason the approver reads).
CANADA_REASON = ("Payments cannot be retrieved from non-US editions of QuickBooks Desktop: this company file "
                 "is a Canadian edition (HostRet Country CA), so bill payments are not imported into "
                 "Procore's Payments Issued.")
#: QuickBooks' "request not supported" (STATUS-CODES.md).
NOT_SUPPORTED_CODE = 1030
PAYMENT_QUERIES = {"BillPaymentCheckQueryRs": ("BillPaymentCheckRet", "check"),
                   "BillPaymentCreditCardQueryRs": ("BillPaymentCreditCardRet", "credit_card")}


def work() -> NewWork:
    return NewWork(KIND, {})


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return [value] if isinstance(value, Mapping) else list(value)


def synced_bills(context: SyncContext, company_key: str) -> dict[str, dict[str, str]]:
    """Bill TxnID → the requisition it was exported from (and its REF. NO.), newest export winning."""
    bills: dict[str, dict[str, str]] = {}
    for record in context.queue.items(company_key, ["done"]):
        result = record.result or {}
        if record.kind == INVOICE_KIND and result.get("TxnID") and record.procore_id:
            bills[str(result["TxnID"])] = {"requisition_id": str(record.procore_id),
                                           "ref_number": str(result.get("RefNumber") or "")}
    return bills


def procore_payments(rs: Response, method: str, rets: Sequence[Mapping[str, Any]],
                     bills: Mapping[str, Mapping[str, str]]) -> list[dict[str, Any]]:
    """The Procore invoice payments of one query's payments: one per amount applied to a synced bill."""
    out: list[dict[str, Any]] = []
    for ret in rets:
        txn_id = answers.identifier(rs, ret, "TxnID")
        edit_sequence = answers.identifier(rs, ret, "EditSequence", required=False)
        for applied in _list(ret.get("AppliedToTxnRet")):
            if not isinstance(applied, Mapping) or str(applied.get("TxnID") or "") not in bills:
                continue
            bill = bills[str(applied["TxnID"])]
            payment: dict[str, Any] = {
                "invoice_type": "Billings::Requisition",
                "invoice_id": int(bill["requisition_id"]),
                "origin_id": f"{txn_id}|{applied['TxnID']}",
                "payment_method": method,
                "date": str(ret.get("TxnDate") or ""),
                "invoice_number": str(applied.get("RefNumber") or bill["ref_number"]),
                "check_number": str(ret.get("RefNumber") or ""),
                "notes": str(ret.get("Memo") or ""),
                "amount": str(applied.get("Amount") or "0"),
            }
            if edit_sequence:
                payment["origin_data"] = edit_sequence
            out.append(payment)
    return out


def previous_origin_ids(context: SyncContext, company_key: str, before: int) -> set[str]:
    """The payments the last finished import before item ``before`` found (what a delete is seen against)."""
    for record in reversed(context.queue.items(company_key, ["done"])):
        if record.kind == KIND and record.id < before and record.result:
            return {str(p["origin_id"]) for p in record.result.get("payments") or []}
    return set()


class PaymentImportHandler:
    """``payment.import``: HostQuery + both bill payment queries in one batch; a full compare."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        return [codec.build("HostQuery"), codec.build("BillPaymentCheckQuery"),
                codec.build("BillPaymentCreditCardQuery")]

    def build_probe(self, item: WorkItemView) -> RequestBody | None:
        return None  # queries only: sent again as they are

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        by_name = {rs.name: rs for rs in responses}
        host = by_name.get("HostQueryRs")
        if host is None or codec.is_error(host) or not codec.records(host):
            return Outcome.failed(host, result={"action": "failed"}) if host is not None else Outcome.failed(
                status_code="UnexpectedAnswer", message="QuickBooks answered no HostQueryRs to a HostQueryRq",
                result={"action": "failed"})
        country = str(codec.records(host)[0].get("Country") or "")
        if country != "US":
            message = CANADA_REASON if country == "CA" else CANADA_REASON.replace(
                "a Canadian edition (HostRet Country CA)", f"HostRet Country {country}")
            return Outcome.failed(status_code="PaymentsNotImportedOutsideUS", message=message,
                                  result={"action": "failed", "country": country})
        bills = synced_bills(self._context, item.company_key)
        payments: list[dict[str, Any]] = []
        try:
            for name, (ret_tag, method) in PAYMENT_QUERIES.items():
                rs = by_name.get(name)
                if rs is None:
                    return Outcome.resend(status_code="UnexpectedAnswer",
                                          message=f"QuickBooks answered no {name}", result=dict(item.result))
                if rs.status_code == NOT_SUPPORTED_CODE:
                    continue  # documented above: no credit-card bill payments on this QuickBooks
                if codec.is_error(rs):
                    return Outcome.failed(rs, result={"action": "failed"})
                rets = [r for r in codec.records(rs) if r.tag == ret_tag] if codec.records(rs) else []
                payments += procore_payments(rs, method, rets, bills)
        except answers.UnexpectedAnswer as unexpected:
            return Outcome.failed(status_code=unexpected.status_code, message=unexpected.message,
                                  result={"action": "failed"})
        current = {p["origin_id"] for p in payments}
        deleted = sorted(previous_origin_ids(self._context, item.company_key, item.id) - current)
        message = (f"{len(payments)} payment(s) of {len(bills)} synced bill(s) read from QuickBooks; "
                   f"{len(deleted)} deleted since the last sync")
        return Outcome.done(status_code="0", message=message,
                            result={"action": "imported", "payments": payments, "deleted": deleted})

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return self.handle_response(item, responses)
