"""Procore's OAuth 2.0 server (Doorkeeper): token grants, lifetimes, refresh rotation, revoke, token info.

- ``client_credentials``: access token only (Procore's docs example has no refresh token), acting as the
  application's Developer Managed Service Account.
- ``authorization_code``: codes are single use and live 10 minutes; the token pair acts as the user who
  authorised the application.
- ``refresh_token``: refresh tokens have no fixed expiry but are single use: *every* refresh call, even one
  that then fails, invalidates the presented token and a new one is returned. A used refresh token
  presented again by its client is a replay (OAuth 2.0 Security BCP, RFC 9700 §4.14.2: one of two parties
  holds a stolen copy): besides ``invalid_grant``, every token issued from it since (each rotation's access
  and refresh token) is revoked, so the family must sign in again. Doorkeeper does not do this by default;
  the BCP asks for it and the fake chose it.
- Revoke (RFC 7009 §2.1): the client authenticates (``invalid_client`` 401 otherwise) and may revoke only
  tokens issued to it; another client's token answers Doorkeeper's 403 ``unauthorized_client``.
- Access tokens live ``expires_in`` = 5400 s on the injectable clock.
Client authentication: ``client_id``/``client_secret`` in the form (client_secret_post) or HTTP Basic.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sim.clock import Clock
from sim.procore_fake import errors
from sim.procore_fake.conventions import ACCESS_TOKEN_SECONDS, AUTH_CODE_SECONDS
from sim.procore_fake.errors import OAuthError, Unauthorized
from sim.procore_fake.store import Record, Store

GRANTS = ("authorization_code", "refresh_token", "client_credentials")


def authenticate_client(store: Store, client_id: str | None, client_secret: str | None) -> Record:
    client = store.find_key("oauth_client", client_id) if client_id else None
    if client is None or client["client_secret"] != client_secret:
        raise OAuthError("invalid_client", errors.INVALID_CLIENT, status_code=401)
    return client


def _issue(store: Store, clock: Clock, client: Record, user_id: int, *, with_refresh: bool) -> Record:
    now = clock.now()
    access = store.ids.token()
    refresh = store.ids.token() if with_refresh else None
    store.add(
        "access_token",
        {
            "token": access,
            "client_id": client["client_id"],
            "user_id": user_id,
            "company_id": client["company_id"],
            "created_at": now.isoformat(),
            "expires_in": ACCESS_TOKEN_SECONDS,
            "revoked": False,
            "refresh_token": refresh,
        },
        company_id=client["company_id"],
        key=access,
    )
    if refresh:
        store.add(
            "refresh_token",
            {
                "token": refresh,
                "client_id": client["client_id"],
                "user_id": user_id,
                "used": False,
                "revoked": False,
                "access_token": access,
            },
            company_id=client["company_id"],
            key=refresh,
        )
    body: dict[str, Any] = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
    }
    if refresh:
        body["refresh_token"] = refresh
    body["created_at"] = int(now.timestamp())
    return body


def create_authorization_code(
    store: Store, clock: Clock, client: Record, user_id: int, redirect_uri: str
) -> str:
    code = store.ids.token(16)
    store.add(
        "auth_code",
        {
            "code": code,
            "client_id": client["client_id"],
            "user_id": user_id,
            "redirect_uri": redirect_uri,
            "created_at": clock.now().isoformat(),
            "used": False,
        },
        company_id=client["company_id"],
        key=code,
    )
    return code


def token(store: Store, clock: Clock, form: dict[str, str]) -> Record:
    grant = form.get("grant_type")
    if grant not in GRANTS:
        raise OAuthError(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
        )
    client = authenticate_client(store, form.get("client_id"), form.get("client_secret"))
    if grant == "client_credentials":
        return _issue(store, clock, client, client["service_account_user_id"], with_refresh=False)
    if grant == "authorization_code":
        code = store.find_key("auth_code", form.get("code") or "")
        now = clock.now()
        if (
            code is None
            or code["used"]
            or code["client_id"] != client["client_id"]
            # RFC 6749 4.1.3 (Doorkeeper enforces it): the same redirect_uri as the authorize call, not absent
            or code["redirect_uri"] != form.get("redirect_uri")
            or now - datetime.fromisoformat(code["created_at"]) > timedelta(seconds=AUTH_CODE_SECONDS)
        ):
            raise OAuthError("invalid_grant", errors.INVALID_GRANT)
        code["used"] = True
        store.put("auth_code", code)
        return _issue(store, clock, client, code["user_id"], with_refresh=True)
    # refresh_token
    presented = store.find_key("refresh_token", form.get("refresh_token") or "")
    if presented is not None and presented["used"] and presented["client_id"] == client["client_id"]:
        _revoke_descendants(store, presented)
    if (
        presented is None
        or presented["used"]
        or presented["revoked"]
        or presented["client_id"] != client["client_id"]
    ):
        raise OAuthError("invalid_grant", errors.INVALID_GRANT)
    issued = _issue(store, clock, client, presented["user_id"], with_refresh=True)
    presented["used"] = True  # single use, whatever happens next
    presented["replaced_by"] = issued["refresh_token"]  # the family: what a replay of this one revokes
    store.put("refresh_token", presented)
    return issued


def _revoke_descendants(store: Store, replayed: Record) -> None:
    """Revoke ``replayed``'s access token and every token rotated out of it since: each successor refresh
    token with its access token."""
    _revoke_pair(store, replayed)
    seen: set[str] = set()
    successor = replayed.get("replaced_by")
    while successor and successor not in seen:
        seen.add(successor)
        refresh = store.find_key("refresh_token", successor)
        if refresh is None:
            return
        _revoke_pair(store, refresh)
        successor = refresh.get("replaced_by")


def resolve_access_token(store: Store, clock: Clock, bearer: str | None) -> Record:
    """The token record behind ``Authorization: Bearer …``, or Procore's 401."""
    if not bearer:
        raise Unauthorized(errors.INVALID_TOKEN)
    record = store.find_key("access_token", bearer)
    if record is None or record["revoked"]:
        raise Unauthorized(errors.INVALID_TOKEN)
    if clock.now() >= expires_at(record):
        raise Unauthorized(errors.EXPIRED_TOKEN)
    return record


