"""Procore commitment change orders (CCOs) → new lines on the commitment's QuickBooks purchase order.

seed 001 "Commitment Change Orders" (SEED-RULES J1–J3, T1–T2): "new line items are created and added to
the corresponding Purchase Order in QuickBooks Desktop, below pre-existing line items"; the mapping is the
commitment's table. The PO's header (Date, P.O. NO., Vendor, Vendor Message) is the commitment's and is
left as it is: the CCO adds lines, it does not re-date or re-number the PO (our reading: the seed's table
repeats the commitment's rows, and QuickBooks has one header per PO). Per CCO:

* Title → a description-only row above the CCO's lines (as the commitment's Title row), so the PO shows
  which change order the lines below it came from;
* per CCO line: Cost Code → Item (``ItemRef`` ListID = the standard cost code's Service item),
  Description → ``Desc``, Qty / Unit Cost when both non-zero → ``Quantity`` / ``Rate``, Amount → ``Amount``,
  Project → Customer:Job (``CustomerRef`` = the job's ListID).

The commitment must be synced first (seed 001: "The Commitment must be synced with QuickBooks Desktop
before the CCO"): refused with the reason otherwise, and so are lines whose cost code has no Service item.

QuickBooks' ``PurchaseOrderMod`` replaces the PO's lines with the ``PurchaseOrderLineMod`` list it is
given (the OSR: a line left out is deleted; ``TxnLineID`` -1 adds one). So the Mod re-sends every current
line by TxnLineID, then the CCO's lines with -1. The current lines are known only together with the
EditSequence they belong to: the id map holds the PO's EditSequence (``commitment`` ← TxnID); the finished
item that recorded that EditSequence (the commitment's export, or the CCO before) recorded the PO's lines.
An EditSequence QuickBooks no longer has means someone changed the PO, so its lines may have changed too:
3200 → the PO is read again (``PurchaseOrderQuery`` TxnID with lines) and the Mod retried once. With no
known lines (the connector's store was reset) the PO is read first.

Several CCOs of one commitment go one at a time, in the order Procore sent them (seed 001's limitation:
"multiple CCOs for the same commitment should be exported … one CCO at a time"): each change order's
work item depends on the unfinished one before it, so two never share a batch (two Mods of one PO in one
batch would make the second meet 3200). A change order whose predecessor failed is not sent: the order of
the lines on the PO would change (the queue fails it naming the one before).

Crash safety: a Mod left ``sent`` by a dead session is probed by reading the PO. The lines we sent before
it followed by as many new lines as the CCO has, with items and amounts ours → applied (``recovered``);
the lines as they were → not applied, the Mod is sent with the EditSequence just read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from connector.qbxml import QBXMLBuildError, Record, Request, Response
from connector.sync import adds, answers, codec, commitments, mods
from connector.sync.context import SyncContext
from connector.work import IdMapUpdate, NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

KIND = "change_order.export"
#: qbXML: a ``PurchaseOrderLineMod`` with this TxnLineID is a new line.
NEW_LINE = "-1"


class ChangeOrderRejected(WorkRefused, ValueError):
    """A commitment change order the connector refuses to add to the purchase order."""

    status = "ChangeOrderRejected"

    def __init__(self, title: str, reason: str) -> None:
        self.title = title
        self.reason = reason
        super().__init__(self.status,
                         f"Change order {title!r} cannot be added to the purchase order: {reason}")


class ChangeOrderCommitmentNotSynced(ChangeOrderRejected):
    """The change order's commitment has no QuickBooks purchase order yet."""

    status = "ChangeOrderCommitmentNotSynced"

    def __init__(self, title: str, commitment: str) -> None:
        super().__init__(title, f"its commitment {commitment!r} is not synced with QuickBooks Desktop; "
                                "export the commitment first")


