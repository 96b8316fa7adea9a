"""Procore commitments (subcontracts / work orders and purchase orders) → new QuickBooks purchase orders.

seed 001, "Commitments" mapping (SEED-RULES S1–S11):

* System date at commitment creation → Date (``TxnDate``: the UTC date of the commitment's
  ``created_at``; the Procore company's time zone is not in the ERP Request, so a commitment created late
  in the evening west of UTC gets the next day — not yet faithful);
* Commitment # → P.O. NO. (``RefNumber`` = the commitment's ``origin_code``: its number, or the QuickBooks
  ID the approver typed when "Use Procore Contract #" is off); QuickBooks holds 11 characters (13.0 XSD
  ``RefNumber`` maxLength; QuickBooks itself answers 3070): a longer one is refused before sending, saying so;
* Contract Company → Vendor (``VendorRef`` ListID = the vendor's ``origin_id``);
* Title (General tab) → Description column, first row of the detail grid: a description-only first line
  (no item, no amount). The mapping lists it apart from each SOV line's Description, so both are kept;
* per Schedule of Values line: Cost Code → Item (``ItemRef`` ListID = the standard cost code's Service
  item), Description → ``Desc``, Qty / Unit Cost when given (both non-zero) → ``Quantity`` / ``Rate``,
  Project → Customer:Job (``CustomerRef`` ListID = ``job_id``), Amount = Contract Amount (``amount``) for
  subcontracts / work orders, Subtotal (``extended_amount``: quantity x unit cost before tax) for purchase
  orders;
* Description → Vendor Message (``VendorMsg``, 99 characters in QuickBooks: a longer one is refused).

Vendor, project and every line's cost code must be synced first (seed 001 "Commitments": "The Vendor and
Cost code/s must be synced ... before the Commitment"): refused with the reason otherwise.

Export (``commitment.export``) answers:

* 0 → done; ``result`` = ``action`` ``created``, ``TxnID``, ``EditSequence``, ``TxnLineIDs`` (one per SOV
  line, in SOV order) and ``title_line_id`` (the Title row's TxnLineID, or None); id map ``commitment`` ←
  TxnID + EditSequence (what a change order's PurchaseOrderMod starts from).
* an error (3250 "Inventory and purchase orders are active" is off, a missing reference …) → failed with
  QuickBooks' own code and message; the approver's resend is a new ERP Request, hence a new item.
* a crash between sendRequestXML and receiveResponseXML → probe ``PurchaseOrderQuery`` by RefNumber with
  its lines; the purchase order of our vendor with that P.O. NO. and our number of lines is taken for ours
  (``recovered``, not added again). As with list adds (``adds.py``), QuickBooks keeps nothing of ours to
  tell our PO from one a person entered with the same number and vendor in the same minutes; two such POs
  fail the item rather than guess.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connector.qbxml import QBXMLBuildError, Record, Request, Response
from connector.sync import adds, answers, codec
from connector.sync.context import SyncContext
from connector.work import IdMapUpdate, NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

KIND = "commitment.export"
OBJECT_TYPE = "commitment"  # id map object type (the PO's TxnID)
QB_PO_NUMBER_MAX_LENGTH = 11  # qbxml130.xsd: PurchaseOrderAdd/RefNumber maxLength 11 (QuickBooks: 3070)
QB_VENDOR_MSG_MAX_LENGTH = 99  # qbxml130.xsd: PurchaseOrderAdd/VendorMsg maxLength 99

#: Procore's commitment ``type`` → the ERP item type Procore tracks it by (external_data, request details).
ITEM_TYPES = {"WorkOrderContract": "work_order_contract", "PurchaseOrderContract": "purchase_order_contract"}


class CommitmentRejected(WorkRefused, ValueError):
    """A commitment the connector refuses to send as a purchase order (the approver reads why)."""

    status = "CommitmentRejected"

    def __init__(self, number: str, reason: str) -> None:
        self.number = number
        self.reason = reason
        super().__init__(self.status,
                         f"Commitment {number!r} cannot be exported as a purchase order: {reason}")


class CommitmentVendorNotSynced(CommitmentRejected):
    """The commitment's contract company has no QuickBooks vendor yet."""

    status = "CommitmentVendorNotSynced"

    def __init__(self, number: str, vendor: str) -> None:
        super().__init__(number, f"its vendor {vendor!r} is not synced with QuickBooks Desktop; export the "
                                 "company first")


class CommitmentProjectNotSynced(CommitmentRejected):
    """The commitment's project has no QuickBooks Customer:Job yet."""

    status = "CommitmentProjectNotSynced"

    def __init__(self, number: str, project: str) -> None:
        super().__init__(number, f"its project {project!r} is not synced with QuickBooks Desktop; export the "
                                 "project first")


