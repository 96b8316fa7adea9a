"""Procore subcontractor invoices (requisitions) → QuickBooks vendor bills received against the PO.

seed 001 "Subcontractor Invoices" mapping (SEED-RULES K1–K2, N10, V1–V13):

* Billing Date → Date (``TxnDate``); Payment Date → Bill Due (``DueDate``; none given: QuickBooks' default);
* Contractor Company → Vendor (``VendorRef``: the vendor of the commitment's purchase order — the
  documented ``create_requisitions`` payload names no vendor, so the PO is read from QuickBooks first);
* Invoice # → REF. NO. (``RefNumber``, 20 characters in QuickBooks: a longer one is refused);
* per Detail-tab line billed this period: Cost Code → Item (the PO line's Service item), QTY / Unit Price
  when both given (unit-based invoices) → ``Quantity`` / ``Cost``, Value or This Period → ``Amount``,
  Project → Customer:Job; each line ``LinkToTxn`` its PO line (Commitment # → PO. NO.: the bill is received
  against the commitment's purchase order, which is what QuickBooks' job-cost reports count as
  Commitment Invoiced). A line with nothing this period is left out;
* Total Retainage This Period → one more line, on the Invoice Retainage Item of the integration settings
  (``erp_custom_fields.retainage_item_origin_id``), with the retainage as a negative amount — never on a
  cost code's Service item (seed 001; a retainage item that is a synced cost code's is refused);
* Current Payment Due → Amount Due: QuickBooks computes Amount Due from the lines, so lines minus retainage
  must equal the invoice's current payment due; an invoice where they differ (materials stored are not in
  the documented per-line payload) is refused rather than billed at another amount.

Refused with the reason, nothing sent: a negative invoice (seed 001: "Subcontractor invoices with negative
values do not sync between systems"), no Invoice Retainage Item set (seed 004: it is required), a
commitment (or one of its SOV lines) not synced to a purchase order yet (seed 001: "The Commitment must be
synced … before the Invoice").

Progress-claim prerequisites (seed 000) are checked in the company file with the PO read, and a missing
one fails the invoice saying what to set up (nothing is added): "Inventory and purchase orders are active"
(``PreferencesQuery`` PurchasesAndVendorsPreferences/IsUsingInventory) and the retention item — the
Progress Claim Retention Item / Invoice Retainage Item the payload names — existing in QuickBooks as a
Service item (``ItemQuery`` by ListID).

Two batches: ``PurchaseOrderQuery`` (TxnID, with lines: the vendor and each PO line's item; a PO deleted
in QuickBooks fails with QuickBooks' message) with the two prerequisite queries, then ``BillAdd``. An
add left ``sent`` by a dead session is probed with ``BillQuery`` by REF. NO.: the bill of our vendor with
our Amount Due and number of lines is taken for ours (``recovered``); two such bills fail the item
rather than guess.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.qbxml import QBXMLBuildError, Record, Request, Response
from connector.sync import adds, answers, codec
from connector.sync.context import SyncContext
from connector.work import NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

KIND = "invoice.export"
QB_BILL_REF_MAX_LENGTH = 20  # qbxml130.xsd: BillAdd/RefNumber maxLength 20
#: seed 001 Data Mapping, note 3 (the reason the approver reads).
NEGATIVE_REASON = "Subcontractor invoices with negative values do not sync between systems."
RETAINAGE_DESCRIPTION = "Retainage"
_MONEY_TEXT = re.compile(r"^\(?-?\$?-?[0-9][0-9,]*(\.[0-9]+)?\)?$")


class InvoiceRejected(WorkRefused, ValueError):
    """A subcontractor invoice the connector refuses to send as a bill."""

    status = "InvoiceRejected"

    def __init__(self, number: str, reason: str) -> None:
        self.number = number
        self.reason = reason
        super().__init__(self.status,
                         f"Subcontractor invoice {number!r} cannot be exported as a bill: {reason}")


class InvoiceNegative(InvoiceRejected):
    """seed 001: invoices with negative values do not sync."""

    status = "InvoiceNegative"

    def __init__(self, number: str, what: str) -> None:
        super().__init__(number, f"{NEGATIVE_REASON} ({what})")


class InvoiceRetainageItemMissing(InvoiceRejected):
    """No Invoice Retainage Item chosen in the integration settings (seed 004: required)."""

    status = "InvoiceRetainageItemMissing"

    def __init__(self, number: str) -> None:
        super().__init__(number, "no Invoice Retainage Item is set; choose one in the ERP Integrations "
                                 "settings (a QuickBooks Service item not synced with a cost code) and "
                                 "resend")


class InvoiceRetainageOnCostCode(InvoiceRejected):
    """The Invoice Retainage Item is a synced cost code's Service item (seed 001: never)."""

    status = "InvoiceRetainageOnCostCode"

    def __init__(self, number: str, code: str) -> None:
        super().__init__(number, f"the Invoice Retainage Item is the Service item of cost code {code!r}; "
                                 "retainage is never coded to a synced cost code item (choose another "
                                 "Invoice Retainage Item)")


