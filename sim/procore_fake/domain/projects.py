"""Projects (Admin tool): address fields, origin_id/origin_data/origin_code, the cost code list.

A project created on the company's ERP list ("QuickBooks Standard Cost Codes") is ERP-integrated: it can be
exported as a QuickBooks Customer or Job, and its cost codes come from that list (project-specific cost codes
are not supported by the QuickBooks Desktop connector, seed 001).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import cost_codes, erp_settings, locking, records
from sim.procore_fake.domain.validation import INVALID, Errors
from sim.procore_fake.store import Record, Store

FIELDS = (
    "name",
    "display_name",
    "project_number",
    "address",
    "city",
    "state_code",
    "country_code",
    "zip",
    "county",
    "time_zone",
    "description",
    "square_feet",
    "start_date",
    "completion_date",
    "total_value",
    "active",
    "phone",
    "public_notes",
    "code",
    "origin_id",
    "origin_data",
    "origin_code",
    "standard_cost_code_list_id",
    "estimated_value",
    "accounting_project_number",
    "latitude",
    "longitude",
)


def create(store: Store, clock: Clock, company_id: int, data: dict[str, Any]) -> Record:
    errors = Errors()
    errors.blank(data, "name")
    errors.unique_origin(store, "project", data, company_id=company_id)
    body: Record = {k: None for k in FIELDS}
    body.update(
        {"active": True, "country_code": "US", "address": "", "city": "", "state_code": "", "zip": ""}
    )
    body.update(records.pick(data, FIELDS))
    list_id = body.get("standard_cost_code_list_id") or erp_settings.erp_list_id(store, company_id)
    lists = {x["id"]: x for x in store.query("standard_cost_code_list", company_id=company_id)}
    if list_id not in lists:
        errors.add("standard_cost_code_list_id", INVALID)
    errors.raise_if_any()
    body["standard_cost_code_list_id"] = list_id
    body["is_erp_integrated"] = bool(lists[list_id].get("is_erp_list"))
    body["display_name"] = body.get("display_name") or _display(body)
    body["company"] = {"id": company_id, "name": (store.get("company", company_id) or {}).get("name")}
    records.stamp(body, clock, created=True)
    project = store.add("project", body, company_id=company_id)
    cost_codes.copy_list_to_project(store, clock, company_id, project, list_id)
    return project


def _display(body: Record) -> str:
    number = body.get("project_number")
    return f"{number} - {body['name']}" if number else str(body["name"])


def update(
    store: Store, clock: Clock, project: Record, data: dict[str, Any], *, locks: bool = True
) -> Record:
    """A project's attributes (refused while it waits for accounting acceptance or is being exported).
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        locking.check_pending(project)
    changes = records.pick(data, FIELDS)
    errors = Errors()
    if "name" in changes:
        errors.blank(changes, "name")
    errors.unique_origin(store, "project", changes, own_id=project["id"])
    if (
        "standard_cost_code_list_id" in changes
        and changes["standard_cost_code_list_id"] != project["standard_cost_code_list_id"]
    ):
        errors.add("standard_cost_code_list_id", "cannot be changed once the project is created")
    errors.raise_if_any()
    project.update(changes)
    project["display_name"] = _display(project)
    records.stamp(project, clock)
    return store.put("project", project)
