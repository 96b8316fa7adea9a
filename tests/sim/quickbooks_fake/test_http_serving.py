"""Serving a company file by path: the factory, the env factory and the CLI command."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sim.asgi import asgi_client
from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.cli import app as cli_app
from sim.quickbooks_fake.http import create_app_for_path, create_app_from_env
from tests.sim.quickbooks_fake.helpers import check, request, rs, status


def test_create_app_for_path_creates_then_reopens(tmp_path: Path) -> None:
    path = tmp_path / "served.qbsim"
    with asgi_client(create_app_for_path(path, country="CA", year=2023)) as client:
        add = request("<VendorAddRq><VendorAdd><Name>Served</Name></VendorAdd></VendorAddRq>")
        assert status(rs(check(client.post("/qbxml", content=add.encode()).text)))[0] == "0"
    assert path.exists()
    with asgi_client(create_app_for_path(path)) as again:
        state = again.get("/_sim/state").json()
    assert state["edition"]["country"] == "CA"
    assert state["counts"]["Vendor"] == 1
    assert CompanyFile.open(path).list_records("Vendor")[0]["Name"] == "Served"


def test_env_factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QBSIM_COMPANY_FILE", raising=False)
    with pytest.raises(RuntimeError):
        create_app_from_env()
    monkeypatch.setenv("QBSIM_COMPANY_FILE", str(tmp_path / "env.qbsim"))
    with asgi_client(create_app_from_env()) as client:
        assert client.get("/_sim/state").json()["company_name"] == "Procore Demo Construction"


def test_cli_serve_is_documented() -> None:
    result = CliRunner().invoke(cli_app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "POST /qbxml" in result.output


def test_cli_demo_runs_a_scripted_exchange() -> None:
    result = CliRunner().invoke(cli_app, ["demo"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("Web Connector opens the file: Host, Company, Preferences: HostQueryRs 0 Info")
    assert any(line.startswith("Connector updates 01-100 with the EditSequence it read before: "
                               'ItemServiceModRs 3200 Error: The provided edit sequence "') for line in lines)
    assert lines[-1] == ("A malformed document: HRESULT 0x80040400 Error: "
                         "QuickBooks found an error when parsing the provided XML text stream.")


def test_clock_endpoint_moves_the_injected_clock(client, company) -> None:
    start = client.get("/_sim/clock").json()["now"]
    assert start == "2024-01-15T09:00:00-05:00"
    assert client.post("/_sim/clock", json={"advance": 3600}).json() == {"now": "2024-01-15T10:00:00-05:00"}
    assert client.post("/_sim/clock", json={"set": "2024-02-01T08:00:00-05:00"}).json()["now"] == \
        "2024-02-01T08:00:00-05:00"
    assert company.ui.create_vendor("Later")["TimeCreated"] == "2024-02-01T08:00:00-05:00"
    assert client.post("/_sim/clock", json={"advance": -5}).status_code == 400
    assert client.post("/_sim/clock", json={"set": "yesterday"}).status_code == 400
    assert client.post("/_sim/clock", json={}).status_code == 400


@pytest.mark.parametrize(("flags", "clock_line"), [
    ([], "clock: manual, at 2024-01-15T09:00:00-05:00 (move it with POST /_sim/clock)"),
    (["--wall-clock"], "clock: wall (--wall-clock)"),
])
def test_cli_serve_banner_names_its_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          flags: list[str], clock_line: str) -> None:
    """Like the fake Procore, the served company file says which clock it runs on (manual by default)."""
    served: list[tuple[str, int]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, host, port: served.append((host, port)))
    path = tmp_path / "banner.qbsim"
    with socket.socket() as probe:  # a port nobody listens on (the CLI checks it is free before serving)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(cli_app, ["serve", str(path), "--port", str(port), *flags])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"fake QuickBooks company file on http://127.0.0.1:{port}  (created {path}: ")
    assert lines[-1] == clock_line
    assert served == [("127.0.0.1", port)]
