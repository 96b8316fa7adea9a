"""Platform conventions: Procore-Company-Id, pagination, rate limits, 404s, error bodies, permissions."""

from __future__ import annotations

from pcfake_helpers import Fake, build, make_project, make_std_codes, make_vendor

from sim.procore_fake.ratelimit import RateLimitConfig

NOT_FOUND = {"errors": "The URI requested is invalid or the resource requested does not exist."}


def test_company_header_required_except_me_and_companies(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    s.extra_headers = {}
    bare = {"Authorization": f"Bearer {s.token}"}
    assert fake.http.get("/rest/v1.0/me", headers=bare).status_code == 200
    assert fake.http.get("/rest/v1.0/companies", headers=bare).status_code == 200
    r = fake.http.get("/rest/v1.0/projects", params={"company_id": fake.company_id}, headers=bare)
    assert r.status_code == 400 and r.json() == {"errors": "Missing Procore-Company-Id header!"}


def test_service_account_must_send_header_even_on_companies(fake: Fake) -> None:
    r = fake.http.get("/rest/v1.0/companies", headers={"Authorization": f"Bearer {fake.dmsa.token}"})
    assert r.status_code == 400 and r.json() == {"errors": "Missing Procore-Company-Id header!"}


def test_other_company_is_forbidden(fake: Fake) -> None:
    other = fake.http.post(
        "/_sim/companies", json={"name": "Other Co", "client_id": "c2", "client_secret": "s2"}
    )
    assert other.status_code == 201
    fake.dmsa.extra_headers = {"Procore-Company-Id": str(other.json()["company_id"])}
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=other.json()["company_id"])
    assert r.status_code == 403
    assert r.json() == {"errors": "You do not have access to perform this action."}


def test_unknown_path_and_unknown_record_are_procore_404(fake: Fake) -> None:
    assert fake.dmsa.get("/rest/v1.0/no_such_thing").json() == NOT_FOUND
    assert fake.dmsa.get("/rest/v1.0/no_such_thing").status_code == 404
    r = fake.dmsa.get("/rest/v1.0/projects/1", company_id=fake.company_id)
    assert r.status_code == 404 and r.json() == NOT_FOUND
    # verbs Procore has no route for on paths it has (it publishes GET/PATCH only for these)
    vendor, project = make_vendor(fake), make_project(fake)
    for method, path in (
        ("PUT", f"/rest/v1.0/vendors/{vendor['id']}"),
        ("DELETE", f"/rest/v1.0/projects/{project['id']}"),
    ):
        r = fake.dmsa.http.request(method, path, json={}, headers=fake.dmsa.headers())
        assert (r.status_code, r.json(), "allow" in r.headers) == (404, NOT_FOUND, False), path


def test_pagination_headers_links_clamp_and_past_the_end(fake: Fake) -> None:
    for n in range(5):
        make_vendor(fake, f"Vendor {n}")
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, per_page=2)
    assert r.status_code == 200 and len(r.json()) == 2
    assert r.headers["Total"] == "5" and r.headers["Per-Page"] == "2"
    link = r.headers["Link"]
    root = str(fake.http.base_url).rstrip("/")  # absolute, on the host the client asked
    assert link.startswith(f"<{root}/rest/v1.0/vendors?")
    assert 'page=3&per_page=2>; rel="last"' in link and 'page=2&per_page=2>; rel="next"' in link
    assert 'rel="first"' not in link
    last = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, per_page=2, page=3)
    assert (
        len(last.json()) == 1
        and 'rel="next"' not in last.headers["Link"]
        and 'rel="prev"' in last.headers["Link"]
    )
    past = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, per_page=2, page=9)
    assert past.status_code == 200 and past.json() == []
    huge = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, per_page=10000)
    assert huge.status_code == 200 and huge.headers["Per-Page"] == "2000" and len(huge.json()) == 5


def test_v11_projects_clamps_to_300(fake: Fake) -> None:
    make_project(fake)
    r = fake.dmsa.get("/rest/v1.1/projects", company_id=fake.company_id, per_page=10000)
    assert r.headers["Per-Page"] == "300"


def test_rate_limit_headers_and_429() -> None:
    f = build(RateLimitConfig(hourly=600, spike=3))
    try:
        for remaining in (2, 1, 0):
            r = f.dmsa.get("/rest/v1.0/companies")
            assert r.status_code == 200
            assert r.headers["X-Rate-Limit-Limit"] == "3" and r.headers["X-Rate-Limit-Remaining"] == str(
                remaining
            )
        r = f.dmsa.get("/rest/v1.0/companies")
        assert r.status_code == 429
        assert r.text == (
            "You have surpassed the max number of requests for an hour. Please wait until your limit resets."
        )
        reset = int(r.headers["X-Rate-Limit-Reset"])
        assert reset == int(f.clock.now().timestamp()) + 10 and r.headers["Retry-After"] == "10"
        f.clock.advance(10)  # the spike window closes on the clock
        assert f.dmsa.get("/rest/v1.0/companies").status_code == 200
    finally:
        f.close()


def test_hourly_window_reports_when_closest_to_exhaustion() -> None:
    f = build(RateLimitConfig(hourly=4, spike=100))
    try:
        for _ in range(4):
            assert f.dmsa.get("/rest/v1.0/companies").status_code == 200
            f.clock.advance(11)
        r = f.dmsa.get("/rest/v1.0/companies")
        assert r.status_code == 429 and r.headers["X-Rate-Limit-Limit"] == "4"
        f.clock.advance(3600)
        assert f.dmsa.get("/rest/v1.0/companies").status_code == 200
    finally:
        f.close()


def test_rate_limits_off_by_default_but_headers_present(fake: Fake) -> None:
    for _ in range(30):
        r = fake.dmsa.get("/rest/v1.0/companies")
    assert r.status_code == 200 and "X-Rate-Limit-Remaining" in r.headers


def test_me_and_companies(fake: Fake) -> None:
    s = fake.login("Robin Viewer")
    assert s.get("/rest/v1.0/me").json()["name"] == "Robin Viewer"
    companies = s.get("/rest/v1.0/companies").json()
    assert [c["id"] for c in companies] == [fake.company_id]
    assert set(companies[0]) >= {
        "id",
        "name",
        "is_active",
        "logo_url",
        "pcn_business_experience",
        "my_company",
    }


def test_quickbooks_standard_cost_code_list_exists(fake: Fake) -> None:
    lists = fake.dmsa.get("/rest/v1.0/standard_cost_code_lists", company_id=fake.company_id).json()
    erp = [x for x in lists if x["is_erp_list"]]
    assert [x["name"] for x in erp] == ["QuickBooks Standard Cost Codes"]


def test_seeded_ids_are_reproducible() -> None:
    a, b = build(), build()
    try:
        assert a.company_id == b.company_id and a.users == b.users
        assert make_std_codes(a, [("01", "A")])[0]["id"] == make_std_codes(b, [("01", "A")])[0]["id"]
    finally:
        a.close()
        b.close()
