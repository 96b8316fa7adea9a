"""Rails-style validation: every failing attribute is collected, then reported at once.

Procore is a Rails application: ``record.valid?`` runs every validation and ``record.errors`` lists each
failing attribute with all its messages, so one 422 body names every bad field
(``{"errors": {"name": ["can't be blank"], "code": ["has already been taken"]}}``), not only the first.
The messages are Rails' defaults (``errors.messages`` in rails-i18n): "can't be blank", "has already been
taken", "is too long (maximum is N characters)", "is not a number", "is not included in the list",
"is invalid". Errors of nested records (``accepts_nested_attributes_for``) are keyed
``"association.attribute"`` (``"line_items.amount"``), Rails' default without ``index_errors``.

Not faithful: this fake's inclusion messages keep a "(a, b, c)" suffix naming the allowed values (kept for
the clients and tests that read it); stock Rails says only "is not included in the list".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar

from sim.procore_fake.domain import money
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Store

T = TypeVar("T")

BLANK = "can't be blank"
TAKEN = "has already been taken"
NOT_A_NUMBER = "is not a number"
INVALID = "is invalid"


def too_long(maximum: int) -> str:
    return f"is too long (maximum is {maximum} characters)"


def not_included(allowed: Iterable[str]) -> str:
    return f"is not included in the list ({', '.join(allowed)})"


def origin_taken(store: Store, kind: str, company_id: int | None, origin_id: Any, own_id: int | None) -> bool:
    """Another record of ``kind`` in the company already has ``origin_id`` (unique per object type within a
    company, api-conventions.json sync_actions)."""
    others = store.query(kind, company_id=company_id, origin_id=str(origin_id))
    return any(r["id"] != own_id for r in others)


def line_amounts(
    data: dict[str, Any], current: dict[str, Any] | None, errors: Errors
) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """A line's (quantity, unit_cost, amount) after ``data``: the amount given, else quantity x unit cost
    when either is given, else the ``current`` line's amount (zero for a new line). Bad numbers are
    errors on their attribute (the v2.0 line-item rule; commitment SOV lines and CCO lines share it)."""
    base = current or {"quantity": "0", "unit_cost": "0", "amount": "0"}
    quantity = errors.amount(data.get("quantity", base["quantity"]), "quantity")
    unit_cost = errors.amount(data.get("unit_cost", base["unit_cost"]), "unit_cost")
    if data.get("amount") is not None:
        amount = errors.amount(data["amount"], "amount")
    elif ("quantity" in data or "unit_cost" in data) and quantity is not None and unit_cost is not None:
        amount = quantity * unit_cost
    else:
        amount = money.parse(base["amount"]) if current else Decimal(0)
    return quantity, unit_cost, amount


class Errors:
    """A record's ``errors``: add as validations run, then :meth:`raise_if_any` once (422)."""

    def __init__(self, prefix: str = "") -> None:
        self.fields: dict[str, list[str]] = {}
        self.prefix = prefix

    def __bool__(self) -> bool:
        return bool(self.fields)

    def add(self, field: str, message: str) -> None:
        messages = self.fields.setdefault(f"{self.prefix}{field}", [])
        if message not in messages:  # Rails lists a repeated nested message once per attribute key
            messages.append(message)

    def merge(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add(field, message)

    def blank(self, data: dict[str, Any], *names: str) -> None:
        """``validates :name, presence: true`` for each name."""
        for name in names:
            if data.get(name) is None or (isinstance(data[name], str) and not data[name].strip()):
                self.add(name, BLANK)

    def inclusion(self, value: Any, allowed: tuple[str, ...], field: str) -> None:
        if value not in allowed:
            self.add(field, not_included(allowed))

    def amount(self, value: Any, field: str) -> Decimal | None:
        """A decimal attribute (``numericality``); blank is zero, as Procore's money columns default."""
        try:
            return money.parse(value)
        except money.BadAmount:
            self.add(field, NOT_A_NUMBER)
            return None

    def unique_origin(
        self,
        store: Store,
        kind: str,
        data: dict[str, Any],
        *,
        company_id: int | None = None,
        own_id: int | None = None,
    ) -> None:
        """``origin_id`` is unique per object type within a company (api-conventions.json sync_actions)."""
        origin_id = data.get("origin_id")
        if origin_id in (None, ""):
            return
        if company_id is None and own_id is not None:
            company_id = (store.owner(kind, own_id) or (None, None))[0]
        if origin_taken(store, kind, company_id, origin_id, own_id):
            self.add("origin_id", TAKEN)

    def hashes(self, value: Any, field: str) -> list[dict[str, Any]]:
        """A nested-attributes array: absent is empty; anything but an array of hashes is invalid."""
        if value in (None, ""):
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(field, INVALID)
            return []
        return value

    def attempt(self, check: Callable[[], T]) -> T | None:
        """Run a check that raises :class:`ValidationFailed` (a reference lookup) and keep its errors."""
        try:
            return check()
        except ValidationFailed as exc:
            self.merge(exc.errors)
            return None

    def nested(self, association: str) -> Errors:
        """Errors of a nested record, reported on the parent as ``association.attribute``."""
        child = Errors(prefix=f"{self.prefix}{association}.")
        child.fields = self.fields
        return child

    def raise_if_any(self) -> None:
        if self.fields:
            raise ValidationFailed(dict(self.fields))
