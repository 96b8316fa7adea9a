"""ERP events for deleted synced cost codes (delete_standard_cost_codes, delete_cost_code, delete_cost_codes)
and "Link All" vendors (link_all_vendors): request_name, documented request_data shape, webhook delivery,
permissions."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import (
    Fake,
    assert_documented_shape,
    cost_codes_of,
    delivered_erp_requests,
    make_project,
    make_std_codes,
    make_vendor,
    mark_synced,
    subscribe_erp_requests,
)

FORBIDDEN = {"errors": "You do not have access to perform this action."}


def _who(fake: Fake, name: str) -> dict[str, int]:
    return {"as_user_id": fake.users[name]}


# -- delete_standard_cost_codes ------------------------------------------------------------------------------
def test_deleting_a_synced_standard_cost_code_through_the_api_emits_delete_standard_cost_codes(
    fake: Fake,
) -> None:
    subscribe_erp_requests(fake)
    synced, unsynced = make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    mark_synced(fake, "standard_cost_code", synced["id"], "80000001-1477351439")
    robin = fake.login("Robin Viewer")
    r = robin.delete(f"/rest/v1.0/standard_cost_codes/{synced['id']}", company_id=fake.company_id)
    assert r.status_code == 403 and r.json() == FORBIDDEN
    assert delivered_erp_requests(fake) == []

    r = fake.dmsa.delete(f"/rest/v1.0/standard_cost_codes/{unsynced['id']}", company_id=fake.company_id)
    assert r.status_code == 204
    assert delivered_erp_requests(fake) == []  # the ERP never knew an unsynced code

    r = fake.dmsa.delete(f"/rest/v1.0/standard_cost_codes/{synced['id']}", company_id=fake.company_id)
    assert r.status_code == 204
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == "delete_standard_cost_codes"
    assert_documented_shape("delete_standard_cost_codes", req["request_data"])
    assert req["request_data"] == {
        "standard_cost_code_list_id": fake.erp_list_id,
        "standard_cost_code_data_array": [
            {"id": synced["id"], "sortable_code": "01-100", "origin_id": "80000001-1477351439"}
        ],
    }
    r = fake.dmsa.get(f"/rest/v1.0/standard_cost_codes/{synced['id']}", company_id=fake.company_id)
    assert r.status_code == 404


def test_a_standard_cost_code_waiting_for_acceptance_cannot_be_deleted(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    [code] = make_std_codes(fake, [("01-100", "Site Work")])
    assert fake.act("send", "Erin Sponsor", "standard_cost_code", code["id"]).status_code == 200
    r = fake.dmsa.delete(f"/rest/v1.0/standard_cost_codes/{code['id']}", company_id=fake.company_id)
    pending = "This item has been sent to ERP Integrations for accounting acceptance and cannot be edited."
    assert r.status_code == 422 and r.json() == {"errors": {"base": [pending]}}
    assert delivered_erp_requests(fake) == []


def test_super_user_deletes_synced_standard_cost_codes_in_one_event(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    codes = make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    for n, code in enumerate(codes):
        mark_synced(fake, "standard_cost_code", code["id"], f"8000000{n}-1")
    r = fake.sim(
        "POST",
        "/erp/support/delete",
        {"item_type": "standard_cost_code", "item_ids": [c["id"] for c in codes]},
    )
    assert r.status_code == 200 and r.json() == {"deleted": [c["id"] for c in codes]}
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == "delete_standard_cost_codes"
    assert_documented_shape("delete_standard_cost_codes", req["request_data"])
    assert [e["origin_id"] for e in req["request_data"]["standard_cost_code_data_array"]] == [
        "80000000-1",
        "80000001-1",
    ]


def test_super_user_delete_refuses_unsynced_codes_and_other_item_types(fake: Fake) -> None:
    [code] = make_std_codes(fake, [("01-100", "Site Work")])
    r = fake.sim("POST", "/erp/support/delete", {"item_type": "standard_cost_code", "item_ids": [code["id"]]})
    assert r.status_code == 422 and r.json() == {
        "errors": {"base": ["Only items synced with ERP can be deleted with Super User access."]}
    }
    r = fake.sim("POST", "/erp/support/delete", {"item_type": "sub_job", "item_ids": [1]})
    assert r.status_code == 422 and r.json() == {
        "errors": {"item_type": ["is not included in the list (standard_cost_code, cost_code)"]}
    }
    r = fake.sim("POST", "/erp/support/delete", {"item_type": "cost_code", "item_ids": []})
    assert r.status_code == 422 and r.json() == {"errors": {"item_ids": ["must be a non-empty array of ids"]}}


def test_super_user_delete_takes_each_id_once_and_refuses_booleans(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    codes = make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    for n, code in enumerate(codes):
        mark_synced(fake, "standard_cost_code", code["id"], f"8000000{n}-1")
    ids = [codes[1]["id"], codes[0]["id"], codes[1]["id"]]
    for bad in ([True], [codes[0]["id"], False], [1.0]):  # JSON true is no id, though Python's bool is an int
        r = fake.sim("POST", "/erp/support/delete", {"item_type": "standard_cost_code", "item_ids": bad})
        assert r.status_code == 422 and r.json() == {
            "errors": {"item_ids": ["must be a non-empty array of ids"]}
        }
    assert delivered_erp_requests(fake) == []
    r = fake.sim("POST", "/erp/support/delete", {"item_type": "standard_cost_code", "item_ids": ids})
    assert r.status_code == 200 and r.json() == {"deleted": [codes[1]["id"], codes[0]["id"]]}
    [req] = delivered_erp_requests(fake)
    assert [e["id"] for e in req["request_data"]["standard_cost_code_data_array"]] == [
        codes[1]["id"],
        codes[0]["id"],
    ]


# -- project cost codes: delete_cost_code (Super User) and delete_cost_codes (a user) ------------------------
def _project_with_codes(fake: Fake, synced: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A synced QuickBooks job whose first ``synced`` cost codes are synced QuickBooks Service items."""
    make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete"), ("05-500", "Metals")])
    project = make_project(fake)
    mark_synced(fake, "project", project["id"], "800003DD-1600977189")
    codes = cost_codes_of(fake, project["id"])
    for n, cc in enumerate(codes[:synced]):
        mark_synced(fake, "cost_code", cc["id"], f"800003DD-1600977189|8000{n}-1")
    return project, cost_codes_of(fake, project["id"])


