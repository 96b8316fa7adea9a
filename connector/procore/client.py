"""The connector's synchronous Procore REST client (httpx).

Every call carries ``Authorization: Bearer``, ``Procore-Company-Id`` (Procore requires it on every call
but two, and a service account must send it even there), ``Accept: application/json`` and a timeout. JSON
goes in and out. Throttling (429, 503) and transport failures are retried by
:class:`~connector.procore.retry.Retrier`; a 401 gets exactly one token refresh and one retry; every other
error answer becomes the named exception of :mod:`connector.procore.errors`.

Which calls are idempotent (retried after a timeout, a dropped connection or a 500/502/504): GET, HEAD,
OPTIONS, PUT and DELETE, and Procore's ``PATCH …/sync`` actions — upserts keyed by ``id``, else
``origin_id`` (api-conventions.json "sync_actions"), so sending the same batch twice leaves the same state,
provided each update names its record (the connector's always do: a sync update with neither key creates).
Any call may pass ``idempotent=`` to say otherwise. POST creates and is not retried after the request may
have reached Procore.

Thread safety: one client may be shared by threads (httpx.Client is thread safe; token renewal is locked).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import httpx

from connector.procore.auth import Auth, AuthorizationCodeAuth, Token, TokenEndpoint
from connector.procore.errors import ProcoreAuthError, ProcoreError, error_for, procore_text
from connector.procore.retry import Retrier, RetryPolicy, server_wait

__all__ = ["DEFAULT_PER_PAGE", "ProcoreClient", "is_idempotent"]

log = logging.getLogger("connector.procore")

COMPANY_HEADER = "Procore-Company-Id"
USER_AGENT = "qbsim-connector/0.1 (+httpx)"
DEFAULT_TIMEOUT = 30.0
DEFAULT_PER_PAGE = 100
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
Params = Mapping[str, Any] | None


def _utc_now() -> datetime:
    return datetime.now(UTC)


def is_idempotent(method: str, path: str) -> bool:
    """Safe to send twice: idempotent methods, and ``PATCH …/sync`` (Procore's upserting sync actions)."""
    method = method.upper()
    return method in IDEMPOTENT_METHODS or (method == "PATCH" and path.rstrip("/").endswith("/sync"))


class ProcoreClient:
    """Procore's REST API for one company.

    ``base_url`` is the API host (``https://api.procore.com``, or the fake's root); ``login_url`` the OAuth
    host (``https://login.procore.com``), defaulting to ``base_url``. ``transport`` replaces the network
    (``httpx.MockTransport``, an in-process ASGI transport); the client closes it on :meth:`close`.
    ``clock``, ``sleep`` and ``rng`` are injectable so tests neither sleep nor depend on chance.
    """

    def __init__(
        self,
        base_url: str,
        company_id: int,
        auth: Auth,
        *,
        login_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        clock: Callable[[], datetime] = _utc_now,
        sleep: Callable[[float], None] = time.sleep,
        max_retries: int = RetryPolicy.max_retries,
        max_total_wait: float = RetryPolicy.max_total_wait,
        rng: random.Random | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.login_url = (login_url or base_url).rstrip("/")
        self.company_id = int(company_id)
        self.auth = auth
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self._http = httpx.Client(
            transport=transport,
            timeout=self.timeout,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
        )
        self.retrier = Retrier(
            RetryPolicy(max_retries=max_retries, max_total_wait=max_total_wait),
            sleep=sleep,
            clock=clock,
            rng=rng if rng is not None else random.Random(),
        )
        self._clock = clock
        self.token_endpoint = TokenEndpoint(
            self._http, f"{self.login_url}/oauth/token", self.retrier, clock, self.timeout
        )
        self._origin = httpx.URL(self.base_url)

    def __repr__(self) -> str:
        return f"ProcoreClient({self.base_url!r}, company_id={self.company_id})"

    # -- lifecycle -----------------------------------------------------------------------------------------
    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ProcoreClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- OAuth ---------------------------------------------------------------------------------------------
    def authorize(self, code: str) -> Token:
        """Exchange an authorization code (authorization-code grant only) and save the first token pair."""
        if not isinstance(self.auth, AuthorizationCodeAuth):
            raise TypeError("authorize(code) needs an AuthorizationCodeAuth")
        return self.auth.exchange_code(self.token_endpoint, code)

    # -- calls ---------------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> Any:
        """One call; the decoded JSON answer (None for an empty body), or a named ProcoreError."""
        return _decode(self.send(method, path, params=params, json=json, idempotent=idempotent))

    def get(self, path: str, params: Params = None) -> Any:
        return self.request("GET", path, params=params)

    def post(self, path: str, json: Any = None, *, idempotent: bool | None = None) -> Any:
        return self.request("POST", path, json=json, idempotent=idempotent)

    def patch(self, path: str, json: Any = None, *, idempotent: bool | None = None) -> Any:
        return self.request("PATCH", path, json=json, idempotent=idempotent)

    def put(self, path: str, json: Any = None) -> Any:
        return self.request("PUT", path, json=json)

    def delete(self, path: str, params: Params = None) -> Any:
        return self.request("DELETE", path, params=params)

    def get_all(self, path: str, params: Params = None, *, per_page: int = DEFAULT_PER_PAGE) -> list[Any]:
        """Every element of a paginated list: follows ``Link: <…>; rel="next"`` (absolute, as Procore
        sends it), else ``page``+1 while fewer than ``Total`` items came back; stops on an empty page."""
        base_params = {"per_page": per_page, **dict(params or {})}
        items: list[Any] = []
        url: str = path
        query: dict[str, Any] | None = dict(base_params)
        page = int(base_params.get("page", 1))
        seen: set[str] = set()
        while True:
            response = self.send("GET", url, params=query)
            data = _decode(response)
            if not isinstance(data, list):
                raise ProcoreError(
                    f"Procore GET {response.request.url.path} answered {type(data).__name__}, "
                    "expected a JSON array (a list endpoint)",
                    status_code=response.status_code,
                    method="GET",
                    path=response.request.url.path,
                    body=data,
                )
            items.extend(data)
            if not data:
                return items
            nxt = response.links.get("next", {}).get("url")
            if nxt:
                if nxt in seen:
                    raise ProcoreError(f"Procore's Link rel=next repeats a page already read: {nxt}")
                seen.add(nxt)
                # The absolute URL is followed verbatim (its query is the whole query: httpx would replace
                # it with any params given).
                url, query = nxt, None
                continue
            total = response.headers.get("Total")
            if total is not None and total.isdigit() and len(items) < int(total):
                page += 1
                url, query = path, {**base_params, "page": page}
                continue
            return items

    def send(
        self,
        method: str,
        path: str,
        *,
        params: Params = None,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """The successful ``httpx.Response`` (headers included), or a named ProcoreError."""
        method = method.upper()
        url = self._url(path)
        where = httpx.URL(url).path
        safe = is_idempotent(method, where) if idempotent is None else idempotent
        token = self.auth.access_token(self.token_endpoint)
        response = self._attempt(method, url, params, json, token, safe, where)
        if response.status_code == 401:
            log.warning(
                "Procore %s %s answered 401 (%s); refreshing the token and retrying once",
                method,
                where,
                procore_text(_body(response)),
            )
            response.close()
            token = self.auth.refresh(self.token_endpoint, rejected=token)
            response = self._attempt(method, url, params, json, token, safe, where)
            if response.status_code == 401:
                body = _body(response)
                log.error("Procore %s %s answered 401 again after a token refresh", method, where)
                raise ProcoreAuthError(
                    f"Procore {method} {where} answered 401 again after a token refresh "
                    f"({procore_text(body)}); the connector must be re-authorised with Procore",
                    status_code=401,
                    method=method,
                    path=where,
                    body=body,
                )
        if response.is_success:
            return response
        raise self._error(method, where, response)

    # -- internals -----------------------------------------------------------------------------------------
    def _url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            target = httpx.URL(path)
            # A Link header naming another host must not receive our bearer token.
            if (target.scheme, target.host, target.port) != (
                self._origin.scheme,
                self._origin.host,
                self._origin.port,
            ):
                raise ProcoreError(f"Refusing to send a Procore token to another host: {target.host}")
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _attempt(
        self, method: str, url: str, params: Params, json: Any, token: str, safe: bool, where: str
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}", COMPANY_HEADER: str(self.company_id)}
        return self.retrier.run(
            lambda: self._http.request(
                method, url, params=params, json=json, headers=headers, timeout=self.timeout
            ),
            method=method,
            path=where,
            idempotent=safe,
        )

    def _error(self, method: str, where: str, response: httpx.Response) -> ProcoreError:
        status = response.status_code
        retry_after = server_wait(response, self._clock()) if status in (429, 503) else None
        error = error_for(status, method=method, path=where, body=_body(response), retry_after=retry_after)
        log.log(logging.ERROR if status == 429 or status >= 500 else logging.WARNING, "%s", error.message)
        return error


def _body(response: httpx.Response) -> Any:
    response.read()
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def _decode(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError as exc:
        raise ProcoreError(
            f"Procore answered a body that is not JSON ({response.headers.get('content-type', 'no type')})",
            status_code=response.status_code,
            method=response.request.method,
            path=response.request.url.path,
            body=response.text,
        ) from exc
