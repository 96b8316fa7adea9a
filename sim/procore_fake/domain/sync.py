"""Procore's ``PATCH …/sync`` semantics (api-conventions.json "sync_actions").

Up to 1000 updates per call, always HTTP 200, body ``{"entities": [...], "errors": [...]}``. Matching: an
``id`` wins; otherwise ``origin_id`` upserts; with neither a new record is created; sending both ``id`` and
``origin_id`` is the only way to change a record's ``origin_id``. ``origin_id`` is unique per object type
within a company. Each failed update comes back as the submitted attributes plus an ``errors`` object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.procore_fake.conventions import SYNC_MAX_ITEMS
from sim.procore_fake.domain.validation import TAKEN, origin_taken
from sim.procore_fake.errors import ENTITY_NOT_FOUND, ProcoreError, ValidationFailed
from sim.procore_fake.store import Record, Store


class TooManyItems(ProcoreError):
    status_code = 413

    def __init__(self) -> None:
        super().__init__(f"A maximum of {SYNC_MAX_ITEMS} items can be synced at once.")


Creator = Callable[[dict[str, Any]], Record]
Updater = Callable[[Record, dict[str, Any]], Record]


def run(
    store: Store,
    company_id: int,
    kind: str,
    updates: list[dict[str, Any]],
    *,
    create: Creator,
    update: Updater,
    scope: Callable[[Record], bool] = lambda r: True,
) -> dict[str, list[Any]]:
    if not isinstance(updates, list):
        raise ValidationFailed({"updates": ["must be an array"]}, status_code=400)
    if len(updates) > SYNC_MAX_ITEMS:
        raise TooManyItems()
    entities: list[Record] = []
    failures: list[dict[str, Any]] = []
    for attrs in updates:
        try:
            entities.append(_one(store, company_id, kind, attrs, create, update, scope))
        except ValidationFailed as exc:
            failures.append({**attrs, "errors": exc.errors})
        except ProcoreError as exc:
            failures.append({**attrs, "errors": {"base": [exc.message]}})
    return {"entities": entities, "errors": failures}


def _one(
    store: Store,
    company_id: int,
    kind: str,
    attrs: dict[str, Any],
    create: Creator,
    update: Updater,
    scope: Callable[[Record], bool],
) -> Record:
    origin_id = attrs.get("origin_id")
    if attrs.get("id") is not None:
        owner = store.owner(kind, int(attrs["id"]))
        record = store.get(kind, int(attrs["id"])) if owner and owner[0] == company_id else None
        if record is None or not scope(record):
            raise ValidationFailed({"id": [ENTITY_NOT_FOUND]})
        if origin_id is not None and origin_id != record.get("origin_id"):
            _unique_origin(store, company_id, kind, origin_id, record["id"])
        return update(record, attrs)
    if origin_id is not None:
        matches = [r for r in store.query(kind, company_id=company_id, origin_id=str(origin_id)) if scope(r)]
        if matches:
            return update(matches[0], attrs)
        _unique_origin(store, company_id, kind, origin_id, None)
    return create(attrs)


def _unique_origin(store: Store, company_id: int, kind: str, origin_id: Any, own_id: int | None) -> None:
    if origin_taken(store, kind, company_id, origin_id, own_id):
        raise ValidationFailed({"origin_id": [TAKEN]})