class ProgressClaimPrerequisiteMissing(InvoiceRejected):
    """seed 000: a prerequisite of the progress-claims feature is missing from the company file."""

    status = "ProgressClaimPrerequisiteMissing"


INVENTORY_OFF = ("'Inventory and purchase orders are active' is off in the QuickBooks company file; as the "
                 "QuickBooks Admin turn it on (Edit > Preferences > Items & Inventory > Company Preferences) "
                 "and resend")


def retention_item_missing(list_id: str, found: str | None) -> str:
    what = f"is a {found.removeprefix('Item').removesuffix('Ret')} item" if found else "is not in it"
    return (f"the retention item (ListID {list_id}) {what}; create a Service item named 'Retention' in "
            "QuickBooks, choose it as the Progress Claim Retention Item in the ERP Integrations settings "
            "and resend")


class InvoiceCommitmentNotSynced(InvoiceRejected):
    """The invoice's commitment (or an SOV line it bills) has no QuickBooks purchase order (line) yet."""

    status = "InvoiceCommitmentNotSynced"

    def __init__(self, number: str, what: str = "its commitment is") -> None:
        super().__init__(number, f"{what} not synced with QuickBooks Desktop; export the commitment first")


def _amount(value: Any, what: str, number: str) -> Decimal:
    """A Procore amount: a decimal string or number, or formatted money ("$1,087.80", "($5.00)")."""
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise InvoiceRejected(number, f"its {what} {value!r} is not an amount")
    text = str(value).strip()
    negative = text.startswith("(") and text.endswith(")")
    if not _MONEY_TEXT.match(text):
        raise InvoiceRejected(number, f"its {what} {value!r} is not an amount")
    try:
        amount = Decimal(text.strip("()").replace("$", "").replace(",", ""))
    except InvalidOperation:
        raise InvoiceRejected(number, f"its {what} {value!r} is not an amount") from None
    return -amount if negative else amount


def _date(value: Any, what: str, number: str, *, required: bool) -> str | None:
    if value in (None, "") and not required:
        return None
    try:
        return date.fromisoformat(str(value)[:10]).isoformat()
    except ValueError:
        raise InvoiceRejected(number, f"its {what} {value!r} is not a date") from None


def _line(item: Mapping[str, Any], number: str) -> dict[str, Any] | None:
    """One Detail-tab line as a bill line, or None when nothing is billed on it this period."""
    amount = _amount(item.get("amount") or "0", "line amount (This Period)", number)
    if amount < 0:
        raise InvoiceNegative(number, f"line {adds.text(item, 'description')!r} bills {amount}")
    retainage = _amount(item.get("retainage_this_period") or "0", "retainage this period", number)
    if not amount and not retainage:
        return None
    line_id = item.get("procore_requisition_item_id")
    if isinstance(line_id, bool) or not isinstance(line_id, int | str) or not str(line_id).strip().isdigit():
        raise InvoiceRejected(number, f"its detail line {adds.text(item, 'description')!r} has no id")
    po_line = adds.text(item, "commitment_item_origin_id")
    if not po_line:
        what = f"the commitment's SOV line {adds.text(item, 'description')!r} is"
        raise InvoiceCommitmentNotSynced(number, what)
    line: dict[str, Any] = {
        "procore_id": str(line_id).strip(),
        "po_line_id": po_line,
        "description": adds.text(item, "description") or adds.text(item, "line_item_description"),
        "amount": str(amount),
        "retainage": str(retainage),
    }
    quantity = _amount(item.get("qty") or "0", "quantity", number)
    cost = _amount(item.get("unit_cost") or "0", "unit price", number)
    if adds.text(item, "accounting_method") == "unit" and quantity and cost:
        line["quantity"], line["cost"] = str(quantity), str(cost)
    return line


