"""The served connector's configuration: a TOML file, environment variables over it, one-line errors."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connector.cli import app
from connector.config import ProcoreSettings, UserSpec
from connector.configfile import ENVIRONMENT, ConfigError, env_suffix, load
from connector.logs import configure_logging

FULL = """
database_url = "sqlite:///connector.db"
public_url = "https://qbwc.example.com/qbwc"
host = "0.0.0.0"
port = 8443  # a value read back, never bound: nothing listens in this test
log_level = "debug"

[[users]]
username = "procore-sync"
company_key = "acme-co"
company_file = 'C:\\Company Files\\Acme.QBW'

[[procore]]
base_url = "https://sandbox.procore.com"
login_url = "https://login-sandbox.procore.com"
company_id = 4021
company_key = "acme-co"
client_id = "the-client"
webhook_url = "https://qbwc.example.com/procore/webhooks"
job_mode = "jobs_under_customers"
update_synced_vendors = false
poll_every_seconds = 60
timeout_seconds = 12
"""

SECRETS = {
    "QBSIM_CONNECTOR_USER_PASSWORD_PROCORE_SYNC": "pw-from-env",
    "QBSIM_PROCORE_CLIENT_SECRET": "secret-from-env",
    "QBSIM_PROCORE_WEBHOOK_SECRET_ACME_CO": "hook-secret",
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "connector.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_file_with_secrets_from_the_environment(tmp_path: Path) -> None:
    loaded = load(write(tmp_path, FULL), SECRETS)
    assert (loaded.host, loaded.port, loaded.log_level) == ("0.0.0.0", 8443, "debug")
    assert loaded.settings.database_url == "sqlite:///connector.db"
    assert loaded.settings.public_url == "https://qbwc.example.com/qbwc"
    assert loaded.users == (UserSpec("procore-sync", "pw-from-env", "acme-co", r"C:\Company Files\Acme.QBW"),)
    assert loaded.settings.procore == (
        ProcoreSettings(
            base_url="https://sandbox.procore.com",
            login_url="https://login-sandbox.procore.com",
            company_id=4021,
            company_key="acme-co",
            client_id="the-client",
            client_secret="secret-from-env",
            webhook_url="https://qbwc.example.com/procore/webhooks",
            webhook_secret="hook-secret",
            job_mode="jobs_under_customers",
            update_synced_vendors=False,
            poll_every=timedelta(seconds=60),
            timeout_seconds=12.0,
        ),
    )
    # secrets never show in a repr (a log line of the settings leaks nothing)
    assert "secret-from-env" not in repr(loaded.settings) and "hook-secret" not in repr(loaded.settings)


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    text = FULL.replace('client_id = "the-client"', 'client_id = "the-client"\nclient_secret = "in-file"')
    env = {
        **SECRETS,
        "QBSIM_PROCORE_CLIENT_SECRET_ACME_CO": "this-company",  # per company beats every company
        "QBSIM_CONNECTOR_DB_URL": "sqlite:///other.db",
        "QBSIM_CONNECTOR_PUBLIC_URL": "https://other.example.com/qbwc",
        "QBSIM_CONNECTOR_USERS": "a:1:acme-co, b:2:acme-co:C:\\b.qbw",
        "QBSIM_CONNECTOR_LOG_LEVEL": "WARNING",
    }
    loaded = load(write(tmp_path, text), env)
    assert loaded.settings.procore[0].client_secret == "this-company"
    assert loaded.settings.database_url == "sqlite:///other.db"
    assert loaded.settings.public_url == "https://other.example.com/qbwc"
    assert loaded.users == (UserSpec("a", "1", "acme-co"), UserSpec("b", "2", "acme-co", "C:\\b.qbw"))
    assert loaded.log_level == "warning"


def test_the_file_named_by_the_environment_and_no_file_at_all(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    assert load(None, {**SECRETS, "QBSIM_CONNECTOR_CONFIG": str(path)}).settings.procore[0].company_id == 4021
    defaults = load(None, {})
    assert defaults.settings.procore == () and defaults.users == ()
    assert (defaults.settings.database_url, defaults.host, defaults.port) == ("sqlite://", "127.0.0.1", 8000)


def test_several_procore_companies_each_with_its_own_secret(tmp_path: Path) -> None:
    second = FULL.split("[[procore]]")[1].replace("4021", "4022").replace('"acme-co"', '"beta"')
    loaded = load(
        write(tmp_path, FULL + "\n[[procore]]" + second),
        {**SECRETS, "QBSIM_PROCORE_CLIENT_SECRET_BETA": "beta-secret"},
    )
    assert [(p.company_key, p.client_secret) for p in loaded.settings.procore] == [
        ("acme-co", "secret-from-env"),
        ("beta", "beta-secret"),
    ]


@pytest.mark.parametrize(
    ("text", "env", "message"),
    [
        ("port = 'eighty'", {}, "port 'eighty' is not a TCP port (0-65535)"),
        ("prot = 1", {}, "unknown key 'prot' (known: database_url, host, log_level, port, procore,"),
        ("log_level = 'loud'", {}, "log level 'loud' is not one of debug, info, warning, error, critical"),
        ("procore = 3", {}, "procore must be an array of tables ([[procore]])"),
        ("public_url = 'qbwc.example.com'", {}, "public_url 'qbwc.example.com' is not an http(s) URL"),
        (FULL, {}, "users[0].password missing for 'procore-sync': set QBSIM_CONNECTOR_USER_PASSWORD_PROCORE"),
        (
            FULL,
            {"QBSIM_CONNECTOR_USER_PASSWORD_PROCORE_SYNC": "x"},
            "procore[0].client_secret is required for company 'acme-co': set QBSIM_PROCORE_CLIENT_SECRET or "
            "QBSIM_PROCORE_CLIENT_SECRET_ACME_CO",
        ),
        (FULL.replace("4021", "'4021'"), SECRETS, "procore[0].company_id must be a positive integer, not"),
        (FULL.replace("https://sandbox", "sandbox"), SECRETS, "procore[0].base_url 'sandbox.procore.com' is"),
        (
            FULL.replace("jobs_under_customers", "sub_jobs"),
            SECRETS,
            "procore[0].job_mode must be customers_are_jobs or jobs_under_customers, not 'sub_jobs'",
        ),
        (FULL.replace("poll_every_seconds = 60", "poll_every_seconds = 0"), SECRETS,
         "procore[0].poll_every_seconds must be a positive number, not 0"),
        (FULL.replace("job_mode", "jobmode"), SECRETS, "procore[0].jobmode is not a [[procore]] key"),
        (FULL.replace("update_synced_vendors = false", "update_synced_vendors = 'no'"), SECRETS,
         "procore[0].update_synced_vendors must be true or false, not 'no'"),
        (FULL + FULL[FULL.index("[[procore]]") :], SECRETS, "two [[procore]] companies share company_key"),
        ("", {"QBSIM_CONNECTOR_USERS": "only-a-name"},
         "QBSIM_CONNECTOR_USERS: 'only-a-name': expected USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE]"),
    ],
)
def test_a_bad_value_is_named(tmp_path: Path, text: str, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(write(tmp_path, text), env)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_bad_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"connector\.toml: not valid TOML \(Expected '=' after a key"):
        load(write(tmp_path, "database_url sqlite"), {})
    with pytest.raises(ConfigError, match=r"nothing\.toml: no such file$"):
        load(tmp_path / "nothing.toml", {})
    with pytest.raises(ConfigError, match=r": is a directory, not a TOML file$"):
        load(tmp_path, {})


def test_every_variable_is_documented_and_suffixes_are_upper_snake() -> None:
    assert env_suffix("acme-co.2") == "ACME_CO_2"
    read = {"QBSIM_CONNECTOR_CONFIG", "QBSIM_CONNECTOR_DB_URL", "QBSIM_CONNECTOR_PUBLIC_URL",
            "QBSIM_CONNECTOR_USERS", "QBSIM_CONNECTOR_LOG_LEVEL"}
    assert read <= set(ENVIRONMENT)
    source = Path(__file__).parents[2] / "README.md"
    documented = source.read_text(encoding="utf-8")
    for variable in ENVIRONMENT:
        assert variable in documented, variable


def test_configure_logging_sets_the_level_and_refuses_a_bad_one(root_logging: None) -> None:
    assert configure_logging("warning") == logging.WARNING
    assert logging.getLogger("connector.procore").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpx").level == logging.WARNING  # one line per HTTP request: debug only
    assert configure_logging("debug") == logging.DEBUG
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.DEBUG
    with pytest.raises(ConfigError, match="^log level 'chatty' is not one of"):
        configure_logging("chatty")


# -- through the command line: one line on stderr, exit status 2, never a traceback ---------------------
def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["serve", *args], env=env or {})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_serve_refuses_a_bad_file_in_one_line(tmp_path: Path) -> None:
    code, output = _run("--config", str(write(tmp_path, "port = [")))
    assert code == 2
    assert output.startswith(f"error: {tmp_path / 'connector.toml'}: not valid TOML (")
    assert output.count("\n") == 1 and "Traceback" not in output


def test_serve_refuses_a_missing_secret_and_a_bad_log_level(tmp_path: Path) -> None:
    password = {"QBSIM_CONNECTOR_USER_PASSWORD_PROCORE_SYNC": "x"}
    code, output = _run("--config", str(write(tmp_path, FULL)), env=password)
    assert code == 2 and output.count("\n") == 1
    assert "procore[0].client_secret is required for company 'acme-co'" in output
    code, output = _run("--log-level", "loud")
    levels = "debug, info, warning, error, critical"
    assert (code, output) == (2, f"error: log level 'loud' is not one of {levels}\n")
    code, output = _run(env={"QBSIM_CONNECTOR_CONFIG": str(tmp_path / "gone.toml")})
    assert (code, output) == (2, f"error: {tmp_path / 'gone.toml'}: no such file\n")


def test_serve_runs_what_the_file_configures(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, root_logging: None
) -> None:
    served: dict[str, object] = {}

    def fake_run(web: object, **options: object) -> None:
        served.update(web=web, **options)

    import uvicorn

    monkeypatch.setattr(uvicorn, "run", fake_run)
    text = FULL.replace("sqlite:///connector.db", f"sqlite:///{tmp_path / 'c.db'}")
    result = CliRunner().invoke(
        app, ["serve", "--config", str(write(tmp_path, text)), "--port", "9001"], env=SECRETS
    )
    assert result.exit_code == 0, result.output
    assert (served["host"], served["port"], served["log_level"]) == ("0.0.0.0", 9001, "debug")
    web = served["web"]
    account = web.state.qbwc.users.authenticate("procore-sync", "pw-from-env")  # type: ignore[attr-defined]
    assert account is not None and account.company_key == "acme-co"
    connection = web.state.procore.connections["acme-co"]  # type: ignore[attr-defined]
    assert connection.settings.client_secret == "secret-from-env"
    assert connection.settings.webhook_secret == "hook-secret"
    assert web.state.qbwc.handlers  # type: ignore[attr-defined]
    assert web.url_path_for("deliver") == "/procore/webhooks"  # type: ignore[attr-defined]


def test_serve_refuses_a_store_it_cannot_open_in_one_line(tmp_path: Path, root_logging: None) -> None:
    code, output = _run("--db-url", "nonsense://x")
    assert (code, output) == (
        2, "error: cannot open the store 'nonsense://x': Can't load plugin: sqlalchemy.dialects:nonsense\n"
    )
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"
    code, output = _run("--db-url", missing)
    sqlite_says = "(sqlite3.OperationalError) unable to open database file"
    assert (code, output) == (2, f"error: cannot open the store {missing!r}: {sqlite_says}\n")
