"""Over real sockets: the SOAP service and the fake's HTTP face served by uvicorn, the emulator on httpx.

The listening sockets are bound before the server threads start, so no test waits on wall time.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from sim.server import BackgroundServer
from sim.webconnector import Outcome, WebConnector
from sim.webconnector.__main__ import cli

ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorAddRq requestID="1"><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>'
    "</QBXMLMsgsRq></QBXML>"
)


@pytest.fixture
def served(script, service_factory) -> Iterator[tuple[BackgroundServer, BackgroundServer, CompanyFile]]:
    fake = CompanyFile.create()
    service, quickbooks = BackgroundServer(service_factory(script)), BackgroundServer(create_app(fake))
    with service, quickbooks:
        yield service, quickbooks, fake


@pytest.mark.parametrize("raw", [False, True])
def test_update_over_real_http(served, script, qwc, raw):
    service, quickbooks, fake = served
    script.requests = [ADD.format(name=f"Real HTTP {raw}")]
    text = qwc(app_url=f"http://localhost:{service.port}/qbwc", support=f"http://localhost:{service.port}/")
    with WebConnector(text, "pw", f"http://localhost:{quickbooks.port}", raw_envelopes=raw) as wc:
        result = wc.run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.company_file == fake.qbw_path
    assert any(v["Name"] == f"Real HTTP {raw}" for v in fake.list_records("Vendor"))
    assert result.calls[0].request_envelope and result.calls[0].response_envelope


def test_command_line(served, script, qwc, tmp_path):
    service, quickbooks, _ = served
    path = tmp_path / "app.qwc"
    path.write_text(
        qwc(app_url=f"http://localhost:{service.port}/qbwc", support=f"http://localhost:{service.port}/")
    )
    outcome = CliRunner().invoke(
        cli,
        [str(path), "--password", "pw", "--company", f"http://localhost:{quickbooks.port}", "--raw", "--log"],
    )
    assert outcome.exit_code == 0, outcome.output
    assert "Procore QBD Connector: completed — OK" in outcome.output
    assert "  authenticate() -> ['TICKET-1', '']" in outcome.output
    assert 'Received from closeConnection() following parameter:<closeConnectionRet="OK">' in outcome.output