def work_from_request(requisition: Mapping[str, Any]) -> NewWork:
    """One entry of a ``create_requisitions`` ERP Request as an ``invoice.export`` work item.

    Raises an :class:`InvoiceRejected` subclass naming the reason (nothing is sent to QuickBooks).
    """
    if not isinstance(requisition, Mapping):
        raise InvoiceRejected("", "the ERP Request's requisition is not an object")
    try:
        number = adds.text(requisition, "invoice_number") or adds.text(requisition, "code")
        requisition_id = requisition.get("procore_requisition_id")
        if isinstance(requisition_id, bool) or not isinstance(requisition_id, int | str) or not str(
                requisition_id).strip():
            raise InvoiceRejected(number, "the ERP Request's requisition has no id")
        if not number.strip():
            raise InvoiceRejected(number, "it has no invoice # for the REF. NO.")
        if len(number) > QB_BILL_REF_MAX_LENGTH:
            raise InvoiceRejected(number, f"its invoice # has {len(number)} characters; a QuickBooks Desktop"
                                          f" bill's REF. NO. holds at most {QB_BILL_REF_MAX_LENGTH}")
        if not adds.text(requisition, "contract_origin_id"):
            raise InvoiceCommitmentNotSynced(number)
        job = adds.text(requisition, "job_origin_id")
        if not job:
            raise InvoiceRejected(number, "its project is not synced with QuickBooks Desktop")
        due = _amount(requisition.get("formatted_payment_due") or "0", "current payment due", number)
        if due < 0:
            raise InvoiceNegative(number, f"its current payment due is {due}")
        items = requisition.get("line_items")
        if not isinstance(items, list) or not items:
            raise InvoiceRejected(number, "it has no detail lines")
        lines = [ln for ln in (_line(i if isinstance(i, Mapping) else {}, number) for i in items) if ln]
        retainage = sum((Decimal(ln["retainage"]) for ln in lines), Decimal(0))
        if retainage < 0:
            raise InvoiceNegative(number, f"its total retainage this period is {retainage}")
        billed = [ln for ln in lines if Decimal(ln["amount"])]
        if not billed:
            raise InvoiceRejected(number, "it bills nothing this period")
        custom = requisition.get("erp_custom_fields")
        retainage_item = adds.text(custom, "retainage_item_origin_id") if isinstance(custom, Mapping) else ""
        if not retainage_item:
            raise InvoiceRetainageItemMissing(number)
        total = sum((Decimal(ln["amount"]) for ln in billed), Decimal(0)) - retainage
        if total != due:
            raise InvoiceRejected(number, f"its lines this period less retainage come to {total}, not its "
                                          f"current payment due {due} (materials stored are not exported)")
        payload: dict[str, Any] = {
            "invoice_number": number,
            "po_txn_id": adds.text(requisition, "contract_origin_id"),
            "job_list_id": job,
            "txn_date": _date(requisition.get("billing_date"), "billing date", number, required=True),
            "due_date": _date(requisition.get("payment_date"), "payment date", number, required=False),
            "retainage_item_list_id": retainage_item,
            "retainage": str(retainage),
            "amount_due": str(due),
            "lines": [{k: v for k, v in ln.items() if k != "retainage"} for ln in billed],
        }
    except adds.NotText as exc:
        raise InvoiceRejected(str(requisition.get("invoice_number") or ""), str(exc)) from exc
    try:
        codec.check(add_request(payload, "0", {ln["po_line_id"]: "0" for ln in payload["lines"]}))
    except QBXMLBuildError as exc:
        raise InvoiceRejected(number, f"it cannot be written as qbXML ({exc})") from exc
    return NewWork(KIND, payload, str(requisition_id))


