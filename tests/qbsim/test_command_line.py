"""The command line a newcomer meets: `qbsim --version`, `python -m qbsim`, each `serve` saying where it
listens and what it serves, options from the environment, and bad input as one line and exit 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from qbsim.cli import app


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """uvicorn.run records what it was asked to serve instead of serving it."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append({"app": app, **kw}))
    return calls


@pytest.fixture(autouse=True)
def root_logging_restored() -> Iterator[None]:
    """`connector serve` configures the root logger on the stream it was given (the runner's, closed
    after the test): put the handlers back so later tests do not log into a closed stream."""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(1)
        yield int(held.getsockname()[1])


def _one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, lines
    return str(lines[0])


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, f"qbsim {version('qbsim')}\n")


def test_python_dash_m_qbsim_is_the_qbsim_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "qbsim", "--version"], capture_output=True, text=True, check=False, timeout=120
    )
    assert (done.returncode, done.stdout) == (0, f"qbsim {version('qbsim')}\n")
    helped = subprocess.run(
        [sys.executable, "-m", "qbsim", "--help"], capture_output=True, text=True, check=False, timeout=120
    )
    assert "Usage: qbsim" in helped.stdout and "repro" in helped.stdout and "replay" in helped.stdout


def test_quickbooks_serve_says_where_and_what(tmp_path: Path, no_server: list[dict[str, Any]]) -> None:
    path = tmp_path / "acme.qbw.sqlite"
    result = CliRunner().invoke(
        app,
        ["quickbooks", "serve", str(path)],
        env={"QBSIM_QUICKBOOKS_PORT": "0", "QBSIM_QUICKBOOKS_PRODUCT": "Pro"},
    )
    assert result.exit_code == 0, result.output
    first, second, clock = result.output.splitlines()
    assert clock.startswith("clock: manual, at ")
    assert first == (
        f"fake QuickBooks company file on http://127.0.0.1:0  (created {path}: US Pro 2024, "
        "'Procore Demo Construction')"
    )
    assert second.startswith("  POST /qbxml (the request processor), /_sim/state")
    assert no_server[0]["port"] == 0 and no_server[0]["host"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--product", "Gold"],
            "error: --product 'Gold': choose one of Pro, Premier Contractor, "
            "Enterprise Contractor, Accountant, Mac",
        ),
        (["--country", "UK"], "error: --country 'UK': choose one of US, CA"),
        (["--year", "1999"], "error: --year 1999: choose a QuickBooks release year from 2010 to 2030"),
    ],
)
def test_quickbooks_serve_refuses_an_unknown_edition(
    tmp_path: Path, no_server: list, args: list[str], message: str
) -> None:
    result = CliRunner().invoke(app, ["quickbooks", "serve", str(tmp_path / "f.sqlite"), *args])
    assert _one_error_line(result) == message
    assert not no_server and not (tmp_path / "f.sqlite").exists()


def test_quickbooks_serve_refuses_a_file_that_is_not_a_company_file(tmp_path: Path, no_server: list) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a company file\n")
    line = _one_error_line(CliRunner().invoke(app, ["quickbooks", "serve", str(notes), "--port", "0"]))
    assert line == f"error: {notes}: not a company file: is not a SQLite file (file is not a database)"
    missing_dir = tmp_path / "nowhere" / "f.sqlite"
    line = _one_error_line(CliRunner().invoke(app, ["quickbooks", "serve", str(missing_dir)]))
    assert line == f"error: cannot create the company file {missing_dir}: no directory {missing_dir.parent}"
    assert not no_server


def test_every_serve_refuses_a_port_in_use(tmp_path: Path, busy_port: int, no_server: list) -> None:
    quickbooks = CliRunner().invoke(
        app, ["quickbooks", "serve", str(tmp_path / "f.sqlite"), "--port", str(busy_port)]
    )
    assert _one_error_line(quickbooks).startswith(f"error: cannot listen on 127.0.0.1:{busy_port}: ")
    procore = CliRunner().invoke(app, ["procore", "serve"], env={"QBSIM_PROCORE_PORT": str(busy_port)})
    assert _one_error_line(procore).startswith(f"error: cannot listen on 127.0.0.1:{busy_port}: ")
    connector = CliRunner().invoke(
        app,
        ["connector", "serve", "--port", str(busy_port)],
        env={"QBSIM_CONNECTOR_DB_URL": f"sqlite:///{tmp_path / 'c.db'}"},
    )
    assert _one_error_line(connector).startswith(f"error: cannot listen on 127.0.0.1:{busy_port}: ")
    assert "QBSIM_CONNECTOR_PORT" in connector.output
    assert not no_server


def test_procore_and_connector_serve_say_where_and_what(tmp_path: Path, no_server: list) -> None:
    procore = CliRunner().invoke(app, ["procore", "serve", "--port", "0"])
    assert procore.exit_code == 0, procore.output
    assert procore.output.startswith("fake Procore on http://127.0.0.1:0  (REST API /rest/v1.0/..., OAuth")
    connector = CliRunner().invoke(
        app,
        ["connector", "serve"],
        env={"QBSIM_CONNECTOR_PORT": "0", "QBSIM_CONNECTOR_DB_URL": f"sqlite:///{tmp_path / 'c.db'}"},
    )
    assert connector.exit_code == 0, connector.output
    assert connector.output.startswith("connector on http://127.0.0.1:0  (QBWC SOAP service /qbwc, WSDL")
    assert [c["port"] for c in no_server] == [0, 0]


def test_qwc_to_an_unwritable_path_is_one_line(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "app.qwc"
    result = CliRunner().invoke(
        app,
        ["qwc", "--app-url", "https://qbwc.example.com/qbwc", "-o", str(target)],
        env={"QBSIM_QWC_USERNAME": "procore-sync"},
    )
    assert _one_error_line(result) == f"error: cannot write {target}: No such file or directory"


def test_options_come_from_the_environment(tmp_path: Path) -> None:
    target = tmp_path / "app.qwc"
    result = CliRunner().invoke(
        app,
        ["qwc"],
        env={
            "QBSIM_QWC_APP_URL": "https://qbwc.example.com/qbwc",
            "QBSIM_QWC_USERNAME": "procore-sync",
            "QBSIM_QWC_OUTPUT": str(target),
        },
    )
    assert result.exit_code == 0, result.output
    assert "<UserName>procore-sync</UserName>" in target.read_text()
