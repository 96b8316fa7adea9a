"""OAuth 2.0 against Procore's token endpoint (``POST {login_url}/oauth/token``; Doorkeeper).

Two grants, as Procore offers them to an integrator:

- :class:`ClientCredentialsAuth` — the Developer Managed Service Account (DMSA) an ERP connector runs as.
  Procore's answer carries no refresh token: a token about to expire is replaced by asking again.
- :class:`AuthorizationCodeAuth` — a person authorised the app; the code is exchanged once for a token
  pair and the pair is refreshed from then on. Procore's refresh tokens are single use and rotate: every
  refresh call (even one whose answer is lost) invalidates the presented token. So the new pair is saved
  to the :class:`TokenStore` *before* the access token is used; a crash after that finds the valid
  refresh token on disk. The window that cannot be closed from the client side is a crash (or a lost
  answer) between Procore rotating and the answer reaching us: then the connector must be re-authorised,
  which :class:`~connector.procore.errors.ProcoreAuthError` says.

Access tokens live ``expires_in`` seconds (5400 at Procore); both grants replace a token ``skew`` seconds
*before* it expires, on the injected clock. A 401 on an API call asks :meth:`Auth.refresh` once (the client
retries the call once, never more). Client authentication is HTTP Basic by default or ``client_secret_post``
(``client_auth="form"``): Procore accepts both. Before refreshing, the stored pair is read again, so
another client (thread or process) on the same store that already rotated it is followed, not raced.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from urllib.parse import urlencode

import httpx

from connector.procore.errors import ProcoreAuthError, ProcoreError, error_for, procore_text
from connector.procore.retry import Retrier
from connector.store.tokens import Token

__all__ = [
    "OOB_REDIRECT_URI",
    "Auth",
    "AuthorizationCodeAuth",
    "ClientCredentialsAuth",
    "MemoryTokenStore",
    "Token",
    "TokenEndpoint",
    "TokenStore",
]

log = logging.getLogger("connector.procore")

DEFAULT_SKEW = timedelta(seconds=300)
# Procore's out-of-band redirect: the code is shown on a page instead of redirected.
OOB_REDIRECT_URI = "urn:ietf:wg:oauth:2.0:oob"
ClientAuthMethod = Literal["basic", "form"]
REAUTHORISE = (
    "the connector must be re-authorised with Procore (valid client credentials, or a person signing in "
    "again for an authorization-code grant); the stored token was kept and no queued work is lost"
)


class TokenStore(Protocol):
    """Where the current token pair lives. ``save`` must be durable and atomic (whole pair or nothing)."""

    def load(self) -> Token | None: ...

    def save(self, token: Token) -> None: ...


class MemoryTokenStore:
    """A ``TokenStore`` for one process (client credentials need nothing more: a new token is one call)."""

    def __init__(self, token: Token | None = None) -> None:
        self._token = token
        self._lock = threading.Lock()

    def load(self) -> Token | None:
        with self._lock:
            return self._token

    def save(self, token: Token) -> None:
        with self._lock:
            self._token = token


class TokenEndpoint:
    """``POST {login_url}/oauth/token``, form-encoded, with the client's credentials; built by
    :class:`~connector.procore.client.ProcoreClient` on its own HTTP client and retry policy."""

    def __init__(
        self,
        http: httpx.Client,
        url: str,
        retrier: Retrier,
        clock: Callable[[], datetime],
        timeout: httpx.Timeout,
    ) -> None:
        self.url = url
        self._http = http
        self._retrier = retrier
        self._clock = clock
        self._timeout = timeout

    def now(self) -> datetime:
        return self._clock()

    def grant(
        self,
        client_id: str,
        client_secret: str,
        client_auth: ClientAuthMethod,
        form: dict[str, str],
    ) -> Token:
        """Ask for a token; raise :class:`ProcoreAuthError` when Procore refuses the grant or the client."""
        grant_type = form["grant_type"]
        body = dict(form)
        auth: tuple[str, str] | None = None
        if client_auth == "basic":
            auth = (client_id, client_secret)
        else:
            body.update(client_id=client_id, client_secret=client_secret)
        path = httpx.URL(self.url).path
        # A refresh token or a code is consumed by the call, even when its answer is lost: sending it again
        # after a timeout could only fail. Asking for a client-credentials token twice is harmless.
        response = self._retrier.run(
            lambda: self._http.post(self.url, data=body, auth=auth, timeout=self._timeout),
            method="POST",
            path=path,
            idempotent=grant_type == "client_credentials",
        )
        parsed = _json_or_text(response)
        if response.status_code in (400, 401) and isinstance(parsed, dict) and "error" in parsed:
            code = str(parsed["error"])
            what = {
                "invalid_grant": f"Procore refused the {grant_type.replace('_', ' ')}",
                "invalid_client": "Procore refused the OAuth client credentials",
            }.get(code, f"Procore refused the token request ({grant_type})")
            log.error("Procore token request (%s) refused: %s", grant_type, code)
            raise ProcoreAuthError(
                f"{what} ({code}: {procore_text(parsed)}); {REAUTHORISE}",
                oauth_error=code,
                status_code=response.status_code,
                method="POST",
                path=path,
                body=parsed,
            )
        if not response.is_success:
            log.error("Procore token request (%s) answered %d", grant_type, response.status_code)
            raise error_for(response.status_code, method="POST", path=path, body=parsed)
        if (
            not isinstance(parsed, dict)
            or not isinstance(parsed.get("access_token"), str)
            or not isinstance(parsed.get("expires_in"), int | float)
        ):
            raise ProcoreError(
                "Procore's token answer has no access_token/expires_in",
                status_code=response.status_code,
                method="POST",
                path=path,
            )
        refresh = parsed.get("refresh_token")
        return Token(
            access_token=parsed["access_token"],
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            token_type=str(parsed.get("token_type") or "bearer"),
            expires_at=self._clock() + timedelta(seconds=float(parsed["expires_in"])),
        )


def _json_or_text(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text


class Auth(Protocol):
    """What :class:`~connector.procore.client.ProcoreClient` asks of a grant."""

    def access_token(self, endpoint: TokenEndpoint) -> str:
        """A bearer token not expiring within the skew (fetching or refreshing one when needed)."""
        ...

    def refresh(self, endpoint: TokenEndpoint, rejected: str) -> str:
        """Procore answered 401 to ``rejected``: a new token (unless another caller already replaced it)."""
        ...


class _Grant(ABC):
    """Shared caching, locking and persist-before-use for both grants."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        store: TokenStore,
        *,
        client_auth: ClientAuthMethod,
        skew: timedelta,
    ) -> None:
        if client_auth not in ("basic", "form"):
            raise ValueError("client_auth must be 'basic' or 'form'")
        self.client_id = client_id
        self._client_secret = client_secret
        self.client_auth: ClientAuthMethod = client_auth
        self.store = store
        self.skew = skew
        self._token: Token | None = None
        # A token Procore issued that the store refused to save: kept so that a rotated refresh token is
        # not lost while this process lives, and saved again before it is ever used.
        self._unsaved: Token | None = None
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, client_auth={self.client_auth!r})"

    def access_token(self, endpoint: TokenEndpoint) -> str:
        with self._lock:
            self._save_pending()
            token = self._token
            if token is None or token.expires_within(endpoint.now(), self.skew):
                token = self._renew(endpoint, rejected=None)
            return token.access_token

    def refresh(self, endpoint: TokenEndpoint, rejected: str) -> str:
        with self._lock:
            self._save_pending()
            return self._renew(endpoint, rejected=rejected).access_token

    def _renew(self, endpoint: TokenEndpoint, rejected: str | None) -> Token:
        """The stored pair if it is newer and still good (another client rotated it), else a new token."""
        stored = self.store.load()
        if (
            stored is not None
            and stored.access_token != rejected
            and not stored.expires_within(endpoint.now(), self.skew)
        ):
            self._token = stored
            return stored
        token = self._fetch(endpoint, stored)
        self._keep(token)
        return token

    def _keep(self, token: Token) -> None:
        """Persist first; only a saved token is ever used."""
        self._unsaved = token
        self.store.save(token)
        self._unsaved = None
        self._token = token

    def _save_pending(self) -> None:
        if self._unsaved is not None:
            self._keep(self._unsaved)

    def _post(self, endpoint: TokenEndpoint, form: dict[str, str]) -> Token:
        return endpoint.grant(self.client_id, self._client_secret, self.client_auth, form)

    @abstractmethod
    def _fetch(self, endpoint: TokenEndpoint, stored: Token | None) -> Token:
        """Obtain a new token from Procore (``stored`` is the pair last saved, if any)."""


