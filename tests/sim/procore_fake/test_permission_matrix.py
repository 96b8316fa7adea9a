"""Seed 001's permission matrix for ERP Integrations actions, by ERP tool level."""

from __future__ import annotations

from typing import Any

import pytest
from pcfake_helpers import Fake, make_commitment, make_vendor, mark_synced, synced_world

LEVELS = ("none", "read_only", "standard", "admin")


def _user(fake: Fake, level: str) -> int:
    r = fake.http.post(
        f"/_sim/companies/{fake.company_id}/users",
        json={
            "name": f"ERP {level}",
            "permissions": {"erp_integrations": level, "directory": "admin", "projects": "admin"},
        },
    )
    return int(r.json()["id"])


def _staged(fake: Fake, item_type: str, origin: str, data: dict[str, Any]) -> int:
    r = fake.dmsa.post(
        f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records",
        {"staged_record": {"item_type": item_type, "origin_id": origin, "data": data}},
    )
    return int(r.json()["id"])


# action -> lowest ERP level that may do it (seed 001 matrix)
MATRIX = {
    "add_erp_company_to_directory": "standard",
    "add_erp_job_to_procore": "admin",
    "archive_erp_company": "standard",
    "link_erp_company": "admin",
    "refresh_companies_list": "admin",
    "configure_settings": "admin",
    "configure_sync_schedule": "admin",
    "enable_direct_exports": "admin",
    "refresh_cost_codes": "admin",
    "unlink_company": "standard",
    "unlink_commitment": "standard",
}


def _do(fake: Fake, action: str, user_id: int) -> int:
    who = {"as_user_id": user_id}
    if action == "add_erp_company_to_directory":
        return fake.sim(
            "POST", f"/erp/staged/{_staged(fake, 'vendor', 'V1', {'name': 'A'})}/import", who
        ).status_code
    if action == "add_erp_job_to_procore":
        return fake.sim(
            "POST", f"/erp/staged/{_staged(fake, 'project', 'J1', {'name': 'J'})}/import", who
        ).status_code
    if action == "archive_erp_company":
        return fake.sim(
            "POST", f"/erp/staged/{_staged(fake, 'vendor', 'V2', {'name': 'B'})}/archive", who
        ).status_code
    if action == "link_erp_company":
        vendor = make_vendor(fake, "Linkable")
        return fake.sim(
            "POST",
            f"/erp/staged/{_staged(fake, 'vendor', 'V3', {'name': 'C'})}/link",
            {**who, "vendor_id": vendor["id"]},
        ).status_code
    if action == "refresh_companies_list":
        return fake.sim("POST", "/erp/refresh/vendors", who).status_code
    if action == "configure_settings":
        return fake.sim("PATCH", "/erp/settings", {**who, "use_procore_contract_number": False}).status_code
    if action == "configure_sync_schedule":
        return fake.sim("PATCH", "/erp/settings", {**who, "sync_program": "Hourly"}).status_code
    if action == "enable_direct_exports":
        return fake.sim("PATCH", "/erp/settings", {**who, "direct_export_enabled": True}).status_code
    if action == "refresh_cost_codes":
        return fake.sim("POST", "/erp/refresh/standard_cost_codes", who).status_code
    if action == "unlink_commitment":
        w = synced_world(fake)
        woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
        mark_synced(fake, "work_order_contract", woc["id"], "PO-U")
        return fake.sim(
            "POST", "/erp/items/unlink", {**who, "item_type": "work_order_contract", "item_id": woc["id"]}
        ).status_code
    vendor = make_vendor(fake, "Synced")
    mark_synced(fake, "vendor", vendor["id"], "800000CD-U")
    return fake.sim(
        "POST", "/erp/items/unlink", {**who, "item_type": "vendor", "item_id": vendor["id"]}
    ).status_code


@pytest.mark.parametrize("action", sorted(MATRIX))
@pytest.mark.parametrize("level", LEVELS)
def test_matrix(fake: Fake, action: str, level: str) -> None:
    allowed = LEVELS.index(level) >= LEVELS.index(MATRIX[action])
    status = _do(fake, action, _user(fake, level))
    assert (status == 200) == allowed, (action, level, status)
    if not allowed:
        assert status == 403
