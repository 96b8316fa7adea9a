"""Budget tool: budget line items, budget lock, budget modifications (legacy) and the ERP budget.

Budget line items carry an original budget amount per cost code + cost type ("Other" on QuickBooks
projects). Budget modifications move money from one line to another (QuickBooks shows a negative line for
the "from" code and a positive one for the "to" code, seed 001). The ERP budget (item_type ``budget``) is one
record per project that is exported as a QuickBooks Estimate; its transactions are the original estimate
(a line's first export) and revised estimates (budget modifications, approved Budget Changes and edits of a
synced line's original amount); each export carries those not yet marked synced by the integrator.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import locking, money, records, refs
from sim.procore_fake.domain.validation import INVALID, Errors, not_included
from sim.procore_fake.errors import ErpRuleViolation, UnprocessableMessage, ValidationFailed
from sim.procore_fake.store import Record, Store

LOCKED_MESSAGE = "The budget is locked. Unlock the budget to add or change original budget amounts."


def _amount(value: Any, field: str) -> Decimal:
    try:
        return money.parse(value)
    except money.BadAmount as exc:
        raise ValidationFailed({field: ["is not a number"]}) from exc


def is_locked(project: Record) -> bool:
    return bool(project.get("_budget_locked"))


def check_editable(store: Store, project_id: int) -> None:
    """A budget waiting for accounting acceptance or being exported refuses line edits."""
    for erp_budget_record in store.query("budget", project_id=project_id):
        locking.check_pending(erp_budget_record)


def create_line_item(
    store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any], *, locks: bool = True
) -> Record:
    """A budget line item (refused on a locked budget, and while the budget is pending).
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        check_editable(store, project["id"])
    if is_locked(project):
        raise UnprocessableMessage("Budget Locked", LOCKED_MESSAGE)
    errors = Errors()
    errors.blank(data, "cost_code_id")
    cc = None
    if data.get("cost_code_id") not in (None, ""):
        cc = errors.attempt(
            lambda: refs.project_cost_code(store, company_id, project["id"], data["cost_code_id"])
        )
    lit = errors.attempt(lambda: refs.line_item_type(store, company_id, data.get("line_item_type_id")))
    amount = errors.amount(data.get("amount"), "amount")
    errors.raise_if_any()
    assert cc is not None and lit is not None and amount is not None
    for existing in store.query("budget_line_item", project_id=project["id"]):
        if existing["cost_code"]["id"] == cc["id"] and existing["line_item_type"]["id"] == lit["id"]:
            raise UnprocessableMessage(
                "Validation failed", "A budget line item already exists for this cost code and cost type."
            )
    body = {
        "project_id": project["id"],
        "cost_code": refs.cost_code_ref(cc),
        "line_item_type": refs.line_item_type_ref(lit),
        "amount": money.fmt(amount),
        "original_budget_amount": money.fmt(amount),
        "calculation_strategy": data.get("calculation_strategy", "manual"),
        "quantity": data.get("quantity"),
        "unit_cost": data.get("unit_cost"),
        "uom": data.get("uom"),
        "budget_modifications": "0.0",
        "revised_budget": money.fmt(amount),
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
    }
    records.stamp(body, clock, created=True)
    line = store.add("budget_line_item", body, company_id=company_id, project_id=project["id"])
    cc["budgeted"] = True
    store.put("cost_code", cc)
    return line


