"""OAuth against the fake Procore: client credentials, authorization code with rotating refresh tokens
saved before use, one refresh per 401, a revoked grant as a named error that loses nothing."""

from __future__ import annotations

import base64
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest
from procore_world import CLIENT_ID, CLIENT_SECRET, World

from connector.procore.auth import AuthorizationCodeAuth, ClientCredentialsAuth, MemoryTokenStore, Token
from connector.procore.client import ProcoreClient
from connector.procore.errors import ProcoreAuthError
from connector.store.db import make_engine, make_session_factory
from connector.store.tokens import SqlTokenStore

EXPIRED_TEXT = "Your access token has expired, please use your refresh token to obtain a fresh token."


def token_requests(world: World) -> list[dict[str, str]]:
    """Every access token the fake issued (one per successful /oauth/token call)."""
    return world.state.store.query("access_token")


class RecordingStore(MemoryTokenStore):
    """A memory store that logs each save (and can be made to fail)."""

    def __init__(self, events: list[str] | None = None) -> None:
        super().__init__()
        self.events = events if events is not None else []
        self.fail_next_save = False

    def save(self, token: Token) -> None:
        if self.fail_next_save:
            self.fail_next_save = False
            self.events.append("save failed")
            raise OSError("disk full")
        self.events.append(f"save {token.access_token}")
        super().save(token)


def sql_store(path: Path, key: str = "acme") -> SqlTokenStore:
    return SqlTokenStore(make_session_factory(make_engine(f"sqlite:///{path}")), key)


# -- client credentials ----------------------------------------------------------------------------------
def test_client_credentials_token_is_reused_then_replaced_before_expiry(world: World) -> None:
    store = MemoryTokenStore()
    client = world.client(ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, store=store))
    assert client.get("/rest/v1.0/me")["id"]
    first = store.load()
    assert first is not None and first.refresh_token is None  # Procore's DMSA answer has none
    assert first.expires_at == world.clock.now() + timedelta(seconds=5400)
    client.get("/rest/v1.0/me")
    assert len(token_requests(world)) == 1 and store.load() == first

    world.clock.advance(5400 - 301)  # still outside the 300 s skew: reused
    client.get("/rest/v1.0/me")
    assert len(token_requests(world)) == 1
    world.clock.advance(2)  # now inside the skew, before Procore would refuse it: replaced first
    client.get("/rest/v1.0/me")
    second = store.load()
    assert len(token_requests(world)) == 2
    assert second is not None and second.access_token != first.access_token


def test_client_credentials_form_auth_and_basic_auth_both_accepted(world: World) -> None:
    for method in ("basic", "form"):
        client = world.client(ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET, client_auth=method))
        assert client.get("/rest/v1.0/me")["id"]


def test_client_authentication_goes_in_basic_header_or_form_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(
                200, json={"access_token": "a1", "token_type": "bearer", "expires_in": 5400}
            )
        return httpx.Response(200, json={})

    for method in ("basic", "form"):
        auth = ClientCredentialsAuth("cid", "s3cret", client_auth=method)
        with ProcoreClient("https://api.example", 7, auth, transport=httpx.MockTransport(handler)) as client:
            client.get("/rest/v1.0/me")
    basic, form = (r for r in seen if r.url.path == "/oauth/token")
    assert basic.headers["Authorization"] == "Basic " + base64.b64encode(b"cid:s3cret").decode()
    assert parse_qs(basic.content.decode()) == {"grant_type": ["client_credentials"]}
    assert "Authorization" not in form.headers
    assert parse_qs(form.content.decode()) == {
        "grant_type": ["client_credentials"],
        "client_id": ["cid"],
        "client_secret": ["s3cret"],
    }


def test_login_host_differs_from_api_host() -> None:
    hosts: list[tuple[str, str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        hosts.append((request.url.host, request.url.path))
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "a1", "expires_in": 5400})
        return httpx.Response(200, json=[])

    auth = ClientCredentialsAuth("cid", "secret")
    with ProcoreClient(
        "https://api.procore.com",
        7,
        auth,
        login_url="https://login.procore.com",
        transport=httpx.MockTransport(handler),
    ) as client:
        client.get("/rest/v1.0/companies")
    assert hosts == [("login.procore.com", "/oauth/token"), ("api.procore.com", "/rest/v1.0/companies")]


def test_unknown_client_is_a_named_auth_error(world: World) -> None:
    client = world.client(ClientCredentialsAuth(CLIENT_ID, "wrong"))
    with pytest.raises(ProcoreAuthError) as caught:
        client.get("/rest/v1.0/me")
    err = caught.value
    assert (err.status_code, err.oauth_error, err.path) == (401, "invalid_client", "/oauth/token")
    assert (
        "Procore refused the OAuth client credentials (invalid_client: Client authentication failed"
        in str(err)
    )
    assert "must be re-authorised" in str(err)


