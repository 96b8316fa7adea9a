"""List filters, sort and view through the HTTP face, per endpoint family (sim/procore_fake/filters.py)."""

from __future__ import annotations

from typing import Any

import pytest
from pcfake_helpers import (
    Fake,
    client_credentials,
    cost_codes_of,
    make_commitment,
    make_invoice,
    make_project,
    make_std_codes,
    make_vendor,
    mark_synced,
)

from sim.procore_fake.app import create_app
from sim.procore_fake.coverage import routes
from sim.procore_fake.filters import PARAMS_KEY

DAY = 86400
BAD_RANGE = "is not a valid ISO 8601 range (expected <start>...<end>)"


def next_day(fake: Fake) -> None:
    """A day later; the service account's 90-minute token has expired, so it signs in again."""
    fake.clock.advance(DAY)
    fake.dmsa = client_credentials(fake.http, fake.company_id)


def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [r["id"] for r in rows]


@pytest.fixture
def vendors(fake: Fake) -> list[dict[str, Any]]:
    """Three vendors made a day apart from 2024-01-15T09:00:00Z: Acme Concrete, Bolt Electric, acme steel."""
    made = []
    for name in ("Acme Concrete", "Bolt Electric", "acme steel"):
        made.append(make_vendor(fake, name))
        next_day(fake)
    return made


def _vendors(fake: Fake, **params: Any) -> list[dict[str, Any]]:
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, **params)
    assert r.status_code == 200, r.text
    return r.json()


# -- vendors ---------------------------------------------------------------------------------------------
def test_vendor_id_filter_takes_one_id_an_array_or_a_bracket_list(fake: Fake, vendors: list[dict]) -> None:
    a, b, c = ids(vendors)
    assert ids(_vendors(fake, **{"filters[id][]": [a, c]})) == [a, c]
    assert ids(_vendors(fake, **{"filters[id]": b})) == [b]
    assert ids(_vendors(fake, **{"filters[id]": f"[{a},{b}]"})) == [a, b]
    assert len(_vendors(fake)) == 3


def test_vendor_search_is_a_case_insensitive_substring_of_name_and_origin_code(
    fake: Fake, vendors: list[dict]
) -> None:
    a, b, c = ids(vendors)
    assert ids(_vendors(fake, **{"filters[search]": "ACME"})) == [a, c]
    fake.dmsa.patch(
        f"/rest/v1.0/vendors/{b}", {"company_id": fake.company_id, "vendor": {"origin_code": "V-77"}}
    )
    assert ids(_vendors(fake, **{"filters[search]": "v-7"})) == [b]
    assert _vendors(fake, **{"filters[search]": "nothing like it"}) == []


def test_vendor_updated_and_created_at_ranges(fake: Fake, vendors: list[dict]) -> None:
    a, b, c = ids(vendors)
    # date-only: both ends inclusive, the end date covering its whole day
    assert ids(_vendors(fake, **{"filters[updated_at]": "2024-01-16...2024-01-17"})) == [b, c]
    assert ids(_vendors(fake, **{"filters[created_at]": "2024-01-15...2024-01-15"})) == [a]
    # datetimes with Z and with an offset (09:00Z == 04:00-05:00), ends inclusive
    assert ids(_vendors(fake, **{"filters[updated_at]": "2024-01-16T09:00:00Z...2024-01-17T08:59:59Z"})) == [
        b
    ]
    assert ids(
        _vendors(fake, **{"filters[updated_at]": "2024-01-17T04:00:00-05:00...2024-02-01T00:00:00Z"})
    ) == [c]
    # an incremental sync sees only what changed since its last run
    fake.dmsa.patch(f"/rest/v1.0/vendors/{a}", {"company_id": fake.company_id, "vendor": {"notes": "x"}})
    assert ids(_vendors(fake, **{"filters[updated_at]": "2024-01-18T00:00:00Z...2024-12-31T00:00:00Z"})) == [
        a
    ]


def test_vendor_filters_combine_and_pagination_counts_the_filtered_set(
    fake: Fake, vendors: list[dict]
) -> None:
    a, b, c = ids(vendors)
    both = {"filters[search]": "acme", "filters[updated_at]": "2024-01-16...2024-01-31"}
    assert ids(_vendors(fake, **both)) == [c]
    r = fake.dmsa.get(
        "/rest/v1.0/vendors", company_id=fake.company_id, per_page=1, **{"filters[search]": "acme"}
    )
    assert (r.headers["Total"], ids(r.json())) == ("2", [a])
    assert "filters%5Bsearch%5D=acme" in r.headers["Link"] and 'rel="last"' in r.headers["Link"]
    page2 = fake.dmsa.get(
        "/rest/v1.0/vendors", company_id=fake.company_id, per_page=1, page=2, **{"filters[search]": "acme"}
    )
    assert ids(page2.json()) == [c]