class CommitmentCostCodeNotSynced(CommitmentRejected):
    """A Schedule of Values line's cost code has no QuickBooks Service item yet."""

    status = "CommitmentCostCodeNotSynced"

    def __init__(self, number: str, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(number, f"cost code(s) {', '.join(codes)} are not synced with QuickBooks Desktop; "
                                 "export the standard cost codes first")


class CommitmentNumberTooLong(CommitmentRejected):
    """The P.O. NO. is longer than QuickBooks holds."""

    status = "CommitmentNumberTooLong"

    def __init__(self, number: str) -> None:
        super().__init__(number, f"its number {number!r} has {len(number)} characters; a QuickBooks Desktop "
                                 f"P.O. NO. holds at most {QB_PO_NUMBER_MAX_LENGTH} (shorten the commitment "
                                 "# or type a QuickBooks ID when accepting)")


class CommitmentAlreadySynced(CommitmentRejected):
    """A ``create_commitment`` for a commitment that already has its QuickBooks purchase order."""

    status = "CommitmentAlreadySynced"

    def __init__(self, number: str, origin_id: str) -> None:
        super().__init__(number, f"it is already synced with the QuickBooks purchase order {origin_id}")


def _money(value: Any, what: str, number: str) -> Decimal:
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
            raise InvalidOperation
        amount = Decimal(str(value))
    except InvalidOperation:
        raise CommitmentRejected(number, f"its {what} {value!r} is not an amount") from None
    if not amount.is_finite():
        raise CommitmentRejected(number, f"its {what} {value!r} is not an amount")
    return amount


def _creation_date(value: Any, number: str) -> str:
    try:
        created = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise CommitmentRejected(number, f"its creation date {value!r} is not a date") from None
    if created.tzinfo is None:
        raise CommitmentRejected(number, f"its creation date {value!r} has no time zone")
    return created.astimezone(UTC).date().isoformat()


def sov_line(item: Mapping[str, Any], purchase_order: bool, number: str) -> dict[str, Any]:
    """One Schedule of Values (or change order) line as a payload line; raises ``CommitmentRejected``."""
    cost_code = item.get("cost_code") if isinstance(item.get("cost_code"), Mapping) else {}
    assert isinstance(cost_code, Mapping)
    quantity = _money(item.get("quantity") or 0, "SOV quantity", number)
    rate = _money(item.get("unit_cost") or 0, "SOV unit cost", number)
    subtotal = purchase_order and item.get("extended_amount") is not None
    amount_field = "extended_amount" if subtotal else "amount"
    line: dict[str, Any] = {
        "procore_id": adds.procore_id(item),
        "cost_code": adds.text(cost_code, "full_code") or adds.text(cost_code, "code"),
        "item_list_id": adds.text(cost_code, "standard_cost_code_origin_id") or None,
        "description": adds.text(item, "description"),
        "amount": str(_money(item.get(amount_field), f"SOV {amount_field}", number)),
    }
    if quantity and rate:
        line["quantity"], line["rate"] = str(quantity), str(rate)
    return line


def work_from_request(request_data: Mapping[str, Any]) -> NewWork:
    """A ``create_commitment`` ERP Request's ``request_data`` as a ``commitment.export`` work item.

    Raises a :class:`CommitmentRejected` subclass naming the reason (nothing is sent to QuickBooks).
    """
    commitment = request_data.get("commitment") if isinstance(request_data, Mapping) else None
    if not isinstance(commitment, Mapping):
        raise CommitmentRejected("", "the ERP Request carries no commitment object")
    try:
        number = adds.text(commitment, "origin_code") or adds.text(commitment, "number")
        if adds.procore_id(commitment) is None:
            raise CommitmentRejected(number, "the ERP Request's commitment has no id")
        if adds.text(commitment, "origin_id"):
            raise CommitmentAlreadySynced(number, adds.text(commitment, "origin_id"))
        kind = ITEM_TYPES.get(adds.text(commitment, "type"))
        if kind is None:
            raise CommitmentRejected(number, f"its type {commitment.get('type')!r} is neither a subcontract"
                                             " (WorkOrderContract) nor a purchase order"
                                             " (PurchaseOrderContract)")
        if not number.strip():
            raise CommitmentRejected(number, "it has no commitment # for the P.O. NO.")
        if len(number) > QB_PO_NUMBER_MAX_LENGTH:
            raise CommitmentNumberTooLong(number)
        vendor = commitment.get("vendor") if isinstance(commitment.get("vendor"), Mapping) else {}
        assert isinstance(vendor, Mapping)
        if not adds.text(vendor, "origin_id"):
            raise CommitmentVendorNotSynced(number, adds.text(vendor, "company") or adds.text(vendor, "name"))
        job_id = adds.text(request_data, "job_id")
        if not job_id:
            project = commitment.get("project") if isinstance(commitment.get("project"), Mapping) else {}
            assert isinstance(project, Mapping)
            raise CommitmentProjectNotSynced(number, adds.text(project, "name"))
        items = request_data.get("commitment_items")
        if not isinstance(items, list) or not items:
            raise CommitmentRejected(number, "it has no Schedule of Values lines")
        lines = [sov_line(i if isinstance(i, Mapping) else {}, kind == "purchase_order_contract", number)
                 for i in items]
        unsynced = [ln["cost_code"] or "(none)" for ln in lines if not ln["item_list_id"]]
        if unsynced:
            raise CommitmentCostCodeNotSynced(number, list(dict.fromkeys(unsynced)))
        description = adds.text(commitment, "description").strip()
        if len(description) > QB_VENDOR_MSG_MAX_LENGTH:
            raise CommitmentRejected(number, f"its description has {len(description)} characters; a"
                                             " QuickBooks Desktop vendor message holds at most"
                                             f" {QB_VENDOR_MSG_MAX_LENGTH}")
        payload: dict[str, Any] = {
            "item_type": kind,
            "ref_number": number,
            "vendor_list_id": adds.text(vendor, "origin_id"),
            "job_list_id": job_id,
            "txn_date": _creation_date(commitment.get("created_at"), number),
            "title": adds.text(commitment, "title").strip() or None,
            "vendor_message": description or None,
            "lines": lines,
        }
    except adds.NotText as exc:
        raise CommitmentRejected(str(commitment.get("number") or ""), str(exc)) from exc
    try:
        codec.check(add_request(payload))
    except QBXMLBuildError as exc:
        raise CommitmentRejected(number, f"it cannot be written as qbXML ({exc})") from exc
    return NewWork(KIND, payload, adds.procore_id(commitment))


def po_line_add(line: Mapping[str, Any], job_list_id: str) -> dict[str, Any]:
    """A payload line as the fields of a ``PurchaseOrderLineAdd`` (or a new ``PurchaseOrderLineMod``)."""
    fields: dict[str, Any] = {"ItemRef": {"ListID": str(line["item_list_id"])}}
    if line.get("description"):
        fields["Desc"] = str(line["description"])
    if line.get("quantity") is not None and line.get("rate") is not None:
        fields["Quantity"] = Decimal(str(line["quantity"]))
        fields["Rate"] = Decimal(str(line["rate"]))
    fields["Amount"] = Decimal(str(line["amount"]))
    fields["CustomerRef"] = {"ListID": job_list_id}
    return fields


def expected_line_count(payload: Mapping[str, Any]) -> int:
    """Lines the purchase order gets: the Title row (when there is a title) and one per SOV line."""
    return len(payload["lines"]) + (1 if payload.get("title") else 0)


def add_request(payload: Mapping[str, Any]) -> Request:
    """PurchaseOrderAddRq for one commitment (the work item's payload)."""
    lines: list[dict[str, Any]] = [{"Desc": str(payload["title"])}] if payload.get("title") else []
    lines += [po_line_add(line, str(payload["job_list_id"])) for line in payload["lines"]]
    fields: dict[str, Any] = {
        "VendorRef": {"ListID": str(payload["vendor_list_id"])},
        "TxnDate": date.fromisoformat(str(payload["txn_date"])),
        "RefNumber": str(payload["ref_number"]),
        "PurchaseOrderLineAdd": lines,
    }
    if payload.get("vendor_message"):
        fields["VendorMsg"] = str(payload["vendor_message"])
    return codec.build("PurchaseOrderAdd", fields)


def probe_request(payload: Mapping[str, Any]) -> Request:
    """PurchaseOrderQuery by P.O. NO., with lines (the vendor and the lines are compared on the answer)."""
    return codec.build("PurchaseOrderQuery", {"RefNumber": [str(payload["ref_number"])],
                                              "IncludeLineItems": True})


def po_line_ids(rs: Response, ret: Mapping[str, Any]) -> list[str]:
    """The TxnLineIDs of a PurchaseOrderRet's lines, in order (a line without one is refused)."""
    lines = ret.get("PurchaseOrderLineRet") or []
    if isinstance(lines, Mapping):
        lines = [lines]
    if ret.get("PurchaseOrderLineGroupRet"):
        raise answers.UnexpectedAnswer(rs, "with a line group in its PurchaseOrderRet (we add none)")
    out = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping) or line.get("TxnLineID") in (None, ""):
            raise answers.UnexpectedAnswer(rs, f"without a TxnLineID in line {number} of its "
                                               "PurchaseOrderRet")
        txn_line_id = answers.identifier(rs, line, "TxnLineID")
        assert txn_line_id is not None  # required=True
        out.append(txn_line_id)
    return out


