"""OAuth: grants, lifetimes, single-use refresh tokens, Basic auth, token info, revoke, 401 bodies."""

from __future__ import annotations

import base64

from pcfake_helpers import CLIENT_ID, CLIENT_SECRET, Fake

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
    assert fake.http.post("/oauth/revoke", data={"token": "unknown"}).status_code == 200


def test_missing_bearer_is_401(fake: Fake) -> None:
    r = fake.http.get("/rest/v1.0/companies")
    assert r.status_code == 401 and r.json() == {"errors": "The access token is invalid"}