def read_request(payload: Mapping[str, Any]) -> Request:
    """PurchaseOrderQueryRq for the commitment's PO with its lines (vendor, each line's item)."""
    return codec.build("PurchaseOrderQuery", {"TxnID": [str(payload["po_txn_id"])], "IncludeLineItems": True})


def prerequisite_requests(payload: Mapping[str, Any]) -> list[Request]:
    """seed 000's prerequisites: the inventory/PO preference and the retention item (by ListID)."""
    return [codec.build("PreferencesQuery", {"IncludeRetElement": ["PurchasesAndVendorsPreferences"]}),
            codec.build("ItemQuery", {"ListID": [str(payload["retainage_item_list_id"])]})]


def missing_prerequisite(payload: Mapping[str, Any], responses: Sequence[Response]) -> str | None:
    """What seed 000 prerequisite the company file lacks (None: both there); raises UnexpectedAnswer when
    QuickBooks did not answer both queries."""
    by_name = {rs.name: rs for rs in responses}
    prefs, item = by_name.get("PreferencesQueryRs"), by_name.get("ItemQueryRs")
    if prefs is None or item is None or codec.is_error(prefs) or not codec.records(prefs):
        raise answers.UnexpectedAnswer(responses[0], "without the company preferences and the retention item")
    purchases = codec.records(prefs)[0].get("PurchasesAndVendorsPreferences")
    if not isinstance(purchases, Mapping) or str(purchases.get("IsUsingInventory")).lower() not in (
            "true", "1"):
        return INVENTORY_OFF
    list_id = str(payload["retainage_item_list_id"])
    rets = codec.records(item) if not codec.is_error(item) else []
    if not rets:
        return retention_item_missing(list_id, None)
    if rets[0].tag != "ItemServiceRet":
        return retention_item_missing(list_id, rets[0].tag)
    return None


def add_request(payload: Mapping[str, Any], vendor_list_id: str, items: Mapping[str, str]) -> Request:
    """BillAddRq: one item line per line billed (linked to its PO line), then the retainage line."""
    job = {"ListID": str(payload["job_list_id"])}
    lines: list[dict[str, Any]] = []
    for line in payload["lines"]:
        fields: dict[str, Any] = {"ItemRef": {"ListID": items[str(line["po_line_id"])]}}
        if line.get("description"):
            fields["Desc"] = str(line["description"])
        if line.get("quantity") is not None and line.get("cost") is not None:
            fields["Quantity"] = Decimal(str(line["quantity"]))
            fields["Cost"] = Decimal(str(line["cost"]))
        fields["Amount"] = Decimal(str(line["amount"]))
        fields["CustomerRef"] = job
        fields["LinkToTxn"] = {"TxnID": str(payload["po_txn_id"]), "TxnLineID": str(line["po_line_id"])}
        lines.append(fields)
    if Decimal(str(payload["retainage"])):
        lines.append({"ItemRef": {"ListID": str(payload["retainage_item_list_id"])},
                      "Desc": RETAINAGE_DESCRIPTION, "Amount": -Decimal(str(payload["retainage"])),
                      "CustomerRef": job})
    fields = {
        "VendorRef": {"ListID": vendor_list_id},
        "TxnDate": date.fromisoformat(str(payload["txn_date"])),
        "RefNumber": str(payload["invoice_number"]),
        "ItemLineAdd": lines,
    }
    if payload.get("due_date"):
        fields["DueDate"] = date.fromisoformat(str(payload["due_date"]))
    return codec.build("BillAdd", fields)


def probe_request(payload: Mapping[str, Any]) -> Request:
    """BillQuery by REF. NO. with lines (vendor, Amount Due and lines compared on the answer)."""
    return codec.build("BillQuery", {"RefNumber": [str(payload["invoice_number"])], "IncludeLineItems": True})