def update_line_item(
    store: Store, clock: Clock, project: Record, line: Record, data: dict[str, Any], *, locks: bool = True
) -> Record:
    """A budget line item's amount and attributes (refused while the budget is pending).
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        check_editable(store, project["id"])
    if "amount" in data:
        if is_locked(project):
            raise UnprocessableMessage("Budget Locked", LOCKED_MESSAGE)
        amount = _amount(data["amount"], "amount")
        line["amount"] = line["original_budget_amount"] = money.fmt(amount)
    for key in ("origin_id", "origin_data", "quantity", "unit_cost", "uom"):
        if key in data:
            line[key] = data[key]
    recompute(store, line)
    records.stamp(line, clock)
    return store.put("budget_line_item", line)


def recompute(store: Store, line: Record) -> None:
    changes = Decimal(0)
    for change in store.query("budget_change", project_id=line["project_id"]):
        if change["status"] != "approved":
            continue
        for adj in change["adjustment_line_items"]:
            if adj["wbs_code_id"] == line["cost_code"]["id"]:
                changes += money.parse(adj["amount"])
    line["approved_budget_changes"] = money.fmt(changes)
    mods = Decimal(0)
    for mod in store.query("budget_modification", project_id=line["project_id"]):
        amount = money.parse(mod["transfer_amount"])
        if mod["from_budget_line_item_id"] == line["id"]:
            mods -= amount
        if mod["to_budget_line_item_id"] == line["id"]:
            mods += amount
    line["budget_modifications"] = money.fmt(mods)
    line["revised_budget"] = money.fmt(money.parse(line["original_budget_amount"]) + mods + changes)


def create_modification(
    store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]
) -> Record:
    errors = Errors()
    errors.blank(data, "from_budget_line_item_id", "to_budget_line_item_id", "transfer_amount")
    lines = {}
    for field in ("from_budget_line_item_id", "to_budget_line_item_id"):
        if data.get(field) in (None, ""):
            continue
        line_id = errors.attempt(lambda field=field: records.as_int(data[field], field))
        line = store.get("budget_line_item", line_id) if line_id is not None else None
        if line_id is not None and (line is None or line["project_id"] != project["id"]):
            errors.add(field, INVALID)
        elif line is not None:
            lines[field] = line
    if len(lines) == 2 and lines["from_budget_line_item_id"]["id"] == lines["to_budget_line_item_id"]["id"]:
        errors.add("to_budget_line_item_id", "must be different from the from line item")
    amount = errors.amount(data.get("transfer_amount"), "transfer_amount")
    if data.get("transfer_amount") not in (None, "") and amount is not None and amount <= 0:
        errors.add("transfer_amount", "must be greater than 0")
    errors.raise_if_any()
    assert amount is not None
    body = {
        "project_id": project["id"],
        "from_budget_line_item_id": lines["from_budget_line_item_id"]["id"],
        "to_budget_line_item_id": lines["to_budget_line_item_id"]["id"],
        "transfer_amount": money.fmt(amount),
        "notes": data.get("notes"),
        "_synced": False,
    }
    records.stamp(body, clock, created=True)
    mod = store.add("budget_modification", body, company_id=company_id, project_id=project["id"])
    for line in lines.values():
        fresh = store.get("budget_line_item", line["id"])
        recompute(store, fresh)
        store.put("budget_line_item", fresh)
    return mod


def erp_budget(store: Store, company_id: int, project: Record) -> Record:
    """The project's ERP budget record (created on first use)."""
    rows = store.query("budget", project_id=project["id"])
    if rows:
        return rows[0]
    return store.add(
        "budget",
        {
            "project_id": project["id"],
            "name": f"Budget: {project['name']}",
            "origin_id": None,
            "origin_data": None,
            "synced": False,
            "custom_fields": {},
        },
        company_id=company_id,
        project_id=project["id"],
    )


def export_transactions(
    store: Store, clock: Clock, company_id: int, project_id: int
) -> tuple[list[Record], list[Record]]:
    """Job costs (one per line) and every estimate transaction of the budget not yet marked synced.

    The dictionary's create_budget instructions have the integrator mark the transactions synced
    (``erp_transactions/sync``) after writing them, so an export is not proof that QuickBooks has them: a
    transaction stays pending, and goes out again with every later export (same id), until it is marked
    synced. This export first records what is new since the last one (each new line's original amount, each
    line's original-amount edit as a net delta from what was synced, new budget modifications and approved
    Budget Changes), then carries all pending transactions, oldest first.
    """
    job_costs = []
    project = store.get("project", project_id) or {}
    for line in store.query("budget_line_item", project_id=project_id):
        job_cost = {
            "id": line["id"],
            # the embedded cost_code is a snapshot; the project cost code may have been synced since
            "cost_code_origin_id": (store.get("cost_code", line["cost_code"]["id"]) or line["cost_code"]).get(
                "origin_id"
            ),
            "line_item_type_origin_id": refs.live_line_item_type(store, line["line_item_type"]).get(
                "origin_id"
            ),
            "budget_line_item_id": line["id"],
            "new_amount": float(money.parse(line["revised_budget"])),
            "job_origin_id": project.get("origin_id"),
            "sub_job_origin_id": None,
        }
        job_costs.append(job_cost)
        _record_original_amount(store, clock, company_id, project_id, line)
    _record_budget_changes(store, clock, company_id, project_id)
    _record_modifications(store, clock, company_id, project_id)
    pending = [t for t in store.query("erp_transaction", project_id=project_id) if not t["synced"]]
    return job_costs, sorted(pending, key=lambda t: t["id"])


ORIGINAL = "Erp::OriginalEstimateTransaction"
REVISED = "Erp::RevisedEstimateTransaction"
ORIGINAL_EDIT_TYPE = "BudgetLineItem"


def _carries_original_amount(txn: Record) -> bool:
    return txn["type"] == ORIGINAL or txn["procore_transaction_type"] == ORIGINAL_EDIT_TYPE


