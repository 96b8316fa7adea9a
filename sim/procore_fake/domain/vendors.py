"""Company directory vendors (Procore "companies" in the Directory = QuickBooks Vendors).

Shape follows the create_vendor ERP event payload. ``origin_code`` is the user-visible external id.
Project directories hold a subset of the company's vendors (``_project_ids``).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.domain import locking, records
from sim.procore_fake.domain.validation import Errors
from sim.procore_fake.store import Record, Store

FIELDS = (
    "name",
    "abbreviated_name",
    "address",
    "authorized_bidder",
    "business_phone",
    "city",
    "country_code",
    "email_address",
    "fax_number",
    "is_active",
    "labor_union",
    "license_number",
    "mobile_phone",
    "non_union_prevailing_wage",
    "notes",
    "origin_code",
    "origin_data",
    "origin_id",
    "prequalified",
    "state_code",
    "trade_name",
    "union_member",
    "website",
    "zip",
    "business_register",
    "vendor_group",
)


def create(store: Store, clock: Clock, company_id: int, data: dict[str, Any]) -> Record:
    errors = Errors()
    errors.blank(data, "name")
    errors.unique_origin(store, "vendor", data, company_id=company_id)
    errors.raise_if_any()
    body: Record = {
        "name": data["name"],
        "abbreviated_name": None,
        "address": "",
        "authorized_bidder": True,
        "business_phone": "",
        "city": "",
        "country_code": "US",
        "email_address": None,
        "fax_number": "",
        "is_active": True,
        "labor_union": None,
        "license_number": None,
        "logo": None,
        "mobile_phone": None,
        "non_union_prevailing_wage": False,
        "notes": None,
        "origin_code": None,
        "origin_data": None,
        "origin_id": None,
        "prequalified": False,
        "state_code": "",
        "trade_name": "",
        "union_member": False,
        "website": None,
        "zip": "",
        "erp_custom_fields": {},
        "business_register": None,
        "primary_contact": None,
        "attachments": [],
        "vendor_group": None,
        "_project_ids": [],
    }
    body.update(records.pick(data, FIELDS))
    body["company"] = body["name"]
    body["synced_to_erp"] = bool(body.get("origin_id"))
    records.stamp(body, clock, created=True)
    return store.add("vendor", body, company_id=company_id)


def update(store: Store, clock: Clock, vendor: Record, data: dict[str, Any], *, locks: bool = True) -> Record:
    """A vendor's attributes (refused while it waits for accounting acceptance or is being exported).
    ``locks=False``: a write Procore's editing locks do not bind (the ERP's own sync of what it owns)."""
    if locks:
        locking.check_pending(vendor)
    changes = records.pick(data, FIELDS)
    errors = Errors()
    if "name" in changes:
        errors.blank(changes, "name")
    errors.unique_origin(store, "vendor", changes, own_id=vendor["id"])
    errors.raise_if_any()
    vendor.update(changes)
    vendor["company"] = vendor["name"]
    vendor["synced_to_erp"] = bool(vendor.get("origin_id"))
    records.stamp(vendor, clock)
    return store.put("vendor", vendor)


def add_to_project(store: Store, vendor: Record, project_id: int) -> Record:
    if project_id not in vendor["_project_ids"]:
        vendor["_project_ids"].append(project_id)
    return store.put("vendor", vendor)


# The vendor fields QuickBooks maps onto a Procore company (seed 001 data mapping).
ERP_MAPPED_FIELDS = ("name", "address", "city", "state_code", "zip", "business_phone", "fax_number")


def refresh_filter(settings: Record, vendor: Record, attrs: dict[str, Any]) -> dict[str, Any]:
    """Seed 004 "Vendors will be Automatically Updated": with "Do Not Update Vendors", a refresh from
    QuickBooks only (re)links an already-linked company; its name, address and phone numbers stay."""
    if settings.get("vendor_updates") == "do_not_update_vendors" and vendor.get("origin_id"):
        return {k: v for k, v in attrs.items() if k not in ERP_MAPPED_FIELDS}
    return attrs
