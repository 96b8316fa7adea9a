"""Hostile input that once broke a whole company, or answered 500, is refused with a named 4xx.

Found by fuzzing the fake from its own OpenAPI: a vendor named ``NaN``, ``1e999999`` or ``"\\ud800"`` was
stored and from then on every vendor list of that company answered 500 (neither non-finite floats nor lone
surrogates can be rendered as a UTF-8 JSON response); a path id of 2**63 or more reached SQLite as an
OverflowError; a deeply nested JSON body ended in a RecursionError.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pcfake_helpers import Fake, build, make_project, make_vendor

from sim.procore_fake.bodies import MAX_JSON_DEPTH

NOT_JSON = {"errors": "The request body is not valid JSON"}
NOT_FOUND = {"errors": "The URI requested is invalid or the resource requested does not exist."}
NOT_FINITE = "is not a finite number"
NOT_UNICODE = "is not valid Unicode (a lone surrogate)"


def _post_raw(fake: Fake, path: str, raw: str | bytes) -> object:
    return fake.http.post(
        path, content=raw, headers={**fake.dmsa.headers(), "Content-Type": "application/json"}
    )


def _vendor_names(fake: Fake) -> list[str]:
    r = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id)
    assert r.status_code == 200, r.text
    return [v["name"] for v in r.json()]


@pytest.mark.parametrize(
    "raw,errors",
    [
        ('{"vendor": {"name": NaN}}', {"vendor.name": [NOT_FINITE]}),
        ('{"vendor": {"name": Infinity}}', {"vendor.name": [NOT_FINITE]}),
        ('{"vendor": {"name": -Infinity}}', {"vendor.name": [NOT_FINITE]}),
        ('{"vendor": {"name": 1e999999}}', {"vendor.name": [NOT_FINITE]}),
        ('{"vendor": {"name": "\\ud800"}}', {"vendor.name": [NOT_UNICODE]}),
        ('{"vendor": {"name": "ok \\udfff end"}}', {"vendor.name": [NOT_UNICODE]}),
        ('{"vendor": {"name": "x", "\\ud800": 1}}', {"vendor.\ufffd": [NOT_UNICODE]}),
        (
            '{"vendor": {"name": "x", "trade_name": NaN, "zip": ["\\udc00", 1]}}',
            {"vendor.trade_name": [NOT_FINITE], "vendor.zip.0": [NOT_UNICODE]},
        ),
    ],
)
def test_unstorable_values_are_refused_before_storing_and_the_company_keeps_working(
    fake: Fake, raw: str, errors: dict[str, list[str]]
) -> None:
    before = _vendor_names(fake)
    r = _post_raw(fake, "/rest/v1.0/vendors", raw)
    assert (r.status_code, r.json()) == (422, {"errors": errors})
    assert _vendor_names(fake) == before  # nothing stored, and the list still renders


def test_a_valid_surrogate_pair_is_ordinary_text(fake: Fake) -> None:
    r = _post_raw(fake, "/rest/v1.0/vendors", '{"vendor": {"name": "Crane \\ud83c\\udfd7 Co"}}')
    assert r.status_code == 201 and r.json()["name"] == "Crane \U0001f3d7 Co"
    assert "Crane \U0001f3d7 Co" in _vendor_names(fake)


def test_unstorable_values_on_v2_sim_and_oauth_get_each_faces_error_shape(fake: Fake) -> None:
    r = _post_raw(fake, f"/rest/v2.0/companies/{fake.company_id}/webhooks/hooks", '{"api_version": NaN}')
    assert r.status_code == 422
    assert r.json() == {
        "error": {
            "code": "unprocessable_entity",
            "message": f"Validation failed: Api version {NOT_FINITE}",
            "details": [
                {"reason_code": "invalid", "message": f"Api version {NOT_FINITE}", "source": "api_version"}
            ],
        }
    }
    r = fake.http.post(
        "/_sim/companies", content='{"name": "\\ud800"}', headers={"Content-Type": "application/json"}
    )
    assert (r.status_code, r.json()) == (422, {"errors": {"name": [NOT_UNICODE]}})
    r = fake.http.post(
        "/oauth/token", content='{"grant_type": NaN}', headers={"Content-Type": "application/json"}
    )
    # RFC 6749 5.2: a malformed token request is invalid_request, always 400
    assert (r.status_code, r.json()) == (
        400,
        {"error": "invalid_request", "error_description": f"grant_type {NOT_FINITE}"},
    )


def test_a_multipart_charset_that_decodes_to_a_lone_surrogate_is_refused(fake: Fake) -> None:
    pid = make_project(fake)["id"]
    body = (
        b'--b\r\nContent-Disposition: form-data; name="direct_cost[invoice_number]"\r\n'
        b"Content-Type: text/plain; charset=unicode_escape\r\n\r\n\\ud800\r\n--b--\r\n"
    )
    r = fake.http.post(
        f"/rest/v1.0/projects/{pid}/direct_costs",
        content=body,
        headers={**fake.dmsa.headers(), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert (r.status_code, r.json()) == (422, {"errors": {"direct_cost.invoice_number": [NOT_UNICODE]}})


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5_000, 100_000])
def test_deeply_nested_json_is_not_valid_json_everywhere(fake: Fake, depth: int) -> None:
    assert _post_raw(fake, "/rest/v1.0/vendors", _nested(depth)).json() == NOT_JSON
    r = _post_raw(fake, "/rest/v1.0/vendors", _nested(depth))
    assert (r.status_code, r.json()) == (400, NOT_JSON)
    r = fake.http.post(
        "/_sim/companies", content=_nested(depth), headers={"Content-Type": "application/json"}
    )
    assert (r.status_code, r.json()) == (400, NOT_JSON)
    r = fake.http.post("/oauth/token", content=_nested(depth), headers={"Content-Type": "application/json"})
    assert (r.status_code, r.json()) == (
        400,
        {"error": "invalid_request", "error_description": "The request body is not valid JSON"},
    )


def test_nesting_up_to_rubys_max_nesting_is_json(fake: Fake) -> None:
    """Ruby's JSON.parse (Rails) takes max_nesting = 100 levels: the 100th is still a body."""
    inner = "[" * (MAX_JSON_DEPTH - 3) + "]" * (MAX_JSON_DEPTH - 3)
    raw = json.dumps({"vendor": {"name": "Deep"}}).replace('"Deep"}', '"Deep", "tags": ' + inner + "}")
    r = _post_raw(fake, "/rest/v1.0/vendors", raw)
    assert r.status_code == 201, r.text