def test_vendor_origin_id_filter(fake: Fake, vendors: list[dict]) -> None:
    mark_synced(fake, "vendor", vendors[1]["id"], "80000001-1")
    assert ids(_vendors(fake, **{"filters[origin_id]": "80000001-1"})) == [vendors[1]["id"]]
    assert _vendors(fake, **{"filters[origin_id]": "nope"}) == []


def test_vendor_sort_both_directions(fake: Fake, vendors: list[dict]) -> None:
    a, b, c = ids(vendors)
    assert ids(_vendors(fake, sort="name")) == [a, c, b]  # Acme Concrete, acme steel, Bolt Electric
    assert ids(_vendors(fake, sort="-name")) == [b, c, a]
    assert ids(_vendors(fake, sort="-id")) == [c, b, a]
    assert ids(_vendors(fake, sort="-updated_at")) == [c, b, a]
    # unknown sort key: Procore's answer is unknown, the default order is kept
    assert ids(_vendors(fake, sort="shoe_size")) == [a, b, c]


@pytest.mark.parametrize(
    "value",
    [
        "2024-01-16",
        "2024-01-16..2024-01-17",
        "yesterday...today",
        "2024-01-17...2024-01-16",
        "2024-01-16T09:00...2024-01-17T09:00",
    ],
)
def test_bad_range_is_a_422_naming_the_parameter(fake: Fake, value: str) -> None:
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, **{"filters[updated_at]": value})
    assert r.status_code == 422
    assert r.json() == {"errors": {"filters[updated_at]": [BAD_RANGE]}}


def test_bad_id_and_boolean_values_are_422s(fake: Fake) -> None:
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id, **{"filters[id][]": "abc"})
    assert (r.status_code, r.json()) == (422, {"errors": {"filters[id]": ["is not a number"]}})
    r = fake.dmsa.get("/rest/v1.0/projects", company_id=fake.company_id, **{"filters[synced]": "maybe"})
    assert (r.status_code, r.json()) == (
        422,
        {"errors": {"filters[synced]": ["is not a boolean (expected true or false)"]}},
    )


def test_project_vendor_lists_filter_and_sort(fake: Fake, vendors: list[dict]) -> None:
    project = make_project(fake)
    a, b, c = ids(vendors)
    for vid in (a, b, c):
        fake.dmsa.post(f"/rest/v1.0/projects/{project['id']}/vendors/{vid}/actions/add")
    for version in ("v1.0", "v1.1"):
        url = f"/rest/{version}/projects/{project['id']}/vendors"
        assert ids(fake.dmsa.get(url, **{"filters[search]": "acme", "sort": "-name"}).json()) == [c, a]
        assert ids(fake.dmsa.get(url, **{"filters[id][]": [b]}).json()) == [b]
        # the fake's vendors have no parent company: a parent filter matches nothing
        assert fake.dmsa.get(url, **{"filters[parent_id][]": [a]}).json() == []


def test_inactive_vendors_sort(fake: Fake, vendors: list[dict]) -> None:
    for v in vendors:
        fake.dmsa.patch(
            f"/rest/v1.0/vendors/{v['id']}", {"company_id": fake.company_id, "vendor": {"is_active": False}}
        )
    url = f"/rest/v1.0/companies/{fake.company_id}/vendors/inactive"
    assert ids(fake.dmsa.get(url, sort="-name").json()) == ids([vendors[1], vendors[2], vendors[0]])


# -- projects --------------------------------------------------------------------------------------------
@pytest.fixture
def projects(fake: Fake) -> list[dict[str, Any]]:
    made = []
    for name, number in (("Tower Apartments", "P-1"), ("Harbor Bridge", "P-2"), ("tower annex", "P-3")):
        made.append(make_project(fake, name, project_number=number))
        next_day(fake)
    return made


def _projects(fake: Fake, version: str = "v1.0", **params: Any) -> list[Any]:
    r = fake.dmsa.get(f"/rest/{version}/projects", company_id=fake.company_id, **params)
    assert r.status_code == 200, r.text
    return r.json()


