"""Reaching the company file over the fake's HTTP face (POST /qbxml, /_sim/session/*, GET /_sim/state)."""

from __future__ import annotations

import httpx
import pytest

from sim.asgi import AsgiTransport, asgi_client
from sim.webconnector import CompanyError, HttpCompany, Outcome

VENDOR_QUERY = (
    '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorQueryRq requestID="1"/></QBXMLMsgsRq></QBXML>'
)


@pytest.fixture
def http_company(company, company_http_factory):
    client = asgi_client(company_http_factory(company))
    yield HttpCompany("http://fake-qb.local", client=client)
    client.close()


def test_full_update_through_the_http_face(make_wc, script, company, http_company):
    script.requests = [VENDOR_QUERY]
    result = make_wc(company=http_company).run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.company_file == company.qbw_path
    assert company.processed == [VENDOR_QUERY]
    assert script.params("receiveResponseXML")[0]["response"].startswith('<?xml version="1.0" ?>\n<QBXML>')
    assert company.open_tickets == set()


def test_session_hresult_over_http_reaches_connection_error(make_wc, script, company, http_company):
    company.session_faults = ["0x80040408"]
    result = make_wc(company=http_company).run_update()
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert script.params("connectionError")[0]["hresult"] == "0x80040408"
    assert script.params("connectionError")[0]["message"] == "Could not start QuickBooks."


def test_parse_error_over_http_is_a_company_error(http_company):
    ticket = http_company.begin_session("app")
    with pytest.raises(CompanyError) as info:
        http_company.process_request("<QBXML>", ticket)
    assert (info.value.hresult, info.value.message) == (
        "0x80040400",
        "QuickBooks found an error when parsing the provided XML text stream.",
    )


def test_unexpected_http_error_is_not_mistaken_for_quickbooks():
    from sim.webconnector.company_link import CompanyHttpError

    client = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(502, text="bad gateway"))
    )
    link = HttpCompany("http://fake-qb.local", client=client)
    with pytest.raises(CompanyHttpError, match="HTTP 502"):
        link.begin_session("app")


def test_state_without_a_path_is_reported():
    from sim.webconnector.company_link import CompanyHttpError

    client = httpx.Client(
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json={"lists": {}}))
    )
    with pytest.raises(CompanyHttpError, match="no company file path"):
        _ = HttpCompany("http://fake-qb.local", client=client).qbw_path


def test_an_http_company_link_owns_a_transport_it_was_given(company, company_http_factory):
    transport = AsgiTransport(company_http_factory(company))
    link = HttpCompany("http://quickbooks.local", transport=transport)
    assert link.qbw_path == company.qbw_path
    link.close()
    with pytest.raises(RuntimeError, match="^AsgiTransport is closed$"):
        transport.handle_request(httpx.Request("GET", "http://quickbooks.local/_sim/state"))


def test_an_http_company_link_takes_a_client_or_a_transport_not_both():
    answer = httpx.MockTransport(lambda request: httpx.Response(200))
    with httpx.Client(transport=answer) as client, pytest.raises(TypeError) as info:
        HttpCompany("http://quickbooks.local", client=client, transport=answer)
    assert str(info.value) == "pass a client or a transport, not both"
