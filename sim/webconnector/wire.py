"""The HTTP leg between the Web Connector and the web service, with every envelope recorded.

``transport`` (as given to :class:`~sim.webconnector.WebConnector`) may be:

* ``None`` — real HTTP(S) to the .qwc AppURL with httpx;
* an ``httpx.Client`` — used as is (e.g. one on :class:`~sim.asgi.AsgiTransport` you manage
  yourself);
* an ASGI application (e.g. the connector's ``connector.app:app``) — called in-process through
  :class:`~sim.asgi.AsgiTransport`, no sockets. An exception escaping the app is answered
  ``500 Internal Server Error``, as a server in front of it would. Lifespan events are not run (none of
  our apps has any). :meth:`Wire.close` (or ``WebConnector.close``) releases it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from sim.asgi import AsgiTransport

DEFAULT_TIMEOUT = 120.0
#: Replies bigger than this are refused before parsing. QBWC itself has no documented cap; 64 MiB is
#: far above any qbXML request a connector should send in one sendRequestXML.
MAX_REPLY_BYTES = 64 * 1024 * 1024


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
        # A client the caller passes in stays the caller's to close (it may serve several Web Connectors).
        self._owns_client = not isinstance(transport, httpx.Client)
        if transport is None:
            self.client: httpx.Client = httpx.Client(timeout=timeout)
        elif isinstance(transport, httpx.Client):
            self.client = transport
        elif callable(transport):
            self.client = httpx.Client(
                transport=AsgiTransport(transport, raise_app_exceptions=False), timeout=timeout
            )
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
        """Close the HTTP client if this wire made it."""
        if self._owns_client:
            self.client.close()