def _record_original_amount(
    store: Store, clock: Clock, company_id: int, project_id: int, line: Record
) -> None:
    """Make the line's pending original-amount transaction say what QuickBooks still lacks.

    Nothing of the line synced yet: one original-estimate transaction of its current original amount (the
    first export, however often the amount was edited before it or since a failed export). Original synced:
    one revised-estimate delta (``_original_edit_txn``) of the current amount minus the synced original and
    synced deltas; none when that is zero. The pending transaction is *replaced*, not stacked: a failed
    export's delta (say +200) followed by another edit sends one delta from the synced amount, never +200
    and then a second delta on top of an amount QuickBooks never got. A pending transaction that already
    says it is kept (same id, resent as it was); one whose amount no longer fits is removed and a new one
    (new id) made, so that an id always names one amount for an integrator that keys its writes on it.
    """
    mine = [
        t
        for t in store.query("erp_transaction", project_id=project_id)
        if t["job_cost_id"] == line["id"] and _carries_original_amount(t)
    ]
    synced = [t for t in mine if t["synced"]]
    pending = [t for t in mine if not t["synced"]]
    current = money.parse(line["original_budget_amount"])
    if any(t["type"] == ORIGINAL for t in synced):
        kind, value = REVISED, current - sum((money.parse(t["value"]) for t in synced), Decimal(0))
        wanted = [(kind, value)] if value != 0 else []
    else:
        kind, value = ORIGINAL, current
        wanted = [(kind, value)]  # a first export sends the original amount even when it is 0
    if [(t["type"], money.parse(t["value"])) for t in pending] == wanted:
        return
    for t in pending:
        store.remove("erp_transaction", t["id"])
    if not wanted:
        return
    if kind == ORIGINAL:
        _txn(store, clock, company_id, project_id, line["id"], ORIGINAL, value, None)
    else:
        _original_edit_txn(store, clock, company_id, project_id, line["id"], value)


def _record_budget_changes(store: Store, clock: Clock, company_id: int, project_id: int) -> None:
    """Approved Budget Changes not recorded before: one revised-estimate transaction per adjustment."""
    lines_by_code = {
        li["cost_code"]["id"]: li["id"] for li in store.query("budget_line_item", project_id=project_id)
    }
    for change in store.query("budget_change", project_id=project_id):
        if change["status"] != "approved" or change.get("_exported"):
            continue
        for adj in change["adjustment_line_items"]:
            if adj["wbs_code_id"] in lines_by_code:
                txn = _txn(
                    store,
                    clock,
                    company_id,
                    project_id,
                    lines_by_code[adj["wbs_code_id"]],
                    REVISED,
                    adj["amount"],
                    change["id"],
                )
                txn["procore_transaction_type"] = "BudgetChange"
                store.put("erp_transaction", txn)
        # its transactions exist now (and are resent until synced): it is never recorded twice
        change["_exported"] = True
        store.put("budget_change", change)


def _record_modifications(store: Store, clock: Clock, company_id: int, project_id: int) -> None:
    """Budget modifications not recorded before: − on the from line, + on the to line."""
    for mod in store.query("budget_modification", project_id=project_id):
        if mod.get("_exported"):
            continue
        amount = money.parse(mod["transfer_amount"])
        for line_id, value in (
            (mod["from_budget_line_item_id"], -amount),
            (mod["to_budget_line_item_id"], amount),
        ):
            _txn(store, clock, company_id, project_id, line_id, REVISED, value, mod["id"])
        mod["_exported"] = True
        store.put("budget_modification", mod)


def _original_edit_txn(
    store: Store, clock: Clock, company_id: int, project_id: int, line_id: int, delta: Decimal
) -> Record:
    """Re-export of an original budget amount edited after the line's first export (seed 001: budgets are
    re-exported "as adjustments (added line items, editing original budget amounts, ...) are made").

    Procore does not document this transaction; the fake's shape is our choice, made like the budget
    modification / change ones: a revised-estimate transaction of the net delta (new original amount minus
    the amount synced so far), pointing at the budget line item. So the Estimate's Est. Cost becomes the
    revised total while QuickBooks keeps the first export as the Original Budget (seed 001's mapping:
    "Original Budget amount at time of first export"). Edits back to the synced amount send nothing; two
    edits between exports send one net delta.
    """
    txn = _txn(store, clock, company_id, project_id, line_id, REVISED, delta, line_id)
    txn["procore_transaction_type"] = ORIGINAL_EDIT_TYPE
    return store.put("erp_transaction", txn)


