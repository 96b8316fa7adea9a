"""The served connector's configuration: a TOML file, then environment variables over it.

    # connector.toml (every key optional but what a [[procore]] company needs)
    database_url = "sqlite:///connector.db"
    public_url = "https://qbwc.example.com/qbwc"     # put in the WSDL's soap:address
    host = "127.0.0.1"
    port = 8000
    log_level = "info"

    [[users]]                                         # a Web Connector login
    username = "procore-sync"
    company_key = "acme"
    company_file = 'C:\\Users\\Public\\Documents\\Intuit\\QuickBooks\\Company Files\\Acme.QBW'
    # password: QBSIM_CONNECTOR_USER_PASSWORD_PROCORE_SYNC (or `password = "…"` in a file only you read)

    [[procore]]                                       # one Procore company <-> one QuickBooks file
    base_url = "https://api.procore.com"
    login_url = "https://login.procore.com"
    company_id = 4021
    company_key = "acme"
    client_id = "…"
    # client_secret: QBSIM_PROCORE_CLIENT_SECRET (or QBSIM_PROCORE_CLIENT_SECRET_ACME for this one)
    webhook_url = "https://qbwc.example.com/procore/webhooks"
    job_mode = "customers_are_jobs"
    update_synced_vendors = true
    poll_every_seconds = 300
    timeout_seconds = 30

Environment variables win over the file (:data:`ENVIRONMENT` lists each): a secret need never be written
in the file, and none is ever taken from the command line only. A file or value that cannot be used raises
:class:`ConfigError` with one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from pathlib import Path
from typing import Any

from connector.config import ProcoreSettings, Settings, UserSpec

#: Every environment variable the served connector reads, and what it does.
ENVIRONMENT: dict[str, str] = {
    "QBSIM_CONNECTOR_CONFIG": "path of the TOML file (what --config gives)",
    "QBSIM_CONNECTOR_DB_URL": "SQLAlchemy URL of the store (database_url)",
    "QBSIM_CONNECTOR_PUBLIC_URL": "URL put in the WSDL's soap:address (public_url)",
    "QBSIM_CONNECTOR_USERS": "Web Connector logins USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE], comma "
    "separated; replaces the file's [[users]]",
    "QBSIM_CONNECTOR_USER_PASSWORD_<USERNAME>": "password of the file's [[users]] entry USERNAME",
    "QBSIM_CONNECTOR_LOG_LEVEL": "log level (debug, info, warning, error)",
    "QBSIM_PROCORE_CLIENT_ID[_<COMPANY_KEY>]": "OAuth client id of every (or one) [[procore]] company",
    "QBSIM_PROCORE_CLIENT_SECRET[_<COMPANY_KEY>]": "OAuth client secret of every (or one) [[procore]]",
    "QBSIM_PROCORE_WEBHOOK_SECRET[_<COMPANY_KEY>]": "Bearer secret Procore sends with each webhook delivery",
}

LOG_LEVELS = ("debug", "info", "warning", "error", "critical")

_TOP_KEYS = {"database_url", "public_url", "host", "port", "log_level", "users", "procore"}
_USER_KEYS = {"username", "password", "company_key", "company_file"}
_PROCORE_KEYS = {f.name for f in fields(ProcoreSettings)} - {"poll_every"} | {"poll_every_seconds"}
_PROCORE_SECRETS = ("client_id", "client_secret", "webhook_secret")
_URL = re.compile(r"^https?://[^/\s]+")


class ConfigError(ValueError):
    """The configuration cannot be used; the message is one line naming the key and the problem."""


@dataclass(frozen=True)
class ServeConfig:
    """What ``qbsim connector serve`` runs: the connector's settings, its logins, where it listens."""

    settings: Settings
    users: tuple[UserSpec, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "info"
    source: str = field(default="(defaults)", compare=False)


def env_suffix(name: str) -> str:
    """``acme-co`` -> ``ACME_CO``: how a company key or user name appears in a variable's name."""
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


def parse_log_level(value: str, where: str = "log level") -> int:
    """``info`` -> ``logging.INFO``; anything else is a :class:`ConfigError`."""
    if not isinstance(value, str) or value.lower() not in LOG_LEVELS:
        raise ConfigError(f"{where} {value!r} is not one of {', '.join(LOG_LEVELS)}")
    return int(logging.getLevelName(value.upper()))


def load(path: Path | None = None, env: Mapping[str, str] | None = None) -> ServeConfig:
    """Read ``path`` (or ``$QBSIM_CONNECTOR_CONFIG``; none: defaults only), then apply ``env``."""
    env = os.environ if env is None else env
    if path is None and env.get("QBSIM_CONNECTOR_CONFIG"):
        path = Path(env["QBSIM_CONNECTOR_CONFIG"])
    data: dict[str, Any] = {}
    source = "(defaults)"
    if path is not None:
        source = str(path)
        data = _read_toml(path)
    return _build(data, env, source)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, not a TOML file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None


def _build(data: dict[str, Any], env: Mapping[str, str], source: str) -> ServeConfig:
    def fail(message: str) -> ConfigError:
        return ConfigError(f"{source}: {message}")

    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})")
    database_url = env.get("QBSIM_CONNECTOR_DB_URL") or _string(data, "database_url", fail, "sqlite://")
    public_url = env.get("QBSIM_CONNECTOR_PUBLIC_URL") or _string(data, "public_url", fail, "") or None
    if public_url is not None and not _URL.match(public_url):
        raise fail(f"public_url {public_url!r} is not an http(s) URL")
    host = _string(data, "host", fail, "127.0.0.1")
    port = data.get("port", 8000)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise fail(f"port {port!r} is not a TCP port (0-65535)")
    level = env.get("QBSIM_CONNECTOR_LOG_LEVEL") or _string(data, "log_level", fail, "info")
    try:
        parse_log_level(level)
    except ConfigError as exc:
        raise fail(str(exc)) from None
    users = _users(data.get("users", []), env, fail)
    procore = tuple(_procore(i, entry, env, fail) for i, entry in enumerate(_tables(data, "procore", fail)))
    keys = [p.company_key for p in procore]
    duplicate = next((k for k in keys if keys.count(k) > 1), None)
    if duplicate is not None:
        raise fail(f"two [[procore]] companies share company_key {duplicate!r} (one company file each)")
    settings = Settings(database_url=database_url, public_url=public_url, procore=procore)
    return ServeConfig(settings, users, host, port, level.lower(), source)


