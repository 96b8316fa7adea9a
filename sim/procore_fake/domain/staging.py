"""Staged records: what the connector stages from QuickBooks for a person to import (Ready to Import).

item types and their parents (erp-api-reference.json "staged_record_item_types"): vendor and project at
company level, sub_job / prime_contract / commitments under a project, commitment_change_order under a
commitment, line_item as a child. Statuses: staged, imported, invalid, archived. ``*_origin_id`` fields in
``data`` are translated to Procore ids on import. Importing a vendor or a job creates the Procore record
(origin_id set, so it is synced) and emits ``create_vendor_in_procore`` / ``create_job_in_procore``; linking
a staged vendor to an existing Procore company emits ``link_vendor`` ("Link All": ``link_all_vendors``).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import approval, erp_requests, erp_settings, projects, vendors
from sim.procore_fake.domain.validation import Errors
from sim.procore_fake.errors import ErpRuleViolation
from sim.procore_fake.store import Record, Store

STATUSES = ("staged", "imported", "invalid", "archived")
ITEM_TYPES = (
    "vendor",
    "project",
    "sub_job",
    "prime_contract",
    "purchase_order_contract",
    "work_order_contract",
    "commitment_change_order",
    "line_item",
)


def upsert(store: Store, clock: Clock, company_id: int, attrs: dict[str, Any]) -> Record:
    errors = Errors()
    item_type = attrs.get("item_type")
    errors.inclusion(item_type, ITEM_TYPES, "item_type")
    status = attrs.get("status", "staged")
    errors.inclusion(status, STATUSES, "status")
    errors.blank(attrs, "origin_id")
    errors.raise_if_any()
    existing = [
        s
        for s in store.query("staged_record", company_id=company_id, origin_id=str(attrs["origin_id"]))
        if s["item_type"] == item_type
    ]
    body = (
        existing[0]
        if existing
        else {
            "item_type": item_type,
            "origin_id": str(attrs["origin_id"]),
            "company_id": company_id,
            "created_at": iso(clock.now()),
        }
    )
    body.update(
        {
            "origin_code": attrs.get("origin_code"),
            "origin_data": attrs.get("origin_data"),
            "status": status,
            "data": attrs.get("data") or {},
            "updated_at": iso(clock.now()),
        }
    )
    children = []
    for child in attrs.get("children") or []:
        children.append(
            {
                "item_type": child.get("item_type", "line_item"),
                "origin_id": child.get("origin_id"),
                "status": child.get("status", "staged"),
                "data": child.get("data") or {},
            }
        )
    body["children"] = children
    if existing:
        return store.put("staged_record", body)
    return store.add("staged_record", body, company_id=company_id)


def import_record(
    store: Store, clock: Clock, company_id: int, staged: Record, options: dict[str, Any]
) -> Record:
    """ "Add to Procore" on the Ready to Import list."""
    if staged["status"] != "staged":
        raise ErpRuleViolation("Only staged records can be imported.")
    data = dict(staged["data"])
    origin = {
        "origin_id": staged["origin_id"],
        "origin_code": staged.get("origin_code"),
        "origin_data": staged.get("origin_data"),
    }
    settings = erp_settings.get(store, company_id)
    if staged["item_type"] == "vendor":
        made = vendors.create(store, clock, company_id, {**data, **origin})
        approval.after_origin_change(store, "vendor", made)
        erp_requests.emit(
            store,
            clock,
            company_id,
            "create_vendor_in_procore",
            {"vendor": {"id": made["id"], "origin_id": made["origin_id"]}, "company_id": company_id},
            items=[],
            placement="none",
        )
    elif staged["item_type"] == "project":
        tier = data.get("tier")
        wanted = 1 if settings["project_mapping"] == "customers_are_jobs" else 2
        if tier is not None and int(tier) != wanted:
            raise ErpRuleViolation(
                "Only QuickBooks customers can be imported as projects with the 'Customers = Jobs' setting."
                if wanted == 1
                else "Only jobs directly under QuickBooks customers can be imported with the "
                "'Jobs under Customers' setting."
            )
        fields = {k: v for k, v in data.items() if k in projects.FIELDS}
        fields.setdefault("name", data.get("name") or staged.get("origin_code"))
        made = projects.create(store, clock, company_id, {**fields, **origin})
        approval.after_origin_change(store, "project", made)
        erp_requests.emit(
            store,
            clock,
            company_id,
            "create_job_in_procore",
            {
                "project": {
                    "id": made["id"],
                    "name": made["name"],
                    "origin_id": made["origin_id"],
                    "origin_data": made["origin_data"],
                    "origin_code": made["origin_code"],
                },
                "company_id": company_id,
            },
            items=[],
            placement="none",
        )
    else:
        raise ErpRuleViolation(
            f"Importing {staged['item_type']} records is not supported by the QuickBooks Desktop integration."
        )
    staged["status"] = "imported"
    staged["procore_id"] = made["id"]
    store.put("staged_record", staged)
    return made


def _link(store: Store, clock: Clock, staged: Record, vendor: Record) -> Record:
    """ "Link to Existing" company: the Procore company takes the QuickBooks vendor's origin fields."""
    if staged["item_type"] != "vendor" or staged["status"] != "staged":
        raise ErpRuleViolation("Only staged vendors can be linked.")
    if vendor.get("origin_id"):
        raise ErpRuleViolation("This company is already linked to an ERP vendor.")
    linked = vendors.update(
        store,
        clock,
        vendor,
        {
            "origin_id": staged["origin_id"],
            "origin_code": staged.get("origin_code"),
            "origin_data": staged.get("origin_data"),
        },
        locks=False,  # the ERP tool itself writes the link
    )
    approval.after_origin_change(store, "vendor", linked)
    staged["status"] = "imported"
    staged["procore_id"] = vendor["id"]
    store.put("staged_record", staged)
    return linked