# -- authorization code, rotating refresh tokens ---------------------------------------------------------
def test_authorization_code_pair_rotates_and_is_persisted_for_the_next_client(
    world: World, tmp_path: Path
) -> None:
    db = tmp_path / "connector.db"
    client = world.person("Erin Sponsor", sql_store(db))
    first = sql_store(db).load()
    assert first is not None and first.refresh_token
    assert client.get("/rest/v1.0/me")["name"] == "Erin Sponsor"

    world.clock.advance(5400 - 200)  # inside the skew: refreshed before use, the pair rotates
    client.get("/rest/v1.0/me")
    second = sql_store(db).load()
    assert second is not None and second.refresh_token not in (None, first.refresh_token)
    assert second.access_token != first.access_token
    client.close()

    # A connector restarted on the same database continues with the rotated pair, no new sign-in.
    world.clock.advance(5400)
    again = world.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, sql_store(db)))
    assert again.get("/rest/v1.0/me")["name"] == "Erin Sponsor"
    third = sql_store(db).load()
    assert third is not None and third.refresh_token not in (first.refresh_token, second.refresh_token)


def test_sql_token_stores_are_keyed_by_connection(tmp_path: Path) -> None:
    db = tmp_path / "tokens.db"
    when = datetime(2026, 1, 5, 9, tzinfo=UTC)
    sql_store(db, "a").save(Token("access-a", when, "refresh-a"))
    sql_store(db, "b").save(Token("access-b", when, None))
    sql_store(db, "a").save(Token("access-a2", when + timedelta(hours=1), "refresh-a2"))
    assert sql_store(db, "a").load() == Token("access-a2", when + timedelta(hours=1), "refresh-a2")
    assert sql_store(db, "b").load() == Token("access-b", when, None)
    assert sql_store(db, "c").load() is None


def test_new_pair_is_saved_before_the_access_token_is_used(world: World) -> None:
    events: list[str] = []
    store = RecordingStore(events)
    inner = world.transport()

    class Recorder(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            header = request.headers.get("Authorization", "")
            bearer = header.removeprefix("Bearer ") if header.startswith("Bearer ") else ""
            events.append(f"call {request.url.path} {bearer}".strip())
            return inner.handle_request(request)

    client = world.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, store), transport=Recorder())
    client.authorize(world.code_for("Erin Sponsor"))
    world.clock.advance(5400)
    events.clear()
    client.get("/rest/v1.0/me")
    new = store.load()
    assert new is not None
    assert events == [
        "call /oauth/token",
        f"save {new.access_token}",
        f"call /rest/v1.0/me {new.access_token}",
    ]


def test_a_pair_the_store_could_not_save_is_never_used_and_saved_on_the_next_call(world: World) -> None:
    store = RecordingStore()
    client = world.person("Erin Sponsor", store)
    world.clock.advance(5400)
    store.fail_next_save = True
    with pytest.raises(OSError, match="disk full"):
        client.get("/rest/v1.0/me")
    issued = len(token_requests(world))
    assert client.get("/rest/v1.0/me")["name"] == "Erin Sponsor"
    # The rotated pair kept in memory was saved, not thrown away: no second refresh (the first refresh
    # token is already dead at Procore).
    assert len(token_requests(world)) == issued
    saved = store.load()
    assert saved is not None and store.events[-2:] == ["save failed", f"save {saved.access_token}"]


def test_expired_401_refreshes_once_and_retries_once(world: World) -> None:
    paths: list[str] = []
    inner = world.transport()

    class Recorder(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = inner.handle_request(request)
            paths.append(f"{request.url.path} {response.status_code}")
            return response

    # The connector's clock falls 10 minutes behind Procore's after the token was issued: it believes the
    # token good for longer than the skew when Procore already answers "expired".
    lag = [timedelta(0)]
    client = world.client(
        AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, MemoryTokenStore()),
        transport=Recorder(),
        clock=lambda: world.clock.now() - lag[0],
    )
    client.authorize(world.code_for("Erin Sponsor"))
    lag[0] = timedelta(minutes=10)
    world.clock.advance(5401)
    paths.clear()
    assert client.get("/rest/v1.0/me")["name"] == "Erin Sponsor"
    assert paths == ["/rest/v1.0/me 401", "/oauth/token 200", "/rest/v1.0/me 200"]


def test_a_401_after_the_refresh_is_an_auth_error_not_a_loop() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": f"a{len(calls)}", "expires_in": 5400})
        return httpx.Response(401, json={"errors": "The access token is invalid"})

    auth = ClientCredentialsAuth("cid", "secret")
    with (
        ProcoreClient("https://api.example", 7, auth, transport=httpx.MockTransport(handler)) as client,
        pytest.raises(ProcoreAuthError) as caught,
    ):
        client.get("/rest/v1.0/projects")
    assert calls == ["/oauth/token", "/rest/v1.0/projects", "/oauth/token", "/rest/v1.0/projects"]
    assert caught.value.status_code == 401
    assert str(caught.value) == (
        "Procore GET /rest/v1.0/projects answered 401 again after a token refresh "
        "(The access token is invalid); the connector must be re-authorised with Procore"
    )