def test_project_filters(fake: Fake, projects: list[dict]) -> None:
    a, b, c = ids(projects)
    assert ids(_projects(fake, **{"filters[name]": "TOWER"})) == [a, c]
    assert ids(_projects(fake, **{"filters[id][]": [b, c]})) == [b, c]
    assert ids(_projects(fake, **{"filters[updated_at]": "2024-01-16...2024-01-16"})) == [b]
    assert ids(_projects(fake, **{"filters[created_at]": "2024-01-16T00:00:00Z...2024-01-31T00:00:00Z"})) == [
        b,
        c,
    ]
    mark_synced(fake, "project", b, "800003DD-1")
    assert ids(_projects(fake, **{"filters[synced]": "true"})) == [b]
    assert ids(_projects(fake, **{"filters[synced]": "false"})) == [a, c]
    assert ids(_projects(fake, **{"filters[origin_id]": "800003DD-1"})) == [b]
    assert ids(_projects(fake, "v1.1", **{"filters[project_number]": "P-3"})) == [c]
    # combination
    assert ids(
        _projects(fake, **{"filters[name]": "tower", "filters[synced]": "false", "filters[id]": c})
    ) == [c]


def test_project_vendor_id_filter_is_the_project_directory(fake: Fake, projects: list[dict]) -> None:
    vendor = make_vendor(fake)
    fake.dmsa.post(f"/rest/v1.0/projects/{projects[1]['id']}/vendors/{vendor['id']}/actions/add")
    assert ids(_projects(fake, **{"filters[vendor_id]": vendor["id"]})) == [projects[1]["id"]]


def test_project_filters_on_things_the_fake_has_none_of(fake: Fake, projects: list[dict]) -> None:
    assert _projects(fake, "v1.1", **{"filters[template]": "true"}) == []
    assert len(_projects(fake, "v1.1", **{"filters[template]": "false", "filters[is_demo]": "false"})) == 3
    assert _projects(fake, "v1.1", **{"filters[by_region]": "7"}) == []
    assert _projects(fake, **{"filters[custom_fields]": '{"12": "x"}'}) == []
    r = fake.dmsa.get(
        "/rest/v1.0/projects", company_id=fake.company_id, **{"filters[custom_fields]": "not json"}
    )
    assert (r.status_code, r.json()) == (
        422,
        {"errors": {"filters[custom_fields]": ["is not a JSON object"]}},
    )


def test_project_sort_both_directions_with_status_filter(fake: Fake, projects: list[dict]) -> None:
    a, b, c = ids(projects)
    assert ids(_projects(fake, sort="name")) == [b, c, a]  # Harbor, tower annex, Tower Apartments
    assert ids(_projects(fake, sort="-name")) == [a, c, b]
    assert ids(_projects(fake, "v1.1", sort="-project_number")) == [c, b, a]
    fake.dmsa.patch(f"/rest/v1.0/projects/{a}", {"project": {"active": False}})
    assert ids(_projects(fake, sort="-id")) == [c, b]
    assert ids(_projects(fake, sort="-id", **{"filters[by_status]": "All"})) == [c, b, a]


def test_project_views(fake: Fake, projects: list[dict]) -> None:
    compact = _projects(fake, serializer_view="compact", sort="id")
    assert compact[0] == {
        "id": projects[0]["id"],
        "name": "Tower Apartments",
        "display_name": projects[0]["display_name"],
    }
    assert _projects(fake, "v1.1", view="ids", sort="id") == ids(projects)
    assert _projects(fake, "v1.1", view="compact", **{"filters[id]": projects[1]["id"]}) == [
        {"id": projects[1]["id"], "name": "Harbor Bridge"}
    ]
    assert "project_number" in _projects(fake, "v1.1", view="extended")[0]


