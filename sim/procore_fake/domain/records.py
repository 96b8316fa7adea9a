"""Helpers shared by the object modules: public views, field validation, timestamps."""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record


def public(record: Record) -> Record:
    """The API representation: internal bookkeeping (keys starting with "_") is never shown."""
    return {k: v for k, v in record.items() if not k.startswith("_")}


def require_fields(data: dict[str, Any], *names: str) -> None:
    missing = {n: ["can't be blank"] for n in names if data.get(n) in (None, "")}
    if missing:
        raise ValidationFailed(missing)


def stamp(record: Record, clock: Clock, *, created: bool = False) -> Record:
    now = iso(clock.now())
    if created:
        record["created_at"] = now
    record["updated_at"] = now
    return record


def pick(data: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in allowed}


def as_int(value: Any, field: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed({field: ["is not a number"]}) from exc
