"""Rails-style form-encoded request bodies (what ProPyCore sends for direct costs)."""

from __future__ import annotations

import pytest
from pcfake_helpers import Fake, make_project

from sim.procore_fake.formdata import parse_form


def test_parse_form_nests_like_rails() -> None:
    body = (
        b"project_id=7&direct_cost%5Binvoice_number%5D=A+1&direct_cost%5Bvendor%5D%5Bid%5D=3"
        b"&tags[]=x&tags[]=y&items[][amount]=1&items[][code]=a&items[][amount]=2&blank="
    )
    assert parse_form(body) == {
        "project_id": "7",
        "direct_cost": {"invoice_number": "A 1", "vendor": {"id": "3"}},
        "tags": ["x", "y"],
        "items": [{"amount": "1", "code": "a"}, {"amount": "2"}],
        "blank": "",
    }


@pytest.mark.parametrize("body", [b"a=1&a[b]=2", b"a[b]=1&a[]=2", b"a]b=1"])
def test_parse_form_refuses_clashing_or_malformed_keys(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_form(body)


def test_form_body_creates_a_direct_cost_through_the_http_face(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        data={"direct_cost[direct_cost_date]": "2024-02-01", "direct_cost[invoice_number]": "F-1"},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["invoice_number"], r.json()["direct_cost_date"]) == ("F-1", "2024-02-01")
    bad = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=b"a=1&a[b]=2",
        headers={**fake.dmsa.headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 400 and bad.json() == {"errors": "The request body is not a valid form"}


def test_multipart_body_is_refused_with_the_closest_supported_form(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        files={"attachments[]": ("a.txt", b"x", "text/plain")},
        data={"direct_cost[direct_cost_date]": "2024-02-01"},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 400
    assert r.json() == {
        "errors": "multipart/form-data bodies are not supported by the fake; send JSON or "
        "application/x-www-form-urlencoded (the closest supported forms)"
    }
