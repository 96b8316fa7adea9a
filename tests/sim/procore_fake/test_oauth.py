"""OAuth: grants, lifetimes, single-use refresh tokens, Basic auth, token info, revoke, 401 bodies."""

from __future__ import annotations

import base64

import httpx
from pcfake_helpers import CLIENT_ID, CLIENT_SECRET, Fake, Session

EXPIRED = "Your access token has expired, please use your refresh token to obtain a fresh token."


def test_client_credentials_token_shape(fake: Fake) -> None:
    r = fake.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    body = r.json()
    assert r.status_code == 200
    assert body["token_type"] == "bearer" and body["expires_in"] == 5400
    assert "refresh_token" not in body  # Procore's client-credentials example has none
    assert body["created_at"] == int(fake.clock.now().timestamp())


def test_basic_auth_on_api_root_like_propycore(fake: Fake) -> None:
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    r = fake.http.post(
        "/oauth/token",
        content="grant_type=client_credentials&redirect_uri=",
        headers={"Authorization": f"Basic {basic}", "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 200 and r.json()["access_token"]


def test_wrong_secret_is_invalid_client(fake: Fake) -> None:
    r = fake.http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": "nope"},
    )
    assert r.status_code == 401
    assert r.json()["error"] == "invalid_client"


def test_unsupported_grant(fake: Fake) -> None:
    r = fake.http.post(
        "/oauth/token",
        data={"grant_type": "password", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert r.status_code == 400 and r.json()["error"] == "unsupported_grant_type"


def test_token_expires_after_5400_seconds_on_the_clock(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    fake.clock.advance(5399)
    assert s.get("/rest/v1.0/me").status_code == 200
    fake.clock.advance(1)
    r = s.get("/rest/v1.0/me")
    assert r.status_code == 401
    assert r.json() == {"errors": EXPIRED}
    assert r.headers["WWW-Authenticate"].startswith('Bearer realm="Doorkeeper", error="invalid_token"')


def test_refresh_token_is_single_use_and_rotates(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    fake.clock.advance(6000)
    form = {
        "grant_type": "refresh_token",
        "refresh_token": s.refresh_token,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    r = fake.http.post("/oauth/token", data=form)
    assert r.status_code == 200
    fresh = r.json()
    assert fresh["refresh_token"] != s.refresh_token and fresh["expires_in"] == 5400
    s.token = fresh["access_token"]
    assert s.get("/rest/v1.0/me").json()["id"] == fake.users["Pat Manager"]
    again = fake.http.post("/oauth/token", data=form)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_authorization_code_is_single_use_and_lives_ten_minutes(fake: Fake) -> None:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": "https://app.example/cb",
        "state": "xyz",
        "sim_user_id": fake.users["Robin Viewer"],
    }
    r = fake.http.get("/oauth/authorize", params=params, follow_redirects=False)
    assert r.status_code == 302 and "state=xyz" in r.headers["location"]
    code = r.headers["location"].split("code=")[1].split("&")[0]
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "https://app.example/cb",
    }
    for redirect in ({"redirect_uri": "https://other.example/cb"}, {}):  # a wrong or missing redirect_uri
        bad = {**{k: v for k, v in form.items() if k != "redirect_uri"}, **redirect}
        r = fake.http.post("/oauth/token", data=bad)
        assert (r.status_code, r.json()["error"]) == (400, "invalid_grant")
    assert fake.http.post("/oauth/token", data=form).status_code == 200
    assert fake.http.post("/oauth/token", data=form).json()["error"] == "invalid_grant"
    r = fake.http.get("/oauth/authorize", params=params, follow_redirects=False)
    late = r.headers["location"].split("code=")[1].split("&")[0]
    fake.clock.advance(601)
    assert fake.http.post("/oauth/token", data={**form, "code": late}).status_code == 400


def test_token_info(fake: Fake) -> None:
    s = fake.login("Alex Accountant")
    fake.clock.advance(400)
    r = fake.http.get("/oauth/token/info", headers={"Authorization": f"Bearer {s.token}"})
    body = r.json()
    assert body["resource_owner_id"] == fake.users["Alex Accountant"]
    assert body["expires_in_seconds"] == 5000
    assert body["application"] == {"uid": CLIENT_ID}


def test_revoke_kills_access_and_refresh_and_is_200_for_unknown(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    r = fake.http.post(
        "/oauth/revoke", data={"token": s.token, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    )
    assert r.status_code == 200
    assert s.get("/rest/v1.0/me").json() == {"errors": "The access token is invalid"}
    refresh = fake.http.post(
        "/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": s.refresh_token,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        },
    )
    assert refresh.json()["error"] == "invalid_grant"
    unknown = {"token": "unknown", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    r = fake.http.post("/oauth/revoke", data=unknown)
    assert (r.status_code, r.json()) == (200, {})


def test_missing_bearer_is_401(fake: Fake) -> None:
    r = fake.http.get("/rest/v1.0/companies")
    assert r.status_code == 401 and r.json() == {"errors": "The access token is invalid"}


INVALID_CLIENT = {
    "error": "invalid_client",
    "error_description": "Client authentication failed due to unknown client, no client authentication "
    "included, or unsupported authentication method.",
}
NOT_YOURS = {
    "error": "unauthorized_client",
    "error_description": "You are not authorized to revoke this token",
}
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "The provided authorization grant is invalid, expired, revoked, does not match the "
    "redirection URI used in the authorization request, or was issued to another client.",
}


def _refresh(fake: Fake, refresh_token: str | None) -> httpx.Response:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return fake.http.post(
        "/oauth/token", data={**form, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    )


def test_revoke_without_client_authentication_is_invalid_client_and_revokes_nothing(fake: Fake) -> None:
    """RFC 7009 §2.1: the client includes its authentication credentials; a revoke without them is refused."""
    s = fake.login("Pat Manager")
    for form in (
        {"token": s.token},
        {"token": s.token, "client_id": CLIENT_ID},
        {"token": s.token, "client_id": CLIENT_ID, "client_secret": "wrong"},
        {"token": "unknown"},
    ):
        r = fake.http.post("/oauth/revoke", data=form)
        assert (r.status_code, r.json()) == (401, INVALID_CLIENT), form
    assert s.get("/rest/v1.0/me").status_code == 200
    basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    r = fake.http.post("/oauth/revoke", data={"token": s.token}, headers={"Authorization": f"Basic {basic}"})
    assert (r.status_code, r.json()) == (200, {})
    assert s.get("/rest/v1.0/me").json() == {"errors": "The access token is invalid"}


def test_a_client_cannot_revoke_another_clients_tokens(fake: Fake) -> None:
    other = fake.http.post(
        "/_sim/companies", json={"name": "Other Co", "client_id": "c2", "client_secret": "s2"}
    )
    assert other.status_code == 201
    s = fake.login("Pat Manager")
    for token in (s.token, s.refresh_token):
        r = fake.http.post("/oauth/revoke", data={"token": token, "client_id": "c2", "client_secret": "s2"})
        assert (r.status_code, r.json()) == (403, NOT_YOURS)
    assert s.get("/rest/v1.0/me").status_code == 200
    assert _refresh(fake, s.refresh_token).status_code == 200  # the refresh token survived too


def test_revoking_a_refresh_token_revokes_its_access_token(fake: Fake) -> None:
    s = fake.login("Pat Manager")
    r = fake.http.post(
        "/oauth/revoke",
        data={"token": s.refresh_token, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert (r.status_code, r.json()) == (200, {})
    assert s.get("/rest/v1.0/me").status_code == 401
    assert _refresh(fake, s.refresh_token).json() == INVALID_GRANT


def test_replaying_a_used_refresh_token_revokes_every_token_issued_from_it(fake: Fake) -> None:
    """OAuth 2.0 Security BCP (RFC 9700 §4.14.2): a rotated refresh token used twice means one of the two
    users stole it; the authorization server revokes the family, so both must sign in again."""
    s = fake.login("Pat Manager")
    first = _refresh(fake, s.refresh_token).json()
    second = _refresh(fake, first["refresh_token"]).json()
    current = Session(fake.http, second["access_token"], fake.company_id)
    assert current.get("/rest/v1.0/me").status_code == 200
    r = _refresh(fake, s.refresh_token)  # the first, long used, presented again
    assert (r.status_code, r.json()) == (400, INVALID_GRANT)
    assert current.get("/rest/v1.0/me").json() == {"errors": "The access token is invalid"}
    assert Session(fake.http, first["access_token"], fake.company_id).get("/rest/v1.0/me").status_code == 401
    assert _refresh(fake, second["refresh_token"]).json() == INVALID_GRANT
    # another family of the same user is untouched
    other = fake.login("Pat Manager")
    assert (
        other.get("/rest/v1.0/me").status_code == 200
        and _refresh(fake, other.refresh_token).status_code == 200
    )


def test_a_used_refresh_token_presented_by_another_client_revokes_nothing(fake: Fake) -> None:
    fake.http.post("/_sim/companies", json={"name": "Other Co", "client_id": "c2", "client_secret": "s2"})
    s = fake.login("Pat Manager")
    first = _refresh(fake, s.refresh_token).json()
    form = {
        "grant_type": "refresh_token",
        "refresh_token": s.refresh_token,
        "client_id": "c2",
        "client_secret": "s2",
    }
    r = fake.http.post(
        "/oauth/token", data=form
    )  # a used token, but presented by a client it was not issued to
    assert (r.status_code, r.json()) == (400, INVALID_GRANT)
    assert Session(fake.http, first["access_token"], fake.company_id).get("/rest/v1.0/me").status_code == 200


def test_a_malformed_authorize_request_is_an_oauth_invalid_request(fake: Fake) -> None:
    """RFC 6749 §4.1.2.1: a missing or malformed parameter is invalid_request, in OAuth's error shape."""
    r = fake.http.get(
        "/oauth/authorize", params={"client_id": CLIENT_ID, "redirect_uri": "urn:ietf:wg:oauth:2.0:oob"}
    )
    assert (r.status_code, r.json()) == (
        400,
        {"error": "invalid_request", "error_description": "response_type Field required"},
    )
    params = {"response_type": "code", "client_id": CLIENT_ID, "redirect_uri": "x", "sim_user_id": "abc"}
    r = fake.http.get("/oauth/authorize", params=params)
    assert (r.status_code, r.json()) == (
        400,
        {
            "error": "invalid_request",
            "error_description": "sim_user_id Input should be a valid integer, "
            "unable to parse string as an integer",
        },
    )
