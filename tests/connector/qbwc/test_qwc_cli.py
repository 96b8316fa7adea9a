"""`.qwc` generation (function and typer command) and the CLI's serve wiring."""

from __future__ import annotations

import uuid

import pytest
from lxml import etree
from typer.testing import CliRunner

from connector.cli import app
from connector.qbwc.qwc import QWC_NAMESPACE, QwcError, QwcSpec, build_qwc, file_id, owner_id

ORDER = [
    "AppName",
    "AppID",
    "AppURL",
    "AppDescription",
    "AppSupport",
    "UserName",
    "OwnerID",
    "FileID",
    "QBType",
    "PersonalDataPref",
    "UnattendedModePref",
    "AuthFlags",
    "Scheduler",
    "IsReadOnly",
]


def test_qwc_has_every_element_and_stable_ids() -> None:
    text = build_qwc(QwcSpec("Procore", "https://connector.example.com/qbwc", "acme", run_every_minutes=60))
    assert text.startswith('<?xml version="1.0"?>\n<QBWCXML>')
    root = etree.fromstring(text.encode())
    assert [c.tag for c in root] == ORDER
    assert root.findtext("AppSupport") == "https://connector.example.com/qbwc?wsdl"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "60"
    assert root.findtext("IsReadOnly") == "false"
    expected_owner = "{" + str(uuid.uuid5(QWC_NAMESPACE, "owner:Procore")).upper() + "}"
    assert root.findtext("OwnerID") == expected_owner == owner_id("Procore")
    assert root.findtext("FileID") == file_id("Procore", "acme") != file_id("Procore", "other")
    again = build_qwc(QwcSpec("Procore", "https://connector.example.com/qbwc", "acme", run_every_minutes=60))
    assert again == text


def test_qwc_seconds_scheduler_read_only_and_explicit_ids() -> None:
    root = etree.fromstring(
        build_qwc(
            QwcSpec(
                "Procore",
                "http://localhost:8000/qbwc",
                "acme",
                run_every_seconds=30,
                is_read_only=True,
                owner_id="{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}",
                file_id="{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}",
            )
        ).encode()
    )
    assert root.findtext("Scheduler/RunEveryNSeconds") == "30"
    assert root.findtext("IsReadOnly") == "true"
    assert root.findtext("OwnerID") == "{57F3B9B1-86F1-4fcc-B1EE-566DE1813D20}"
    assert root.findtext("FileID") == "{90A44FB5-33D9-4815-AC85-BC87A7E7D1EB}"


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (
            QwcSpec("P", "http://connector.example.com/qbwc", "u"),
            "QBWC1051: The application's AppURL 'http://connector.example.com/qbwc' is not on a secure (https) "  # noqa: E501
            "server; the Web Connector only accepts http:// for localhost",
        ),
        (QwcSpec("P", "ftp://x/qbwc", "u"), "AppURL 'ftp://x/qbwc' is not an http(s) URL"),
        (
            QwcSpec("P", "http://127.0.0.1:8000/qbwc", "u"),
            "QBWC1001: The application's AppURL 'http://127.0.0.1:8000/qbwc' is an IP address; the Web "
            "Connector will not load it (use a host name, or localhost)",
        ),
        (
            QwcSpec("P", "https://10.0.0.5/qbwc", "u"),
            "QBWC1001: The application's AppURL 'https://10.0.0.5/qbwc' is an IP address; the Web "
            "Connector will not load it (use a host name, or localhost)",
        ),
        (
            QwcSpec("P", "https://sync.example.com/qbwc", "u", app_support="https://help.other.org/procore"),
            "QBWC1000: AppSupport 'https://help.other.org/procore' is not on the domain of AppURL "
            "'https://sync.example.com/qbwc'; the Web Connector refuses an application whose service and "
            "support URLs' domains differ",
        ),
        (
            QwcSpec("P", "https://x/qbwc", "u", qb_type="QBOE"),
            "QBType must be one of QBFS, QBPOS, not 'QBOE'",
        ),
        (
            QwcSpec("P", "https://x/qbwc", "u", run_every_minutes=1, run_every_seconds=5),
            "give RunEveryNMinutes or RunEveryNSeconds, not both",
        ),
        (
            QwcSpec("P", "https://x/qbwc", "u", run_every_minutes=0),
            "the Scheduler interval must be a positive number",
        ),
    ],
)
def test_qwc_the_web_connector_would_refuse_is_an_error(spec: QwcSpec, message: str) -> None:
    with pytest.raises(QwcError) as err:
        build_qwc(spec)
    assert str(err.value) == message


