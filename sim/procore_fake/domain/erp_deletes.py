"""Deleting synced cost codes, and the ERP events that tell the integrator (erp_events_dictionary).

- ``delete_standard_cost_codes``: synced standard cost codes of the ERP list deleted. The dictionary names
  ERP support's Super User access as the cause; ``DELETE /rest/v1.0/standard_cost_codes/{id}`` (a company
  admin) deleting a synced code emits it too, since the integrator's cache must drop the code either way
  (whether Procore refuses that call for a synced code is undocumented; the fake allowed it before).
- ``delete_cost_code``: ERP support's Super User deletes synced project cost codes; done at once.
- ``delete_cost_codes``: a user deletes synced project cost codes (project Admin tool, web UI only: the
  v1.0 API has no DELETE for project cost codes). Action required: each code gets a request detail; the
  code is deleted when the integrator closes it with ``success`` (``erp_requests.close_detail``).
QuickBooks Desktop has no sub jobs (seed 001), so the documented ``sub_job`` / ``procore_sub_job_id`` are
null. Unsynced codes are simply deleted: the ERP never knew them.
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import erp_requests, locking
from sim.procore_fake.errors import ErpRuleViolation, ValidationFailed
from sim.procore_fake.store import Record, Store

SUPPORT_DELETABLE = ("standard_cost_code", "cost_code")
DELETE_PENDING_MESSAGE = "This cost code is being deleted in the ERP system."


def delete_standard_code(store: Store, clock: Clock, company_id: int, record: Record) -> None:
    """A company admin's DELETE of a standard cost code (refused while pending; announced when synced)."""
    locking.check_pending(record)
    delete_standard_codes(store, clock, company_id, [record])


def _sortable(record: Record) -> str:
    return str(record.get("sortable_code") or record["full_code"])


def load_owned(store: Store, company_id: int, kind: str, ids: Any) -> list[Record]:
    """The records of ``ids``, each once in the order first given; a JSON ``true`` is no id (Python's bool
    is an int, so it is refused by type, not by ``isinstance``)."""
    if not isinstance(ids, list) or not ids or not all(type(i) is int for i in ids):
        raise ValidationFailed({"item_ids": ["must be a non-empty array of ids"]})
    found = []
    for item_id in dict.fromkeys(ids):
        owner = store.owner(kind, item_id)
        if owner is None or owner[0] != company_id:
            raise ValidationFailed({"item_ids": [f"{item_id} is invalid"]})
        found.append(store.get(kind, item_id))
    return found


def delete_standard_codes(store: Store, clock: Clock, company_id: int, codes: list[Record]) -> None:
    synced = [c for c in codes if c.get("origin_id")]
    if synced:
        erp_requests.emit(
            store,
            clock,
            company_id,
            "delete_standard_cost_codes",
            {
                "standard_cost_code_list_id": synced[0]["standard_cost_code_list_id"],
                "standard_cost_code_data_array": [
                    {"id": c["id"], "sortable_code": _sortable(c), "origin_id": c["origin_id"]}
                    for c in synced
                ],
            },
            items=[],
            placement="none",
        )
    for code in codes:
        store.remove("standard_cost_code", code["id"])


def _one_project(store: Store, codes: list[Record]) -> Record:
    project_ids = {c["biller_id"] for c in codes}
    if len(project_ids) != 1:
        raise ValidationFailed({"item_ids": ["must be cost codes of one project"]})
    return store.get("project", project_ids.pop())


def support_delete(store: Store, clock: Clock, company_id: int, kind: str, ids: Any) -> list[Record]:
    """ERP support, Super User access: delete synced standard or project cost codes."""
    if kind not in SUPPORT_DELETABLE:
        raise ValidationFailed(
            {"item_type": [f"is not included in the list ({', '.join(SUPPORT_DELETABLE)})"]}
        )
    codes = load_owned(store, company_id, kind, ids)
    if not all(c.get("origin_id") for c in codes):
        raise ErpRuleViolation("Only items synced with ERP can be deleted with Super User access.")
    if kind == "standard_cost_code":
        delete_standard_codes(store, clock, company_id, codes)
        return codes
    project = _one_project(store, codes)
    erp_requests.emit(
        store,
        clock,
        company_id,
        "delete_cost_code",
        {
            "project_cost_code_data_array": [
                {"id": c["id"], "origin_id": c["origin_id"], "sortable_code": _sortable(c)} for c in codes
            ],
            "project_origin_id": project.get("origin_id"),
            "procore_project_id": project["id"],
            "procore_sub_job_id": None,
        },
        items=[],
        placement="none",
    )
    for code in codes:
        store.remove("cost_code", code["id"])
    return codes


def request_project_codes_delete(
    store: Store, clock: Clock, company_id: int, project: Record, ids: Any
) -> dict[str, list[int]]:
    """Project Admin tool, delete cost codes: unsynced ones go now, synced ones wait for the integrator."""
    codes = load_owned(store, company_id, "cost_code", ids)
    if any(c["biller_id"] != project["id"] for c in codes):
        raise ValidationFailed({"item_ids": ["must be cost codes of this project"]})
    if any(c.get("_pending_delete") for c in codes):
        raise ErpRuleViolation(DELETE_PENDING_MESSAGE)
    synced = [c for c in codes if c.get("origin_id")]
    for code in codes:
        if not code.get("origin_id"):
            store.remove("cost_code", code["id"])
    if synced:
        erp_requests.emit(
            store,
            clock,
            company_id,
            "delete_cost_codes",
            {
                "project": {"id": project["id"], "origin_id": project.get("origin_id")},
                "sub_job": None,
                "cost_codes": [
                    {"id": c["id"], "origin_id": c["origin_id"], "sortable_code": _sortable(c)}
                    for c in synced
                ],
            },
            items=[("cost_code", c["id"]) for c in synced],
            placement="each",
            list_key="cost_codes",
            detail_action="delete",
        )
        for code in synced:
            fresh = store.get("cost_code", code["id"])
            fresh["_pending_delete"] = True
            store.put("cost_code", fresh)
    return {
        "deleted": [c["id"] for c in codes if not c.get("origin_id")],
        "pending_erp": [c["id"] for c in synced],
    }
