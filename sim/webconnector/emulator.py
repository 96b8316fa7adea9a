"""The QuickBooks Web Connector, emulated: one application (.qwc) driving one web service.

``WebConnector(qwc, password, company, *, version, clock, transport, raw_envelopes)`` then
``run_update()`` is a person clicking "Update Selected"; ``advance(minutes)`` lets Auto-Run
("Every_Min", from the .qwc Scheduler element) fire on the virtual clock.

Real QBWC holds an UpdateLock while it updates: a second "Update Selected" during an update does not
start another one (the emulator records it as a SKIPPED result). A Web Connector that was killed
mid-session is simply run again: the next ``run_update()`` starts a fresh session, as a restarted QBWC does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sim.clock import Clock, ManualClock
from sim.webconnector.company_link import CompanyLink, HttpCompany, company_link
from sim.webconnector.errors import qbwc_message
from sim.webconnector.qwc import QWCFile, load_qwc
from sim.webconnector.qwclog import MANAGER, QWCLog
from sim.webconnector.result import CallRecord, Outcome, UpdateError, UpdateResult
from sim.webconnector.scheduler import Scheduler
from sim.webconnector.session import KillSwitch, SessionOptions, UpdateSession
from sim.webconnector.soap_raw import RawService
from sim.webconnector.soap_service import SoapService
from sim.webconnector.soap_zeep import ZeepService
from sim.webconnector.wire import Wire

#: Web Connector versions Procore supports (seed 001, "Requirements").
SUPPORTED_VERSIONS = ("31.0.10015.29", "32.0.10011.30", "33.0.1006.28", "34.0.1001.27")
DEFAULT_VERSION = SUPPORTED_VERSIONS[-1]
#: Without a clock given, the emulator's starts at 09:00 on its PC (US Eastern), shown in UTC as QWCLog is.
DEFAULT_START = datetime(2024, 1, 15, 14, 0, 0, tzinfo=UTC)


class WebConnector:
    """One application loaded into the Web Connector, with its password typed in."""

    def __init__(
        self,
        qwc: str | Path | QWCFile,
        password: str,
        company: Any,
        *,
        version: str = DEFAULT_VERSION,
        clock: Clock | None = None,
        transport: Any = None,
        raw_envelopes: bool = False,
        qbxml_version: str = "13.0",
        accept_version_warning: bool = True,
        max_connection_attempts: int = 2,
        max_noop_pauses: int = 720,
        max_requests: int = 10_000,
        auto_run: bool | None = None,
        on_call: Callable[[CallRecord], None] | None = None,
    ) -> None:
        self.qwc = load_qwc(qwc)
        self.password = password
        self.company: CompanyLink = company_link(company)
        self.clock: Clock = clock if clock is not None else ManualClock(DEFAULT_START, tz=UTC)
        self.raw_envelopes = raw_envelopes
        self.options = SessionOptions(
            version=version,
            qbxml_version=qbxml_version,
            accept_version_warning=accept_version_warning,
            max_connection_attempts=max_connection_attempts,
            max_requests=max_requests,
            max_noop_pauses=max_noop_pauses,
        )
        self.on_call = on_call
        wire = Wire(transport)
        self.service: SoapService = (
            RawService(self.qwc.app_url, wire) if raw_envelopes else ZeepService(self.qwc.app_url, wire)
        )
        self.history: list[UpdateResult] = []
        self._updating = False
        self._min_run_every: int | None = None
        self.auto_run = False
        self.next_run_at: datetime | None = None
        self.set_auto_run(self.qwc.run_every_seconds is not None if auto_run is None else auto_run)

    # -- updates ---------------------------------------------------------------------------------
    def run_update(self, *, kill: KillSwitch | None = None) -> UpdateResult:
        """ "Update Selected": one full update session. ``kill`` simulates the process dying mid-session."""
        if self._updating:
            return self._skipped()
        if not self.password:
            return self._no_password()
        self._updating = True
        try:
            options = self.options if kill is None else _with_kill(self.options, kill)
            session = UpdateSession(
                self.qwc, self.password, self.service, self.company, self.clock, options, on_call=self.on_call
            )
            result = session.run()
        finally:
            self._updating = False
        if result.min_run_every_seconds:
            self._min_run_every = result.min_run_every_seconds
        self.history.append(result)
        return result

    update_selected = run_update

    def _skipped(self) -> UpdateResult:
        log = QWCLog(self.clock)
        # Real QBWC greys out "Update Selected" while an update runs; the exact message is not known.
        log.write(
            f"{MANAGER}.DoUpdateSelected",
            "An update is already in progress (UpdateLock is set). Request ignored.",
        )
        result = UpdateResult(
            app_name=self.qwc.app_name,
            started_at=self.clock.now(),
            finished_at=self.clock.now(),
            outcome=Outcome.SKIPPED,
            status="Update already in progress",
            log=log.lines,
        )
        self.history.append(result)
        return result

    def _no_password(self) -> UpdateResult:
        message = qbwc_message("QBWC1030", app=self.qwc.app_name)
        log = QWCLog(self.clock)
        log.write(f"{MANAGER}.DoUpdateSelected", f"QBWC1030: {message}")
        result = UpdateResult(
            app_name=self.qwc.app_name,
            started_at=self.clock.now(),
            finished_at=self.clock.now(),
            outcome=Outcome.AUTH_FAILED,
            status=message,
            log=log.lines,
            errors=[UpdateError("QBWC1030", message)],
        )
        self.history.append(result)
        return result

    # -- Auto-Run --------------------------------------------------------------------------------
    @property
    def run_every_seconds(self) -> int | None:
        """The Auto-Run interval: the .qwc Scheduler value, raised to the service's minimum (authRet[3])."""
        base = self.qwc.run_every_seconds
        if base is None:
            return None
        return max(base, self._min_run_every or 0)

    def set_auto_run(self, enabled: bool) -> None:
        """Tick or untick Auto-Run; the first scheduled update comes one interval later."""
        interval = self.run_every_seconds
        self.auto_run = enabled and interval is not None
        self.next_run_at = (
            self.clock.now() + timedelta(seconds=interval) if self.auto_run and interval else None
        )

    def _reschedule(self, result: UpdateResult) -> None:
        interval = self.run_every_seconds
        if not self.auto_run or interval is None:
            self.next_run_at = None
            return
        now = self.clock.now()
        if result.outcome is Outcome.POSTPONED and result.postpone_seconds:
            self.next_run_at = now + timedelta(seconds=result.postpone_seconds)
            return
        due = result.started_at + timedelta(seconds=interval)
        while due <= now:  # an update that overran its slot skips the missed ticks
            due += timedelta(seconds=interval)
        self.next_run_at = due

    def run_due(self) -> UpdateResult | None:
        """Run the scheduled update if it is due now."""
        if self.next_run_at is None or self.next_run_at > self.clock.now():
            return None
        result = self.run_update()
        self._reschedule(result)
        return result

    def advance(self, minutes: float) -> list[UpdateResult]:
        """Let ``minutes`` pass on the virtual clock, running every update that falls due."""
        return Scheduler(self.clock, [self]).advance(minutes)

    # -- housekeeping ----------------------------------------------------------------------------
    @property
    def log(self) -> list[str]:
        """QWCLog.txt across every update so far."""
        return [line for result in self.history for line in result.log]

    def write_log(self, path: str | Path) -> Path:
        """Write QWCLog.txt (every update so far) to ``path``."""
        target = Path(path)
        target.write_text("".join(line + "\n" for line in self.log), encoding="utf-8")
        return target

    def close(self) -> None:
        self.service.close()
        close_company = getattr(self.company, "close", None)
        if isinstance(self.company, HttpCompany) and close_company is not None:
            close_company()

    def __enter__(self) -> WebConnector:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _with_kill(options: SessionOptions, kill: KillSwitch) -> SessionOptions:
    return replace(options, kill=kill)
