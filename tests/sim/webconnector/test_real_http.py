"""Over real sockets: the SOAP service and the fake's HTTP face served by uvicorn, the emulator on httpx.

The listening sockets are bound before the server threads start, so no test waits on wall time.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import uvicorn
from typer.testing import CliRunner

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from sim.webconnector import Outcome, WebConnector
from sim.webconnector.__main__ import cli

ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorAddRq requestID="1"><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>'
    "</QBXMLMsgsRq></QBXML>"
)


class Served:
    """An ASGI app on a real localhost port, in a thread."""

    def __init__(self, app: object) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()


@pytest.fixture
def served(script, service_factory) -> Iterator[tuple[Served, Served, CompanyFile]]:
    fake = CompanyFile.create()
    service, quickbooks = Served(service_factory(script)), Served(create_app(fake))
    yield service, quickbooks, fake
    service.stop()
    quickbooks.stop()


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