def test_a_deeply_nested_json_filter_is_a_bad_filter(fake: Fake) -> None:
    r = fake.dmsa.get(
        "/rest/v1.0/projects", company_id=fake.company_id, **{"filters[custom_fields]": _nested(5000)}
    )
    assert (r.status_code, r.json()) == (
        422,
        {"errors": {"filters[custom_fields]": ["is not a JSON object"]}},
    )


@pytest.mark.parametrize("big", [2**63, 2**64, 10**30, -(2**63) - 1])
def test_ids_beyond_64_bits_are_not_found(fake: Fake, big: int) -> None:
    pid = make_project(fake)["id"]
    for method, path, params in (
        ("GET", f"/rest/v1.0/vendors/{big}", {"company_id": fake.company_id}),
        ("PATCH", f"/rest/v1.0/vendors/{big}", {"company_id": fake.company_id}),
        ("GET", f"/rest/v1.0/projects/{big}", {"company_id": fake.company_id}),
        ("GET", f"/rest/v1.0/budget_line_items/{big}", {"project_id": pid}),
        ("GET", f"/rest/v1.0/projects/{big}/budget_modifications", {}),
        ("DELETE", f"/rest/v1.0/erp_job_costs/{big}", {}),
    ):
        r = fake.http.request(method, path, params=params, json={}, headers=fake.dmsa.headers())
        assert (r.status_code, r.json()) == (404, NOT_FOUND), (method, path)
    # an id in the body names a record the same way
    r = fake.dmsa.post("/rest/v1.0/budget_line_items", {"project_id": big, "budget_line_item": {}})
    assert (r.status_code, r.json()) == (404, NOT_FOUND)
    r = fake.http.get(f"/_sim/companies/{big}/erp/lists")
    assert (r.status_code, r.json()) == (404, NOT_FOUND)


# -- property: whatever JSON a write carries, the company keeps working -----------------------------------
_HOSTILE = st.sampled_from(
    [float("nan"), float("inf"), float("-inf"), "\ud800", "a\udfffb", 2**64, -(2**63) - 1]
)
_SCALARS = st.one_of(
    _HOSTILE,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(st.characters(codec=None, exclude_categories=()), max_size=8),  # lone surrogates included
    st.sampled_from(["", "NaN", "1e999999", "-0", "0x10", "1" * 30]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
# Attributes the writes below store; each write starts from a valid record and draws some of them.
_KEYS = ["name", "zip", "city", "origin_id", "abbreviated_name", "description", "invoice_number", "amount"]
_ATTRS = st.dictionaries(st.sampled_from(_KEYS), _VALUES, min_size=1, max_size=3)


@pytest.fixture(scope="module")
def hostile() -> Iterator[tuple[Fake, int, int]]:
    f = build()
    yield f, make_project(f)["id"], make_vendor(f)["id"]
    f.close()


@settings(
    max_examples=60, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(attrs=_ATTRS, route=st.sampled_from(range(5)))
def test_any_json_in_a_write_is_answered_4xx_or_2xx_and_lists_still_render(
    hostile: tuple[Fake, int, int], attrs: dict[str, Any], route: int
) -> None:
    fake, pid, vid = hostile
    vendor = {"name": "Hostile Co", **attrs}
    method, path, body = [
        ("POST", "/rest/v1.0/vendors", {"vendor": vendor}),
        ("PATCH", f"/rest/v1.0/vendors/{vid}", {"vendor": attrs}),
        ("PATCH", "/rest/v1.0/vendors/sync", {"updates": [{"origin_id": "V-1", **vendor}]}),
        ("POST", "/rest/v1.0/budget_line_items", {"project_id": pid, "budget_line_item": attrs}),
        (
            "POST",
            f"/rest/v1.0/projects/{pid}/direct_costs",
            {"direct_cost": {"direct_cost_date": "2024-01-01", **attrs}},
        ),
    ][route]
    raw = json.dumps(
        body, allow_nan=True
    )  # NaN / Infinity literals and \ud800 escapes, as a hostile client sends
    r = fake.http.request(
        method,
        path,
        content=raw,
        params={"company_id": fake.company_id},
        headers={**fake.dmsa.headers(), "Content-Type": "application/json"},
    )
    assert r.status_code < 500, (method, path, raw, r.text)
    r.json()  # every answer is JSON
    for listing in ("/rest/v1.0/vendors", f"/rest/v1.0/projects/{pid}/direct_costs"):
        listed = fake.dmsa.get(listing, company_id=fake.company_id)
        assert listed.status_code == 200, (raw, listed.text)
    assert (
        fake.dmsa.get(f"/rest/v1.0/budget_views/{fake.company_id}/detail_rows", project_id=pid).status_code
        == 200
    )
