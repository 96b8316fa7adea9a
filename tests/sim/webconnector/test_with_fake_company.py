"""The emulator against the real fake company file (sim.quickbooks_fake), in-process and over HTTP."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest
from lxml import etree

from sim.asgi import asgi_client
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from sim.quickbooks_fake.schema import validate
from sim.webconnector import HttpCompany, Outcome
from sim.webconnector.hcp import hcp_request

SERVICE_ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<ItemServiceAddRq requestID="{n}"><ItemServiceAdd><Name>{name}</Name>'
    "<SalesOrPurchase><Desc>{name}</Desc>"
    "<Price>0.00</Price><AccountRef><FullName>Job Expenses</FullName></AccountRef></SalesOrPurchase>"
    "</ItemServiceAdd></ItemServiceAddRq></QBXMLMsgsRq></QBXML>"
)


@pytest.fixture
def fake():
    return CompanyFile.create()


def test_hcp_request_is_schema_valid():
    doc = etree.fromstring(hcp_request("{57F3B9B6-86F1-4FCD-B1EF-166DE1813D20}").encode())
    assert validate(doc) == []


def test_update_against_the_fake(make_wc, script, fake):
    script.requests = [SERVICE_ADD.format(n=1, name="01-100"), SERVICE_ADD.format(n=2, name="01-200")]
    result = make_wc(company=fake).run_update()
    assert result.outcome is Outcome.COMPLETED
    first_send = script.params("sendRequestXML")[0]
    assert first_send["strCompanyFileName"] == fake.qbw_path
    assert (first_send["qbXMLCountry"], first_send["qbXMLMajorVers"], first_send["qbXMLMinorVers"]) == (
        "US",
        "16",
        "0",
    )
    hcp = etree.fromstring(first_send["strHCPResponse"].encode())
    assert [rs.tag for rs in hcp.find("QBXMLMsgsRs")] == [
        "HostQueryRs",
        "CompanyQueryRs",
        "PreferencesQueryRs",
    ]
    assert all(rs.get("statusCode") == "0" for rs in hcp.find("QBXMLMsgsRs"))
    for received in script.params("receiveResponseXML"):
        response = etree.fromstring(received["response"].encode())
        assert response.find("QBXMLMsgsRs/ItemServiceAddRs").get("statusMessage") == "Status OK"
    assert sorted(r["Name"] for r in fake.list_records("ItemService") if r["Name"].startswith("01-")) == [
        "01-100",
        "01-200",
    ]
    assert fake.state()["sessions"] == []


def test_duplicate_name_status_reaches_the_service(make_wc, script, fake):
    fake.ui.create_service_item("01-100")
    script.requests = [SERVICE_ADD.format(n=1, name="01-100")]
    make_wc(company=fake).run_update()
    rs = etree.fromstring(script.params("receiveResponseXML")[0]["response"].encode()).find(
        "QBXMLMsgsRs/ItemServiceAddRs"
    )
    assert rs.get("statusCode") == "3100"


def test_schema_error_from_the_fake_is_0x80040400(make_wc, script, fake):
    script.requests = [SERVICE_ADD.format(n=1, name="x").replace("<Name>x</Name>", "<Bogus>x</Bogus>")]
    make_wc(company=fake).run_update()
    received = script.params("receiveResponseXML")[0]
    assert (received["response"], received["hresult"], received["message"]) == (
        "",
        "0x80040400",
        "QuickBooks found an error when parsing the provided XML text stream.",
    )


@pytest.mark.parametrize(
    ("action", "hresult"),
    [
        ("open_modal_dialog", "0x80040414"),
        ("make_unstartable", "0x80040408"),
        ("open_other_company", "0x8004040A"),
    ],
)
def test_quickbooks_state_becomes_connection_error(make_wc, script, fake, action, hresult):
    getattr(fake.ui, action)()
    result = make_wc(company=fake).run_update()
    assert result.outcome is Outcome.CONNECTION_FAILED
    sent = script.params("connectionError")[0]
    assert sent["hresult"] == hresult
    assert sent["message"] == result.errors[0].message
    assert result.errors[0].code == hresult


def test_through_the_fakes_http_face(make_wc, script, fake):
    script.requests = [SERVICE_ADD.format(n=1, name="02-300")]
    with asgi_client(create_app(fake)) as client:
        link = HttpCompany("http://quickbooks.local", client=client)
        result = make_wc(company=link, raw_envelopes=True).run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.company_file == fake.qbw_path
    assert any(r["Name"] == "02-300" for r in fake.list_records("ItemService"))


def test_one_clock_for_the_web_connector_and_quickbooks(make_wc, script):
    fake = CompanyFile.create()
    script.requests = ["NoOp", SERVICE_ADD.format(n=1, name="03-100")]
    script.last_error = ["NoOp"]
    script.percents = [100]
    before = fake.clock.now()
    wc = make_wc(company=fake, clock=fake.clock)
    result = wc.run_update()
    assert fake.clock.now() - before == timedelta(seconds=5)  # the NoOp pause moved QuickBooks' clock
    created = next(r for r in fake.list_records("ItemService") if r["Name"] == "03-100")["TimeCreated"]
    assert created == fake.clock.now().replace(microsecond=0).isoformat()
    assert result.log[0].startswith(before.astimezone(UTC).strftime("%Y%m%d.%H:%M:%S UTC"))


def test_write_log(make_wc, tmp_path):
    wc = make_wc()
    wc.run_update()
    wc.run_update()
    text = wc.write_log(tmp_path / "QWCLog.txt").read_text()
    assert text.count("UpdateLock has been set to True") == 2
    assert text == "".join(line + "\n" for line in wc.log)  # qbXML inside a line keeps its newlines
