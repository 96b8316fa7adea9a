"""How the Web Connector reaches QuickBooks: one small interface, in-process or over the fake's HTTP face.

Real QBWC talks to QuickBooks through QBXMLRP2 (COM): ``OpenConnection2`` + ``BeginSession(path, mode)``,
``QBXMLVersionsForSession(ticket)``, ``ProcessRequest(ticket, qbXML)``, ``EndSession``. :class:`CompanyLink`
is that surface. Every HRESULT
QuickBooks raises arrives as :class:`~sim.webconnector.errors.CompanyError` whichever way the company
is reached.

* :class:`InProcessCompany` wraps a ``sim.quickbooks_fake.CompanyFile`` (or anything honouring its
  contract: ``begin_session``, ``end_session``, ``qbxml_versions_for_session``, ``process_request``,
  ``qbw_path``).
* :class:`HttpCompany` speaks the fake's HTTP face (``POST /qbxml``, ``/_sim/session/*``,
  ``GET /_sim/state``) with httpx; pass an ``httpx.Client`` of yours, or a ``transport`` (e.g.
  :class:`~sim.asgi.AsgiTransport` over the fake's ASGI app, to stay in-process without
  sockets) for a client the link owns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, runtime_checkable

import httpx

from sim.webconnector.errors import CompanyError

#: QuickBooks' text for the one HRESULT the emulator itself decides (STATUS-CODES.md, 0x8004040A).
FILE_MISMATCH_HRESULT = "0x8004040A"
FILE_MISMATCH_MESSAGE = (
    "QuickBooks company data file is already open and it is different from the one requested."
)


@runtime_checkable
class CompanyLink(Protocol):
    """QBXMLRP2 as the Web Connector uses it."""

    @property
    def qbw_path(self) -> str: ...

    def begin_session(self, app_name: str, mode: str = "DoNotCare", *, read_only: bool = False) -> str: ...

    def end_session(self, ticket: str) -> None: ...

    def qbxml_versions(self, ticket: str) -> list[str]:
        """QBXMLVersionsForSession: the qbXML versions the open file's QuickBooks accepts."""
        ...

    def process_request(self, qbxml: str, ticket: str | None = None) -> str: ...


def _as_company_error(exc: Exception) -> CompanyError | None:
    """The fake's ``QBXMLError`` (anything carrying string ``hresult`` and ``message``) → CompanyError.

    Matched by shape, not by class, so this package does not depend on where the fake defines it.
    """
    hresult = getattr(exc, "hresult", None)
    message = getattr(exc, "message", None)
    if isinstance(hresult, str) and isinstance(message, str):
        return CompanyError(hresult, message)
    return None


@contextmanager
def _hresults_as_company_errors() -> Iterator[None]:
    """Re-raise a QuickBooks HRESULT error as CompanyError; anything else propagates unchanged."""
    try:
        yield
    except Exception as exc:
        converted = _as_company_error(exc)
        if converted is None:
            raise
        raise converted from exc


class InProcessCompany:
    """A company file object in this process."""

    def __init__(self, company: Any) -> None:
        self._company = company

    @property
    def qbw_path(self) -> str:
        return str(self._company.qbw_path)

    def begin_session(self, app_name: str, mode: str = "DoNotCare", *, read_only: bool = False) -> str:
        with _hresults_as_company_errors():
            return str(self._company.begin_session(app_name, mode, read_only=read_only))

    def end_session(self, ticket: str) -> None:
        with _hresults_as_company_errors():
            self._company.end_session(ticket)

    def qbxml_versions(self, ticket: str) -> list[str]:
        with _hresults_as_company_errors():
            return [str(v) for v in self._company.qbxml_versions_for_session(ticket)]

    def process_request(self, qbxml: str, ticket: str | None = None) -> str:
        with _hresults_as_company_errors():
            return str(self._company.process_request(qbxml, ticket))


class CompanyHttpError(RuntimeError):
    """The fake's HTTP face answered something that is neither a response nor a QBXMLError."""


