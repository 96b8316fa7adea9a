"""Procore budgets (and budget modifications / Budget Changes) → a QuickBooks estimate on the project's job.

seed 001, "Budgets/Budget Modifications" mapping (SEED-RULES G1–G7, R1–R7): Project Name → Customer:Job,
Cost Code → Item (the standard cost code's Service item), Cost Code Description → Description, Original
Budget Amount → Rate and Amount. Budget modifications add lines "below pre-existing line items": a negative
amount on the "From" cost code, a positive one on the "To" cost code; Budget Changes export the same way.

What Procore sends (``create_budget`` / ``update_budget``, the ERP dictionary): the budget, its
``job_costs`` (one per budget line: the cost code's ``cost_code_origin_id``) and the ``transactions`` not
yet marked synced — ``Erp::OriginalEstimateTransaction`` (a line's first export, its original amount) and
``Erp::RevisedEstimateTransaction`` (a modification's −/+ halves, an approved Budget Change, an edit of a
synced line's original amount as the delta). Every transaction is one estimate line, so QuickBooks keeps the
first export as the Original Budget while the job's Est. Cost follows the revised budget. ``new_amount`` of
a job cost is never used (it is the revised budget, and may carry prime contract change order amounts,
which seed 001 says are not exported); a transaction of a prime contract change order is left out.

* first export (``budget.export``): ``EstimateAdd`` for the job, one line per transaction — one request,
  one Web Connector round trip, whatever the number of lines (QuickBooks sets no line limit we know of).
* re-export (``budget.update``, the budget's ``origin_id`` is the estimate's TxnID): ``EstimateQuery`` of
  the estimate with its lines, then ``EstimateMod`` keeping every current line by TxnLineID and appending
  the lines QuickBooks lacks (TxnLineID -1). QuickBooks deletes the lines a Mod leaves out, so the Mod must
  name them all — including lines a person added in QuickBooks; reading first is what keeps those, hence
  two round trips. A 3200 (someone saved the estimate between our read and our Mod) re-reads and retries
  once; a second 3200 fails with QuickBooks' message.

Which lines QuickBooks already has: each line we add carries its Procore transaction id in the line's
``Other1`` column (``Procore <id>``; 29 characters in QuickBooks, not shown on the default estimate
template). Procore's own connector's way of recognising its lines is not in our sources; this is our
choice. It makes every answer exact: a crash after QuickBooks applied an Add or Mod, a redelivered webhook,
a resend after a failed export — the read shows which transactions are in the estimate, and only the others
are sent (never a second estimate, never a line twice). A first export whose answer was lost is found by
an ``EstimateQuery`` of the job's estimates for a line marked with one of its transactions.

On ``done`` the result holds ``TxnID``, ``EditSequence`` and ``transaction_lines`` (Procore transaction id
→ TxnLineID, for every transaction of the payload QuickBooks now has); the write-back makes the TxnID the
budget's origin id, marks those transactions synced (``erp_transactions/sync``), then closes the detail.
A failed export marks nothing synced: Procore sends the same transactions with the next export.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from connector.qbxml import QBXMLBuildError, Record, Request, Response
from connector.sync import adds, answers, codec
from connector.sync.context import SyncContext
from connector.work import IdMapUpdate, NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

EXPORT_KIND = "budget.export"
UPDATE_KIND = "budget.update"
OBJECT_TYPE = "budget"  # id map object type: Procore budget id → the estimate's TxnID
ORIGINAL = "Erp::OriginalEstimateTransaction"
REVISED = "Erp::RevisedEstimateTransaction"
#: ``procore_transaction_type`` of the revised-estimate transactions this connector exports (None: an
#: original amount). Procore documents none of these names beyond the dictionary example (None).
REVISED_SOURCES = ("BudgetModification", "BudgetChange", "BudgetLineItem")
#: How a prime contract change order's transaction is recognised (its type names a prime contract).
PCCO_MARK = "primecontract"
MARKER_PREFIX = "Procore "
QB_OTHER1_MAX_LENGTH = 29  # qbxml130.xsd: EstimateLineAdd/Other1 maxLength 29
STALE_EDIT_SEQUENCE = 3200
STALE_RETRIES = 1
CENT = Decimal("0.01")


class BudgetRejected(WorkRefused, ValueError):
    """A budget the connector refuses to send as an estimate (the approver reads why)."""

    status = "BudgetRejected"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(self.status,
                         f"The budget cannot be exported to QuickBooks Desktop as an estimate: {reason}")


class BudgetProjectNotSynced(BudgetRejected):
    """The budget's project has no QuickBooks Customer:Job yet (seed 001: the project first)."""

    status = "BudgetProjectNotSynced"

    def __init__(self) -> None:
        super().__init__("its project is not synced with QuickBooks Desktop; export the project first")


