"""The HTTP leg between the Web Connector and the web service, with every envelope recorded.

``transport`` (as given to :class:`~sim.webconnector.WebConnector`) may be:

* ``None`` — real HTTP(S) to the .qwc AppURL with httpx;
* an ``httpx.Client`` — used as is (e.g. a starlette ``TestClient`` you manage yourself);
* an ASGI application (e.g. the connector's ``connector.app:app``) — called in-process through
  starlette's ``TestClient``, no sockets. Its lifespan runs as a real server's would; call
  :meth:`Wire.close` (or ``WebConnector.close``) to end it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_TIMEOUT = 120.0


@dataclass
class Exchange:
    """One HTTP POST as it crossed the wire."""

    url: str
    request_headers: dict[str, str]
    request_body: bytes
    status: int | None = None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: bytes = b""
    transport_error: str | None = None


class Wire:
    """Posts envelopes and remembers the last exchange (for :class:`~sim.webconnector.result.CallRecord`)."""

    def __init__(self, transport: Any = None, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._entered = False
        if transport is None:
            self.client: httpx.Client = httpx.Client(timeout=timeout)
        elif isinstance(transport, httpx.Client):
            self.client = transport
        elif callable(transport):
            from starlette.testclient import TestClient

            test_client = TestClient(transport, raise_server_exceptions=False)
            test_client.__enter__()
            self._entered = True
            self.client = test_client
        else:
            raise TypeError(
                f"transport must be None, an httpx.Client or an ASGI app, not {type(transport).__name__}"
            )
        self.last: Exchange | None = None

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        """POST ``body``; transport failures propagate as ``httpx.HTTPError`` after being recorded."""
        exchange = Exchange(url=url, request_headers=dict(headers), request_body=body)
        self.last = exchange
        try:
            response = self.client.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            exchange.transport_error = f"{type(exc).__name__}: {exc}"
            raise
        exchange.status = response.status_code
        exchange.response_headers = dict(response.headers)
        exchange.response_body = response.content
        return response

    def close(self) -> None:
        if self._entered:
            self.client.__exit__(None, None, None)
            self._entered = False
        self.client.close()
