"""This suite's server mode (helpers/served.py) really crosses a socket and maps errors back faithfully."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from tests.sim.quickbooks_fake.helpers import check, request, rs, status
from tests.sim.quickbooks_fake.helpers.served import HEADER, ServedCompanies

_process = CompanyFile.__dict__["process_request"]  # the fake's own, whatever a fixture patched since


@pytest.fixture
def served() -> Iterator[ServedCompanies]:
    companies = ServedCompanies(_process)
    yield companies
    companies.close()


def test_requests_go_over_http_to_the_company_files_own_app(served: ServedCompanies) -> None:
    company = CompanyFile.create(company_name="Served Co")
    root = check(served.process_request(company, request('<HostQueryRq requestID="1"/>')))
    assert status(rs(root))[0] == "0"
    assert served.url.startswith("http://127.0.0.1:") and not served.url.endswith(":0")
    # the same token answers a plain HTTP client on that port: a real server, not an in-process call
    served.process_request(company, request("<CompanyQueryRq/>"))
    token = str(id(company))
    direct = httpx.post(f"{served.url}/qbxml", content=request("<CompanyQueryRq/>").encode(),
                        headers={"Content-Type": "text/xml", HEADER: token})
    assert direct.status_code == 200 and "<CompanyName>Served Co</CompanyName>" in direct.text


def test_a_422_comes_back_as_its_qbxml_error(served: ServedCompanies) -> None:
    company = CompanyFile.create()
    with pytest.raises(QBXMLError) as info:
        served.process_request(company, "<garbage")
    assert info.value.hresult == "0x80040400"
    assert info.value.message == "QuickBooks found an error when parsing the provided XML text stream."
    assert info.value.detail.startswith("not well-formed")


def test_an_unknown_token_is_404_and_a_forgotten_file_is_served_afresh(served: ServedCompanies) -> None:
    company = CompanyFile.create()
    resp = httpx.post(f"{served.url}/qbxml", content=b"<x/>", headers={HEADER: "nobody"})
    assert (resp.status_code, resp.text) == (404, "no company file 'nobody'")
    served.forget()
    assert status(rs(check(served.process_request(company, request("<HostQueryRq/>")))))[0] == "0"