class BudgetCostCodeNotSynced(BudgetRejected):
    """A budget line's cost code has no QuickBooks Service item yet (seed 001: every cost code first)."""

    status = "BudgetCostCodeNotSynced"

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = tuple(codes)
        super().__init__(f"cost code(s) {', '.join(codes)} are not synced with QuickBooks Desktop; export "
                         "the standard cost codes (and the project) first")


def marker(transaction_id: str) -> str:
    """The ``Other1`` text that names a Procore transaction on its estimate line."""
    return f"{MARKER_PREFIX}{transaction_id}"


def _money(value: Any, what: str) -> Decimal:
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise InvalidOperation
        amount = Decimal(str(value))
    except InvalidOperation:
        raise BudgetRejected(f"{what} {value!r} is not an amount") from None
    if not amount.is_finite():
        raise BudgetRejected(f"{what} {value!r} is not an amount")
    cents = amount.quantize(CENT, rounding=ROUND_HALF_UP)
    if cents != amount:
        raise BudgetRejected(f"{what} {value!r} has fractions of a cent; QuickBooks amounts have two "
                             "decimals")
    return cents


def item_list_id(cost_code_origin_id: str) -> str:
    """The Service item ListID of a project cost code's origin id.

    The write-back gives a project cost code the origin id ``"<job ListID>|<item ListID>"`` (unique per
    project, as Procore requires); an origin id without ``|`` is taken as the item's ListID itself.
    """
    return cost_code_origin_id.rsplit("|", 1)[-1]


def _is_pcco(txn: Mapping[str, Any]) -> bool:
    source = txn.get("procore_transaction_type")
    return isinstance(source, str) and PCCO_MARK in source.replace("_", "").replace(" ", "").casefold()