def expires_at(record: Record) -> datetime:
    return datetime.fromisoformat(record["created_at"]) + timedelta(seconds=record["expires_in"])


def token_info(store: Store, clock: Clock, bearer: str | None) -> Record:
    record = resolve_access_token(store, clock, bearer)
    remaining = int((expires_at(record) - clock.now()).total_seconds())
    return {
        "resource_owner_id": record["user_id"],
        "scopes": [],
        "expires_in_seconds": remaining,
        "application": {"uid": record["client_id"]},
        "created_at": int(datetime.fromisoformat(record["created_at"]).timestamp()),
    }


def revoke(store: Store, client: Record, token_value: str | None) -> None:
    """RFC 7009: 200 for an unknown token; the authenticated ``client``'s own access token (with its refresh
    token) or refresh token (with its access token) is revoked; another client's is refused (Doorkeeper's
    403 ``unauthorized_client``) and left alone."""
    if not token_value:
        return
    access = store.find_key("access_token", token_value)
    refresh = store.find_key("refresh_token", token_value)
    target = access if access is not None else refresh
    if target is None:
        return
    if target["client_id"] != client["client_id"]:
        raise OAuthError("unauthorized_client", errors.REVOKE_UNAUTHORIZED, status_code=403)
    if access is not None:
        access["revoked"] = True
        store.put("access_token", access)
        if access.get("refresh_token"):
            refresh = refresh or store.find_key("refresh_token", access["refresh_token"])
    if refresh is not None:
        _revoke_pair(store, refresh)


def _revoke_pair(store: Store, refresh: Record) -> None:
    refresh["revoked"] = True
    store.put("refresh_token", refresh)
    linked = store.find_key("access_token", refresh["access_token"])
    if linked is not None:
        linked["revoked"] = True
        store.put("access_token", linked)