def expected_line_count(payload: Mapping[str, Any]) -> int:
    return len(payload["lines"]) + (1 if Decimal(str(payload["retainage"])) else 0)


def _item_lines(rs: Response, ret: Mapping[str, Any]) -> list[str]:
    lines = ret.get("ItemLineRet") or []
    if isinstance(lines, Mapping):
        lines = [lines]
    out = []
    for n, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping) or line.get("TxnLineID") in (None, ""):
            raise answers.UnexpectedAnswer(rs, f"without a TxnLineID in item line {n} of its BillRet")
        line_id = answers.identifier(rs, line, "TxnLineID")
        assert line_id is not None
        out.append(line_id)
    return out


def _is_ours(rs: Response, ret: Mapping[str, Any], payload: Mapping[str, Any], vendor: str) -> bool:
    ref = answers.single(rs, ret, "RefNumber", required=False) or ""
    vendor_ref = ret.get("VendorRef")
    their_vendor = (answers.identifier(rs, vendor_ref, "ListID", required=False)
                    if isinstance(vendor_ref, Mapping) else None)
    due = answers.single(rs, ret, "AmountDue", required=False)
    try:
        same_due = due is not None and Decimal(due) == Decimal(str(payload["amount_due"]))
    except InvalidOperation:
        same_due = False
    return (ref == str(payload["invoice_number"]) and their_vendor == vendor and same_due
            and len(_item_lines(rs, ret)) == expected_line_count(payload))


