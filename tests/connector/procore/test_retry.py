"""Retries: 429/503 honour Retry-After (seconds, HTTP date) and X-Rate-Limit-Reset, else jittered backoff
from the seeded rng; bounded; transport failures retried only where sending twice is safe."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from procore_world import World, new_world

from connector.procore.auth import AuthorizationCodeAuth, ClientCredentialsAuth, MemoryTokenStore, Token
from connector.procore.client import ProcoreClient
from connector.procore.errors import ProcoreRateLimited, ProcoreUnavailable
from connector.procore.retry import RetryPolicy
from sim.procore_fake.ratelimit import RateLimitConfig

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
RATE_TEXT = "You have surpassed the max number of requests for an hour. Please wait until your limit resets."
Handler = Callable[[httpx.Request], httpx.Response]


class Scripted:
    """A MockTransport answering API calls from a script (the token endpoint always succeeds)."""

    def __init__(self, *answers: httpx.Response | Exception | Callable[[], httpx.Response]) -> None:
        self.answers = list(answers)
        self.api_calls: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        self.api_calls.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer() if callable(answer) else answer


def scripted_client(script: Scripted, waits: list[float], **options: object) -> ProcoreClient:
    return ProcoreClient(
        "https://api.example",
        7,
        ClientCredentialsAuth("cid", "secret"),
        transport=httpx.MockTransport(script),
        clock=lambda: NOW,
        sleep=waits.append,
        rng=random.Random(3),
        **options,  # type: ignore[arg-type]
    )


def test_429_retry_after_seconds_is_honoured_exactly() -> None:
    waits: list[float] = []
    script = Scripted(
        httpx.Response(429, text=RATE_TEXT, headers={"Retry-After": "7"}), httpx.Response(200, json={"ok": 1})
    )
    assert scripted_client(script, waits).get("/rest/v1.0/projects") == {"ok": 1}
    assert waits == [7.0] and len(script.api_calls) == 2


def test_retry_after_as_an_http_date_and_rate_limit_reset_as_epoch_seconds() -> None:
    waits: list[float] = []
    date = format_datetime(NOW.replace(second=30), usegmt=True)
    reset = str(int(NOW.timestamp()) + 12)
    script = Scripted(
        httpx.Response(503, headers={"Retry-After": date}),
        httpx.Response(429, text=RATE_TEXT, headers={"X-Rate-Limit-Reset": reset}),
        httpx.Response(200, json=[]),
    )
    scripted_client(script, waits).get("/rest/v1.0/projects")
    assert waits == [30.0, 12.0]


def test_503_without_a_wait_backs_off_exponentially_with_seeded_jitter_then_succeeds() -> None:
    waits: list[float] = []
    script = Scripted(
        httpx.Response(503), httpx.Response(503), httpx.Response(503), httpx.Response(200, json={})
    )
    scripted_client(script, waits).post("/rest/v1.0/vendors", {"vendor": {"name": "A"}})
    rng = random.Random(3)
    assert waits == [RetryPolicy().backoff(n, rng) for n in range(3)]
    for n, wait in enumerate(waits):  # 50-100 % of 1, 2, 4 s
        assert 2**n / 2 <= wait <= 2**n
    assert len(script.api_calls) == 4  # 503 is refused before processing: retried even for POST


def test_503_forever_is_unavailable_after_the_bounded_retries() -> None:
    waits: list[float] = []
    script = Scripted(
        httpx.Response(503, json={"errors": "Service Unavailable"}, headers={"Retry-After": "2"})
    )
    with pytest.raises(ProcoreUnavailable) as caught:
        scripted_client(script, waits, max_retries=4).get("/rest/v1.0/projects")
    assert waits == [2.0] * 4 and len(script.api_calls) == 5
    err = caught.value
    assert (err.status_code, err.method, err.path, err.retry_after) == (
        503,
        "GET",
        "/rest/v1.0/projects",
        2.0,
    )
    assert str(err) == "Procore answered 503 to GET /rest/v1.0/projects: Service Unavailable"


def test_total_wait_is_bounded_and_a_long_retry_after_is_not_slept() -> None:
    waits: list[float] = []
    script = Scripted(httpx.Response(429, text=RATE_TEXT, headers={"Retry-After": "3000"}))
    with pytest.raises(ProcoreRateLimited) as caught:
        scripted_client(script, waits).get("/rest/v1.0/projects")
    assert waits == [] and len(script.api_calls) == 1  # the hourly window: leave the work queued instead
    assert caught.value.retry_after == 3000.0
    assert str(caught.value) == f"Procore answered 429 to GET /rest/v1.0/projects: {RATE_TEXT}"

    waits.clear()
    script = Scripted(httpx.Response(429, text=RATE_TEXT, headers={"Retry-After": "50"}))
    with pytest.raises(ProcoreRateLimited):
        scripted_client(script, waits, max_total_wait=120).get("/rest/v1.0/projects")
    assert waits == [50.0, 50.0]  # a third 50 s wait would pass the 120 s budget


def test_500_is_retried_for_get_and_sync_patch_but_not_for_post() -> None:
    waits: list[float] = []
    script = Scripted(httpx.Response(500), httpx.Response(200, json={"entities": [], "errors": []}))
    scripted_client(script, waits).patch("/rest/v1.0/vendors/sync", {"updates": []})
    assert len(script.api_calls) == 2
    script = Scripted(httpx.Response(500, json={"errors": "Internal Server Error"}))
    with pytest.raises(ProcoreUnavailable, match="answered 500 to POST /rest/v1.0/vendors"):
        scripted_client(script, waits).post("/rest/v1.0/vendors", {"vendor": {}})
    assert len(script.api_calls) == 1


def test_connect_errors_are_retried_for_every_method_since_nothing_was_sent() -> None:
    waits: list[float] = []
    refused = httpx.ConnectError("connection refused")
    script = Scripted(refused, refused, httpx.Response(201, json={"id": 1}))
    assert scripted_client(script, waits).post("/rest/v1.0/vendors", {"vendor": {}}) == {"id": 1}
    assert len(waits) == 2


def test_read_timeouts_are_retried_for_idempotent_calls_only() -> None:
    waits: list[float] = []
    timeout = httpx.ReadTimeout("timed out")
    script = Scripted(timeout)
    with pytest.raises(ProcoreUnavailable) as caught:
        scripted_client(script, waits, max_retries=3).get("/rest/v1.0/projects")
    assert len(script.api_calls) == 4 and len(waits) == 3
    assert caught.value.status_code is None
    assert str(caught.value).startswith(
        "Procore GET /rest/v1.0/projects failed (ReadTimeout: timed out) after 3"
    )

    script = Scripted(timeout)
    with pytest.raises(ProcoreUnavailable) as caught:
        scripted_client(script, waits).post("/rest/v1.0/vendors", {"vendor": {}})
    assert len(script.api_calls) == 1
    assert str(caught.value) == (
        "Procore POST /rest/v1.0/vendors failed (ReadTimeout: timed out); not retried because POST is not "
        "idempotent and the request may have reached Procore"
    )


def test_each_retry_and_failure_is_logged_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    waits: list[float] = []
    script = Scripted(httpx.Response(503, headers={"Retry-After": "1"}))
    with caplog.at_level(logging.INFO, logger="connector.procore"), pytest.raises(ProcoreUnavailable):
        scripted_client(script, waits, max_retries=2).get("/rest/v1.0/projects")
    messages = [r.getMessage() for r in caplog.records if r.name == "connector.procore"]
    assert "Procore GET /rest/v1.0/projects: HTTP 503; retry 1 of 2 in 1.00 s" in messages
    assert "Procore GET /rest/v1.0/projects: HTTP 503; retry 2 of 2 in 1.00 s" in messages
    assert "Procore answered 503 to GET /rest/v1.0/projects" in messages
    assert not any("tok" in m.split() or "secret" in m for m in messages)


def test_the_fakes_rate_limiter_is_honoured_on_its_clock() -> None:
    world = new_world(RateLimitConfig(hourly=1000, spike=3))
    try:
        client = world.client()
        for _ in range(5):
            assert client.get("/rest/v1.0/me")["id"]
        # The spike window (3 per 10 s) refused the 4th call; its Retry-After was slept (on the fake's
        # clock), the window rolled over and the call went through; the 5th fits the new window.
        assert len(world.waits) == 1 and 1 <= world.waits[0] <= 10
    finally:
        world.close()


def test_logs_of_a_whole_flow_never_show_a_token_or_secret(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        client = world.client()
        client.get("/rest/v1.0/me")
        world.clock.advance(5400)
        client.get("/rest/v1.0/me")
    tokens = [t["token"] for t in world.state.store.query("access_token")]
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert tokens and not any(t in text for t in tokens)
    assert "qbsim-client-secret" not in text


def token_client(handler: Handler, auth: object, waits: list[float]) -> ProcoreClient:
    return ProcoreClient(
        "https://api.example",
        7,
        auth,  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        clock=lambda: NOW,
        sleep=waits.append,
        rng=random.Random(3),
    )


def test_a_throttled_token_request_is_retried_but_a_refresh_token_is_never_sent_twice() -> None:
    waits: list[float] = []
    grants: list[str] = []

    def throttled_once(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            grants.append(request.content.decode())
            if len(grants) == 1:
                return httpx.Response(503, headers={"Retry-After": "4"})
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 5400})
        return httpx.Response(200, json={})

    token_client(throttled_once, ClientCredentialsAuth("cid", "secret"), waits).get("/rest/v1.0/me")
    assert waits == [4.0] and len(grants) == 2

    grants.clear()
    expired = Token("old-access", NOW, "only-refresh-token")

    def times_out(request: httpx.Request) -> httpx.Response:
        grants.append(request.content.decode())
        raise httpx.ReadTimeout("timed out")

    store = MemoryTokenStore(expired)
    client = token_client(times_out, AuthorizationCodeAuth("cid", "secret", store), waits)
    with pytest.raises(ProcoreUnavailable, match="not retried because POST is not idempotent"):
        client.get("/rest/v1.0/me")
    assert grants == ["grant_type=refresh_token&refresh_token=only-refresh-token"]
    assert store.load() == expired  # kept: the refresh may not have happened at Procore