def test_revoked_refresh_token_is_a_named_error_that_loses_nothing(world: World, tmp_path: Path) -> None:
    db = tmp_path / "connector.db"
    client = world.person("Erin Sponsor", sql_store(db))
    before = sql_store(db).load()
    assert before is not None
    r = world.http.post(
        "/oauth/revoke",
        data={"token": before.refresh_token, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert r.status_code == 200
    issued = len(token_requests(world))
    with pytest.raises(ProcoreAuthError) as caught:
        client.get("/rest/v1.0/me")  # 401 (revoked access) -> one refresh -> invalid_grant
    err = caught.value
    assert (err.status_code, err.oauth_error) == (400, "invalid_grant")
    assert str(err).startswith(
        "Procore refused the refresh token (invalid_grant: The provided authorization grant is invalid"
    )
    assert "must be re-authorised" in str(err) and "no queued work is lost" in str(err)
    assert sql_store(db).load() == before  # the stored pair is left as it was
    assert len(token_requests(world)) == issued  # nothing issued, no loop
    # Each later call fails the same way, fast: one refused refresh, no API call loops.
    with pytest.raises(ProcoreAuthError):
        client.get("/rest/v1.0/me")


def test_never_authorised_is_a_named_error(world: World) -> None:
    client = world.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, MemoryTokenStore()))
    with pytest.raises(ProcoreAuthError, match="No Procore token is stored for this connection"):
        client.get("/rest/v1.0/me")


def test_a_pair_rotated_by_another_client_on_the_same_store_is_followed(world: World, tmp_path: Path) -> None:
    db = tmp_path / "connector.db"
    one = world.person("Erin Sponsor", sql_store(db))
    other = world.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, sql_store(db)))
    assert other.get("/rest/v1.0/me")["name"] == "Erin Sponsor"
    world.clock.advance(5400)
    one.get("/rest/v1.0/me")  # rotates; `other` still caches the old, now dead, pair
    issued = len(token_requests(world))
    assert other.get("/rest/v1.0/me")["name"] == "Erin Sponsor"  # reads the rotated pair, no refresh
    assert len(token_requests(world)) == issued


def test_authorization_url_names_the_login_host() -> None:
    auth = AuthorizationCodeAuth("cid", "secret", MemoryTokenStore(), redirect_uri="https://c.example/cb")
    assert auth.authorization_url("https://login.procore.com/", state="xyz") == (
        "https://login.procore.com/oauth/authorize?response_type=code&client_id=cid"
        "&redirect_uri=https%3A%2F%2Fc.example%2Fcb&state=xyz"
    )


def test_token_repr_hides_secrets() -> None:
    token = Token("acc-secret", datetime(2026, 1, 5, tzinfo=UTC), "ref-secret")
    assert "secret" not in repr(token) and "2026-01-05" in repr(token)
    assert "secret" not in repr(ClientCredentialsAuth("cid", "client-secret"))


def test_a_refresh_token_replayed_after_another_process_rotated_it_is_a_clear_auth_error(
    world: World, tmp_path: Path
) -> None:
    """Two processes on one store refreshing at once: the loser replays a used refresh token, and Procore
    (the fake, after the OAuth 2.0 Security BCP) revokes the whole family it produced — the winner's new
    pair too. Nothing can be recovered from that: the connector says it must be re-authorised, once, with
    no loop (whether real Procore revokes on replay is not documented)."""
    db = tmp_path / "connector.db"
    other = world.person("Erin Sponsor", sql_store(db))
    old = sql_store(db).load()

    class ReadBeforeTheOtherSaved(SqlTokenStore):
        """This process read the store just before the other process saved its rotated pair."""

        stale: Token | None = old

        def load(self) -> Token | None:
            if self.stale is not None:
                stale, self.stale = self.stale, None
                return stale
            return super().load()

    world.clock.advance(5400 - 200)
    other.get("/rest/v1.0/me")  # rotates: `old`'s refresh token is now dead at Procore
    rotated = sql_store(db).load()
    racing = ReadBeforeTheOtherSaved(make_session_factory(make_engine(f"sqlite:///{db}")), "acme")
    client = world.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, racing))
    with pytest.raises(ProcoreAuthError) as refused:
        client.get("/rest/v1.0/me")
    assert "the connector must be re-authorised with Procore" in str(refused.value)
    assert sql_store(db).load() == rotated  # kept for a person to see; Procore revoked it with the family


def test_concurrent_threads_share_one_refresh(world: World) -> None:
    store = MemoryTokenStore()
    client = world.person("Erin Sponsor", store)
    world.clock.advance(5400)
    issued = len(token_requests(world))
    names: list[str] = []

    def call() -> None:
        names.append(client.get("/rest/v1.0/me")["name"])

    threads = [threading.Thread(target=call) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert names == ["Erin Sponsor"] * 6
    assert len(token_requests(world)) == issued + 1  # one rotation, not six racing for one refresh token
