"""Work breakdown structure: standard cost code lists, standard cost codes, project cost codes, cost types.

QuickBooks Desktop specifics (seed 001): the ERP list is "QuickBooks Standard Cost Codes"; projects use that
one list (no project-specific codes, no sub jobs, no custom segments); cost types are not supported and
every cost type shows as "Other"; codes must not exceed 96 characters. Project cost codes of
ERP-integrated projects cannot be created or updated through the ordinary endpoints: the ERP sync endpoint
must be used (erp-api-reference.json, sync_cost_codes).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import locking, records
from sim.procore_fake.domain.validation import Errors, too_long
from sim.procore_fake.errors import ErpRuleViolation
from sim.procore_fake.store import Record, Store

MAX_CODE_LENGTH = 96
ERP_PROJECT_COST_CODE_MESSAGE = (
    "Cost codes of ERP integrated projects can only be created or updated through the ERP sync endpoint."
)


def other_cost_type(store: Store, company_id: int) -> Record:
    for lit in store.query("line_item_type", company_id=company_id):
        if lit["code"] == "O":
            return lit
    return store.add(
        "line_item_type",
        {"name": "Other", "code": "O", "base_type": None, "origin_id": None, "origin_data": None},
        company_id=company_id,
    )


def _full_code(store: Store, kind: str, parent_id: int | None, code: str) -> str:
    parent = store.get(kind, parent_id) if parent_id else None
    return f"{parent['full_code']}-{code}" if parent else code


def create_standard(
    store: Store, clock: Clock, company_id: int, list_id: int, data: dict[str, Any]
) -> Record:
    errors = Errors()
    errors.blank(data, "code", "name")
    full_code = _full_code(store, "standard_cost_code", data.get("parent_id"), str(data.get("code") or ""))
    if len(full_code) > MAX_CODE_LENGTH:
        errors.add("code", too_long(MAX_CODE_LENGTH))
    errors.unique_origin(store, "standard_cost_code", data, company_id=company_id)
    errors.raise_if_any()
    body = {
        "standard_cost_code_list_id": list_id,
        "parent_id": data.get("parent_id"),
        "code": str(data["code"]),
        "full_code": full_code,
        "name": data["name"],
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
    }
    records.stamp(body, clock, created=True)
    return store.add("standard_cost_code", body, company_id=company_id)


def update_standard(
    store: Store, clock: Clock, record: Record, data: dict[str, Any], *, locks: bool = True
) -> Record:
    """A standard cost code's attributes (refused while it waits for accounting acceptance or is being
    exported).
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        locking.check_pending(record)
    changes = records.pick(data, ("name", "code", "origin_id", "origin_data", "parent_id"))
    errors = Errors()
    errors.blank({**record, **changes}, "code", "name")
    merged = {**record, **changes}
    full_code = _full_code(
        store, "standard_cost_code", merged.get("parent_id"), str(merged.get("code") or "")
    )
    if len(full_code) > MAX_CODE_LENGTH:
        errors.add("code", too_long(MAX_CODE_LENGTH))
    errors.unique_origin(store, "standard_cost_code", changes, own_id=record["id"])
    errors.raise_if_any()
    record.update(changes)
    record["full_code"] = full_code
    records.stamp(record, clock)
    return store.put("standard_cost_code", record)


def project_cost_code(
    store: Store,
    clock: Clock,
    company_id: int,
    project: Record,
    data: dict[str, Any],
    *,
    standard: Record | None = None,
) -> Record:
    errors = Errors()
    errors.blank(data, "code", "name")
    if data.get("code") is not None and len(str(data["code"])) > MAX_CODE_LENGTH:
        errors.add("code", too_long(MAX_CODE_LENGTH))
    errors.raise_if_any()
    parent_id = data.get("parent_id")
    full_code = _full_code(store, "cost_code", parent_id, str(data["code"]))
    other = other_cost_type(store, company_id)
    body = {
        "biller": project["name"],
        "biller_id": project["id"],
        "biller_type": "Project",
        "biller_origin_id": project.get("origin_id"),
        "budgeted": False,
        "code": str(data["code"]),
        "full_code": full_code,
        "sortable_code": full_code,
        "name": data["name"],
        "origin_id": data.get("origin_id"),
        "origin_data": data.get("origin_data"),
        "parent": {"id": parent_id},
        "position": data.get("position"),
        "standard_cost_code_id": standard["id"] if standard else data.get("standard_cost_code_id"),
        "standard_cost_code_list_id": project["standard_cost_code_list_id"],
        "standard_cost_code_origin_id": standard.get("origin_id") if standard else None,
        "deleted_at": None,
        "line_item_types": [records.public(other)],
        "long_name_helper": [[full_code], [data["name"]]],
    }
    records.stamp(body, clock, created=True)
    return store.add("cost_code", body, company_id=company_id, project_id=project["id"])


def copy_list_to_project(store: Store, clock: Clock, company_id: int, project: Record, list_id: int) -> None:
    """Procore copies the project's standard list into project cost codes when the project is created."""
    by_standard: dict[int, int] = {}
    for std in sorted(store.query("standard_cost_code", company_id=company_id), key=lambda s: s["full_code"]):
        if std["standard_cost_code_list_id"] != list_id:
            continue
        parent = by_standard.get(std["parent_id"]) if std.get("parent_id") else None
        made = project_cost_code(
            store,
            clock,
            company_id,
            project,
            {"code": std["code"], "name": std["name"], "parent_id": parent},
            standard=std,
        )
        by_standard[std["id"]] = made["id"]


def refuse_direct_write_on_erp_project(project: Record) -> None:
    if project.get("is_erp_integrated"):
        raise ErpRuleViolation(ERP_PROJECT_COST_CODE_MESSAGE)


def update_project_cost_code(store: Store, clock: Clock, record: Record, data: dict[str, Any]) -> Record:
    changes = records.pick(data, ("name", "code", "origin_id", "origin_data", "position"))
    errors = Errors()
    errors.blank({**record, **changes}, "code", "name")
    if len(str(changes.get("code", ""))) > MAX_CODE_LENGTH:
        errors.add("code", too_long(MAX_CODE_LENGTH))
    errors.raise_if_any()
    record.update(changes)
    records.stamp(record, clock)
    return store.put("cost_code", record)
