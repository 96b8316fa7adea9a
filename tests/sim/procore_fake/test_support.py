"""Super-user resets and the Vendor Merge Tool emit their documented ERP events."""

from __future__ import annotations

from pcfake_helpers import (
    Fake,
    delivered_erp_requests,
    make_project,
    make_vendor,
    mark_synced,
    subscribe_erp_requests,
)


def test_reset_job_clears_origin_and_emits_reset_job(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    project = make_project(fake)
    mark_synced(fake, "project", project["id"], "800003DD-1")
    r = fake.sim("POST", "/erp/support/reset", {"item_type": "project", "item_id": project["id"]})
    assert r.json()["origin_id"] is None
    reqs = delivered_erp_requests(fake)
    assert [q["request_name"] for q in reqs] == ["reset_job"]
    assert reqs[0]["request_data"] == {
        "project": {
            "id": project["id"],
            "name": "Tower Apartments",
            "origin_data": None,
            "origin_id": "800003DD-1",
        }
    }
    assert fake.sim("GET", f"/erp/items/project/{project['id']}").json()["status"] == "not_sent"
    again = fake.sim("POST", "/erp/support/reset", {"item_type": "project", "item_id": project["id"]})
    assert again.status_code == 422 and again.json() == {
        "errors": {"base": ["Only items synced with ERP can be reset."]}
    }


def test_merge_vendors(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    master, dup = make_vendor(fake, "Acme"), make_vendor(fake, "ACME Inc")
    mark_synced(fake, "vendor", master["id"], "ABC")
    r = fake.sim(
        "POST",
        "/vendors/merge",
        {
            "as_user_id": fake.users["Robin Viewer"],
            "master_vendor_id": master["id"],
            "source_vendor_ids": [dup["id"]],
        },
    )
    assert r.status_code == 403
    r = fake.sim(
        "POST",
        "/vendors/merge",
        {
            "as_user_id": fake.users["Erin Sponsor"],
            "master_vendor_id": master["id"],
            "source_vendor_ids": [dup["id"]],
        },
    )
    assert r.status_code == 200
    req = delivered_erp_requests(fake)[0]
    assert req["request_name"] == "merge_vendors"
    assert req["request_data"] == {
        "master_vendor": {"id": master["id"], "origin_id": "ABC"},
        "source_vendors": [{"id": dup["id"], "origin_id": None}],
        "company_id": fake.company_id,
    }
    active = [v["id"] for v in fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id).json()]
    assert active == [master["id"]]
