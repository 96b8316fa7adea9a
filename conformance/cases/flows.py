"""The seeds' workflows as people carry them out, shared by the cases (seed 001 / 002).

Every step goes through the two fakes: a Procore user creates and sends, the accounting approver accepts,
and :meth:`World.until` lets Procore deliver its webhooks and the Web Connector run until Procore shows the
outcome. Names are unique per run (``unique``): one Procore company and one company file serve every case.
"""

from __future__ import annotations

from typing import Any

import pytest

from conformance.blackbox.target import JOB_MODES
from conformance.blackbox.world import EXPENSE_ACCOUNT, INCOME_ACCOUNT, World

FINAL = ("synced", "failed")
CUSTOMERS_ARE_JOBS, JOBS_UNDER_CUSTOMERS = JOB_MODES


def one(records: list[dict[str, Any]], **match: Any) -> dict[str, Any]:
    found = [r for r in records if all(r.get(k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one record matching {match}, found {len(found)}"
    return found[0]


def account_id(world: World, full_name: str) -> str:
    return next(str(a["ListID"]) for a in world.company.list_records("Account") if a["FullName"] == full_name)


def settle(world: World, item_type: str, item_id: int, what: str) -> dict[str, Any]:
    """Until Procore shows the item Synced or Failed (the export's outcome); its ERP item view."""
    world.until(lambda: world.procore.status(item_type, item_id) in FINAL, what)
    return world.procore.item(item_type, item_id)


def send_cost_code(world: World, code: str | None = None, name: str = "Site Work") -> dict[str, Any]:
    """A standard cost code created, sent and accepted on the two accounts seed 001 asks for."""
    made = world.procore.new_standard_cost_code(code or world.procore.unique_code(), name)
    world.procore.send_and_accept(
        "standard_cost_code", made["id"],
        income_account_origin_id=account_id(world, INCOME_ACCOUNT),
        expense_account_origin_id=account_id(world, EXPENSE_ACCOUNT),
    )
    return made


def discard_cost_code(world: World, made: dict[str, Any]) -> None:
    """A cost code a case left unsynced is rejected (if waiting) and deleted, as an admin tidies the list:
    seed 001 exports a project only when the company's QuickBooks Standard Cost Codes are synced."""
    status = world.procore.status("standard_cost_code", made["id"])
    if status == "synced":
        return
    if status != "failed":  # waiting for acceptance; a code being exported is locked and stays
        world.procore.act("reject", "Alex Accountant", "standard_cost_code", made["id"],
                          reason="not exported")
    if world.procore.status("standard_cost_code", made["id"]) in ("failed", "rejected"):
        world.procore.rest("DELETE", f"/rest/v1.0/standard_cost_codes/{made['id']}", expect=204,
                           query={"company_id": world.procore.company_id})


def export_cost_code(world: World, name: str = "Site Work") -> tuple[dict[str, Any], dict[str, Any]]:
    """A cost code exported and synced: (the Procore code, its ERP item view)."""
    made = send_cost_code(world, name=name)
    seen = settle(world, "standard_cost_code", made["id"], f"cost code {made['code']} exported")
    assert seen["status"] == "synced", seen
    return made, seen


def export_project(world: World, name: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A project sent and accepted; under 'Jobs under Customers' the approver picks a QuickBooks customer
    (one the accountant made for it) at acceptance, as seed 001 asks."""
    project = world.procore.new_project(name or world.procore.unique("Tower"))
    options: dict[str, Any] = {}
    if world.access.job_mode == JOBS_UNDER_CUSTOMERS:
        owner = world.company.ui.create_customer(world.procore.unique("Owner"))
        options["customer_origin_id"] = owner["ListID"]
    world.procore.send_and_accept("project", project["id"], **options)
    seen = settle(world, "project", project["id"], f"project {project['name']} exported")
    return project, seen


def only_in(world: World, mode: str) -> None:
    """A case of one implementation setting is not applicable to a run in the other (``--job-mode``)."""
    if world.access.job_mode != mode:
        pytest.skip(f"the run's job mode is {world.access.job_mode} (this case checks {mode}; "
                    f"run with --job-mode {mode})")


def job_of(world: World, project_name: str) -> dict[str, Any]:
    """The project's QuickBooks Customer:Job: a customer (Customers = Jobs) or a job under one."""
    return one(world.company.list_records("Customer"), Name=project_name)


def _job_ids(world: World, project_name: str) -> set[str]:
    return {c["ListID"] for c in world.company.list_records("Customer") if c["Name"] == project_name}


def export_vendor(
    world: World, name: str | None = None, **extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    vendor = world.procore.new_vendor(name or world.procore.unique("Ace Concrete"), **extra)
    world.procore.send_and_accept("vendor", vendor["id"])
    seen = settle(world, "vendor", vendor["id"], f"vendor {vendor['name']} exported")
    return vendor, seen


def commitment_prerequisites(world: World) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """seed 001 "Vendor and cost codes must be synced before the Commitment": two cost codes, a project and
    a vendor, synced. Returns (project, vendor, the project's two cost codes)."""
    codes = [export_cost_code(world, name)[0] for name in ("Site Work", "Concrete")]
    project, seen = export_project(world)
    assert seen["status"] == "synced", seen
    vendor, seen = export_vendor(world)
    assert seen["status"] == "synced", seen
    wanted = {c["code"] for c in codes}
    project_codes = [c for c in world.procore.project_cost_codes(project["id"]) if c["full_code"] in wanted]
    assert len(project_codes) == 2, project_codes
    return project, vendor, project_codes


def purchase_orders_of(world: World, project_name: str) -> list[dict[str, Any]]:
    """QuickBooks purchase orders with a line on this project's Customer:Job (P.O. NO.s repeat across
    projects: Procore numbers commitments per project)."""
    jobs = _job_ids(world, project_name)
    return [po for po in world.company.list_records("PurchaseOrder")
            if any(line.get("CustomerRef", {}).get("ListID") in jobs
                   for line in po.get("PurchaseOrderLineRet", []))]


def export_commitment(
    world: World, amounts: tuple[str, str] = ("1000", "1000")
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """A work order contract of two SOV lines exported and synced (what change orders change and invoices
    bill): (project, vendor, the project's two cost codes, the commitment)."""
    project, vendor, codes = commitment_prerequisites(world)
    lines = [{"cost_code_id": code["id"], "amount": amount, "description": f"SOV {n}"}
             for n, (code, amount) in enumerate(zip(codes, amounts, strict=True), 1)]
    woc = world.procore.new_work_order(project["id"], vendor["id"], lines)
    world.procore.send_and_accept("work_order_contract", woc["id"], sender="Pat Manager")
    seen = settle(world, "work_order_contract", woc["id"], "the work order contract exported")
    assert seen["status"] == "synced", seen
    return project, vendor, codes, woc


def estimates_of(world: World, project_name: str) -> list[dict[str, Any]]:
    """QuickBooks estimates on this project's Customer:Job."""
    jobs = _job_ids(world, project_name)
    return [e for e in world.company.list_records("Estimate")
            if e.get("CustomerRef", {}).get("ListID") in jobs]


def bills_of(world: World, project_name: str) -> list[dict[str, Any]]:
    """QuickBooks bills with a line on this project's Customer:Job."""
    jobs = _job_ids(world, project_name)
    return [b for b in world.company.list_records("Bill")
            if any(ln.get("CustomerRef", {}).get("ListID") in jobs for ln in b.get("ItemLineRet", []))]


def item_id(world: World, full_name: str) -> str:
    return next(str(i["ListID"]) for i in world.company.list_records("ItemService")
                if i["FullName"] == full_name)