class ChangeOrderCostCodeNotSynced(ChangeOrderRejected):
    """A change order line's cost code has no QuickBooks Service item yet."""

    status = "ChangeOrderCostCodeNotSynced"

    def __init__(self, title: str, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(title, f"cost code(s) {', '.join(codes)} are not synced with QuickBooks Desktop; "
                                "export the standard cost codes first")


class ChangeOrderAlreadySynced(ChangeOrderRejected):
    """A change order whose lines are already on the purchase order."""

    status = "ChangeOrderAlreadySynced"

    def __init__(self, title: str, origin_id: str) -> None:
        super().__init__(title, f"it is already synced with QuickBooks Desktop ({origin_id})")


def _title_of(change_order: Mapping[str, Any]) -> str:
    try:
        return adds.text(change_order, "title") or f"#{adds.text(change_order, 'number')}"
    except adds.NotText:
        return ""


def work_from_request(request_data: Mapping[str, Any]) -> NewWork:
    """A ``create_commitment_change_order`` ERP Request's ``request_data`` as a ``change_order.export`` item.

    The item's ``procore_id`` is the *commitment's* id: the record it changes in QuickBooks is the
    commitment's purchase order (its id map entry, and the one-at-a-time order, are per commitment).
    Raises a :class:`ChangeOrderRejected` subclass naming the reason (nothing is sent to QuickBooks).
    """
    data = request_data if isinstance(request_data, Mapping) else {}
    change_order = data.get("change_order")
    commitment = data.get("commitment")
    if not isinstance(change_order, Mapping) or not isinstance(commitment, Mapping):
        raise ChangeOrderRejected("", "the ERP Request carries no change order or no commitment")
    title = _title_of(change_order)
    try:
        if adds.procore_id(change_order) is None or adds.procore_id(commitment) is None:
            raise ChangeOrderRejected(title, "the ERP Request's change order or commitment has no id")
        if adds.text(change_order, "origin_id"):
            raise ChangeOrderAlreadySynced(title, adds.text(change_order, "origin_id"))
        number = adds.text(commitment, "origin_code") or adds.text(commitment, "number")
        kind = commitments.ITEM_TYPES.get(adds.text(commitment, "type"))
        if kind is None:
            raise ChangeOrderRejected(title, f"its commitment's type {commitment.get('type')!r} is neither a"
                                             " subcontract nor a purchase order")
        if not adds.text(commitment, "origin_id"):
            raise ChangeOrderCommitmentNotSynced(title, number)
        job_id = adds.text(data, "job_origin_id") or adds.text(data, "job_id")
        if not job_id:
            raise ChangeOrderRejected(title, "its project is not synced with QuickBooks Desktop")
        items = data.get("change_order_items")
        if not isinstance(items, list) or not items:
            raise ChangeOrderRejected(title, "it has no line items")
        try:
            lines = [commitments.sov_line(i if isinstance(i, Mapping) else {}, False, number) for i in items]
        except commitments.CommitmentRejected as exc:
            raise ChangeOrderRejected(title, exc.reason) from exc
        unsynced = [ln["cost_code"] or "(none)" for ln in lines if not ln["item_list_id"]]
        if unsynced:
            raise ChangeOrderCostCodeNotSynced(title, list(dict.fromkeys(unsynced)))
        payload: dict[str, Any] = {
            "change_order_id": adds.procore_id(change_order),
            "commitment_item_type": kind,
            "ref_number": number,
            "txn_id": adds.text(commitment, "origin_id"),
            "job_list_id": job_id,
            "title": adds.text(change_order, "title").strip() or None,
            "lines": lines,
        }
    except adds.NotText as exc:
        raise ChangeOrderRejected(title, str(exc)) from exc
    try:
        codec.check(mod_request(payload, "0", []))
    except QBXMLBuildError as exc:
        raise ChangeOrderRejected(title, f"it cannot be written as qbXML ({exc})") from exc
    return NewWork(KIND, payload, adds.procore_id(commitment))


def mod_request(payload: Mapping[str, Any], edit_sequence: str, current_lines: Sequence[str]) -> Request:
    """PurchaseOrderModRq: the PO's current lines kept by TxnLineID, the change order's appended."""
    job = str(payload["job_list_id"])
    new: list[dict[str, Any]] = [{"Desc": str(payload["title"])}] if payload.get("title") else []
    new += [commitments.po_line_add(line, job) for line in payload["lines"]]
    lines = [{"TxnLineID": line_id} for line_id in current_lines]
    lines += [{"TxnLineID": NEW_LINE, **fields} for fields in new]
    return codec.build("PurchaseOrderMod", {"TxnID": str(payload["txn_id"]), "EditSequence": edit_sequence,
                                            "PurchaseOrderLineMod": lines})


def read_request(payload: Mapping[str, Any]) -> Request:
    """PurchaseOrderQueryRq for the commitment's PO, with its lines (the re-read, and the crash probe)."""
    return codec.build("PurchaseOrderQuery", {"TxnID": [str(payload["txn_id"])], "IncludeLineItems": True})


def _po_lines(rs: Response, ret: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lines = ret.get("PurchaseOrderLineRet") or []
    if isinstance(lines, Mapping):
        lines = [lines]
    commitments.po_line_ids(rs, ret)  # every line has one readable TxnLineID, no line groups
    return list(lines)


def _line_ids(rs: Response, ret: Mapping[str, Any]) -> list[str]:
    return commitments.po_line_ids(rs, ret)


def _ref_list_id(value: Any) -> str | None:
    if isinstance(value, Mapping) and value.get("ListID") is not None:
        return str(value["ListID"])
    return None


def _is_our_line(line: Mapping[str, Any], sent: Mapping[str, Any] | None, title: str | None) -> bool:
    """A PO line that is the CCO line (or Title row) we sent: same item, description and amount."""
    if sent is None:
        return _ref_list_id(line.get("ItemRef")) is None and str(line.get("Desc") or "") == (title or "")
    amount = line.get("Amount")
    try:
        same_amount = amount is not None and Decimal(str(amount)) == Decimal(str(sent["amount"]))
    except ArithmeticError:
        same_amount = False
    # A line sent without a description gets the item's purchase description from QuickBooks (as the
    # fake does, and QuickBooks' own form fills it): only a description we sent must come back.
    sent_desc = str(sent.get("description") or "")
    return (_ref_list_id(line.get("ItemRef")) == str(sent["item_list_id"])
            and (not sent_desc or str(line.get("Desc") or "") == sent_desc) and same_amount)


def lines_applied(payload: Mapping[str, Any], before: Sequence[str],
                  lines: Sequence[Mapping[str, Any]]) -> bool:
    """The PO's ``lines`` are ``before`` followed by this change order's lines (our Mod was applied)."""
    sent: list[Mapping[str, Any] | None] = [None] if payload.get("title") else []
    sent += list(payload["lines"])
    if len(lines) != len(before) + len(sent):
        return False
    if [str(line.get("TxnLineID")) for line in lines[: len(before)]] != list(before):
        return False
    return all(_is_our_line(line, s, payload.get("title")) for line, s in zip(lines[len(before):], sent,
                                                                               strict=True))


class ChangeOrderExportHandler:
    """``change_order.export``: PurchaseOrderMod appending lines; 3200 → re-read, one retry; probe = read."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    # -- what the PO looks like now --------------------------------------------------------------
    def known_lines(self, item: WorkItemView) -> tuple[str, list[str]] | None:
        """(EditSequence, the PO's TxnLineIDs) as last seen, or None when the PO must be read first.

        This item's own re-read wins; else the id map's EditSequence, with the lines recorded by the done
        export or change order of this commitment that saw that EditSequence. An EditSequence without its
        lines is no use: a Mod with stale lines would delete the lines someone added in QuickBooks.
        """
        if item.result.get("po_edit_sequence") and isinstance(item.result.get("po_line_ids"), list):
            return str(item.result["po_edit_sequence"]), [str(x) for x in item.result["po_line_ids"]]
        if item.result.get("reread"):
            return None
        mapping = self._context.id_map.by_procore_id(item.company_key, commitments.OBJECT_TYPE,
                                                     item.procore_id or "")
        if mapping is None or mapping.qb_id != str(item.payload["txn_id"]) or not mapping.edit_sequence:
            return None
        for record in reversed(self._context.queue.items(item.company_key, ["done"])):
            if record.kind not in (KIND, commitments.KIND) or record.procore_id != item.procore_id:
                continue
            seen = _recorded_lines(record.kind, record.result or {})
            if seen is not None and seen[0] == mapping.edit_sequence:
                return seen
        return None

    # -- requests ----------------------------------------------------------------------------------
    def build_request(self, item: WorkItemView) -> RequestBody:
        known = self.known_lines(item)
        if known is None:
            return read_request(item.payload)
        return mod_request(item.payload, known[0], known[1])

    def build_probe(self, item: WorkItemView) -> RequestBody:
        return read_request(item.payload)

    # -- answers -----------------------------------------------------------------------------------
    def _spent(self, item: WorkItemView) -> int:
        return int(item.result.get("stale_retries") or 0)

    def _read(self, item: WorkItemView, rs: Response) -> tuple[Record, list[Mapping[str, Any]]] | Outcome:
        """The PO from a PurchaseOrderQueryRs, or the item's failed outcome (QuickBooks' own message)."""
        if codec.is_error(rs) or not codec.records(rs):
            return Outcome.failed(rs, result={"action": "failed", "stale_retries": self._spent(item)})
        ret = answers.the_ret(rs, ("PurchaseOrderRet",))
        txn_id = answers.identifier(rs, ret, "TxnID")
        if txn_id != str(item.payload["txn_id"]):
            raise answers.UnexpectedAnswer(rs, f"with the PurchaseOrderRet of TxnID {txn_id}, not "
                                               f"{item.payload['txn_id']}")
        return ret, _po_lines(rs, ret)

    def _reread_outcome(self, item: WorkItemView, rs: Response, ret: Record) -> Outcome:
        edit_sequence = answers.identifier(rs, ret, "EditSequence")
        assert edit_sequence is not None
        return Outcome.resend(
            status_code=str(rs.status_code), message=rs.status_message,
            result={"stale_retries": self._spent(item), "po_edit_sequence": edit_sequence,
                    "po_line_ids": _line_ids(rs, ret)},
            id_map=(IdMapUpdate(commitments.OBJECT_TYPE, item.procore_id or "", str(item.payload["txn_id"]),
                                edit_sequence),),
        )

    def _done(self, action: str, item: WorkItemView, rs: Response, ret: Record, before: Sequence[str],
              **kw: Any) -> Outcome:
        edit_sequence = answers.identifier(rs, ret, "EditSequence")
        assert edit_sequence is not None
        line_ids = _line_ids(rs, ret)
        added = line_ids[len(before):]
        title = bool(item.payload.get("title"))
        result = {
            "action": action,
            "TxnID": str(item.payload["txn_id"]),
            "EditSequence": edit_sequence,
            "RefNumber": str(item.payload["ref_number"]),
            "title_line_id": added[0] if title else None,
            "TxnLineIDs": added[1:] if title else added,
            "po_edit_sequence": edit_sequence,
            "po_line_ids": line_ids,
            "stale_retries": self._spent(item),
        }
        update = IdMapUpdate(commitments.OBJECT_TYPE, item.procore_id or "", str(item.payload["txn_id"]),
                             edit_sequence, str(item.payload["ref_number"]))
        if action == "updated":
            return Outcome.done(rs, result=result, id_map=(update,))
        return Outcome.done(status_code=str(rs.status_code), result=result, id_map=(update,), **kw)

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        unsure = item.result.get("unsure_after")
        if rs.name == "PurchaseOrderQueryRs":
            before = [str(x) for x in unsure] if isinstance(unsure, list) else None
            return self._after_read(item, rs, before)
        known = self.known_lines(item)
        try:
            if rs.name != "PurchaseOrderModRs" or known is None:
                return self._unsure(item, known, f"QuickBooks answered {rs.name} to our request")
            if rs.status_code == mods.STALE_EDIT_SEQUENCE and self._spent(item) < mods.STALE_RETRIES:
                # Someone changed the PO in QuickBooks: its lines may have changed too, so read it again.
                return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                      result={"stale_retries": self._spent(item) + 1, "reread": True})
            if codec.is_error(rs) or rs.status_code != 0:
                return Outcome.failed(rs, result={"action": "failed", "stale_retries": self._spent(item)})
            ret = answers.the_ret(rs, ("PurchaseOrderRet",))
            lines = _po_lines(rs, ret)
            if (answers.identifier(rs, ret, "TxnID") != str(item.payload["txn_id"])
                    or not lines_applied(item.payload, known[1], lines)):
                why = ("QuickBooks answered PurchaseOrderModRs with a purchase order that is not ours with"
                       " our lines")
                return self._unsure(item, known, f"{why} appended")
            return self._done("updated", item, rs, ret, known[1])
        except answers.UnexpectedAnswer as unexpected:
            return self._unsure(item, known, unexpected.message)

    def _unsure(self, item: WorkItemView, known: tuple[str, list[str]] | None, why: str) -> Outcome:
        """An answer that does not show what became of the Mod: read the PO, then decide (as the probe)."""
        result: dict[str, Any] = {"stale_retries": self._spent(item), "reread": True}
        if known is not None:
            result["unsure_after"] = known[1]
        return Outcome.resend(status_code="UnexpectedAnswer", message=f"{why}; reading the purchase order",
                              result=result)

    def _after_read(self, item: WorkItemView, rs: Response, before: Sequence[str] | None) -> Outcome:
        """The PO as read: our lines already there after ``before`` → recovered; else Mod on what was read."""
        if rs.name != "PurchaseOrderQueryRs":
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {rs.name} to a PurchaseOrderQueryRq",
                                  result={**item.result, "reread": True})
        try:
            read = self._read(item, rs)
            if isinstance(read, Outcome):
                return read
            ret, lines = read
            if before is not None and lines_applied(item.payload, before, lines):
                return self._done("recovered", item, rs, ret, before,
                                  message="Found the change order's lines on purchase order P.O. NO. "
                                          f"{item.payload['ref_number']!r} after an interrupted session; "
                                          "not added again.")
            return self._reread_outcome(item, rs, ret)
        except answers.UnexpectedAnswer as unexpected:
            return Outcome.failed(status_code=unexpected.status_code, message=unexpected.message,
                                  result={"action": "failed"})

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        known = self.known_lines(item)
        return self._after_read(item, responses[0], known[1] if known is not None else None)


def _recorded_lines(kind: str, result: Mapping[str, Any]) -> tuple[str, list[str]] | None:
    """(EditSequence, PO TxnLineIDs) a finished item of the PO recorded, if it recorded them."""
    if kind == KIND:
        if result.get("po_edit_sequence") and isinstance(result.get("po_line_ids"), list):
            return str(result["po_edit_sequence"]), [str(x) for x in result["po_line_ids"]]
        return None
    if kind == commitments.KIND and result.get("EditSequence") and isinstance(result.get("TxnLineIDs"), list):
        title = [str(result["title_line_id"])] if result.get("title_line_id") else []
        return str(result["EditSequence"]), title + [str(x) for x in result["TxnLineIDs"]]
    return None