def _string(data: Mapping[str, Any], key: str, fail: Any, default: str, where: str = "") -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise fail(f"{where}{key} must be a string, not {value!r}")
    return value


def _tables(data: Mapping[str, Any], key: str, fail: Any) -> list[dict[str, Any]]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise fail(f"{key} must be an array of tables ([[{key}]])")
    return value


def _users(raw: Any, env: Mapping[str, str], fail: Any) -> tuple[UserSpec, ...]:
    if env.get("QBSIM_CONNECTOR_USERS", "").strip():
        try:
            specs = env["QBSIM_CONNECTOR_USERS"].split(",")
            return tuple(UserSpec.parse(spec.strip()) for spec in specs if spec.strip())
        except ValueError as exc:
            raise ConfigError(f"QBSIM_CONNECTOR_USERS: {exc}") from None
    users = []
    for i, entry in enumerate(_tables({"users": raw}, "users", fail)):
        where = f"users[{i}]."
        unknown = sorted(set(entry) - _USER_KEYS)
        if unknown:
            raise fail(f"{where}{unknown[0]} is not a user key (known: {', '.join(sorted(_USER_KEYS))})")
        username = _string(entry, "username", fail, "", where)
        company_key = _string(entry, "company_key", fail, "", where)
        if not username or not company_key:
            raise fail(f"{where}username and {where}company_key are required")
        variable = f"QBSIM_CONNECTOR_USER_PASSWORD_{env_suffix(username)}"
        password = env.get(variable) or _string(entry, "password", fail, "", where)
        if not password:
            raise fail(f"{where}password missing for {username!r}: set {variable} (or password in the file)")
        company_file = _string(entry, "company_file", fail, "", where)
        users.append(UserSpec(username, password, company_key, company_file))
    return tuple(users)


def _procore(index: int, entry: dict[str, Any], env: Mapping[str, str], fail: Any) -> ProcoreSettings:
    where = f"procore[{index}]."
    unknown = sorted(set(entry) - _PROCORE_KEYS)
    if unknown:
        known = ", ".join(sorted(_PROCORE_KEYS))
        raise fail(f"{where}{unknown[0]} is not a [[procore]] key (known: {known})")
    values = dict(entry)
    key = values.get("company_key")
    if not isinstance(key, str) or not key:
        raise fail(f"{where}company_key is required (the Web Connector users' company_key it syncs)")
    for secret in _PROCORE_SECRETS:
        variable = f"QBSIM_PROCORE_{secret.upper()}"
        value = env.get(f"{variable}_{env_suffix(key)}") or env.get(variable)
        if value:
            values[secret] = value
    for required in ("base_url", "company_id", "client_id", "client_secret"):
        if values.get(required) in (None, ""):
            variable = f"QBSIM_PROCORE_{required.upper()}"
            hint = f": set {variable} or {variable}_{env_suffix(key)}" if required in _PROCORE_SECRETS else ""
            raise fail(f"{where}{required} is required for company {key!r}{hint}")
    company_id = values["company_id"]
    if not isinstance(company_id, int) or isinstance(company_id, bool) or company_id <= 0:
        raise fail(f"{where}company_id must be a positive integer, not {company_id!r}")
    for text in ("base_url", "login_url", "webhook_url"):
        url = values.get(text)
        if url is not None and (not isinstance(url, str) or not _URL.match(url)):
            raise fail(f"{where}{text} {url!r} is not an http(s) URL")
    for name in ("client_id", "client_secret", "webhook_secret", "grant", "job_mode"):
        if name in values and not isinstance(values[name], str):
            raise fail(f"{where}{name} must be a string")
    vendors = values.get("update_synced_vendors", True)
    if not isinstance(vendors, bool):
        raise fail(f"{where}update_synced_vendors must be true or false, not {vendors!r}")
    seconds = values.pop("poll_every_seconds", None)
    if seconds is not None:
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
            raise fail(f"{where}poll_every_seconds must be a positive number, not {seconds!r}")
        values["poll_every"] = timedelta(seconds=seconds)
    timeout = values.get("timeout_seconds")
    if timeout is not None:
        if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
            raise fail(f"{where}timeout_seconds must be a positive number, not {timeout!r}")
        values["timeout_seconds"] = float(timeout)
    try:
        return ProcoreSettings(**values)
    except ValueError as exc:  # grant / job_mode: ProcoreSettings names the allowed values
        raise fail(f"{where}{exc}") from None
