"""Fixtures: a fresh in-memory company, a runner that validates every response, an HTTP client."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest
from lxml import etree

from sim.asgi import asgi_client
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from tests.sim.quickbooks_fake.helpers import check, request
from tests.sim.quickbooks_fake.helpers.served import ServedCompanies, server_mode

Runner = Callable[..., etree._Element]
_original_process_request = CompanyFile.process_request


@pytest.fixture(scope="session")
def served_companies() -> Iterator[ServedCompanies | None]:
    """In server mode (``QBSIM_TEST_SERVER_MODE=true``), the one uvicorn server every company file's
    requests go through; None in process."""
    if not server_mode():
        yield None
        return
    served = ServedCompanies(_original_process_request)
    yield served
    served.close()


@pytest.fixture(autouse=True)
def validate_every_response(monkeypatch: pytest.MonkeyPatch,
                            served_companies: ServedCompanies | None) -> Iterator[None]:
    """Every qbXML response any test produces (in-process or over HTTP) is checked against the 13.0 XSD;
    in server mode every request a test makes goes through the HTTP face first (helpers/served.py)."""

    def checked(self: CompanyFile, qbxml: str | bytes, ticket: str | None = None) -> str:
        if served_companies is None:
            text = _original_process_request(self, qbxml, ticket=ticket)
        else:
            text = served_companies.process_request(self, qbxml, ticket=ticket)
        check(text)
        return text

    monkeypatch.setattr(CompanyFile, "process_request", checked)
    yield
    if served_companies is not None:
        served_companies.forget()


@pytest.fixture
def company() -> CompanyFile:
    return CompanyFile.create()


@pytest.fixture
def run(company: CompanyFile) -> Runner:
    """run(body, version=…, on_error=…, ticket=…) → validated response root."""

    def _run(body: str, version: str = "13.0", on_error: str = "stopOnError", ticket: str | None = None,
             target: CompanyFile | None = None) -> etree._Element:
        text = (target or company).process_request(request(body, version, on_error), ticket=ticket)
        return check(text)

    return _run


@pytest.fixture
def client(company: CompanyFile) -> Iterator[httpx.Client]:
    with asgi_client(create_app(company)) as http:
        yield http


@pytest.fixture
def http_run(client: httpx.Client) -> Runner:
    """Same as ``run`` but through POST /qbxml."""

    def _run(body: str, version: str = "13.0", on_error: str = "stopOnError",
             ticket: str | None = None) -> etree._Element:
        params = {"ticket": ticket} if ticket else None
        resp = client.post("/qbxml", content=request(body, version, on_error).encode(),
                           headers={"Content-Type": "text/xml"}, params=params)
        assert resp.status_code == 200, resp.text
        assert resp.headers["content-type"].startswith("text/xml")
        return check(resp.text)

    return _run