def _vendor_of(rs: Response, ret: Mapping[str, Any]) -> str | None:
    ref = ret.get("VendorRef")
    return answers.identifier(rs, ref, "ListID", required=False) if isinstance(ref, Mapping) else None


def _is_ours(rs: Response, ret: Mapping[str, Any], payload: Mapping[str, Any]) -> bool:
    """The purchase order carries our P.O. NO., our vendor and as many lines as we sent."""
    ref = answers.single(rs, ret, "RefNumber", required=False) or ""
    return (ref.casefold() == str(payload["ref_number"]).casefold()
            and _vendor_of(rs, ret) == str(payload["vendor_list_id"])
            and len(po_line_ids(rs, ret)) == expected_line_count(payload))


def _result(action: str, rs: Response, ret: Record, payload: Mapping[str, Any]) -> tuple[dict[str, Any],
                                                                                        IdMapUpdate]:
    txn_id = answers.identifier(rs, ret, "TxnID")
    edit_sequence = answers.identifier(rs, ret, "EditSequence")
    assert txn_id is not None and edit_sequence is not None
    line_ids = po_line_ids(rs, ret)
    title = bool(payload.get("title"))
    result = {
        "action": action,
        "TxnID": txn_id,
        "EditSequence": edit_sequence,
        "RefNumber": str(payload["ref_number"]),
        "title_line_id": line_ids[0] if title else None,
        "TxnLineIDs": line_ids[1:] if title else line_ids,
    }
    return result, IdMapUpdate(OBJECT_TYPE, "", txn_id, edit_sequence, str(payload["ref_number"]))


