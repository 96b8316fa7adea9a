"""Commitment change orders (CCOs) and their line items.

A CCO belongs to a commitment; its approved total rolls into the commitment's revised contract, a pending
one into the pending revised contract. QuickBooks Desktop turns each CCO into new lines on the commitment's
Purchase Order (seed 001).

Line items on create *and* update: the v1.0 OAS body of create/update (``{"change_order": {...}}``) lists
no ``line_items``; Procore manages CCO lines through the v2.0 line-item endpoints (POST/PATCH/DELETE
``.../commitment_change_orders/{id}/line_items[/{id}]``: amount, description, quantity, unit_cost, uom,
commitment_line_item_id, wbs_code_id). This fake also takes ``line_items`` nested in the v1.0 body, the
way Rails' ``accepts_nested_attributes_for :line_items, allow_destroy: true`` would (inferred, not
documented): a hash with ``id`` updates that line, one without ``id`` adds a line, ``{"id": .., "_destroy":
true}`` removes it, lines not named stay. An unknown ``id`` is Rails' ``RecordNotFound`` (404). Errors of
the lines are reported on the CCO as ``line_items.<attribute>``. A synced (origin_id) approved CCO is
locked: its lines cannot change (``locking.check_update``). The grand total is the sum of the lines.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import commitments, locking, money, records, refs
from sim.procore_fake.domain.validation import INVALID, Errors, line_amounts
from sim.procore_fake.errors import NotFound
from sim.procore_fake.store import Record, Store

STATUSES = ("draft", "pending", "approved", "rejected", "void")
FIELDS = ("title", "description", "due_date", "origin_id", "origin_data", "origin_code")
LINE_FIELDS = ("description", "uom", "origin_id", "origin_data")
CC = "cost_code_id"
# Rails casts these strings to true for a boolean such as _destroy (ActiveModel::Type::Boolean).
_TRUE = (True, 1, "1", "true", "TRUE", "True", "t", "T", "on", "ON")


def _sov_line_id(store: Store, contract: Record, value: Any, errors: Errors) -> int | None:
    """The schedule-of-values line a CCO line changes: must be a line of the CCO's own commitment."""
    if value in (None, ""):
        return None
    try:
        line = store.get("commitment_line_item", int(value))
    except (TypeError, ValueError):
        line = None
    if line is None or line["holder"]["id"] != contract["id"]:
        errors.add("commitment_line_item_id", INVALID)
        return None
    return int(line["id"])


def _new_line(
    store: Store, company_id: int, contract: Record, data: dict[str, Any], errors: Errors
) -> Record:
    project_id = contract["project_id"]
    cc = errors.attempt(
        lambda: refs.project_cost_code(store, company_id, project_id, data.get("cost_code_id"))
    )
    lit = errors.attempt(lambda: refs.line_item_type(store, company_id, data.get("line_item_type_id")))
    sov_id = _sov_line_id(store, contract, data.get("commitment_line_item_id"), errors)
    quantity, unit_cost, amount = line_amounts(data, None, errors)
    if errors:
        return {}
    return {
        "id": store.ids.next_id(),
        "amount": money.fmt(amount),
        "description": data.get("description", ""),
        "commitment_line_item_id": sov_id,
        "cost_code": refs.cost_code_ref(cc),
        "line_item_type": refs.line_item_type_ref(lit),
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "quantity": money.fmt(quantity),
        "unit_cost": money.fmt(unit_cost),
        "uom": data.get("uom"),
    }


def _changed_line(
    store: Store, company_id: int, contract: Record, line: Record, data: dict[str, Any], errors: Errors
) -> Record:
    changed = dict(line)
    project_id = contract["project_id"]
    if "cost_code_id" in data:
        cc = errors.attempt(
            lambda: refs.project_cost_code(store, company_id, project_id, data["cost_code_id"])
        )
        changed["cost_code"] = refs.cost_code_ref(cc) if cc else line["cost_code"]
    if "line_item_type_id" in data:
        lit = errors.attempt(lambda: refs.line_item_type(store, company_id, data["line_item_type_id"]))
        changed["line_item_type"] = refs.line_item_type_ref(lit) if lit else line["line_item_type"]
    if "commitment_line_item_id" in data:
        changed["commitment_line_item_id"] = _sov_line_id(
            store, contract, data["commitment_line_item_id"], errors
        )
    quantity, unit_cost, amount = line_amounts(data, line, errors)
    if errors:
        return changed
    changed.update(
        {"quantity": money.fmt(quantity), "unit_cost": money.fmt(unit_cost), "amount": money.fmt(amount)}
    )
    changed.update(records.pick(data, LINE_FIELDS))
    return changed


