"""The client's wire behaviour: headers and timeouts on every call, pagination, Procore's error bodies as
named errors (against the fake Procore where it produces them, a MockTransport for exact cases)."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from procore_world import World

from connector.procore.auth import AuthorizationCodeAuth, ClientCredentialsAuth, MemoryTokenStore
from connector.procore.client import ProcoreClient, is_idempotent
from connector.procore.errors import (
    ProcoreError,
    ProcoreForbidden,
    ProcoreNotFound,
    ProcoreValidationError,
)

NOT_FOUND = "The URI requested is invalid or the resource requested does not exist."


def mock_client(handler: Any, **options: Any) -> ProcoreClient:
    def routed(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        return handler(request)

    return ProcoreClient(
        "https://api.example",
        4242,
        ClientCredentialsAuth("cid", "secret"),
        transport=httpx.MockTransport(routed),
        sleep=lambda s: None,
        rng=random.Random(1),
        **options,
    )


def make_vendors(world: World, n: int) -> None:
    client = world.client()
    for i in range(n):
        client.post(
            "/rest/v1.0/vendors", {"company_id": world.company_id, "vendor": {"name": f"Vendor {i:02}"}}
        )


def test_every_call_carries_the_company_header_bearer_json_and_a_timeout() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"id": 1})

    with mock_client(handler, timeout=12.5) as client:
        client.get("/rest/v1.0/projects", {"company_id": 4242})
        client.post("/rest/v1.0/vendors", {"vendor": {"name": "A"}})
        client.patch("/rest/v1.0/vendors/sync", {"updates": []})
        client.put(
            "/rest/v1.0/companies/4242/erp_request_details/1", {"request_detail": {"status": "success"}}
        )
        client.delete("/rest/v1.0/webhooks/hooks/3")
    assert [r.method for r in seen] == ["GET", "POST", "PATCH", "PUT", "DELETE"]
    for request in seen:
        assert request.headers["Procore-Company-Id"] == "4242"
        assert request.headers["Authorization"] == "Bearer tok"
        assert request.headers["Accept"] == "application/json"
        assert request.extensions["timeout"] == {"connect": 12.5, "read": 12.5, "write": 12.5, "pool": 12.5}
    assert seen[1].headers["Content-Type"] == "application/json"
    assert seen[1].content == b'{"vendor":{"name":"A"}}'


def test_the_fake_refuses_a_call_without_the_company_header_and_ours_carry_it(world: World) -> None:
    client = world.client()
    token = client.auth.access_token(client.token_endpoint)
    r = world.http.get("/rest/v1.0/projects", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()) == (400, {"errors": "Missing Procore-Company-Id header!"})
    assert client.get("/rest/v1.0/projects", {"company_id": world.company_id}) == []


def test_get_all_follows_link_next_across_pages(world: World) -> None:
    make_vendors(world, 5)
    seen: list[str] = []
    inner = world.transport()

    class Recorder(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/rest/v1.0/vendors" and request.method == "GET":
                seen.append(str(request.url.query, "ascii"))
            return inner.handle_request(request)

    client = world.client(transport=Recorder())
    vendors = client.get_all("/rest/v1.0/vendors", {"company_id": world.company_id}, per_page=2)
    assert sorted(v["name"] for v in vendors) == [f"Vendor {i:02}" for i in range(5)]
    assert len({v["id"] for v in vendors}) == 5
    assert len(seen) == 3
    assert "page=3" in seen[2] and f"company_id={world.company_id}" in seen[2]


def test_get_all_falls_back_to_total_when_there_is_no_link_and_stops_on_an_empty_page() -> None:
    pages = {1: [1, 2], 2: [3, 4], 3: [5]}
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", "1"))
        asked.append(request.url.params.get("page", "1"))
        return httpx.Response(200, json=pages.get(page, []), headers={"Total": "5", "Per-Page": "2"})

    with mock_client(handler) as client:
        assert client.get_all("/rest/v1.0/things", per_page=2) == [1, 2, 3, 4, 5]
    assert asked == ["1", "2", "3"]

    def lying(request: httpx.Request) -> httpx.Response:  # Total says more than there is
        page = int(request.url.params.get("page", "1"))
        return httpx.Response(200, json=pages.get(page, []), headers={"Total": "9"})

    with mock_client(lying) as client:
        assert client.get_all("/rest/v1.0/things") == [1, 2, 3, 4, 5]


def test_get_all_refuses_a_link_to_another_host_and_a_repeating_link() -> None:
    def elsewhere(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=[1], headers={"Link": '<https://evil.example/x?page=2>; rel="next"'})

    with mock_client(elsewhere) as client, pytest.raises(ProcoreError) as caught:
        client.get_all("/rest/v1.0/things")
    assert str(caught.value) == "Refusing to send a Procore token to another host: evil.example"

    def loop(request: httpx.Request) -> httpx.Response:
        link = '<https://api.example/rest/v1.0/things?page=2>; rel="next"'
        return httpx.Response(200, json=[1], headers={"Link": link})

    with mock_client(loop) as client, pytest.raises(ProcoreError, match="repeats a page already read"):
        client.get_all("/rest/v1.0/things")


def test_validation_422_surfaces_procores_rails_errors(world: World) -> None:
    client = world.client()
    with pytest.raises(ProcoreValidationError) as caught:
        client.post(
            "/rest/v1.0/webhooks/hooks",
            {
                "company_id": world.company_id,
                "hook": {"destination_url": "ftp://nope", "destination_headers": 3},
            },
        )
    err = caught.value
    assert err.status_code == 422
    assert err.errors == {"destination_url": ["is invalid"], "destination_headers": ["must be an object"]}
    assert err.body == {"errors": err.errors}
    assert str(err) == (
        "Procore answered 422 to POST /rest/v1.0/webhooks/hooks: "
        "destination_url is invalid; destination_headers must be an object"
    )


def test_not_found_and_forbidden_are_named(world: World) -> None:
    client = world.client()
    with pytest.raises(ProcoreNotFound) as caught:
        client.get(f"/rest/v1.0/companies/{world.company_id}/erp_requests/999999")
    assert caught.value.status_code == 404 and caught.value.procore_message == NOT_FOUND
    assert str(caught.value).endswith(f"erp_requests/999999: {NOT_FOUND}")

    # Pat Manager administers projects but has no access to the ERP Integrations tool.
    pat = world.person("Pat Manager", MemoryTokenStore())
    with pytest.raises(ProcoreForbidden) as refused:
        pat.get_all(f"/rest/v1.0/companies/{world.company_id}/erp_request_details")
    assert refused.value.status_code == 403
    assert refused.value.procore_message


def test_a_body_that_is_not_json_is_a_named_error() -> None:
    def html(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>maintenance</html>", headers={"Content-Type": "text/html"})

    with mock_client(html) as client, pytest.raises(ProcoreError, match=r"not JSON \(text/html"):
        client.get("/rest/v1.0/projects")


def test_empty_answers_decode_to_none() -> None:
    with mock_client(lambda r: httpx.Response(204)) as client:
        assert client.delete("/rest/v1.0/standard_cost_codes/5") is None


def test_which_calls_count_as_idempotent() -> None:
    assert is_idempotent("GET", "/rest/v1.0/projects")
    assert is_idempotent("put", "/rest/v1.0/x/1")
    assert is_idempotent("DELETE", "/rest/v1.0/x/1")
    assert is_idempotent("PATCH", "/rest/v1.0/companies/1/external_data/sync")
    assert not is_idempotent("PATCH", "/rest/v1.0/vendors/5")
    assert not is_idempotent("POST", "/rest/v1.0/vendors")


def test_authorize_needs_the_authorization_code_grant() -> None:
    with mock_client(lambda r: httpx.Response(200)) as client, pytest.raises(TypeError):
        client.authorize("code")
    auth = AuthorizationCodeAuth("cid", "secret", MemoryTokenStore())
    assert auth.redirect_uri == "urn:ietf:wg:oauth:2.0:oob"