class HttpCompany:
    """The fake company file's HTTP face (another process, or its ASGI app in process).

    Only a 422 ``QBXMLError`` body is QuickBooks speaking; an unreachable face or any other status is a
    broken harness and raises (``httpx.HTTPError`` / :class:`CompanyHttpError`) out of ``run_update``
    rather than being dressed up as a QuickBooks HRESULT.
    """

    def __init__(
        self,
        base_url: str,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 60.0,
    ) -> None:
        """A ``client`` passed in stays the caller's; otherwise the link makes one, on ``transport`` if
        given (e.g. :class:`~sim.asgi.AsgiTransport`), and closes it in :meth:`close`."""
        if client is not None and transport is not None:
            raise TypeError("pass a client or a transport, not both")
        self._base = base_url.rstrip("/")
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client(transport=transport, timeout=timeout)
        self._qbw_path: str | None = None

    def _url(self, path: str) -> str:
        return f"{self._base}{path}"

    def close(self) -> None:
        """Close the HTTP client if this link created it (a client passed in belongs to the caller)."""
        if self._owns_client:
            self._client.close()

    @staticmethod
    def _raise_for(response: httpx.Response) -> None:
        if response.status_code == 422:
            try:
                body = response.json()
            except ValueError:
                body = None
            if isinstance(body, dict) and body.get("error") == "QBXMLError":
                raise CompanyError(str(body.get("hresult", "")), str(body.get("message", "")))
        if response.status_code >= 400:
            raise CompanyHttpError(
                f"HTTP {response.status_code} from {response.request.url}: {response.text[:500]}"
            )

    @property
    def qbw_path(self) -> str:
        if self._qbw_path is None:
            response = self._client.get(self._url("/_sim/state"))
            self._raise_for(response)
            self._qbw_path = _find_qbw_path(response.json())
        return self._qbw_path

    def begin_session(self, app_name: str, mode: str = "DoNotCare", *, read_only: bool = False) -> str:
        payload: dict[str, Any] = {"app_name": app_name, "mode": mode}
        if read_only:
            payload["read_only"] = True
        response = self._client.post(self._url("/_sim/session/begin"), json=payload)
        self._raise_for(response)
        return str(response.json()["ticket"])

    def end_session(self, ticket: str) -> None:
        response = self._client.post(self._url("/_sim/session/end"), json={"ticket": ticket})
        self._raise_for(response)

    def qbxml_versions(self, ticket: str) -> list[str]:
        response = self._client.get(self._url("/_sim/session/versions"), params={"ticket": ticket})
        self._raise_for(response)
        versions = response.json().get("versions")
        if not isinstance(versions, list):
            raise CompanyHttpError("GET /_sim/session/versions carries no versions list")
        return [str(v) for v in versions]

    def process_request(self, qbxml: str, ticket: str | None = None) -> str:
        params = {"ticket": ticket} if ticket else None
        response = self._client.post(
            self._url("/qbxml"),
            content=qbxml.encode("utf-8"),
            params=params,
            headers={"Content-Type": "text/xml; charset=utf-8"},
        )
        self._raise_for(response)
        return response.content.decode("utf-8")


def _find_qbw_path(state: Any) -> str:
    """The company file path in the fake's ``/_sim/state`` view (top level or under ``company``)."""
    if isinstance(state, dict):
        for holder in (state, state.get("company")):
            if isinstance(holder, dict):
                for key in ("qbw_path", "path", "company_file"):
                    value = holder.get(key)
                    if isinstance(value, str) and value:
                        return value
    raise CompanyHttpError("GET /_sim/state carries no company file path (qbw_path)")


def company_link(company: Any) -> CompanyLink:
    """A CompanyLink for a company file object, a base URL of its HTTP face, or a ready link."""
    if isinstance(company, str):
        return HttpCompany(company)
    if isinstance(company, (InProcessCompany, HttpCompany)):
        return company
    if all(hasattr(company, name) for name in ("begin_session", "end_session", "process_request")):
        return InProcessCompany(company)
    raise TypeError(f"cannot reach QuickBooks through {type(company).__name__}")
