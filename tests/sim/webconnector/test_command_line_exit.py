"""`qbsim webconnector` (``python -m sim.webconnector``) for a shell or CI: the exit status says whether
the update completed, each item QuickBooks failed is one line with its code and message, ``--json`` is
for machines, and bad input is one line and exit 2 — never a traceback."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.http import create_app
from sim.webconnector.__main__ import cli

ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorAddRq requestID="7"><VendorAdd><Name>{name}</Name></VendorAdd></VendorAddRq>'
    "</QBXMLMsgsRq></QBXML>"
)


class Served:
    """An ASGI app on a real localhost port (bound before the thread starts: nothing waits)."""

    def __init__(self, app: object) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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


def _qwc(tmp_path: Path, qwc, service: Served) -> Path:
    path = tmp_path / "app.qwc"
    path.write_text(
        qwc(app_url=f"http://localhost:{service.port}/qbwc", support=f"http://localhost:{service.port}/")
    )
    return path


def test_a_completed_update_exits_0_and_each_failed_item_is_one_line(served, script, qwc, tmp_path) -> None:
    service, quickbooks, fake = served
    fake.ui.create_vendor("Summit Steel")
    script.requests = [ADD.format(name="Summit Steel")]
    path = _qwc(tmp_path, qwc, service)
    result = CliRunner().invoke(
        cli,
        [str(path), "--company", f"http://localhost:{quickbooks.port}"],
        env={"QBSIM_WEBCONNECTOR_PASSWORD": "pw"},
    )
    assert result.exit_code == 0, result.output
    failed = [line.strip() for line in result.output.splitlines() if line.strip().startswith("failed ")]
    assert failed == [
        'failed VendorAddRs (requestID 7): QuickBooks 3100: The name "Summit Steel" of the list element is '
        "already in use."
    ]


def test_json_for_machines(served, script, qwc, tmp_path) -> None:
    service, quickbooks, fake = served
    fake.ui.create_vendor("Summit Steel")
    script.requests = [ADD.format(name="Summit Steel")]
    path = _qwc(tmp_path, qwc, service)
    result = CliRunner().invoke(
        cli, [str(path), "--company", f"http://localhost:{quickbooks.port}", "--json", "--password", "pw"]
    )
    assert result.exit_code == 0, result.output
    [update] = json.loads(result.output)
    assert (update["outcome"], update["ok"]) == ("completed", True)
    assert update["failed_items"] == [
        {
            "response": "VendorAddRs",
            "request_id": "7",
            "code": "3100",
            "message": 'The name "Summit Steel" of the list element is already in use.',
        }
    ]
    assert update["operations"][:3] == ["serverVersion", "clientVersion", "authenticate"]


def test_an_update_that_did_not_complete_exits_1(served, script, qwc, tmp_path) -> None:
    service, quickbooks, _ = served
    script.auth = ["", "nvu"]
    path = _qwc(tmp_path, qwc, service)
    result = CliRunner().invoke(
        cli,
        [str(path), "--company", f"http://localhost:{quickbooks.port}", "--json"],
        env={"QBSIM_WEBCONNECTOR_PASSWORD": "wrong"},
    )
    assert result.exit_code == 1, result.output
    [update] = json.loads(result.output)
    assert (update["outcome"], update["ok"]) == ("auth_failed", False)
    assert update["errors"][0]["code"] == "QBWC1040"


def test_no_work_exits_0(served, script, qwc, tmp_path) -> None:
    service, quickbooks, _ = served
    script.auth = ["TICKET-1", "none"]
    path = _qwc(tmp_path, qwc, service)
    result = CliRunner().invoke(
        cli,
        [str(path), "--company", f"http://localhost:{quickbooks.port}"],
        env={"QBSIM_WEBCONNECTOR_PASSWORD": "pw"},
    )
    assert result.exit_code == 0, result.output
    assert "no_work — No data exchange required" in result.output


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(
    ("qwc_text", "company", "message"),
    [
        (None, "http://127.0.0.1:1", "error: {path}: no such .qwc file"),
        (
            "<QBWCXML><AppName>x</AppName>",
            "http://127.0.0.1:1",
            "error: {path}: the Web Connector refuses this file: ",
        ),
        (
            "<QBWCXML><AppName>Procore</AppName></QBWCXML>",
            "http://127.0.0.1:1",
            "error: {path}: the Web Connector refuses this file: ",
        ),
        (
            "GOOD",
            "127.0.0.1:8765",
            "error: --company '127.0.0.1:8765': give the company file's URL, e.g. http://127.0.0.1:8765",
        ),
        ("GOOD", "CLOSED", "error: cannot reach the company file at http://127.0.0.1:{port}: "),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, qwc, qwc_text, company, message) -> None:
    path = tmp_path / "app.qwc"
    if qwc_text == "GOOD":
        path.write_text(qwc(app_url="http://localhost:1/qbwc", support="http://localhost:1/"))
    elif qwc_text is not None:
        path.write_text(qwc_text)
    port = _closed_port()
    company = f"http://127.0.0.1:{port}" if company == "CLOSED" else company
    result = CliRunner().invoke(
        cli, [str(path), "--company", company], env={"QBSIM_WEBCONNECTOR_PASSWORD": "pw"}
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message.format(path=path, port=port)), lines
    assert "Traceback" not in result.output
