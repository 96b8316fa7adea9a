"""Projects, vendors, cost code lists and cost codes: happy paths, permissions, validation, sync rules."""

from __future__ import annotations

from pcfake_helpers import Fake, cost_codes_of, make_project, make_std_codes, make_vendor

FORBIDDEN = {"errors": "You do not have access to perform this action."}


def test_project_create_with_address_and_origin_fields(fake: Fake) -> None:
    make_std_codes(fake, [("01", "General"), ("02", "Sitework")])
    project = make_project(fake, project_number="P-7", origin_code="JOB-7")
    assert project["display_name"] == "P-7 - Tower Apartments"
    assert (project["address"], project["city"], project["state_code"], project["zip"]) == (
        "1 Main St",
        "Austin",
        "TX",
        "78701",
    )
    assert project["origin_id"] is None and project["origin_code"] == "JOB-7"
    assert project["standard_cost_code_list_id"] == fake.erp_list_id and project["is_erp_integrated"] is True
    codes = cost_codes_of(fake, project["id"])
    assert [c["full_code"] for c in codes] == ["01", "02"]
    assert all(c["line_item_types"][0]["name"] == "Other" for c in codes)  # cost types show as "Other"


def test_project_validation_error_body(fake: Fake) -> None:
    r = fake.dmsa.post("/rest/v1.0/projects", {"company_id": fake.company_id, "project": {"name": ""}})
    assert r.status_code == 422 and r.json() == {"errors": {"name": ["can't be blank"]}}
    r = fake.dmsa.post("/rest/v1.0/projects", {"company_id": fake.company_id})
    assert r.status_code == 400 and r.json() == {"errors": {"project": ["is missing"]}}


def test_project_permission_denied_for_read_only_user(fake: Fake) -> None:
    viewer = fake.login("Robin Viewer")
    r = viewer.post("/rest/v1.0/projects", {"company_id": fake.company_id, "project": {"name": "X"}})
    assert r.status_code == 403 and r.json() == FORBIDDEN
    assert viewer.get("/rest/v1.0/projects", company_id=fake.company_id).status_code == 200


def test_projects_list_paths_and_pagination(fake: Fake) -> None:
    for n in range(3):
        make_project(fake, f"P{n}")
    v10 = fake.dmsa.get("/rest/v1.0/projects", company_id=fake.company_id, per_page=2)
    assert [p["name"] for p in v10.json()] == ["P0", "P1"] and v10.headers["Total"] == "3"
    nested = fake.dmsa.get(f"/rest/v1.0/companies/{fake.company_id}/projects", page=2, per_page=2)
    assert [p["name"] for p in nested.json()] == ["P2"]
    v11 = fake.dmsa.get("/rest/v1.1/projects", company_id=fake.company_id, **{"filters[by_status]": "All"})
    assert len(v11.json()) == 3


def test_projects_sync_matching_rules(fake: Fake) -> None:
    """id wins; else origin_id upserts; neither creates; id+origin_id changes origin_id."""
    base = make_project(fake, "Base")
    r = fake.dmsa.patch(
        "/rest/v1.0/projects/sync",
        {
            "company_id": fake.company_id,
            "updates": [
                {"name": "From ERP", "origin_id": "800003DD-1"},
                {"id": base["id"], "origin_id": "800003DD-2", "name": "Base renamed"},
                {"id": 1, "name": "ghost"},
            ],
        },
    )
    body = r.json()
    assert r.status_code == 200
    assert [e["name"] for e in body["entities"]] == ["From ERP", "Base renamed"]
    assert body["errors"] == [{"id": 1, "name": "ghost", "errors": {"id": ["Entity with this ID not found"]}}]
    again = fake.dmsa.patch(
        "/rest/v1.0/projects/sync",
        {"company_id": fake.company_id, "updates": [{"origin_id": "800003DD-1", "city": "Dallas"}]},
    ).json()
    assert (
        again["entities"][0]["id"] == body["entities"][0]["id"] and again["entities"][0]["city"] == "Dallas"
    )
    dup = fake.dmsa.patch(
        "/rest/v1.0/projects/sync",
        {"company_id": fake.company_id, "updates": [{"id": base["id"], "origin_id": "800003DD-1"}]},
    ).json()
    assert dup["errors"][0]["errors"] == {"origin_id": ["has already been taken"]}


def test_sync_refuses_more_than_1000_items(fake: Fake) -> None:
    r = fake.dmsa.patch(
        "/rest/v1.0/vendors/sync",
        {"company_id": fake.company_id, "updates": [{"name": str(n)} for n in range(1001)]},
    )
    assert r.status_code == 413
    assert r.json() == {"errors": "A maximum of 1000 items can be synced at once."}


def test_vendor_crud_and_project_directory(fake: Fake) -> None:
    vendor = make_vendor(fake)
    assert vendor["company"] == "Acme Concrete" and vendor["synced_to_erp"] is False
    project = make_project(fake)
    r = fake.dmsa.post(f"/rest/v1.0/projects/{project['id']}/vendors/{vendor['id']}/actions/add")
    assert r.status_code == 201
    listed = fake.dmsa.get(f"/rest/v1.1/projects/{project['id']}/vendors", company_id=fake.company_id)
    assert [v["id"] for v in listed.json()] == [vendor["id"]]
    r = fake.dmsa.patch(
        f"/rest/v1.0/vendors/{vendor['id']}",
        {"company_id": fake.company_id, "vendor": {"business_phone": "555-0100"}},
    )
    assert r.json()["business_phone"] == "555-0100"
    r = fake.dmsa.patch(
        f"/rest/v1.0/vendors/{vendor['id']}", {"company_id": fake.company_id, "vendor": {"name": ""}}
    )
    assert r.status_code == 422 and r.json() == {"errors": {"name": ["can't be blank"]}}


