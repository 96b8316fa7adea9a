"""Connector settings (embedded default: SQLite in memory, everything in-process)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from connector.qbwc.hcp import SUPPORTED_YEARS
from connector.qbwc.soap import MAX_ENVELOPE_ELEMENTS
from connector.qbwc.versions import SUPPORTED_QBWC_VERSIONS
from connector.store.passwords import DEFAULT_ITERATIONS

# Loopback names, as the Host header spells them (a port is ignored; IPv6 without brackets).
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_ticket() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True)
class ProcoreSettings:
    """One Procore company the connector syncs with one QuickBooks company file (``company_key``).

    ``base_url`` is Procore's API host (``https://api.procore.com``, the sandbox, or the fake's root);
    ``login_url`` its OAuth host (default: ``base_url``). ``grant`` ``client_credentials`` is the Developer
    Managed Service Account Procore's connector runs as; ``authorization_code`` uses a token a person
    authorised once (stored, refreshed and rotated in the connector's database). ``webhook_url`` is where
    Procore delivers ERP Request webhooks (this connector's ``/procore/webhooks`` as Procore can reach it);
    ``webhook_secret`` is sent back by Procore as a Bearer token on every delivery (hook
    ``destination_headers``) and checked here.
    """

    base_url: str
    company_id: int
    company_key: str
    client_id: str
    client_secret: str = field(repr=False)
    login_url: str | None = None
    grant: str = "client_credentials"
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    #: seed 001 "Projects": customers_are_jobs | jobs_under_customers (Procore's setting, mirrored here).
    job_mode: str = "customers_are_jobs"
    #: seed 004 "Vendors will be Automatically Updated": QuickBooks vendor edits refresh synced companies
    #: ("Automatically Update Vendors when Refreshing the Vendor List") or not ("Do Not Update Vendors").
    #: Procore keeps the setting in its ERP tool and sends it in no ERP Request, so it is mirrored here.
    update_synced_vendors: bool = True
    #: How often open request details are listed to catch requests whose webhook was lost.
    poll_every: timedelta = timedelta(minutes=5)
    timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.grant not in ("client_credentials", "authorization_code"):
            raise ValueError(f"grant must be client_credentials or authorization_code, not {self.grant!r}")
        if self.job_mode not in ("customers_are_jobs", "jobs_under_customers"):
            raise ValueError(
                f"job_mode must be customers_are_jobs or jobs_under_customers, not {self.job_mode!r}"
            )


@dataclass(frozen=True)
class Settings:
    """Everything the connector's QBWC service needs; clocks and ticket ids are injectable."""

    database_url: str = "sqlite://"
    # The URL the service is reachable at (for the WSDL's soap:address); None = taken from the request.
    public_url: str | None = None
    server_version: str = "qbsim-connector 0.1.0"
    ticket_ttl: timedelta = timedelta(minutes=30)
    # authenticate()[2] "postpone update by N seconds" and [3] "minimum run interval" (seconds).
    postpone_seconds: int | None = None
    min_run_every_seconds: int | None = None
    # How many times connectionError answers "retry" (the company file again) before "done".
    connection_retries: int = 1
    batch_size: int = 20
    max_attempts: int = 5
    max_envelope_bytes: int = 16 * 1024 * 1024
    password_iterations: int = DEFAULT_ITERATIONS
    supported_qbwc_versions: tuple[str, ...] = SUPPORTED_QBWC_VERSIONS
    supported_years: tuple[int, ...] = SUPPORTED_YEARS
    #: The Procore companies this connector syncs (none: a Web Connector service only, work queued by hand).
    procore: tuple[ProcoreSettings, ...] = ()
    clock: Callable[[], datetime] = field(default=_utc_now)
    ticket_factory: Callable[[], str] = field(default=_new_ticket)
    # A SOAP envelope with more elements is refused while it is parsed (a QBWC call has about ten).
    max_envelope_elements: int = MAX_ENVELOPE_ELEMENTS
    # Hosts whose Host header the WSDL's soap:address may echo when public_url is None; any other
    # host gets 400 (a forged Host header must not become the address clients post passwords to).
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    # authenticate throttling (connector.qbwc.throttle): failures allowed per user and per client
    # address before a lockout, the first lockout (doubling per further failure, at most the
    # maximum), and how long after its last failure a user or address is forgotten.
    login_free_failures: int = 5
    login_lockout: timedelta = timedelta(seconds=1)
    login_max_lockout: timedelta = timedelta(minutes=15)
    login_failure_memory: timedelta = timedelta(hours=1)

    @classmethod
    def from_env(cls) -> Settings:
        """Read ``QBSIM_CONNECTOR_DB_URL`` and ``QBSIM_CONNECTOR_PUBLIC_URL`` from the environment."""
        return cls(
            database_url=os.environ.get("QBSIM_CONNECTOR_DB_URL", "sqlite://"),
            public_url=os.environ.get("QBSIM_CONNECTOR_PUBLIC_URL") or None,
        )


@dataclass(frozen=True)
class UserSpec:
    """A Web Connector login to create at start: ``USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE]``."""

    username: str
    password: str
    company_key: str
    company_file: str = ""

    @classmethod
    def parse(cls, spec: str) -> UserSpec:
        """Split on the first three colons (a Windows company file path keeps its own colon)."""
        parts = spec.split(":", 3)
        if len(parts) < 3 or not all(parts[:3]):
            raise ValueError(f"{spec!r}: expected USERNAME:PASSWORD:COMPANY_KEY[:COMPANY_FILE]")
        return cls(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else "")


def users_from_env() -> list[UserSpec]:
    """``QBSIM_CONNECTOR_USERS``: user specs separated by commas (the embedded app's logins)."""
    raw = os.environ.get("QBSIM_CONNECTOR_USERS", "")
    return [UserSpec.parse(spec.strip()) for spec in raw.split(",") if spec.strip()]