def _txn(
    store: Store,
    clock: Clock,
    company_id: int,
    project_id: int,
    job_cost_id: int,
    kind: str,
    value: Any,
    procore_id: int | None,
) -> Record:
    return store.add(
        "erp_transaction",
        {
            "origin_id": None,
            "code": None,
            "value": float(money.parse(value)),
            "synced": False,
            "type": kind,
            "procore_transaction_id": procore_id,
            "procore_transaction_type": "BudgetModification" if procore_id else None,
            "job_cost_id": job_cost_id,
            "created_at": iso(clock.now()),
            "notes": None,
            "project_id": project_id,
        },
        company_id=company_id,
        project_id=project_id,
    )


BUDGET_CHANGE_STATUSES = ("draft", "under_review", "approved", "void")


def create_budget_change(
    store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]
) -> Record:
    """Budget Changes (the experience replacing budget modifications): adjustment lines per budget code.

    On QuickBooks projects a budget code is a cost code with the "Other" cost type, so ``wbs_code_id``
    names the project cost code. Approved adjustments add to the line's revised budget and are exported as
    revised-estimate transactions.
    """
    errors = Errors()
    status = data.get("status", "draft")
    errors.inclusion(status, BUDGET_CHANGE_STATUSES, "status")
    given = data.get("adjustment_line_items") or []
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        errors.add("adjustment_line_items", INVALID)
        given = []
    # Adjustment errors keep their bare keys ("wbs_code_id"), as this fake has always reported them; the OAS
    # gives budget changes their own 400 shape (``{"errors": [...]}``) whose items are not published.
    adjustments = []
    for n, item in enumerate(given, start=1):
        code_id = item.get("wbs_code_id")
        cc = errors.attempt(
            lambda code_id=code_id: refs.project_cost_code(
                store, company_id, project["id"], code_id, "wbs_code_id"
            )
        )
        amount = errors.amount(item.get("amount"), "amount")
        if cc is None or amount is None:
            continue
        adjustments.append(
            {
                "id": store.ids.next_id(),
                "adjustment_number": item.get("adjustment_number", n),
                "wbs_code_id": cc["id"],
                "amount": money.fmt(amount),
                "description": item.get("description"),
                "comment": item.get("comment"),
                "type": item.get("type"),
                "uom": item.get("uom"),
                "quantity": item.get("quantity"),
                "unit_cost": item.get("unit_cost"),
            }
        )
    errors.raise_if_any()
    number = len(store.query("budget_change", project_id=project["id"])) + 1
    body = {
        "project_id": project["id"],
        "number": data.get("number", number),
        "status": status,
        "title": data.get("title"),
        "description": data.get("description"),
        "adjustment_line_items": adjustments,
        "_exported": False,
    }
    records.stamp(body, clock, created=True)
    change = store.add("budget_change", body, company_id=company_id, project_id=project["id"])
    recompute_project(store, project["id"])
    return change


def update_budget_change(store: Store, clock: Clock, change: Record, data: dict[str, Any]) -> Record:
    if "status" in data:
        if data["status"] not in BUDGET_CHANGE_STATUSES:
            raise ValidationFailed({"status": [not_included(BUDGET_CHANGE_STATUSES)]})
        change["status"] = data["status"]
    for key in ("title", "description"):
        if key in data:
            change[key] = data[key]
    records.stamp(change, clock)
    store.put("budget_change", change)
    recompute_project(store, change["project_id"])
    return change


def recompute_project(store: Store, project_id: int) -> None:
    for line in store.query("budget_line_item", project_id=project_id):
        recompute(store, line)
        store.put("budget_line_item", line)


# What an exported adjustment is called in the refusal (its transactions are in QuickBooks already).
_ADJUSTMENT_NAMES = {"budget_modification": "budget modification", "budget_change": "budget change"}


def _check_not_exported(kind: str, record: Record, verb: str) -> None:
    if record.get("_exported"):
        raise ErpRuleViolation(f"A {_ADJUSTMENT_NAMES[kind]} exported to ERP cannot be {verb}.")


def delete_adjustment(store: Store, kind: str, record: Record) -> None:
    """A budget modification or Budget Change, unless exported; the project's lines are recomputed."""
    _check_not_exported(kind, record, "deleted")
    store.remove(kind, record["id"])
    recompute_project(store, record["project_id"])


def update_modification(store: Store, clock: Clock, mod: Record, data: dict[str, Any]) -> Record:
    _check_not_exported("budget_modification", mod, "changed")
    if "transfer_amount" in data:
        amount = _amount(data["transfer_amount"], "transfer_amount")
        if amount <= 0:
            raise ValidationFailed({"transfer_amount": ["must be greater than 0"]})
        mod["transfer_amount"] = money.fmt(amount)
    if "notes" in data:
        mod["notes"] = data["notes"]
    records.stamp(mod, clock)
    store.put("budget_modification", mod)
    recompute_project(store, mod["project_id"])
    return mod