# -- cost codes, standard cost codes, line item types -----------------------------------------------------
def test_cost_code_filters_and_standard_views(fake: Fake) -> None:
    std = make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    project = make_project(fake)
    codes = cost_codes_of(fake, project["id"])
    mark_synced(fake, "cost_code", codes[1]["id"], "CC-2")
    url = "/rest/v1.0/cost_codes"
    assert ids(
        fake.dmsa.get(url, project_id=project["id"], **{"filters[id]": f"[{codes[0]['id']}]"}).json()
    ) == [codes[0]["id"]]
    assert ids(fake.dmsa.get(url, project_id=project["id"], **{"filters[origin_id]": "CC-2"}).json()) == [
        codes[1]["id"]
    ]
    assert fake.dmsa.get(url, project_id=project["id"], sub_job_id=5).json() == []  # the fake has no sub jobs
    list_url = "/rest/v1.0/standard_cost_codes"
    base = {"company_id": fake.company_id, "standard_cost_code_list_id": fake.erp_list_id}
    assert fake.dmsa.get(list_url, **base, view="default").json()[0] == {
        "id": std[0]["id"],
        "standard_cost_code_list_id": fake.erp_list_id,
    }
    assert set(fake.dmsa.get(list_url, **base, view="compact").json()[0]) == {
        "id",
        "standard_cost_code_list_id",
        "origin_id",
    }
    assert "full_code" in fake.dmsa.get(list_url, **base).json()[0]
    assert fake.dmsa.get(list_url, **base, **{"filters[origin_id]": "none"}).json() == []
    types = fake.dmsa.get("/rest/v1.0/line_item_types", company_id=fake.company_id).json()
    assert (
        types
        and fake.dmsa.get(
            "/rest/v1.0/line_item_types", company_id=fake.company_id, **{"filters[origin_id]": "X"}
        ).json()
        == []
    )


# -- commitments, CCOs, requisitions, direct costs, billing periods --------------------------------------
@pytest.fixture
def money_world(fake: Fake) -> dict[str, Any]:
    make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    project = make_project(fake)
    v1, v2 = make_vendor(fake, "Acme Concrete"), make_vendor(fake, "Bolt Electric")
    codes = cost_codes_of(fake, project["id"])
    woc1 = make_commitment(fake, project, v1, codes[0]["id"], status="Approved")
    next_day(fake)
    woc2 = make_commitment(fake, project, v2, codes[1]["id"], status="Draft")
    return {"pid": project["id"], "vendors": (v1, v2), "codes": codes, "wocs": (woc1, woc2)}


def test_contract_filters(fake: Fake, money_world: dict[str, Any]) -> None:
    pid, (w1, w2) = money_world["pid"], money_world["wocs"]
    url = "/rest/v1.0/work_order_contracts"
    assert ids(fake.dmsa.get(url, project_id=pid, **{"filters[status]": "Draft"}).json()) == [w2["id"]]
    assert ids(fake.dmsa.get(url, project_id=pid, **{"filters[id][]": [w1["id"]]}).json()) == [w1["id"]]
    assert ids(
        fake.dmsa.get(url, project_id=pid, **{"filters[updated_at]": "2024-01-16...2024-01-16"}).json()
    ) == [w2["id"]]
    assert fake.dmsa.get(url, project_id=pid, **{"filters[include_deleted]": "only"}).json() == []
    assert len(fake.dmsa.get(url, project_id=pid, **{"filters[include_deleted]": "with"}).json()) == 2
    r = fake.dmsa.get(url, project_id=pid, **{"filters[include_deleted]": "all"})
    assert (r.status_code, r.json()) == (
        422,
        {"errors": {"filters[include_deleted]": ["is not included in the list (only, with)"]}},
    )
    lines = f"{url}/{w1['id']}/line_items"
    code = money_world["codes"][0]["id"]
    assert len(fake.dmsa.get(lines, project_id=pid, **{"filters[cost_code_id]": code}).json()) == 1
    assert (
        fake.dmsa.get(
            lines, project_id=pid, **{"filters[cost_code_id]": money_world["codes"][1]["id"]}
        ).json()
        == []
    )


def test_v2_commitment_contract_filters(fake: Fake, money_world: dict[str, Any]) -> None:
    pid, (w1, w2), (_v1, v2) = money_world["pid"], money_world["wocs"], money_world["vendors"]
    url = f"/rest/v2.0/companies/{fake.company_id}/projects/{pid}/commitment_contracts"
    assert ids(fake.dmsa.get(url, **{"filters[vendor_id]": v2["id"]}).json()["data"]) == [w2["id"]]
    assert ids(fake.dmsa.get(url, **{"filters[status]": "Approved"}).json()["data"]) == [w1["id"]]
    assert fake.dmsa.get(url, **{"filters[executed]": "true"}).json()["data"] == []
    assert ids(
        fake.dmsa.get(url, **{"filters[type]": "WorkOrderContract", "filters[id]": w2["id"]}).json()["data"]
    ) == [w2["id"]]


