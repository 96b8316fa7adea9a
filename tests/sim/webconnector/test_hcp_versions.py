"""QBWC's Host/Company/Preferences query is asked at a qbXML version the open file supports.

Evidence: the real Web Connector produced strHCPResponses for QuickBooks 2012 (qbXML ≤ 11.0) and older,
so it cannot ask at 13.0 regardless of the file; QBXMLRP2 tells it the session's versions
(QBXMLVersionsForSession) before any qbXML is sent.
"""

from __future__ import annotations

import pytest
from lxml import etree

from sim.asgi import asgi_client
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from sim.quickbooks_fake.schema import validate
from sim.webconnector import CompanyError, HttpCompany, Outcome
from sim.webconnector.hcp import hcp_version

QUERY = (
    '<?xml version="1.0"?><?qbxml version="{v}"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorQueryRq requestID="1"/></QBXMLMsgsRq></QBXML>'
)


def _declared_version(qbxml: str) -> str:
    return qbxml.split('<?qbxml version="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize(
    ("year", "version", "highest"),
    [(2010, "9.0", "9"), (2012, "11.0", "11"), (2013, "12.0", "12"), (2024, "13.0", "16")],
)
def test_an_old_company_file_opens(make_wc, script, year, version, highest):
    fake = CompanyFile.create(year=year)
    script.requests = [QUERY.format(v=version)]
    script.percents = [100]
    result = make_wc(company=fake).run_update()
    assert result.outcome is Outcome.COMPLETED, result.errors
    hcp = result.exchanges[0]
    assert hcp.hcp and _declared_version(hcp.request) == version
    response = etree.fromstring(hcp.response.encode())
    assert validate(response) == []
    assert all(rs.get("statusCode") == "0" for rs in response.find("QBXMLMsgsRs"))
    first = script.params("sendRequestXML")[0]
    assert first["strHCPResponse"] == hcp.response
    assert (first["qbXMLMajorVers"], first["qbXMLMinorVers"]) == (highest, "0")  # HostRet's highest


def test_the_configured_version_caps_the_hcp_version(make_wc, script):
    # a 2024 file supports 16.0; the emulator asks at the 13.0 it validates with (or what it is told)
    result = make_wc(company=CompanyFile.create(year=2024), qbxml_version="12.0").run_update()
    assert _declared_version(result.exchanges[0].request) == "12.0"
    assert script.params("sendRequestXML")[0]["qbXMLMajorVers"] == "16"


def test_versions_over_the_http_face():
    fake = CompanyFile.create(year=2012)
    with asgi_client(create_app(fake)) as client:
        link = HttpCompany("http://quickbooks.local", client=client)
        ticket = link.begin_session("app")
        assert link.qbxml_versions(ticket)[-2:] == ["10.0", "11.0"]
        link.end_session(ticket)
        with pytest.raises(CompanyError) as info:
            link.qbxml_versions(ticket)
    assert info.value.hresult == "0x8004040D"


def test_hcp_through_the_http_face_of_an_old_file(make_wc, script):
    fake = CompanyFile.create(year=2013)
    with asgi_client(create_app(fake)) as client:
        result = make_wc(company=HttpCompany("http://quickbooks.local", client=client)).run_update()
    assert result.outcome is Outcome.COMPLETED
    assert _declared_version(result.exchanges[0].request) == "12.0"


@pytest.mark.parametrize(
    ("supported", "highest", "expected"),
    [
        (["1.0", "2.0", "CA2.0", "10.0", "11.0"], "13.0", "11.0"),
        (["12.0", "13.0", "16.0", "2.0"], "13.0", "13.0"),
        (["14.0", "15.0"], "13.0", "13.0"),  # none at or below: ask anyway, QuickBooks refuses
        (["13.0", "bogus"], "13.0", "13.0"),
    ],
)
def test_hcp_version_choice(supported, highest, expected):
    assert hcp_version(supported, highest) == expected
