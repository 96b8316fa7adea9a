"""A conformance target: any QuickBooks Web Connector service, known only by its public faces.

What the suite knows of a target is what a customer configures in the real Web Connector and in Procore:

* the SOAP endpoint the ``.qwc``'s AppURL names, and the Web Connector user and password typed into QBWC;
* how the target reaches Procore — the fake Procore's URL and the OAuth client (a Developer Managed Service
  Account) it is given, and the Procore company it syncs (:class:`ProcoreAccess`).

Nothing here reads a target's database or calls its code: a target is launched (:class:`TargetLauncher`)
and then driven by Procore users' actions, QuickBooks users' actions and the Web Connector emulator.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Protocol

import httpx

#: Environment variables a launched target command is given (also substituted as ``{procore_url}`` …).
ACCESS_ENV = {
    "procore_url": "QBSIM_PROCORE_URL",
    "client_id": "QBSIM_PROCORE_CLIENT_ID",
    "client_secret": "QBSIM_PROCORE_CLIENT_SECRET",
    "company_id": "QBSIM_PROCORE_COMPANY_ID",
    "qbw_path": "QBSIM_QBW_PATH",
    "poll_seconds": "QBSIM_POLL_SECONDS",
    "job_mode": "QBSIM_JOB_MODE",
}
READY_TIMEOUT_SECONDS = 60.0
#: How long a case waits for a target to carry something out (its rounds run on its own clock).
DEFAULT_SETTLE_SECONDS = 15.0
#: How often a target is asked to poll Procore for ERP requests whose webhook was lost (a real connector
#: polls every few minutes; a case cannot wait that long, so the launcher sets it short).
DEFAULT_POLL_SECONDS = 2.0
#: seed 001 "Projects": Procore's two implementation settings (its ERP setting ``project_mapping``).
JOB_MODES = ("customers_are_jobs", "jobs_under_customers")


class TargetError(Exception):
    """A target cannot be launched or does not answer; the message is one line saying why."""


@dataclass(frozen=True)
class ProcoreAccess:
    """What a target is told about the fake Procore (as a customer's connector is told about Procore)."""

    procore_url: str
    client_id: str
    client_secret: str = field(repr=False)
    company_id: int
    #: The QuickBooks company file the Web Connector opens (a target's authenticate may name it, or "").
    qbw_path: str
    #: How often the target should poll Procore for requests whose webhook never came (seconds).
    poll_seconds: float = DEFAULT_POLL_SECONDS
    #: Procore's project mapping for this run (one of :data:`JOB_MODES`): a target configured with its own
    #: job mode (as this repository's connector is) must be launched with it.
    job_mode: str = JOB_MODES[0]

    def __post_init__(self) -> None:
        if self.job_mode not in JOB_MODES:
            raise ValueError(f"job mode {self.job_mode!r}: not one of {', '.join(JOB_MODES)}")

    def values(self) -> dict[str, str]:
        return {
            "procore_url": self.procore_url,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "company_id": str(self.company_id),
            "qbw_path": self.qbw_path,
            "poll_seconds": f"{self.poll_seconds:g}",
            "job_mode": self.job_mode,
        }

    def env(self) -> dict[str, str]:
        return {ACCESS_ENV[key]: value for key, value in self.values().items()}


@dataclass(frozen=True)
class Target:
    """A running QBWC service as the Web Connector is configured for it."""

    name: str
    qbwc_url: str
    username: str
    password: str = field(repr=False)


class TargetLauncher(Protocol):
    """Starts (or finds) a target once the fakes run; the context ends it."""

    name: str

    def launch(self, access: ProcoreAccess) -> AbstractContextManager[Target]: ...


@dataclass
class ExternalTarget:
    """A QBWC service in another process, reached by URL.

    Without ``command`` it is already running and was configured with the fake Procore's address (the
    suite then serves the fake on ``--procore-port``). With ``command`` the suite starts it after the fakes,
    with :data:`ACCESS_ENV` in its environment and ``{procore_url}``-style placeholders filled in, waits
    until ``qbwc_url`` answers HTTP, and terminates it at the end.
    """

    qbwc_url: str
    username: str
    password: str = field(repr=False)
    name: str = "external"
    command: str | None = None

    def launch(self, access: ProcoreAccess) -> AbstractContextManager[Target]:
        return self._launch(access)

    @contextmanager
    def _launch(self, access: ProcoreAccess) -> Iterator[Target]:
        target = Target(self.name, self.qbwc_url, self.username, self.password)
        if self.command is None:
            wait_answering(self.qbwc_url, None)
            yield target
            return
        try:
            argv = shlex.split(self.command.format(**access.values()))
        except (KeyError, IndexError, ValueError) as exc:
            raise TargetError(f"--target-command: cannot fill in {exc} (placeholders: "
                              f"{', '.join('{' + k + '}' for k in ACCESS_ENV)})") from None
        try:
            process = subprocess.Popen(argv, env={**os.environ, **access.env()})
        except OSError as exc:
            raise TargetError(f"--target-command {argv[0]!r}: {exc.strerror or exc}") from None
        try:
            wait_answering(self.qbwc_url, process)
            yield target
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_answering(url: str, process: subprocess.Popen[bytes] | None) -> None:
    """Until ``url`` answers any HTTP status (a starting process has not bound its port yet)."""
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while True:
        try:
            httpx.get(url, timeout=5.0)
            return
        except httpx.TransportError as exc:
            if process is not None and process.poll() is not None:
                raise TargetError(
                    f"the target command exited ({process.returncode}) before {url} answered"
                ) from None
            if time.monotonic() > deadline:
                raise TargetError(
                    f"{url} did not answer within {READY_TIMEOUT_SECONDS:.0f} s ({exc})"
                ) from None
        # Waiting for another process to bind its port: a bounded poll, not a test's sleep on wall time.
        time.sleep(0.1)