def test_cco_filters_and_sort(fake: Fake, money_world: dict[str, Any]) -> None:
    pid, (w1, w2), (_v1, v2) = money_world["pid"], money_world["wocs"], money_world["vendors"]
    url = f"/rest/v1.0/projects/{pid}/commitment_change_orders"
    made = []
    for contract, status in ((w1, "approved"), (w2, "draft"), (w1, "draft")):
        r = fake.dmsa.post(
            url, {"commitment_change_order": {"contract_id": contract["id"], "title": "CO", "status": status}}
        )
        assert r.status_code == 201, r.text
        made.append(r.json()["id"])
    assert ids(fake.dmsa.get(url, **{"filters[contract_id]": w1["id"]}).json()) == [made[0], made[2]]
    assert ids(fake.dmsa.get(url, **{"filters[vendor_id]": v2["id"]}).json()) == [made[1]]
    assert ids(fake.dmsa.get(url, **{"filters[status]": "draft", "sort": "-id"}).json()) == [made[2], made[1]]
    assert ids(fake.dmsa.get(url, sort="id").json()) == made
    assert fake.dmsa.get(url, **{"filters[batch_id]": 1}).json() == []


def test_requisition_filters(fake: Fake, money_world: dict[str, Any]) -> None:
    pid, (w1, w2) = money_world["pid"], money_world["wocs"]
    first = make_invoice(fake, pid, w1)
    next_day(fake)
    second = make_invoice(fake, pid, w1)
    url = "/rest/v1.1/requisitions"
    assert ids(fake.dmsa.get(url, project_id=pid, **{"filters[commitment_id]": w1["id"]}).json()) == [
        first["id"],
        second["id"],
    ]
    assert fake.dmsa.get(url, project_id=pid, **{"filters[commitment_id]": w2["id"]}).json() == []
    assert ids(fake.dmsa.get(url, project_id=pid, **{"filters[is_last]": "true"}).json()) == [second["id"]]
    assert ids(fake.dmsa.get(url, project_id=pid, **{"filters[is_last]": "false"}).json()) == [first["id"]]
    since = {"filters[created_at]": "2024-01-17...2024-01-17"}
    assert ids(fake.dmsa.get("/rest/v1.0/requisitions", project_id=pid, **since).json()) == [second["id"]]
    assert fake.dmsa.get(url, project_id=pid, **{"filters[status]": "approved"}).json() == []


def test_direct_cost_filters(fake: Fake, money_world: dict[str, Any]) -> None:
    pid, code = money_world["pid"], money_world["codes"][0]["id"]
    made = []
    for number, received in (("DC-1", "2024-02-01"), ("DC-2", "2024-03-01")):
        r = fake.dmsa.post(
            f"/rest/v1.1/projects/{pid}/direct_costs",
            {
                "direct_cost": {
                    "direct_cost_date": "2024-01-10",
                    "invoice_number": number,
                    "received_date": received,
                    "line_items": [{"cost_code_id": code, "amount": "5"}],
                }
            },
        )
        assert r.status_code == 201, r.text
        made.append(r.json())
    url = f"/rest/v1.0/projects/{pid}/direct_costs"
    assert ids(fake.dmsa.get(url, **{"filters[invoice_number]": "DC-2"}).json()) == [made[1]["id"]]
    assert ids(fake.dmsa.get(url, **{"filters[received_date]": "2024-01-01...2024-02-15"}).json()) == [
        made[0]["id"]
    ]
    lines = f"{url}/{made[0]['id']}/line_items"
    assert len(fake.dmsa.get(lines, **{"filters[cost_code_id]": code}).json()) == 1
    assert fake.dmsa.get(lines, **{"filters[line_item_type_id]": 999}).json() == []


def test_billing_period_filters(fake: Fake, money_world: dict[str, Any]) -> None:
    pid = money_world["pid"]
    url = f"/rest/v1.0/projects/{pid}/billing_periods"
    period = {"start_date": "2024-01-01", "end_date": "2024-01-31", "due_date": "2024-02-05"}
    made = fake.dmsa.post(url, {"billing_period": period}).json()
    assert ids(fake.dmsa.get(url, **{"filters[status]": "open"}).json()) == [made["id"]]
    assert fake.dmsa.get(url, **{"filters[status]": "closed"}).json() == []
    assert fake.dmsa.get(url, **{"filters[id][]": made["id"] + 1}).json() == []


