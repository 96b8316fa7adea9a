"""The 8 QBWC callbacks with the semantics of the QBWC Programmer's Guide (ch. 10).

Unknown, expired or closed tickets never produce a SOAP Fault: a fault makes the real Web
Connector log "QBWC1012"-style errors and flag the application, while a peer-style answer lets it
finish cleanly. So sendRequestXML answers ``""`` (QBWC then calls getLastError), receiveResponseXML
answers -101 (negative → getLastError → closeConnection), getLastError explains, connectionError
answers ``"done"``, closeConnection says the session was already over. (What Intuit's own
services do here is not documented; this mirrors quickbooks-php and the guide's sample, which
return ""/negative values for tickets they do not know.)
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Protocol

from connector.config import Settings
from connector.qbwc.driver import DriverSettings, SessionDriver
from connector.qbwc.hcp import edition_refusal, parse_hcp_response
from connector.qbwc.soap import SoapCall
from connector.qbwc.throttle import LoginGuard
from connector.qbwc.versions import client_version_answer
from connector.qbwc.xmlsafe import UnsafeXmlError
from connector.store.db import make_engine, make_session_factory
from connector.store.locks import CompanyLocks
from connector.store.queue import WorkQueue
from connector.store.sessions import SessionRecord, SessionStore
from connector.store.users import UserStore
from connector.work import SyncHandler

log = logging.getLogger(__name__)

NEGATIVE = -101  # the guide's sample value for "error, call getLastError"
NOOP = "NoOp"
SUPERSEDED = (
    "This session was replaced: the same Web Connector user authenticated again (a new update started)."
)


class SessionObserver(Protocol):
    """What wants to hear of Web Connector sessions (``connector.procore.connection.ProcoreSide``)."""

    def before_authenticate(self, company_key: str) -> None: ...

    def after_response(self, company_key: str) -> None: ...


class QbwcService:
    """The QBWC web service over the durable store."""

    def __init__(self, settings: Settings, handlers: Mapping[str, SyncHandler] | None = None) -> None:
        self.settings = settings
        self.engine = make_engine(settings.database_url)
        sessions = make_session_factory(self.engine)
        self.users = UserStore(sessions, settings.password_iterations)
        self.logins = LoginGuard(self.users, settings)
        self.sessions = SessionStore(sessions, settings.ticket_ttl)
        self.queue = WorkQueue(sessions, settings.clock)
        self.handlers: dict[str, SyncHandler] = dict(handlers or {})
        self.driver = SessionDriver(
            self.queue,
            self.handlers,
            DriverSettings(settings.batch_size, settings.max_attempts, settings.max_envelope_bytes),
        )
        #: Told before authenticate decides whether there is work, and after a response is applied
        #: (the Procore half plans what it has read, and writes back what QuickBooks answered).
        self.observers: list[SessionObserver] = []
        self.locks = CompanyLocks(self.engine)

    def register(self, handler: SyncHandler) -> None:
        """Add the handler for ``handler.kind``."""
        self.handlers[handler.kind] = handler

    # -- plumbing --------------------------------------------------------------------------------
    def _lock(self, company_key: str) -> AbstractContextManager[None]:
        """One lock per company file, never a global one (DESIGN.md; across processes on PostgreSQL)."""
        return self.locks.hold(company_key)

    def _still_open(self, ticket: str) -> SessionRecord | None:
        """The session re-read under its company lock (and touched: sliding expiry), or None: an
        authenticate of the same user may have replaced it between the first check and the lock (that
        session must not get a batch)."""
        return self.sessions.touch_if_open(ticket, self._now())

    def _now(self) -> datetime:
        return self.settings.clock()

    def dispatch(self, call: SoapCall, client_address: str = "") -> str | int | list[str]:
        """Run one decoded SOAP call (``client_address``: the caller's IP, for authenticate's throttle)."""
        p = call.params
        match call.operation:
            case "serverVersion":
                return self.server_version()
            case "clientVersion":
                return self.client_version(_s(p["strVersion"]))
            case "authenticate":
                return self.authenticate(_s(p["strUserName"]), _s(p["strPassword"]), client_address)
            case "sendRequestXML":
                return self.send_request_xml(
                    _s(p["ticket"]),
                    _s(p["strHCPResponse"]),
                    _s(p["strCompanyFileName"]),
                    _s(p["qbXMLCountry"]),
                    int(p["qbXMLMajorVers"] or 0),
                    int(p["qbXMLMinorVers"] or 0),
                )
            case "receiveResponseXML":
                return self.receive_response_xml(
                    _s(p["ticket"]), _s(p["response"]), _s(p["hresult"]), _s(p["message"])
                )
            case "connectionError":
                return self.connection_error(_s(p["ticket"]), _s(p["hresult"]), _s(p["message"]))
            case "getLastError":
                return self.get_last_error(_s(p["ticket"]))
            case "closeConnection":
                return self.close_connection(_s(p["ticket"]))
        raise ValueError(f"unknown operation {call.operation}")

    def _session(self, ticket: str, touch: bool = True) -> tuple[SessionRecord | None, str]:
        """The open session for ``ticket`` (touched unless ``touch`` is False: the caller touches it under
        the company lock, :meth:`_still_open`), or None and the reason."""
        record = self.sessions.get(ticket) if ticket else None
        if record is None:
            return None, "Unknown session ticket; the Web Connector must authenticate again."
        if self.sessions.is_expired(record, self._now()):
            if record.state == "open":
                self.sessions.update(ticket, state="expired")
            minutes = int(self.settings.ticket_ttl.total_seconds() // 60)
            return None, (
                f"Session ticket expired after {minutes} minutes without a call; "
                "the next update will start a new session."
            )
        if record.state == "closed":
            return None, "This session is already closed."
        if record.state == "superseded":
            return None, SUPERSEDED
        if record.state == "open" and touch:
            record = self.sessions.update(ticket, last_seen_at=self._now())
        return record, ""

    # -- operations ------------------------------------------------------------------------------
    def server_version(self) -> str:
        """serverVersion: shown by QBWC under "More information"."""
        return self.settings.server_version

    def client_version(self, version: str) -> str:
        """clientVersion: "" / W: / E: / O: by Web Connector version (seed 001 Requirements)."""
        return client_version_answer(version, self.settings.supported_qbwc_versions)

    def authenticate(self, username: str, password: str, client_address: str = "") -> list[str]:
        """authenticate: [ticket, "nvu" | "none" | "busy" | company file path, postpone?, min interval?].

        "busy": another Web Connector user holds this company file in a live session (seed 001: one
        Web Connector per Procore company; a second one configured for the same file waits).

        Like the guide's sample service, a fresh GUID is returned in [0] in every case; only a
        ticket that opened a session ("" or a path in [1]) is ever recognised later. A user name or
        client address locked out by the login throttle (connector.qbwc.throttle) gets "nvu" without a
        password check.
        """
        ticket = self.settings.ticket_factory()
        account = self.logins.authenticate(username, password, client_address)
        if account is None:
            return [ticket, "nvu"]
        with self._lock(account.company_key):
            now = self._now()
            live = self.sessions.live_session(account.company_key, now)
            if live is not None:
                if live.username != account.username:
                    log.info("session refused for %r: company %s is busy with %r's update",
                             account.username, account.company_key, live.username)
                    return [ticket, "busy"]
                # The Web Connector runs one update of an application at a time (its update lock), so
                # the same user authenticating again means its previous session died (QBWC killed or
                # restarted): that session is over, and its in-flight work gets probed (recover below).
                self.sessions.update(live.ticket, state="superseded", last_error=SUPERSEDED)
            self.queue.recover(account.company_key, ticket)
            for observer in self.observers:
                observer.before_authenticate(account.company_key)
            self.queue.fail_blocked(account.company_key, None)
            remaining = self.queue.remaining(account.company_key)
            if remaining == 0:
                log.info("Web Connector %r (company %s): nothing to do",
                         account.username, account.company_key)
                return self._with_options([ticket, "none"])
            self.sessions.open(ticket, account.username, account.company_key, now)
            log.info("session %s opened for %r (company %s): %d work item(s) waiting",
                     _short(ticket), account.username, account.company_key, remaining)
            return self._with_options([ticket, account.company_file])

    def _with_options(self, answer: list[str]) -> list[str]:
        postpone, minimum = self.settings.postpone_seconds, self.settings.min_run_every_seconds
        if postpone is None and minimum is None:
            return answer
        # [2] must be present for [3] to be read; "" is our choice for "no postponement" (the guide's
        # examples do not show an empty [2] next to a set [3]).
        answer.append("" if postpone is None else str(postpone))
        if minimum is not None:
            answer.append(str(minimum))
        return answer

    def send_request_xml(
        self,
        ticket: str,
        hcp_response: str,
        company_file_name: str,
        qbxml_country: str,
        major: int,
        minor: int,
    ) -> str:
        """sendRequestXML: the next batch, "" on error/refusal (QBWC calls getLastError), or "NoOp".

        ``major``/``minor`` (qbXMLMajorVers/MinorVers) are the newest qbXML the QuickBooks
        installation speaks; the connector sends 13.0, so an older one is refused too.
        """
        record, _ = self._session(ticket, touch=False)
        if record is None or record.state != "open":
            return ""
        with self._lock(record.company_key):
            record = self._still_open(ticket)
            if record is None:
                return ""
            if hcp_response.strip():
                refusal = (
                    self._check_host(ticket, hcp_response, qbxml_country)
                    or _check_qbxml_version(major, minor)
                    or self._check_file(record.company_key, company_file_name)
                )
                if refusal:
                    self.sessions.update(ticket, state="refused", last_error=refusal)
                    log.warning("session %s refused: %s", _short(ticket), refusal)
                    return ""
            if self.driver.in_flight(record.company_key, ticket):
                # A second sendRequestXML before the previous batch's receiveResponseXML: wait.
                self.sessions.update(ticket, last_error=NOOP)
                return NOOP
            request = self.driver.next_request(record.company_key, ticket)
            if request is None:
                if self.queue.remaining(record.company_key, at_most=1) > 0:
                    self.sessions.update(ticket, last_error=NOOP)
                    return NOOP
                finished = self.queue.finished_in(ticket)
                self.sessions.update(
                    ticket, last_error=f"Nothing left to send ({finished} work items finished)."
                )
                return ""
            self.sessions.update(ticket, last_error="", requests_sent=record.requests_sent + 1)
            return request

    def _check_file(self, company_key: str, opened_file: str) -> str | None:
        if not opened_file.strip():
            return None  # not reported: nothing to compare (real QBWC always sends it)
        expected = self.users.bind_company_file(company_key, opened_file.strip())
        if expected is None:
            return None
        return (
            f"Wrong QuickBooks company file: {opened_file.strip()} is open, but this Web Connector user "
            f"syncs {expected}. Open that company file in QuickBooks and update again "
            "(one QuickBooks company file per Procore company)."
        )

    def _check_host(self, ticket: str, hcp_response: str, qbxml_country: str) -> str | None:
        try:
            host = parse_hcp_response(hcp_response, self.settings.max_envelope_bytes)
            self.sessions.update(ticket, host_info=host.to_json())
            return edition_refusal(host, qbxml_country, self.settings.supported_years)
        except (UnsafeXmlError, ValueError) as exc:
            return f"Could not read the QuickBooks host information (strHCPResponse): {exc}"

    def receive_response_xml(self, ticket: str, response: str, hresult: str, message: str) -> int:
        """receiveResponseXML: percent done (1..100) or -101 when ProcessRequest failed."""
        record, _ = self._session(ticket, touch=False)
        if record is None or record.state != "open":
            return NEGATIVE
        with self._lock(record.company_key):
            if self._still_open(ticket) is None:
                return NEGATIVE
            if hresult.strip():
                log.warning("session %s: QuickBooks could not process the request (%s): %s",
                            _short(ticket), hresult.strip(), message)
                self.driver.apply_hresult(record.company_key, ticket, hresult.strip(), message)
                self.sessions.update(
                    ticket,
                    last_error=f"QuickBooks could not process the request ({hresult.strip()}): {message}",
                )
                return NEGATIVE
            try:
                self.driver.apply_response(record.company_key, ticket, response)
            except (UnsafeXmlError, ValueError) as exc:
                self.driver.apply_hresult(record.company_key, ticket, "unreadable-response", str(exc))
                self.sessions.update(ticket, last_error=f"Could not read the qbXML response: {exc}")
                return NEGATIVE
            percent = self.driver.percent_done(record.company_key, ticket)
            self.sessions.update(ticket, percent=percent, finished_items=self.queue.finished_in(ticket))
        for observer in self.observers:
            observer.after_response(record.company_key)
        return percent

    def get_last_error(self, ticket: str) -> str:
        """getLastError: the session's last error, "NoOp" after a NoOp, or why the ticket is unusable."""
        record, reason = self._session(ticket)
        if record is None:
            return reason
        return record.last_error

    def connection_error(self, ticket: str, hresult: str, message: str) -> str:
        """connectionError: retry the company file (a few times) or "done"."""
        record, _ = self._session(ticket)
        if record is None or record.state != "open":
            return "done"
        count = record.connection_errors + 1
        text = f"QuickBooks could not open the company file ({hresult}): {message}"
        if count > self.settings.connection_retries:
            self.sessions.update(ticket, connection_errors=count, last_error=text, state="closed")
            return "done"
        self.sessions.update(ticket, connection_errors=count, last_error=text)
        account_file = self._company_file(record.company_key)
        return account_file

    def _company_file(self, company_key: str) -> str:
        return self.users.company_file(company_key)

    def close_connection(self, ticket: str) -> str:
        """closeConnection: release the company file; the text appears in QBWC's status column."""
        record, reason = self._session(ticket)
        if record is None:
            return reason
        self.sessions.update(ticket, state="closed")
        if record.state == "refused":
            return record.last_error
        counts = self.queue.finished_counts(ticket)  # this session's outcomes only, never the history
        done, failed = counts["done"], counts["failed"]
        left = self.queue.remaining(record.company_key)
        log.info("session %s closed (company %s): %d done, %d failed, %d left",
                 _short(ticket), record.company_key, done, failed, left)
        return f"OK: {done} done, {failed} failed, {left} left for the next update."


def _short(ticket: str) -> str:
    """A ticket's first characters: enough to follow a session in the log, not to replay it."""
    return ticket[:8]


def _check_qbxml_version(major: int, minor: int) -> str | None:
    if major == 0 or (major, minor) >= (13, 0):
        return None  # 0: not reported
    return (
        f"Unsupported QuickBooks version: it supports qbXML {major}.{minor} at most; "
        "the Procore connector needs qbXML 13.0 (QuickBooks Desktop 2014 or newer)."
    )


def _s(value: str | int | None) -> str:
    return "" if value is None else str(value)
