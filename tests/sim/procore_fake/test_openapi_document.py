"""The OpenAPI document declares, for every operation, the success body and each error it can answer."""

from __future__ import annotations

import datetime
import re
from typing import Any

import httpx
import pytest
import schemathesis
from pcfake_helpers import Fake, make_vendor
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sim.procore_fake.app import create_app

DOC = create_app().openapi()
OPERATIONS = [(path, method, op) for path, ops in DOC["paths"].items() for method, op in ops.items()]


def _schema(op: dict[str, Any], status: str, media: str = "application/json") -> dict[str, Any]:
    return op["responses"][status]["content"][media]["schema"]


def test_every_operation_declares_a_shaped_success() -> None:
    assert len(OPERATIONS) > 180
    for path, method, op in OPERATIONS:
        successes = [s for s in op["responses"] if s.startswith("2")]
        assert len(successes) == 1, (method, path)
        if successes[0] != "204":
            declared = _schema(op, successes[0])
            assert declared.get("type") in ("object", "array") or "$ref" in declared, (method, path)


@pytest.mark.parametrize(
    "prefix,statuses",
    [
        ("/rest/", {"400", "401", "403", "404", "422", "429"}),
        ("/_sim/", {"400", "403", "404", "422"}),
        ("/oauth/", {"400", "401", "403"}),
    ],
)
def test_every_operation_declares_the_errors_its_face_answers(prefix: str, statuses: set[str]) -> None:
    for path, method, op in OPERATIONS:
        if path.startswith(prefix):
            assert statuses <= set(op["responses"]), (method, path)
            assert "HTTPValidationError" not in str(op["responses"]), (method, path)  # FastAPI's, never sent


def test_lists_declare_paging_and_their_filters() -> None:
    params = {p["name"] for p in DOC["paths"]["/rest/v1.0/vendors"]["get"]["parameters"]}
    assert {"page", "per_page", "filters[search]", "filters[origin_id]", "sort"} <= params


CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
SCHEMA = schemathesis.openapi.from_dict(DOC)


def _conforms(path: str, method: str, response: httpx.Response) -> bool:
    case = SCHEMA[path][method.upper()].Case(path_parameters={n: 1 for n in re.findall(r"\{(\w+)\}", path)})
    try:
        case.validate_response(response, checks=CHECKS)
    except FailureGroup:
        return False
    return True


def _made_up(status: int, body: Any) -> httpx.Response:
    response = httpx.Response(status, json=body, request=httpx.Request("GET", "http://testserver/"))
    response.elapsed = datetime.timedelta(0)  # as a sent response carries
    return response


def test_real_answers_match_the_declared_schemas(fake: Fake) -> None:
    make_vendor(fake)
    listed = fake.dmsa.get("/rest/v1.0/vendors", company_id=fake.company_id)
    assert _conforms("/rest/v1.0/vendors", "get", listed)
    assert not _conforms("/rest/v1.0/vendors", "get", _made_up(200, {"not": "a list"}))
    assert not _conforms("/rest/v1.0/vendors", "get", _made_up(500, {"errors": "boom"}))  # undeclared
    missing = fake.dmsa.get("/rest/v1.0/vendors/1", company_id=fake.company_id)
    assert missing.status_code == 404 and _conforms("/rest/v1.0/vendors/{vendor_id}", "get", missing)
    bad = fake.http.post("/rest/v1.0/vendors", json={"vendor": {}}, headers=fake.dmsa.headers())
    assert bad.status_code == 422 and _conforms("/rest/v1.0/vendors", "post", bad)
    token = fake.http.post("/oauth/token", data={"grant_type": "password"})
    assert token.status_code == 400 and _conforms("/oauth/token", "post", token)
    assert not _conforms("/oauth/token", "post", _made_up(400, {"errors": "not OAuth's shape"}))
    path = "/rest/v2.0/companies/{company_id}/webhooks/hooks"
    hooks = fake.dmsa.get(f"/rest/v2.0/companies/{fake.company_id}/webhooks/hooks")
    assert hooks.status_code == 200 and _conforms(path, "get", hooks)
    assert not _conforms(path, "get", _made_up(200, []))  # the v2 envelope, not a bare list


def test_a_refused_snapshot_path_answers_a_declared_body(fake: Fake) -> None:
    refused = fake.http.post("/_sim/restore", json={"path": "/nonexistent/procore.json"})
    assert refused.status_code == 404 and set(refused.json()) == {"error", "path", "reason"}
    assert _conforms("/_sim/restore", "post", refused)
    assert "409" in DOC["paths"]["/_sim/snapshot"]["post"]["responses"]