def _lines(
    store: Store, company_id: int, contract: Record, current: list[Record], given: Any, errors: Errors
) -> list[Record]:
    """Apply nested ``line_items`` attributes to the current lines (all validated before any change)."""
    if not isinstance(given, list) or not all(isinstance(g, dict) for g in given):
        errors.add("line_items", INVALID)
        return current
    nested = errors.nested("line_items")
    by_id = {int(line["id"]): line for line in current}
    result = {int(line["id"]): line for line in current}
    added: list[Record] = []
    for attrs in given:
        if attrs.get("id") in (None, ""):
            added.append(_new_line(store, company_id, contract, attrs, nested))
            continue
        try:
            line = by_id[int(attrs["id"])]
        except (KeyError, TypeError, ValueError):
            raise NotFound() from None  # Rails: RecordNotFound for a nested id not on this record
        if attrs.get("_destroy") in _TRUE:
            result.pop(int(line["id"]), None)
        else:
            result[int(line["id"])] = _changed_line(store, company_id, contract, line, attrs, nested)
    return [*result.values(), *added]


def _grand_total(lines: list[Record]) -> str:
    return money.fmt(sum((money.parse(x["amount"]) for x in lines), Decimal(0)))


def _roll_up(store: Store, cco: Record) -> None:
    kind = cco["_contract_kind"]
    commitments.totals(store, kind, store.get(kind, cco["contract_id"]))


def create(store: Store, clock: Clock, company_id: int, project: Record, data: dict[str, Any]) -> Record:
    errors = Errors()
    found = commitments.in_project(store, company_id, project, data, "contract_id", errors)
    errors.blank(data, "title")
    status = data.get("status", "draft")
    errors.inclusion(status, STATUSES, "status")
    lines: list[Record] = []
    if found and data.get("line_items") not in (None, ""):
        lines = _lines(store, company_id, found[1], [], data["line_items"], errors)
    errors.raise_if_any()
    assert found is not None
    kind, contract = found
    body: Record = {
        "contract_id": contract["id"],
        "_contract_kind": kind,
        "project_id": project["id"],
        "number": data.get("number", len(commitments.change_orders(store, contract)) + 1),
        "status": status,
        "title": data["title"],
        "description": data.get("description", ""),
        "due_date": data.get("due_date"),
        "origin_code": data.get("origin_code"),
        "origin_data": data.get("origin_data"),
        "origin_id": data.get("origin_id"),
        "deleted_at": None,
        "custom_fields": {},
        "erp_custom_fields": {},
        "grand_total": _grand_total(lines),
        "line_items": lines,
    }
    records.stamp(body, clock, created=True)
    cco = store.add("commitment_change_order", body, company_id=company_id, project_id=project["id"])
    _roll_up(store, cco)
    return cco


def update(store: Store, clock: Clock, company_id: int, cco: Record, data: dict[str, Any]) -> Record:
    """PATCH: attributes, status and (nested) line items (its lines locked once synced and approved)."""
    locking.check_update("commitment_change_order", cco, data)
    errors = Errors()
    if "status" in data:
        errors.inclusion(data["status"], STATUSES, "status")
    if "title" in data:
        errors.blank(data, "title")
    lines = cco["line_items"]
    if "line_items" in data:
        contract = store.get(cco["_contract_kind"], cco["contract_id"])
        lines = _lines(store, company_id, contract, cco["line_items"], data["line_items"], errors)
    errors.raise_if_any()
    if "status" in data:
        cco["status"] = data["status"]
    cco.update(records.pick(data, FIELDS))
    cco["line_items"] = lines
    cco["grand_total"] = _grand_total(lines)
    records.stamp(cco, clock)
    store.put("commitment_change_order", cco)
    _roll_up(store, cco)
    return cco


def delete(store: Store, cco: Record) -> None:
    """A change order; its commitment's totals follow."""
    locking.check_delete("commitment_change_order", cco)
    store.remove("commitment_change_order", cco["id"])
    kind = cco["_contract_kind"]
    commitments.totals(store, kind, store.get(kind, cco["contract_id"]))