def test_super_user_delete_of_project_cost_codes_emits_delete_cost_code(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    project, codes = _project_with_codes(fake, synced=3)
    r = fake.sim("POST", "/erp/support/delete", {"item_type": "cost_code", "item_ids": [codes[0]["id"]]})
    assert r.status_code == 200, r.text
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == "delete_cost_code"
    # QuickBooks Desktop has no sub jobs (seed 001): procore_sub_job_id is null.
    assert_documented_shape("delete_cost_code", req["request_data"], nullable=("procore_sub_job_id",))
    assert req["request_data"] == {
        "project_cost_code_data_array": [
            {"id": codes[0]["id"], "origin_id": "800003DD-1600977189|80000-1", "sortable_code": "01-100"}
        ],
        "project_origin_id": "800003DD-1600977189",
        "procore_project_id": project["id"],
        "procore_sub_job_id": None,
    }
    assert [c["id"] for c in cost_codes_of(fake, project["id"])] == [c["id"] for c in codes[1:]]


def _delete_codes(fake: Fake, who: str, project_id: int, ids: list[int]) -> Any:
    return fake.sim(
        "POST", f"/projects/{project_id}/cost_codes/delete", {**_who(fake, who), "cost_code_ids": ids}
    )


def test_deleting_synced_project_cost_codes_asks_the_integrator_and_waits_for_the_detail(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    project, codes = _project_with_codes(fake, synced=2)
    ids = [c["id"] for c in codes]
    for who in ("Robin Viewer", "Alex Accountant"):  # read-only on the project's Admin tool
        r = _delete_codes(fake, who, project["id"], ids)
        assert r.status_code == 403 and r.json() == FORBIDDEN
    assert delivered_erp_requests(fake) == []

    r = _delete_codes(fake, "Pat Manager", project["id"], ids)
    assert r.status_code == 200 and r.json() == {"deleted": [ids[2]], "pending_erp": ids[:2]}
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == "delete_cost_codes"
    assert_documented_shape("delete_cost_codes", req["request_data"], nullable=("sub_job",))
    data = req["request_data"]
    assert data["project"] == {"id": project["id"], "origin_id": "800003DD-1600977189"}
    assert data["sub_job"] is None
    assert [(c["id"], c["sortable_code"]) for c in data["cost_codes"]] == [
        (ids[0], "01-100"),
        (ids[1], "03-300"),
    ]
    # The unsynced code went at once; the synced ones stay until the integrator closes their details.
    assert [c["id"] for c in cost_codes_of(fake, project["id"])] == ids[:2]
    again = _delete_codes(fake, "Pat Manager", project["id"], ids[:1])
    assert again.status_code == 422 and again.json() == {
        "errors": {"base": ["This cost code is being deleted in the ERP system."]}
    }

    base = f"/rest/v1.0/companies/{fake.company_id}/erp_request_details"
    ok = fake.dmsa.patch(
        f"{base}/{data['cost_codes'][0]['request_detail_id']}", {"request_detail": {"status": "success"}}
    )
    assert ok.status_code == 200, ok.text
    failed = fake.dmsa.patch(
        f"{base}/{data['cost_codes'][1]['request_detail_id']}",
        {"request_detail": {"status": "failed", "messages": ["Item is used on a QuickBooks bill"]}},
    )
    assert failed.status_code == 200 and failed.json()["messages"] == ["Item is used on a QuickBooks bill"]
    assert [c["id"] for c in cost_codes_of(fake, project["id"])] == [ids[1]]
    # A failed deletion leaves the code deletable again.
    r = _delete_codes(fake, "Pat Manager", project["id"], [ids[1]])
    assert r.status_code == 200 and r.json() == {"deleted": [], "pending_erp": [ids[1]]}


def test_project_cost_code_delete_refuses_codes_of_another_project(fake: Fake) -> None:
    project, codes = _project_with_codes(fake, synced=0)
    other = make_project(fake, "Other Job")
    r = _delete_codes(fake, "Pat Manager", other["id"], [codes[0]["id"]])
    assert r.status_code == 422 and r.json() == {
        "errors": {"item_ids": ["must be cost codes of this project"]}
    }
    r = _delete_codes(fake, "Pat Manager", 999999, [codes[0]["id"]])
    assert r.status_code == 404


def test_project_cost_code_delete_lists_a_repeated_id_once(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    project, codes = _project_with_codes(fake, synced=1)
    ids = [codes[0]["id"], codes[0]["id"], codes[2]["id"], codes[2]["id"]]
    r = _delete_codes(fake, "Pat Manager", project["id"], ids)
    assert r.status_code == 200 and r.json() == {"deleted": [codes[2]["id"]], "pending_erp": [codes[0]["id"]]}
    [req] = delivered_erp_requests(fake)
    assert [c["id"] for c in req["request_data"]["cost_codes"]] == [codes[0]["id"]]


# -- link_all_vendors -------------------------------------------------------------------------------------
def _stage_vendors(fake: Fake, *origins: str) -> list[dict[str, Any]]:
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records/sync",
        {"updates": [{"item_type": "vendor", "origin_id": o, "data": {"name": o}} for o in origins]},
    )
    assert r.status_code == 200 and r.json()["errors"] == [], r.text
    return r.json()["entities"]


def test_link_all_links_each_staged_vendor_and_emits_one_link_all_vendors(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    staged = _stage_vendors(fake, "800000CD-A", "800000CD-B")
    alpha, beta = make_vendor(fake, "Alpha Steel"), make_vendor(fake, "Beta Glass")
    links = [
        {"staged_id": staged[0]["id"], "vendor_id": alpha["id"]},
        {"staged_id": staged[1]["id"], "vendor_id": beta["id"]},
    ]
    for who in ("Alex Accountant", "Pat Manager", "Robin Viewer"):  # not ERP Integrations admins
        r = fake.sim("POST", "/erp/staged/link_all", {**_who(fake, who), "links": links})
        assert r.status_code == 403 and r.json() == FORBIDDEN
    r = fake.sim("POST", "/erp/staged/link_all", {**_who(fake, "Erin Sponsor"), "links": links})
    assert r.status_code == 200, r.text
    assert [(v["id"], v["origin_id"]) for v in r.json()] == [
        (alpha["id"], "800000CD-A"),
        (beta["id"], "800000CD-B"),
    ]
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == "link_all_vendors"
    assert_documented_shape("link_all_vendors", req["request_data"])
    assert req["request_data"] == {
        "vendors": [
            {"id": alpha["id"], "origin_id": "800000CD-A"},
            {"id": beta["id"], "origin_id": "800000CD-B"},
        ],
        "company_id": fake.company_id,
    }
    assert fake.sim("GET", "/erp/lists").json()["ready_to_import"] == []


def test_link_all_links_nothing_when_one_pair_is_refused(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    staged = _stage_vendors(fake, "800000CD-A", "800000CD-B")
    alpha, linked = make_vendor(fake, "Alpha Steel"), make_vendor(fake, "Already Linked")
    mark_synced(fake, "vendor", linked["id"], "800000CD-Z")
    r = fake.sim(
        "POST",
        "/erp/staged/link_all",
        {
            **_who(fake, "Erin Sponsor"),
            "links": [
                {"staged_id": staged[0]["id"], "vendor_id": alpha["id"]},
                {"staged_id": staged[1]["id"], "vendor_id": linked["id"]},
            ],
        },
    )
    assert r.status_code == 422 and r.json() == {
        "errors": {"base": ["This company is already linked to an ERP vendor."]}
    }
    assert delivered_erp_requests(fake) == []
    assert len(fake.sim("GET", "/erp/lists").json()["ready_to_import"]) == 2
    r = fake.sim("POST", "/erp/staged/link_all", {**_who(fake, "Erin Sponsor"), "links": []})
    assert r.status_code == 422 and r.json() == {
        "errors": {"base": ["Select at least one staged vendor to link."]}
    }
