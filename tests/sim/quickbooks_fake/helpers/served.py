"""The QuickBooks fake's suite once more through its HTTP face, as moto's ``TEST_SERVER_MODE`` does.

With ``QBSIM_TEST_SERVER_MODE=true`` every ``CompanyFile.process_request`` a test makes travels as
``POST /qbxml`` to uvicorn on a free port, where the HTTP face of that same company file
(``sim.quickbooks_fake.http.create_app(company)``) answers it; a ``422`` answer comes back as the
:class:`QBXMLError` it carries (HRESULT, QuickBooks' message, the fake's reason). The test keeps its
in-process view of the file (``company.store``, ``company.ui``), so its assertions stay as they are
while every qbXML byte crosses a real socket: body reading and its size cap, the thread pool, the error
mapping, the response's media type.

One server serves the whole session: each company file's app is registered under a token that the
client sends in :data:`HEADER`, and forgotten when the test ends. A test that checks what cannot cross
the wire (the Python class of an exception) is marked :func:`in_process_only`.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx
import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from sim.quickbooks_fake.http import create_app
from sim.server import BackgroundServer

ENV = "QBSIM_TEST_SERVER_MODE"
HEADER = "x-qbsim-company"

Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Process = Callable[..., str]  # CompanyFile.process_request, unbound

def server_mode() -> bool:
    """True when the suite should reach every company file through its HTTP face."""
    return os.environ.get(ENV, "").strip().lower() in {"1", "true", "yes"}


def in_process_only(reason: str) -> pytest.MarkDecorator:
    """Skip a test in server mode: it checks what does not cross the wire (a Python exception's class)."""
    return pytest.mark.skipif(server_mode(), reason=f"in process only: {reason}")


class _InProcess:
    """The company file as its served app sees it: ``process_request`` is the fake's own (not a test's
    wrapper, which would send it back over HTTP), every other attribute is the file's."""

    def __init__(self, company: CompanyFile, process: Process) -> None:
        self.company = company
        self._process = process

    def process_request(self, qbxml: str | bytes, ticket: str | None = None) -> str:
        return self._process(self.company, qbxml, ticket=ticket)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.company, name)


class ServedCompanies:
    """uvicorn on 127.0.0.1:<free port> in a thread, answering for every registered company file."""

    def __init__(self, process: Process) -> None:
        self._process = process
        self._apps: dict[str, Any] = {}
        self._server = BackgroundServer(self).start()
        self._http = httpx.Client(base_url=self._server.url, timeout=120.0)

    @property
    def url(self) -> str:
        return self._server.url

    async def __call__(self, scope: Message, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        token = dict(scope.get("headers") or []).get(HEADER.encode(), b"").decode()
        app = self._apps.get(token)
        if app is None:
            await send({"type": "http.response.start", "status": 404, "headers": []})
            await send({"type": "http.response.body", "body": f"no company file {token!r}".encode()})
            return
        await app(scope, receive, send)

    def _token(self, company: CompanyFile) -> str:
        token = str(id(company))
        app = self._apps.get(token)
        if app is None or app.state.company.company is not company:
            self._apps[token] = create_app(_InProcess(company, self._process))  # type: ignore[arg-type]
        return token

    def process_request(self, company: CompanyFile, qbxml: str | bytes, ticket: str | None = None) -> str:
        """QBXMLRP2 ProcessRequest over ``POST /qbxml``; a 422 is raised as its QBXMLError."""
        body = qbxml.encode("utf-8") if isinstance(qbxml, str) else qbxml
        resp = self._http.post(
            "/qbxml",
            content=body,
            params={"ticket": ticket} if ticket is not None else None,
            headers={"Content-Type": "text/xml", HEADER: self._token(company)},
        )
        if resp.status_code == 200:
            assert resp.headers["content-type"].startswith("text/xml"), resp.headers
            return resp.text
        assert resp.status_code == 422, f"HTTP {resp.status_code}: {resp.text}"
        error = resp.json()
        assert error["error"] == "QBXMLError", error
        detail = "" if error["reason"] == error["message"] else error["reason"]  # to_dict()'s inverse
        raise QBXMLError(error["hresult"], error["message"], detail=detail)

    def forget(self) -> None:
        """Drop every registered company file (the end of a test)."""
        self._apps.clear()

    def close(self) -> None:
        self._http.close()
        self._server.stop()