def test_qwc_command_writes_the_file(tmp_path) -> None:
    out = tmp_path / "procore.qwc"
    result = CliRunner().invoke(
        app,
        [
            "qwc",
            "--app-url",
            "https://connector.example.com/qbwc",
            "--username",
            "acme",
            "--app-name",
            "Procore",
            "--run-every-minutes",
            "15",
            "--read-only",
            "--qb-type",
            "QBFS",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    root = etree.fromstring(out.read_bytes())
    assert root.findtext("UserName") == "acme"
    assert root.findtext("Scheduler/RunEveryNMinutes") == "15"
    assert root.findtext("IsReadOnly") == "true"
    assert root.findtext("OwnerID") == owner_id("Procore")


def test_qwc_command_refuses_plain_http_off_localhost() -> None:
    result = CliRunner().invoke(app, ["qwc", "--app-url", "http://example.com/qbwc", "--username", "acme"])
    assert result.exit_code == 2
    assert "QBWC1051" in result.output


def test_serve_command_builds_the_app_and_users(monkeypatch, tmp_path, root_logging) -> None:
    served: dict[str, object] = {}

    def fake_run(web, host: str, port: int, **options: object) -> None:
        served.update(web=web, host=host, port=port, **options)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    url = f"sqlite:///{tmp_path / 'c.db'}"
    result = CliRunner().invoke(
        app, ["serve", "--port", "8123", "--db-url", url, "--user", r"acme:pw:acme-co:C:\Company\acme.qbw"]
    )
    assert result.exit_code == 0, result.output
    assert served["port"] == 8123 and served["host"] == "127.0.0.1"
    account = served["web"].state.qbwc.users.authenticate("acme", "pw")  # type: ignore[attr-defined]
    assert account is not None and account.company_file == r"C:\Company\acme.qbw"
    # every sync handler is installed, as in the embedded default: served work can actually sync
    from connector.app import create_default_app

    kinds = set(served["web"].state.qbwc.handlers)  # type: ignore[attr-defined]
    assert kinds and kinds == set(create_default_app().state.qbwc.handlers)


def test_user_specs_and_the_environment(monkeypatch) -> None:
    from connector.config import UserSpec, users_from_env

    assert UserSpec.parse(r"acme:pw:acme-co:C:\Company\acme.qbw") == UserSpec(
        "acme", "pw", "acme-co", r"C:\Company\acme.qbw"
    )
    assert UserSpec.parse("acme:pw:acme-co") == UserSpec("acme", "pw", "acme-co", "")
    with pytest.raises(
        ValueError, match=r"^'acme:pw': expected USERNAME:PASSWORD:COMPANY_KEY\[:COMPANY_FILE\]$"
    ):
        UserSpec.parse("acme:pw")
    monkeypatch.setenv("QBSIM_CONNECTOR_USERS", "a:1:co-a, b:2:co-b:C:\\b.qbw")
    assert users_from_env() == [UserSpec("a", "1", "co-a"), UserSpec("b", "2", "co-b", "C:\\b.qbw")]


def test_serve_rejects_a_bad_user_spec() -> None:
    result = CliRunner().invoke(app, ["serve", "--user", "only-a-name"])
    assert result.exit_code == 2
    flat = "".join(result.output.replace("│", " ").split())  # rich wraps the error panel at 80 columns
    assert "'only-a-name':expectedUSERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE]" in flat