def _cost_code_names(request_data: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """The project's cost codes by origin id (``project_cost_codes``: added by the intake from Procore;
    ``unsynced_line_codes`` names the code of each budget line whose cost code has no origin id)."""
    out: dict[str, Mapping[str, Any]] = {}
    for code in request_data.get("project_cost_codes") or []:
        if isinstance(code, Mapping) and code.get("origin_id"):
            out[str(code["origin_id"])] = code
    return out


def _line(txn: Mapping[str, Any], job_costs: Mapping[str, Mapping[str, Any]],
          codes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    txn_id = adds.procore_id(txn)
    if txn_id is None:
        raise BudgetRejected("a transaction of the export has no id")
    kind, source = txn.get("type"), txn.get("procore_transaction_type")
    known = (kind == ORIGINAL and source is None) or (kind == REVISED and source in REVISED_SOURCES)
    if not known:
        raise BudgetRejected(f"transaction {txn_id} is a {kind!r} of {source!r}, which this connector does "
                             "not know how to write to an estimate")
    job_cost = job_costs.get(str(txn.get("job_cost_id")))
    if job_cost is None:
        raise BudgetRejected(f"transaction {txn_id} names job cost {txn.get('job_cost_id')!r}, which the "
                             "export does not carry")
    origin = adds.text(job_cost, "cost_code_origin_id")
    code = codes.get(origin, {})
    if len(marker(txn_id)) > QB_OTHER1_MAX_LENGTH:
        raise BudgetRejected(f"transaction id {txn_id} is too long to mark its estimate line")
    return {
        "transaction_id": txn_id,
        "source": source or "original",
        "budget_line_item_id": job_cost.get("budget_line_item_id"),
        "cost_code": adds.text(code, "full_code") or adds.text(code, "code"),
        "item_list_id": item_list_id(origin) if origin else None,
        "description": adds.text(code, "name").strip() or None,
        "amount": str(_money(txn.get("value"), f"transaction {txn_id}'s value")),
    }


def work_from_request(request_data: Mapping[str, Any]) -> tuple[NewWork | None, tuple[str, ...]]:
    """A ``create_budget`` / ``update_budget`` request's ``request_data`` as work, and what was left out.

    Gives ``budget.export`` (the budget has no origin id yet) or ``budget.update`` (its origin id is the
    estimate's TxnID), or None when no transaction is left for QuickBooks (an update whose edits cancel out,
    or carrying only prime contract change order amounts). The messages say what was left out and why.
    Raises a :class:`BudgetRejected` subclass naming the reason (nothing is sent to QuickBooks).
    """
    budget = request_data.get("budget") if isinstance(request_data, Mapping) else None
    if not isinstance(budget, Mapping) or adds.procore_id(budget) is None:
        raise BudgetRejected("the ERP Request carries no budget with an id")
    try:
        job_id = adds.text(request_data, "job_id")
        if not job_id:
            raise BudgetProjectNotSynced()
        project_id = budget.get("project_id")
        if not isinstance(project_id, int) or isinstance(project_id, bool):
            raise BudgetRejected(f"its project id {project_id!r} is not a Procore id")
        txn_id = adds.text(budget, "origin_id") or None
        raw_costs = request_data.get("job_costs")
        raw_txns = request_data.get("transactions")
        if not isinstance(raw_costs, list) or not isinstance(raw_txns, list):
            raise BudgetRejected("the ERP Request carries no job_costs or transactions list")
        job_costs = {str(jc.get("id")): jc for jc in raw_costs if isinstance(jc, Mapping)}
        codes = _cost_code_names(request_data)
        txns = [t for t in raw_txns if isinstance(t, Mapping)]
        pcco = [t for t in txns if _is_pcco(t)]
        lines = [_line(t, job_costs, codes) for t in txns if not _is_pcco(t)]
        named = request_data.get("unsynced_line_codes")
        named = named if isinstance(named, Mapping) else {}
        unsynced = [ln["cost_code"] or str(named.get(str(ln["budget_line_item_id"])) or "")
                    or f"(budget line {ln['budget_line_item_id']})" for ln in lines if not ln["item_list_id"]]
        if unsynced:
            raise BudgetCostCodeNotSynced(list(dict.fromkeys(unsynced)))
    except adds.NotText as exc:
        raise BudgetRejected(str(exc)) from exc
    left_out = tuple(
        f"Transaction {t.get('id')} ({t.get('procore_transaction_type')}, {t.get('value')}) was not "
        "exported: prime contract change order amounts are not exported to QuickBooks Desktop."
        for t in pcco
    )
    if not lines:
        if txn_id is None:
            raise BudgetRejected("Procore sent no budget amount to export (the export carries no transaction "
                                 "that is not synced yet)")
        return None, left_out
    payload: dict[str, Any] = {
        "budget_id": adds.procore_id(budget),
        "project_id": project_id,
        "job_list_id": job_id,
        "txn_id": txn_id,
        "lines": lines,
    }
    try:
        codec.check(add_request(payload))
    except QBXMLBuildError as exc:
        raise BudgetRejected(f"it cannot be written as qbXML ({exc})") from exc
    return NewWork(UPDATE_KIND if txn_id else EXPORT_KIND, payload, adds.procore_id(budget)), left_out


# -- the requests ----------------------------------------------------------------------------------------
def _line_fields(line: Mapping[str, Any]) -> dict[str, Any]:
    amount = Decimal(str(line["amount"]))
    fields: dict[str, Any] = {"ItemRef": {"ListID": str(line["item_list_id"])}}
    if line.get("description"):
        fields["Desc"] = str(line["description"])
    # seed 001: Original Budget Amount → Rate and Amount. No Quantity: QuickBooks shows none and keeps the
    # Amount sent (as the fake does; what real QuickBooks does when a Rate and an Amount come without a
    # quantity is not in our sources — they agree here, a quantity of one).
    fields["Rate"] = amount
    fields["Amount"] = amount
    fields["Other1"] = marker(str(line["transaction_id"]))
    return fields


def add_request(payload: Mapping[str, Any]) -> Request:
    """EstimateAddRq: the job, one line per transaction (in Procore's order)."""
    return codec.build("EstimateAdd", {
        "CustomerRef": {"ListID": str(payload["job_list_id"])},
        "EstimateLineAdd": [_line_fields(line) for line in payload["lines"]],
    })


def read_request(txn_id: str) -> Request:
    """EstimateQueryRq of one estimate by TxnID, with its lines."""
    return codec.build("EstimateQuery", {"TxnID": [txn_id], "IncludeLineItems": True})


def job_estimates_request(job_list_id: str) -> Request:
    """EstimateQueryRq of a job's estimates with their lines (a first export's crash probe)."""
    return codec.build("EstimateQuery", {"EntityFilter": {"ListID": [job_list_id]}, "IncludeLineItems": True})


def mod_request(txn_id: str, edit_sequence: str, keep: Sequence[str], lines: Sequence[Mapping[str, Any]]
                ) -> Request:
    """EstimateModRq: every current line kept by TxnLineID, then the new lines (TxnLineID -1) below them."""
    mods: list[dict[str, Any]] = [{"TxnLineID": line_id} for line_id in keep]
    mods += [{"TxnLineID": "-1", **_line_fields(line)} for line in lines]
    return codec.build("EstimateMod", {"TxnID": txn_id, "EditSequence": edit_sequence,
                                       "EstimateLineMod": mods})


# -- reading QuickBooks' estimates --------------------------------------------------------------------------
def _lines_of(rs: Response, ret: Mapping[str, Any], *, groups: bool = False) -> list[tuple[str, str | None]]:
    """(TxnLineID, Other1) of an EstimateRet's lines, in order; a line group is refused unless ``groups``
    (looking for our lines among a job's estimates, where a person's estimate may well have groups)."""
    if ret.get("EstimateLineGroupRet") and not groups:
        raise answers.UnexpectedAnswer(rs, "with a line group in its EstimateRet (a person added an item "
                                           "group in QuickBooks; the connector cannot keep its place when "
                                           "appending lines: remove the group and resend)")
    lines = ret.get("EstimateLineRet") or []
    if isinstance(lines, Mapping):
        lines = [lines]
    out = []
    for number, line in enumerate(lines, start=1):
        if not isinstance(line, Mapping) or line.get("TxnLineID") in (None, ""):
            raise answers.UnexpectedAnswer(rs, f"without a TxnLineID in line {number} of its EstimateRet")
        txn_line_id = answers.identifier(rs, line, "TxnLineID")
        assert txn_line_id is not None  # required=True
        out.append((txn_line_id, answers.single(rs, line, "Other1", required=False)))
    return out


def _job_of(rs: Response, ret: Mapping[str, Any]) -> str | None:
    ref = ret.get("CustomerRef")
    return answers.identifier(rs, ref, "ListID", required=False) if isinstance(ref, Mapping) else None


def _ours(payload: Mapping[str, Any], lines: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """Transaction id → TxnLineID of the payload's transactions the estimate already has."""
    by_marker = {other1: line_id for line_id, other1 in lines if other1}
    found = {}
    for line in payload["lines"]:
        txn = str(line["transaction_id"])
        if marker(txn) in by_marker:
            found[txn] = by_marker[marker(txn)]
    return found


class BudgetExportHandler:
    """``budget.export`` / ``budget.update``: EstimateAdd, or read then EstimateMod (see module docstring)."""

    def __init__(self, context: SyncContext, kind: str) -> None:
        self._context = context
        self.kind = kind

    # -- building --------------------------------------------------------------------------------------
    def _known_txn_id(self, item: WorkItemView) -> str | None:
        """The estimate's TxnID: from this item's state, Procore's origin id, or what we created before
        (an export resent before Procore learned of the estimate must not add a second one)."""
        if item.result.get("TxnID"):
            return str(item.result["TxnID"])
        if item.payload.get("txn_id"):
            return str(item.payload["txn_id"])
        if item.result.get("phase") == "add":  # what the id map named is gone from QuickBooks
            return None
        mapping = self._context.id_map.by_procore_id(item.company_key, OBJECT_TYPE, item.procore_id or "")
        return mapping.qb_id if mapping is not None else None

    def build_request(self, item: WorkItemView) -> RequestBody:
        state = item.result
        if state.get("phase") == "mod":
            missing = [ln for ln in item.payload["lines"] if str(ln["transaction_id"]) in state["missing"]]
            return mod_request(str(state["TxnID"]), str(state["EditSequence"]), state["keep"], missing)
        if adds.is_probe_phase(state):
            return self.build_probe(item)
        txn_id = self._known_txn_id(item)
        if txn_id:
            return read_request(txn_id)
        return add_request(item.payload)

    def build_probe(self, item: WorkItemView) -> RequestBody:
        txn_id = self._known_txn_id(item)
        return read_request(txn_id) if txn_id else job_estimates_request(str(item.payload["job_list_id"]))

    # -- outcomes --------------------------------------------------------------------------------------
    def _done(self, action: str, rs: Response, ret: Record, item: WorkItemView, found: Mapping[str, str],
              message: str | None = None) -> Outcome:
        txn_id = answers.identifier(rs, ret, "TxnID")
        edit_sequence = answers.identifier(rs, ret, "EditSequence")
        assert txn_id is not None and edit_sequence is not None
        result = {"action": action, "TxnID": txn_id, "EditSequence": edit_sequence,
                  "transaction_lines": dict(found), "stale_retries": item.result.get("stale_retries", 0)}
        update = IdMapUpdate(OBJECT_TYPE, item.procore_id or "", txn_id, edit_sequence)
        return Outcome.done(status_code=str(rs.status_code), message=message or rs.status_message,
                            result=result, id_map=(update,))

    def _after_read(self, item: WorkItemView, rs: Response, ret: Record, *, recovered: bool) -> Outcome:
        """The estimate as QuickBooks has it: done when it has every transaction, else the Mod of the rest."""
        job = str(item.payload["job_list_id"])
        txn_id = answers.identifier(rs, ret, "TxnID")
        if _job_of(rs, ret) != job:
            raise answers.UnexpectedAnswer(rs, f"with estimate {txn_id} of another Customer:Job than {job}")
        lines = _lines_of(rs, ret)
        found = _ours(item.payload, lines)
        missing = [str(ln["transaction_id"]) for ln in item.payload["lines"]
                   if str(ln["transaction_id"]) not in found]
        if not missing:
            message = (f"QuickBooks estimate {txn_id} already has every line of this export (an interrupted"
                       " session or a resend); nothing added again.")
            return self._done("recovered" if recovered else "unchanged", rs, ret, item, found, message)
        edit_sequence = answers.identifier(rs, ret, "EditSequence")
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message, result={
            "phase": "mod", "TxnID": txn_id, "EditSequence": edit_sequence, "keep": [i for i, _ in lines],
            "missing": missing, "stale_retries": item.result.get("stale_retries", 0),
        })

    def _read_answer(self, item: WorkItemView, rs: Response, *, recovered: bool) -> Outcome:
        if codec.is_not_found(rs) and not item.payload.get("txn_id") and not item.result.get("TxnID"):
            # A first export of a budget this connector added an estimate for before (the id map), that
            # Procore does not call synced: that estimate was deleted in QuickBooks and the budget unlinked
            # in Procore. A new estimate is what the approver asks for.
            return Outcome.resend(status_code=str(rs.status_code),
                                  message="The estimate this connector added for the budget before is no "
                                          "longer in QuickBooks; adding a new one",
                                  result={"phase": "add"})
        if codec.is_error(rs) or codec.is_not_found(rs):
            # The estimate is gone (deleted in QuickBooks) or cannot be read: QuickBooks' own words.
            return Outcome.failed(rs, result={"action": "failed"})
        ret = answers.the_ret(rs, ("EstimateRet",))
        return self._after_read(item, rs, ret, recovered=recovered)

    def _job_estimates_answer(self, item: WorkItemView, rs: Response) -> Outcome:
        """A first export's probe: the job's estimate holding our lines, if QuickBooks applied the Add."""
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        ours = [ret for ret in codec.records(rs) if _ours(item.payload, _lines_of(rs, ret, groups=True))]
        if not ours:
            return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                  result={"phase": "add"})
        if len(ours) > 1:
            ids = ", ".join(str(answers.identifier(rs, r, "TxnID")) for r in ours)
            return Outcome.failed(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks has {len(ours)} estimates ({ids}) with lines of this "
                                          "budget; not adding another (delete the extra one and resend)",
                                  result={"action": "failed"})
        return self._after_read(item, rs, ours[0], recovered=True)

    def _added(self, item: WorkItemView, rs: Response) -> Outcome:
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed"})
        try:
            ret = answers.the_ret(rs, ("EstimateRet",))
            found = _ours(item.payload, _lines_of(rs, ret))
            job = str(item.payload["job_list_id"])
            if _job_of(rs, ret) != job or len(found) != len(item.payload["lines"]):
                return adds.look_up("WrongObject", "QuickBooks answered EstimateAddRs with an estimate that "
                                                   "is not this budget's (another job, or not our lines)")
            return self._done("created", rs, ret, item, found)
        except answers.UnexpectedAnswer as unexpected:
            return adds.look_up(unexpected.status_code, unexpected.message)

    def _modified(self, item: WorkItemView, rs: Response) -> Outcome:
        spent = int(item.result.get("stale_retries", 0))
        if rs.status_code == STALE_EDIT_SEQUENCE and spent < STALE_RETRIES:
            # Someone saved the estimate after our read: read it again (their lines are kept), Mod again.
            return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                                  result={"phase": "read", "TxnID": item.result.get("TxnID"),
                                          "stale_retries": spent + 1})
        if codec.is_error(rs):
            return Outcome.failed(rs, result={"action": "failed", "stale_retries": spent})
        reread = {"phase": "read", "TxnID": item.result.get("TxnID"), "stale_retries": spent}
        try:
            ret = answers.the_ret(rs, ("EstimateRet",))
            found = _ours(item.payload, _lines_of(rs, ret))
            if (answers.identifier(rs, ret, "TxnID") != item.result.get("TxnID")
                    or len(found) != len(item.payload["lines"])):
                return Outcome.resend(status_code="WrongObject", message="QuickBooks answered EstimateModRs "
                                      "with an estimate that is not ours with our lines; reading it again",
                                      result=reread)
        except answers.UnexpectedAnswer as unexpected:
            return Outcome.resend(status_code=unexpected.status_code,
                                  message=f"{unexpected.message}; reading the estimate again", result=reread)
        return self._done("updated", rs, ret, item, found)

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if adds.is_probe_phase(item.result):
            return self.handle_probe_response(item, responses)
        if rs.name == "EstimateAddRs":
            return self._added(item, rs)
        if rs.name == "EstimateModRs" and item.result.get("phase") == "mod":
            return self._modified(item, rs)
        if rs.name == "EstimateQueryRs" and item.result.get("phase") != "mod":
            return self._read_answer(item, rs, recovered=False)
        if item.result.get("phase") == "mod":
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {rs.name} to an EstimateModRq; reading the "
                                          "estimate again",
                                  result={"phase": "read", "TxnID": item.result.get("TxnID"),
                                          "stale_retries": item.result.get("stale_retries", 0)})
        if self._known_txn_id(item):  # a read answered with something else: ask again
            return Outcome.resend(status_code="UnexpectedAnswer",
                                  message=f"QuickBooks answered {rs.name} to an EstimateQueryRq",
                                  result=dict(item.result))
        return adds.look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to an EstimateAddRq")

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        rs = responses[0]
        if rs.name != "EstimateQueryRs":
            return adds.look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to an EstimateQueryRq")
        if self._known_txn_id(item):
            return self._read_answer(item, rs, recovered=True)
        return self._job_estimates_answer(item, rs)


def handlers(context: SyncContext) -> list[BudgetExportHandler]:
    """The first-export and re-export handlers."""
    return [BudgetExportHandler(context, EXPORT_KIND), BudgetExportHandler(context, UPDATE_KIND)]