# -- webhooks, budget views ------------------------------------------------------------------------------
def test_webhook_hook_filters_and_trigger_count(fake: Fake) -> None:
    v2 = f"/rest/v2.0/companies/{fake.company_id}/webhooks/hooks"
    hook = {"namespace": "qbsim", "destination_url": "https://example.test/hook"}
    made = fake.dmsa.post(v2, hook).json()["data"]  # the v2.0 body is the hook itself
    fake.dmsa.post(v2, {**hook, "namespace": "other"})
    fake.dmsa.post(
        f"/rest/v1.0/webhooks/hooks/{made['id']}/triggers",
        {
            "company_id": fake.company_id,
            "api_version": "v2",
            "trigger": {"resource_name": "Projects", "event_type": "create"},
        },
    )
    rows = fake.dmsa.get(v2, namespace="qbsim", include_trigger_count="true").json()["data"]
    assert [(r["id"], r["trigger_count"]) for r in rows] == [(made["id"], 1)]
    assert "trigger_count" not in fake.dmsa.get(v2).json()["data"][0]
    v1 = fake.dmsa.get("/rest/v1.0/webhooks/hooks", company_id=fake.company_id, namespace="other").json()
    assert [r["namespace"] for r in v1] == ["other"]


def test_webhook_deliveries_take_filters_status_as_documented(fake: Fake) -> None:
    v1 = "/rest/v1.0/webhooks/hooks"
    hook = fake.dmsa.post(
        v1,
        {
            "company_id": fake.company_id,
            "hook": {"namespace": "q", "destination_url": "https://example.test/h"},
        },
    ).json()
    fake.dmsa.post(
        f"{v1}/{hook['id']}/triggers",
        {
            "company_id": fake.company_id,
            "api_version": "v2",
            "trigger": {"resource_name": "Projects", "event_type": "create"},
        },
    )
    make_project(fake)
    fake.http.post("/_sim/webhooks/deliver")
    url = f"{v1}/{hook['id']}/deliveries"
    delivered = fake.dmsa.get(url, company_id=fake.company_id).json()
    assert delivered and {d["status"] for d in delivered} == {"successful"}
    for key in ("filters[status]", "filter[status]"):
        assert fake.dmsa.get(url, company_id=fake.company_id, **{key: "successful"}).json() == delivered
        assert fake.dmsa.get(url, company_id=fake.company_id, **{key: "failing"}).json() == []


def test_budget_views_sort(fake: Fake) -> None:
    rows = fake.dmsa.get("/rest/v1.0/budget_views", sort="-name").json()
    assert [r["name"] for r in rows] == ["Procore Standard Budget"]


def _bad_range_body(path: str, name: str) -> dict[str, Any]:
    if not path.startswith("/rest/v2.0/"):
        return {"errors": {name: [BAD_RANGE]}}
    # v2.0 paths answer the OAS v2 envelope (errors.py), the message in Rails' full_messages form
    message = f"{name.replace('_', ' ').capitalize()} {BAD_RANGE}"
    return {
        "error": {
            "code": "unprocessable_entity",
            "message": f"Validation failed: {message}",
            "details": [{"reason_code": "invalid", "message": message, "source": name}],
        }
    }


def _range_lists() -> dict[str, list[str]]:
    """Every served list route honouring filters[created_at]/[updated_at] (computed from the route tags)."""
    out = {}
    for r in routes(create_app()):
        names = (r.openapi_extra or {}).get(PARAMS_KEY, [])
        wanted = [n for n in ("filters[created_at]", "filters[updated_at]") if n in names]
        if "GET" in r.methods and wanted:
            out[r.path] = wanted
    return out


def test_bad_range_answers_the_same_422_on_every_list_with_a_timestamp_filter(
    fake: Fake, money_world: dict[str, Any]
) -> None:
    pid, woc, (vendor, _) = money_world["pid"], money_world["wocs"][0], money_world["vendors"]
    poc = make_commitment(
        fake, {"id": pid}, vendor, money_world["codes"][0]["id"], kind="purchase_order_contract"
    )
    cost = fake.dmsa.post(
        f"/rest/v1.1/projects/{pid}/direct_costs", {"direct_cost": {"direct_cost_date": "2024-01-10"}}
    ).json()
    lists = _range_lists()
    assert len(lists) >= 15
    for path, names in lists.items():
        contract = poc if "purchase_order" in path else woc
        url = path.format(
            company_id=fake.company_id, project_id=pid, contract_id=contract["id"], cost_id=cost["id"]
        )
        for name in names:
            r = fake.dmsa.get(url, company_id=fake.company_id, project_id=pid, **{name: "2024-01-32...x"})
            assert (r.status_code, r.json()) == (422, _bad_range_body(path, name)), url