def test_vendor_permission_denied(fake: Fake) -> None:
    s = fake.login("Robin Viewer")
    r = s.post("/rest/v1.0/vendors", {"company_id": fake.company_id, "vendor": {"name": "X"}})
    assert r.status_code == 403 and r.json() == FORBIDDEN


def test_vendor_sync_by_origin_id_marks_synced(fake: Fake) -> None:
    r = fake.dmsa.patch(
        "/rest/v1.0/vendors/sync",
        {
            "company_id": fake.company_id,
            "updates": [
                {"name": "90 Minute Courier", "origin_id": "800000CD-1389650341", "origin_code": "V-001"}
            ],
        },
    )
    vendor = r.json()["entities"][0]
    assert vendor["synced_to_erp"] is True and vendor["origin_code"] == "V-001"
    shown = fake.dmsa.get(f"/rest/v1.0/vendors/{vendor['id']}", company_id=fake.company_id).json()
    assert shown["origin_id"] == "800000CD-1389650341"


def test_standard_cost_codes_sync_and_96_character_limit(fake: Fake) -> None:
    r = fake.dmsa.patch(
        "/rest/v1.0/standard_cost_codes/sync",
        {
            "company_id": fake.company_id,
            "standard_cost_code_list_id": fake.erp_list_id,
            "updates": [{"name": "Concrete", "code": "01", "origin_id": "concrete-1", "parent_id": None}],
        },
    )
    assert r.json()["entities"][0]["full_code"] == "01" and r.json()["errors"] == []
    long = fake.dmsa.post(
        "/rest/v1.0/standard_cost_codes",
        {
            "company_id": fake.company_id,
            "standard_cost_code": {
                "standard_cost_code_list_id": fake.erp_list_id,
                "code": "9" * 97,
                "name": "Too long",
            },
        },
    )
    assert long.status_code == 422
    assert long.json() == {"errors": {"code": ["is too long (maximum is 96 characters)"]}}


def test_erp_project_cost_codes_only_via_sync(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.dmsa.post(
        "/rest/v1.0/cost_codes", {"project_id": project["id"], "cost_code": {"code": "99", "name": "Misc"}}
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "base": [
                "Cost codes of ERP integrated projects can only be created or updated "
                "through the ERP sync endpoint."
            ]
        }
    }
    r = fake.dmsa.patch(
        f"/rest/v1.0/cost_codes/sync?project_id={project['id']}",
        {"updates": [{"name": "Site Work", "code": "01", "origin_id": "p1"}]},
    )
    assert r.json()["entities"][0]["origin_id"] == "p1"


def test_non_erp_project_accepts_cost_code_create(fake: Fake) -> None:
    lists = fake.dmsa.get("/rest/v1.0/standard_cost_code_lists", company_id=fake.company_id).json()
    procore_list = next(x for x in lists if not x["is_erp_list"])
    project = make_project(fake, standard_cost_code_list_id=procore_list["id"])
    assert project["is_erp_integrated"] is False
    r = fake.dmsa.post(
        "/rest/v1.0/cost_codes",
        {"project_id": project["id"], "cost_code": {"position": 1, "code": "03-300", "name": "Concrete"}},
    )
    assert r.status_code == 201 and r.json()["full_code"] == "03-300"


def test_sync_body_is_validated_at_the_edge(fake: Fake) -> None:
    r = fake.dmsa.patch("/rest/v1.0/vendors/sync", {"company_id": fake.company_id, "updates": "nope"})
    assert r.status_code == 400 and r.json() == {"errors": {"updates": ["Input should be a valid list"]}}


def test_erp_action_body_is_validated_at_the_edge(fake: Fake) -> None:
    r = fake.sim("POST", "/erp/items/send", {"as_user_id": fake.users["Pat Manager"], "item_type": "project"})
    assert r.status_code == 400 and r.json() == {"errors": {"item_id": ["Field required"]}}


def test_vendor_refresh_respects_do_not_update_setting(fake: Fake) -> None:
    body = {
        "company_id": fake.company_id,
        "updates": [{"origin_id": "800000CD-9", "name": "Acme", "city": "Waco"}],
    }
    vendor = fake.dmsa.patch("/rest/v1.0/vendors/sync", body).json()["entities"][0]
    fake.settings(vendor_updates="do_not_update_vendors")
    body["updates"][0].update(
        {"name": "Acme Renamed in QB", "city": "Austin", "origin_data": '{"edit_sequence":"2"}'}
    )
    updated = fake.dmsa.patch("/rest/v1.0/vendors/sync", body).json()["entities"][0]
    assert updated["id"] == vendor["id"] and (updated["name"], updated["city"]) == ("Acme", "Waco")
    assert updated["origin_data"] == '{"edit_sequence":"2"}'
    fake.settings(vendor_updates="automatically_update_vendors")
    updated = fake.dmsa.patch("/rest/v1.0/vendors/sync", body).json()["entities"][0]
    assert (updated["name"], updated["city"]) == ("Acme Renamed in QB", "Austin")