class InvoiceExportHandler:
    """``invoice.export``: read the PO, then BillAdd linked to its lines; probe by REF. NO."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def _refuse_retainage_on_cost_code(self, item: WorkItemView) -> None:
        item_id = str(item.payload["retainage_item_list_id"])
        mapping = self._context.id_map.by_qb_id(item.company_key, "cost_code", item_id)
        if mapping is not None:
            raise InvoiceRetainageOnCostCode(str(item.payload["invoice_number"]), mapping.name or item_id)

    def build_request(self, item: WorkItemView) -> RequestBody:
        if adds.is_probe_phase(item.result):
            return probe_request(item.payload)
        if item.result.get("phase") != "add":
            self._refuse_retainage_on_cost_code(item)
            return [read_request(item.payload), *prerequisite_requests(item.payload)]
        return add_request(item.payload, str(item.result["vendor_list_id"]), item.result["items"])

    def build_probe(self, item: WorkItemView) -> RequestBody | None:
        # The read is a query (sent again as it is); only an add's fate needs looking up.
        return probe_request(item.payload) if item.result.get("phase") == "add" else None

    def _read(self, item: WorkItemView, rs: Response, responses: Sequence[Response]) -> Outcome:
        missing = missing_prerequisite(item.payload, responses)
        if missing is not None:
            refused = ProgressClaimPrerequisiteMissing(str(item.payload["invoice_number"]), missing)
            return Outcome.failed(status_code=refused.status_code, message=refused.message,
                                  result={"action": "failed"})
        if codec.is_error(rs) or not codec.records(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        ret = answers.the_ret(rs, ("PurchaseOrderRet",))
        if answers.identifier(rs, ret, "TxnID") != str(item.payload["po_txn_id"]):
            raise answers.UnexpectedAnswer(rs, f"with another purchase order than "
                                               f"{item.payload['po_txn_id']}")
        vendor_ref = ret.get("VendorRef")
        vendor = (answers.identifier(rs, vendor_ref, "ListID", required=False)
                  if isinstance(vendor_ref, Mapping) else None)
        if not vendor:
            raise answers.UnexpectedAnswer(rs, "without a vendor in its PurchaseOrderRet")
        lines = ret.get("PurchaseOrderLineRet") or []
        items: dict[str, str] = {}
        for line in [lines] if isinstance(lines, Mapping) else lines:
            ref = line.get("ItemRef") if isinstance(line, Mapping) else None
            if isinstance(line, Mapping) and isinstance(ref, Mapping) and ref.get("ListID"):
                items[str(line.get("TxnLineID"))] = str(ref["ListID"])
        missing = [ln["description"] or ln["po_line_id"] for ln in item.payload["lines"]
                   if str(ln["po_line_id"]) not in items]
        if missing:
            return Outcome.failed(
                status_code="PurchaseOrderLineMissing",
                message=f"Subcontractor invoice {item.payload['invoice_number']!r} bills line(s) "
                        f"{', '.join(map(repr, missing))} that the QuickBooks purchase order no longer has",
                result={"action": "failed"})
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"phase": "add", "vendor_list_id": vendor, "items": items})

    def _done(self, action: str, rs: Response, ret: Record, item: WorkItemView, **kw: Any) -> Outcome:
        txn_id = answers.identifier(rs, ret, "TxnID")
        edit_sequence = answers.identifier(rs, ret, "EditSequence")
        line_ids = _item_lines(rs, ret)
        count = len(item.payload["lines"])
        result = {"action": action, "TxnID": txn_id, "EditSequence": edit_sequence,
                  "RefNumber": str(item.payload["invoice_number"]), "TxnLineIDs": line_ids[:count],
                  "retainage_line_id": line_ids[count] if len(line_ids) > count else None}
        if action == "created":
            return Outcome.done(rs, result=result)
        return Outcome.done(status_code=str(rs.status_code), result=result, **kw)

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if adds.is_probe_phase(item.result):
            return self.handle_probe_response(item, responses)
        try:
            if item.result.get("phase") != "add":
                if rs.name != "PurchaseOrderQueryRs":
                    return Outcome.resend(status_code="UnexpectedAnswer",
                                          message=f"QuickBooks answered {rs.name} to a PurchaseOrderQueryRq",
                                          result=dict(item.result))
                return self._read(item, rs, responses)
            if rs.name == "BillAddRs" and codec.is_error(rs):
                return Outcome.failed(rs, result={"action": "failed"})
            if rs.name != "BillAddRs":
                return self._look_up(item, "UnexpectedAnswer",
                                     f"QuickBooks answered {rs.name} to a BillAddRq")
            ret = answers.the_ret(rs, ("BillRet",))
            if not _is_ours(rs, ret, item.payload, str(item.result["vendor_list_id"])):
                return self._look_up(item, "WrongObject", "QuickBooks answered BillAddRs with a bill that is "
                                                          f"not REF. NO. {item.payload['invoice_number']!r} "
                                                          "of our vendor with our lines")
            return self._done("created", rs, ret, item)
        except answers.UnexpectedAnswer as unexpected:
            if item.result.get("phase") != "add":
                return Outcome.failed(status_code=unexpected.status_code, message=unexpected.message,
                                      result={"action": "failed"})
            return self._look_up(item, unexpected.status_code, unexpected.message)

    def _look_up(self, item: WorkItemView, code: str, why: str) -> Outcome:
        looked = adds.look_up(code, why)
        return Outcome.resend(status_code=looked.status_code, message=looked.message,
                              result={**item.result, **(looked.result or {})})

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if rs.name != "BillQueryRs":
            return self._look_up(item, "UnexpectedAnswer", f"QuickBooks answered {rs.name} to a BillQueryRq")
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        vendor = str(item.result["vendor_list_id"])
        number = str(item.payload["invoice_number"])
        try:
            ours = [ret for ret in codec.records(rs) if _is_ours(rs, ret, item.payload, vendor)]
            if not ours:
                return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                      result={**item.result, "phase": "add"})
            if len(ours) > 1:
                return Outcome.failed(
                    status_code="UnexpectedAnswer",
                    message=f"QuickBooks has {len(ours)} bills REF. NO. {number!r} of this vendor after an "
                            "interrupted session; not adding another (delete the extra one and resend)",
                    result={"action": "failed"})
            txn_id = answers.identifier(rs, ours[0], "TxnID")
            return self._done("recovered", rs, ours[0], item,
                              message=f"Found bill REF. NO. {number!r} (TxnID {txn_id}) after an interrupted "
                                      "session; not added again.")
        except answers.UnexpectedAnswer as unexpected:
            return Outcome.failed(status_code=unexpected.status_code, message=unexpected.message,
                                  result={"action": "failed"})