class CommitmentExportHandler:
    """``commitment.export``: PurchaseOrderAdd; QuickBooks' errors fail the item; probe by P.O. NO."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        if adds.is_probe_phase(item.result):
            return self.build_probe(item)
        return add_request(item.payload)

    def build_probe(self, item: WorkItemView) -> RequestBody:
        return probe_request(item.payload)

    def _done(self, action: str, rs: Response, ret: Record, item: WorkItemView, **kw: Any) -> Outcome:
        result, update = _result(action, rs, ret, item.payload)
        update = IdMapUpdate(update.object_type, item.procore_id or "", update.qb_id, update.edit_sequence,
                             update.name)
        if action == "created":
            return Outcome.done(rs, result=result, id_map=(update,))
        return Outcome.done(status_code=str(rs.status_code), result=result, id_map=(update,), **kw)

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        if adds.is_probe_phase(item.result):
            return self.handle_probe_response(item, responses)
        rs = responses[0]
        if rs.name == "PurchaseOrderAddRs" and codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        if rs.name != "PurchaseOrderAddRs":
            return adds.look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to a PurchaseOrderAddRq")
        try:
            ret = answers.the_ret(rs, ("PurchaseOrderRet",))
            if not _is_ours(rs, ret, item.payload):
                number = item.payload["ref_number"]
                return adds.look_up("WrongObject", "QuickBooks answered PurchaseOrderAddRs with a purchase"
                                                   f" order that is not P.O. NO. {number!r} of our vendor"
                                                   " with our lines")
            return self._done("created", rs, ret, item)
        except answers.UnexpectedAnswer as unexpected:
            return adds.look_up(unexpected.status_code, unexpected.message)

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if rs.name != "PurchaseOrderQueryRs":
            return adds.look_up("UnexpectedAnswer",
                                f"QuickBooks answered {rs.name} to a PurchaseOrderQueryRq")
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        ours = [ret for ret in codec.records(rs) if _is_ours(rs, ret, item.payload)]
        number = str(item.payload["ref_number"])
        if not ours:
            return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                  result={"phase": "add"})
        if len(ours) > 1:
            return Outcome.failed(
                status_code="UnexpectedAnswer",
                message=f"QuickBooks has {len(ours)} purchase orders P.O. NO. {number!r} of this vendor"
                        " after an interrupted session; not adding another (delete the extra one and"
                        " resend)",
                result={"action": "failed"},
            )
        txn_id = answers.identifier(rs, ours[0], "TxnID")
        return self._done("recovered", rs, ours[0], item,
                          message=f"Found purchase order P.O. NO. {number!r} (TxnID {txn_id}) after an "
                                  "interrupted session; not added again.")