class ClientCredentialsAuth(_Grant):
    """The Developer Managed Service Account: ``grant_type=client_credentials``; a token close to expiry
    (or refused with a 401) is replaced by asking again. ``store`` defaults to memory."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        *,
        store: TokenStore | None = None,
        client_auth: ClientAuthMethod = "basic",
        skew: timedelta = DEFAULT_SKEW,
    ) -> None:
        super().__init__(
            client_id, client_secret, store or MemoryTokenStore(), client_auth=client_auth, skew=skew
        )

    def _fetch(self, endpoint: TokenEndpoint, stored: Token | None) -> Token:
        log.info("Procore: requesting a client-credentials token")
        return self._post(endpoint, {"grant_type": "client_credentials"})


class AuthorizationCodeAuth(_Grant):
    """A person's grant: :meth:`exchange_code` once, then rotating refresh tokens, each saved before use.

    With no token in ``store`` (never authorised) any call raises :class:`ProcoreAuthError`.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        store: TokenStore,
        *,
        redirect_uri: str = OOB_REDIRECT_URI,
        client_auth: ClientAuthMethod = "basic",
        skew: timedelta = DEFAULT_SKEW,
    ) -> None:
        super().__init__(client_id, client_secret, store, client_auth=client_auth, skew=skew)
        self.redirect_uri = redirect_uri

    def authorization_url(self, login_url: str, state: str | None = None) -> str:
        """Where a person signs in to authorise the connector (``GET {login_url}/oauth/authorize``)."""
        query = {"response_type": "code", "client_id": self.client_id, "redirect_uri": self.redirect_uri}
        if state is not None:
            query["state"] = state
        return f"{login_url.rstrip('/')}/oauth/authorize?{urlencode(query)}"

    def exchange_code(self, endpoint: TokenEndpoint, code: str) -> Token:
        """Trade a (single-use, 10-minute) authorization code for the first token pair and save it."""
        with self._lock:
            log.info("Procore: exchanging an authorization code for a token pair")
            token = self._post(
                endpoint,
                {"grant_type": "authorization_code", "code": code, "redirect_uri": self.redirect_uri},
            )
            self._keep(token)
            return token

    def _fetch(self, endpoint: TokenEndpoint, stored: Token | None) -> Token:
        current = stored or self._token
        if current is None or not current.refresh_token:
            raise ProcoreAuthError(f"No Procore token is stored for this connection; {REAUTHORISE}")
        log.info("Procore: refreshing the access token (the refresh token rotates)")
        try:
            return self._post(
                endpoint, {"grant_type": "refresh_token", "refresh_token": current.refresh_token}
            )
        except ProcoreAuthError as exc:
            if exc.oauth_error != "invalid_grant":
                raise
            # Another client on the same store (another process) may have refreshed between our read and
            # our call: both presented the same refresh token, Procore honoured the first, and its new pair
            # is in the store by now. Only when there is none is the grant really gone.
            latest = self.store.load()
            if (
                latest is None
                or latest.refresh_token == current.refresh_token
                or latest.expires_within(endpoint.now(), self.skew)
            ):
                raise
            log.info("Procore: the refresh token was already rotated by another client; using its pair")
            return latest
