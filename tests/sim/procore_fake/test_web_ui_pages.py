"""What a person reads in Procore's web UI is served under /_sim/, never as a /rest/ path Procore lacks.

A real client that called the fake's old conveniences (/rest/v1.0/companies/{id}/erp_settings,
/rest/v1.0/projects/{id}/budget_line_items, /rest/v1.0/projects/{id}/erp_job_costs) against Procore would
get a 404: none is in Procore's operation index. The fake now answers them with that 404 too.
"""

from __future__ import annotations

from pcfake_helpers import Fake, cost_codes_of, make_project, make_std_codes, mark_synced, synced_world

from sim.procore_fake.app import create_app
from sim.procore_fake.routes import SOURCE_KEY

NOT_FOUND = {"errors": "The URI requested is invalid or the resource requested does not exist."}
FORBIDDEN = {"errors": "You do not have access to perform this action."}
NOT_A_USER = {"errors": {"as_user_id": ["is not a user of this company"]}}


def test_conveniences_procore_lacks_answer_its_404(fake: Fake) -> None:
    pid = make_project(fake)["id"]
    for path in (
        f"/rest/v1.0/companies/{fake.company_id}/erp_settings",
        f"/rest/v1.0/projects/{pid}/budget_line_items",
        f"/rest/v1.0/projects/{pid}/erp_job_costs",
    ):
        r = fake.dmsa.get(path)
        assert (r.status_code, r.json()) == (404, NOT_FOUND), path


def test_rest_paths_are_published_or_guesses_at_a_published_erp_operation() -> None:
    """Inferred /rest/ routes are the ERP API's, whose reference gives only an anchor or a path suffix."""
    doc = create_app().openapi()
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if path.startswith("/rest/") and op[SOURCE_KEY] == "inferred":
                note = op["x-procore-note"]
                assert "anchor" in note or "suffix" in note, (method, path, note)


def test_settings_page_shows_what_the_erp_tool_shows(fake: Fake) -> None:
    fake.settings(service_url="https://qbd.example/qbwc", service_password="s3cret")
    r = fake.page("/erp/settings", "Alex Accountant")  # Standard on ERP Integrations
    body = r.json()
    assert r.status_code == 200 and body["service_url"] == "https://qbd.example/qbwc"
    assert body["has_service_password"] is True and "service_password" not in body
    r = fake.page("/erp/settings", "Pat Manager")  # no access to the ERP tool
    assert (r.status_code, r.json()) == (403, FORBIDDEN)


def test_budget_page_lists_every_line_to_budget_readers(fake: Fake) -> None:
    make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    pid = make_project(fake)["id"]
    made = []
    for cc in cost_codes_of(fake, pid):
        r = fake.dmsa.post(
            "/rest/v1.0/budget_line_items",
            {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": "10"}},
        )
        made.append(r.json()["id"])
    r = fake.page(f"/projects/{pid}/budget_line_items", "Robin Viewer")
    assert r.status_code == 200 and [li["id"] for li in r.json()] == made
    assert "Total" not in r.headers  # a page, not a paginated API list
    r = fake.page(f"/projects/{pid}/budget_line_items", "Pat Manager")
    assert r.status_code == 200


def test_pages_refuse_unknown_people_projects_and_companies(fake: Fake) -> None:
    pid = make_project(fake)["id"]
    path = f"/_sim/companies/{fake.company_id}/projects/{pid}/budget_line_items"
    for who in ({}, {"as_user_id": "abc"}, {"as_user_id": str(2**70)}, {"as_user_id": "99999"}):
        r = fake.http.get(path, params=who)
        assert (r.status_code, r.json()) == (422, NOT_A_USER), who
    erin = {"as_user_id": fake.users["Erin Sponsor"]}
    r = fake.http.get(f"/_sim/companies/{fake.company_id}/projects/{2**64}/budget_line_items", params=erin)
    assert (r.status_code, r.json()) == (404, NOT_FOUND)
    r = fake.http.get(f"/_sim/companies/{fake.company_id}/projects/{pid + 1}/erp/job_costs", params=erin)
    assert (r.status_code, r.json()) == (404, NOT_FOUND)
    r = fake.http.get("/_sim/companies/1/erp/settings", params=erin)
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


def test_job_costs_page_shows_what_the_integrator_synced(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    cc = w["codes"][0]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": "1000"}},
    )
    assert fake.page(f"/projects/{pid}/erp/job_costs").json() == []
    erp_budget = fake.sim(
        "POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}
    ).json()
    mark_synced(fake, "budget", erp_budget["item_id"], "EST-1")
    fake.dmsa.patch(
        "/rest/v1.0/erp_job_costs/sync",
        {
            "company_id": fake.company_id,
            "job_origin_id": "800003DD-1600977189",
            "updates": [{"cost_code_id": cc["id"], "job_to_date_cost": 400}],
        },
    )
    r = fake.page(f"/projects/{pid}/erp/job_costs", "Alex Accountant")
    assert r.status_code == 200
    assert [(row["cost_code_id"], row["job_to_date_cost"]) for row in r.json()] == [(cc["id"], "400.0")]
    r = fake.page(f"/projects/{pid}/erp/job_costs", "Pat Manager")
    assert (r.status_code, r.json()) == (403, FORBIDDEN)