def link_vendor(store: Store, clock: Clock, company_id: int, staged: Record, vendor: Record) -> Record:
    linked = _link(store, clock, staged, vendor)
    erp_requests.emit(
        store,
        clock,
        company_id,
        "link_vendor",
        {"vendor": {"id": vendor["id"], "origin_id": staged["origin_id"]}, "company_id": company_id},
        items=[],
        placement="none",
    )
    return linked


def link_all_vendors(
    store: Store, clock: Clock, company_id: int, pairs: list[tuple[Record, Record]]
) -> list[Record]:
    """ "Link All" on Ready to Import: each staged vendor linked to its (suggested) Procore company in one
    action; one ``link_all_vendors`` event lists them all. The pairs are checked before any is linked so a
    bad pair links nothing (all-or-nothing is our assumption; Procore's partial behaviour is unknown)."""
    if not pairs:
        raise ErpRuleViolation("Select at least one staged vendor to link.")
    seen_staged, seen_vendors = set(), set()
    for staged, vendor in pairs:
        if staged["item_type"] != "vendor" or staged["status"] != "staged":
            raise ErpRuleViolation("Only staged vendors can be linked.")
        if vendor.get("origin_id"):
            raise ErpRuleViolation("This company is already linked to an ERP vendor.")
        if staged["id"] in seen_staged or vendor["id"] in seen_vendors:
            raise ErpRuleViolation("Each staged vendor and each company can be linked only once.")
        seen_staged.add(staged["id"])
        seen_vendors.add(vendor["id"])
    linked = [_link(store, clock, staged, vendor) for staged, vendor in pairs]
    erp_requests.emit(
        store,
        clock,
        company_id,
        "link_all_vendors",
        {
            "vendors": [{"id": v["id"], "origin_id": v["origin_id"]} for v in linked],
            "company_id": company_id,
        },
        items=[],
        placement="none",
    )
    return linked


def archive(store: Store, staged: Record) -> Record:
    staged["status"] = "archived"
    return store.put("staged_record", staged)
