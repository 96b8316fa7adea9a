"""Every route says where it comes from; every 'documented' path is one Procore publishes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

import sim.procore_fake
from sim.procore_fake.app import create_app
from sim.procore_fake.routes import SOURCE_KEY

DATA = Path(sim.procore_fake.__file__).parent / "data"


def _norm(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path.split("?")[0])


def _published() -> set[tuple[str, str]]:
    ops = set()
    for line in (DATA / "all-operations-index.tsv").read_text().splitlines()[1:]:
        method, path = line.split("\t")[:2]
        ops.add((method, _norm(path)))
    erp = json.loads((DATA / "erp-api-reference.json").read_text())
    for group in erp.values():
        if not isinstance(group, list):
            continue
        for entry in group:
            if (
                isinstance(entry, dict)
                and entry.get("path", "?") != "?"
                and "documented" in entry.get("confidence", "")
            ):
                for method in [entry["method"], *entry.get("alt_methods", [])]:
                    ops.add((method, _norm(entry["path"])))
    return ops


def _walk(routes: list[Any]) -> list[APIRoute]:
    """APIRoutes, also those inside included routers (FastAPI wraps them in _IncludedRouter)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _walk(route.original_router.routes)
    return found


def _routes() -> list[APIRoute]:
    routes = _walk(create_app().routes)
    assert len(routes) > 150  # guard: the walk must find the routers' routes
    return routes


def test_every_route_is_tagged() -> None:
    untagged = [r.path for r in _routes() if (r.openapi_extra or {}).get(SOURCE_KEY) is None]
    assert untagged == []


def test_sim_routes_live_under_sim_and_only_there() -> None:
    for route in _routes():
        source = route.openapi_extra[SOURCE_KEY]
        assert (source == "sim") == route.path.startswith("/_sim/"), route.path


def test_documented_routes_exist_in_procore_reference() -> None:
    published = _published()
    missing = sorted(
        f"{method} {route.path}"
        for route in _routes()
        if route.openapi_extra[SOURCE_KEY] == "documented"
        for method in route.methods
        if (method, _norm(route.path)) not in published
    )
    assert missing == []


def test_inferred_routes_say_why() -> None:
    for route in _routes():
        if route.openapi_extra[SOURCE_KEY] == "inferred":
            assert route.openapi_extra.get("x-procore-note"), route.path


def test_openapi_document_is_served() -> None:
    from pcfake_helpers import client_for

    with client_for(create_app()) as http:
        doc = http.get("/openapi.json").json()
    assert "/rest/v1.0/work_order_contracts" in doc["paths"]


def test_coverage_md_is_current() -> None:
    from sim.procore_fake.coverage import HERE, report

    current = (HERE / "COVERAGE.md").read_text()
    assert current == report(create_app()), "run python -m sim.procore_fake.coverage"


def test_no_route_shadows_a_later_literal_route() -> None:
    """e.g. PATCH .../direct_costs/{id} registered first would swallow PATCH .../direct_costs/sync."""
    routes = _routes()
    shadowed = []
    for i, route in enumerate(routes):
        for earlier in routes[:i]:
            same_method = earlier.methods & route.methods
            if same_method and earlier.path != route.path and earlier.path_regex.match(route.path):
                shadowed.append(f"{sorted(same_method)} {route.path} shadowed by {earlier.path}")
    assert shadowed == []


def _rest_calls() -> list[tuple[str, str]]:
    calls = []
    for route in _routes():
        if route.path.startswith("/rest/"):
            calls += [(method, re.sub(r"\{[^}]+\}", "1", route.path)) for method in sorted(route.methods)]
    return calls


def test_every_rest_route_needs_a_token_the_company_header_and_counts_against_the_limit() -> None:
    """What the per-resource tests show for a sample, for all ~170 /rest operations at once."""
    from pcfake_helpers import build

    from sim.procore_fake.errors import INVALID_TOKEN, MISSING_COMPANY_HEADER, RATE_LIMITED
    from sim.procore_fake.ratelimit import RateLimitConfig

    f = build(RateLimitConfig(hourly=10_000, spike=10_000))
    limited = build(RateLimitConfig(hourly=1, spike=10_000))
    try:
        limited.dmsa.get("/rest/v1.0/companies")  # the hour's only request
        token_only = {"Authorization": f"Bearer {f.dmsa.token}"}
        wrong, calls = [], _rest_calls()
        assert len(calls) > 150
        for method, path in calls:
            r = f.http.request(method, path, json={})
            if (r.status_code, r.json()) != (401, {"errors": INVALID_TOKEN}):
                wrong.append(f"no token: {method} {path} {r.status_code}")
            r = f.http.request(method, path, json={}, headers=token_only)
            if (r.status_code, r.json()) != (400, {"errors": MISSING_COMPANY_HEADER}):
                wrong.append(f"no header: {method} {path} {r.status_code}")
            r = limited.http.request(method, path, json={}, headers=limited.dmsa.headers())
            if (r.status_code, r.text) != (429, RATE_LIMITED):
                wrong.append(f"over the limit: {method} {path} {r.status_code}")
        assert wrong == []
    finally:
        f.close()
        limited.close()
