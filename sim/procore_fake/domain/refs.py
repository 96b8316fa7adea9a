"""Nested references Procore embeds in financial objects (cost_code, line_item_type, project, vendor)."""

from __future__ import annotations

from typing import Any

from sim.procore_fake.domain import cost_codes
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.store import Record, Store


def project_ref(project: Record) -> Record:
    return {
        "id": project["id"],
        "name": project["name"],
        "origin_data": project.get("origin_data"),
        "origin_id": project.get("origin_id"),
        "origin_code": project.get("origin_code"),
    }


def vendor_ref(vendor: Record) -> Record:
    return {
        "id": vendor["id"],
        "company": vendor["name"],
        "origin_data": vendor.get("origin_data"),
        "origin_id": vendor.get("origin_id"),
        "origin_code": vendor.get("origin_code"),
    }


def cost_code_ref(cc: Record) -> Record:
    keep = (
        "id",
        "name",
        "full_code",
        "origin_id",
        "origin_data",
        "standard_cost_code_id",
        "biller",
        "biller_id",
        "biller_type",
        "biller_origin_id",
        "budgeted",
        "code",
        "parent",
        "sortable_code",
        "created_at",
        "deleted_at",
        "line_item_types",
        "position",
        "updated_at",
    )
    return {k: cc.get(k) for k in keep}


def line_item_type_ref(lit: Record) -> Record:
    return {
        "id": lit["id"],
        "base_type": lit.get("base_type"),
        "code": lit["code"],
        "name": lit["name"],
        "origin_data": lit.get("origin_data"),
        "origin_id": lit.get("origin_id"),
    }


def project_cost_code(
    store: Store, company_id: int, project_id: int, cost_code_id: Any, field: str = "cost_code_id"
) -> Record:
    try:
        cc = store.get("cost_code", int(cost_code_id))
    except (TypeError, ValueError):
        cc = None
    owner = store.owner("cost_code", cc["id"]) if cc else None
    if cc is None or owner != (company_id, project_id):
        raise ValidationFailed({field: ["is invalid"]})
    return cc


def line_item_type(store: Store, company_id: int, line_item_type_id: Any) -> Record:
    """QuickBooks Desktop has no cost types: absent means "Other" (seed 001)."""
    if line_item_type_id in (None, ""):
        return cost_codes.other_cost_type(store, company_id)
    try:
        lit = store.get("line_item_type", int(line_item_type_id))
    except (TypeError, ValueError):
        lit = None
    if lit is None or store.owner("line_item_type", lit["id"])[0] != company_id:
        raise ValidationFailed({"line_item_type_id": ["is invalid"]})
    return lit


def vendor(store: Store, company_id: int, vendor_id: Any) -> Record:
    try:
        v = store.get("vendor", int(vendor_id))
    except (TypeError, ValueError):
        v = None
    if v is None or store.owner("vendor", v["id"])[0] != company_id:
        raise ValidationFailed({"vendor_id": ["is invalid"]})
    return v


def standard_origin_id(store: Store, cc: Record) -> str | None:
    """The QuickBooks item behind a project cost code: its standard cost code's *current* origin id
    (the standard code is usually exported after projects already copied it)."""
    std = (
        store.get("standard_cost_code", cc["standard_cost_code_id"])
        if cc.get("standard_cost_code_id")
        else None
    )
    return std.get("origin_id") if std else cc.get("standard_cost_code_origin_id")


def live_line_item_type(store: Store, ref: Record) -> Record:
    """A cost type as it is now (its origin id arrives with sync_standard_categories, usually later)."""
    current = store.get("line_item_type", ref["id"])
    return line_item_type_ref(current) if current else ref


def refresh_line(store: Store, line: Record) -> Record:
    """A financial line with its embedded cost type (and cost code types) re-read."""
    fresh = dict(line)
    if line.get("line_item_type"):
        fresh["line_item_type"] = live_line_item_type(store, line["line_item_type"])
    return fresh
