"""One update of one application, in the real Web Connector's call order.

serverVersion → clientVersion → authenticate → open the company file (BeginSession; on an HRESULT
connectionError, retry with the path it returns, stop on "done") → QBXMLVersionsForSession → QBWC's own
Host/Company/Preferences query (at the highest version the file supports, ≤ ``qbxml_version``) →
sendRequestXML (strHCPResponse on the first call only) → ProcessRequest → receiveResponseXML → … →
getLastError where the protocol says so → closeConnection → EndSession.
Semantics: QBWC-PROTOCOL.md and the QBWC Programmer's Guide ch. 10. receiveResponseXML's 0..99 asks
for another sendRequestXML (0 included), 100 ends the loop, a negative number calls getLastError.

Choices where the real behaviour is not documented (each is tested as chosen):

* serverVersion failing is logged and ignored (the guide calls it optional); clientVersion failing is
  logged as QBWC1036 and the update continues (the protocol notes say QBWC goes straight to authenticate
  when the service does not implement it).
* ``W:`` from clientVersion puts up a dialog; ``accept_version_warning`` is the user's answer. ``O:<ver>``
  names the oldest Web Connector the service accepts: a newer or equal version proceeds silently, an older
  one gets the same dialog (the guide only says QBWC tells the user a newer version is expected).
* After nvu / none / busy / a postponement, and after connectionError said "done", no further callback is
  made (no closeConnection: no session was opened in QuickBooks).
* A callback that fails (SOAP Fault, HTTP error) ends the update at once with its QBWC10xx code; the
  QuickBooks session is ended, no further callback is made.
* QBWC "tries the connection twice" (guide, QBWC1007/1008): ``max_connection_attempts`` defaults to 2.
* The emulator caps requests per update and NoOp pauses (``max_requests``, ``max_noop_pauses``) so a
  broken service cannot hang a test; real QBWC has no such cap. A service that reports 0 forever while
  always having a request ends at ``max_requests`` (LOOP_CAPPED), never by its percentage.
* A percentage over 100 ends the loop like 100 (the guide only defines 0..100 and negatives).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sim.clock import Clock
from sim.webconnector.company_link import FILE_MISMATCH_HRESULT, FILE_MISMATCH_MESSAGE, CompanyLink
from sim.webconnector.errors import CALL_FAILURE_CODES, CompanyError, SoapCallError, qbwc_message
from sim.webconnector.hcp import HCPError, HostInfo, hcp_request, hcp_version, host_info
from sim.webconnector.qwc import QWCFile
from sim.webconnector.qwclog import MANAGER, REGISTRY, SOAP, QWCLog, shorten
from sim.webconnector.result import CallRecord, Outcome, QBXMLExchange, UpdateError, UpdateResult
from sim.webconnector.soap_service import SoapService, SoapValue

NOOP = "NoOp"
NOOP_PAUSE_SECONDS = 5
INTERACTIVE_MODE = "Interactive mode"
#: QuickBooks' open mode QBWC asks for (qbFileOpenDoNotCare).
OPEN_MODE = "DoNotCare"


@dataclass(frozen=True)
class KillSwitch:
    """Kill the Web Connector mid-session (task manager, reboot, crash); whichever point comes first.

    ``after_send=N``: after the N-th sendRequestXML that returned a request. ``after_process=True``:
    QuickBooks already ran it (its effect is in the company file) but receiveResponseXML is never
    called — the web service never learns the outcome; ``False``: the process died before handing the
    request to QuickBooks. ``before_close=True``: the work finished but closeConnection is never called,
    so the web service's session stays open until it expires. ``after_send=None`` disables that point.
    """

    after_send: int | None = 1
    after_process: bool = True
    before_close: bool = False


@dataclass(frozen=True)
class SessionOptions:
    version: str = "34.0.1001.27"
    qbxml_version: str = "13.0"
    accept_version_warning: bool = True
    max_connection_attempts: int = 2
    max_requests: int = 10_000
    max_noop_pauses: int = 720
    kill: KillSwitch | None = None


class _Stop(Exception):
    """Ends the update with an outcome (internal control flow)."""

    def __init__(self, outcome: Outcome, status: str) -> None:
        super().__init__(status)
        self.outcome = outcome
        self.status = status


def _fmt(value: SoapValue) -> str:
    return "" if value is None else str(value)


class UpdateSession:
    """Runs one update; create a new one per update."""

    def __init__(
        self,
        qwc: QWCFile,
        password: str,
        service: SoapService,
        company: CompanyLink,
        clock: Clock,
        options: SessionOptions,
        *,
        on_call: Callable[[CallRecord], None] | None = None,
    ) -> None:
        self.qwc = qwc
        self._password = password
        self.service = service
        self.company = company
        self.clock = clock
        self.options = options
        self.on_call = on_call
        self.log = QWCLog(clock)
        self.result = UpdateResult(app_name=qwc.app_name, started_at=clock.now())
        self._qb_ticket: str | None = None

    # -- plumbing -------------------------------------------------------------------------------
    def _call(self, operation: str, params: dict[str, str | int | None]) -> SoapValue:
        record = CallRecord(operation=operation, params=dict(params), at=self.clock.now())
        self.result.calls.append(record)
        wire = getattr(self.service, "wire", None)
        if wire is not None:
            wire.last = None  # a call that fails before posting must not inherit the previous envelopes
        try:
            value = self.service.call(operation, params)
        except SoapCallError as exc:
            record.failure = exc.detail
            record.http_status = exc.http_status
            raise
        finally:
            last = getattr(wire, "last", None)
            if last is not None:
                record.request_envelope = last.request_body
                record.response_envelope = last.response_body
                record.http_status = record.http_status or last.status
            if self.on_call is not None:
                self.on_call(record)
        record.result = value
        return value

    def _call_or_stop(self, operation: str, params: dict[str, str | int | None]) -> SoapValue:
        """:meth:`_call`, where a failed call ends the update (QBWC's QBWC10xx for that operation)."""
        try:
            return self._call(operation, params)
        except SoapCallError as exc:
            raise self._fail_call(exc) from exc

    def _fail_call(self, exc: SoapCallError) -> _Stop:
        code = CALL_FAILURE_CODES[exc.operation]
        message = qbwc_message(code, detail=exc.detail)
        self.result.errors.append(UpdateError(code, message))
        self.log.write(f"{SOAP}.do_{exc.operation}", f"{code}: {message}")
        return _Stop(Outcome.CALL_FAILED, f"{code}: {message}")

    # -- the update ----------------------------------------------------------------------------
    def run(self) -> UpdateResult:
        self.log.write(
            f"{REGISTRY}.setUpdateLock",
            r"HKEY_CURRENT_USER\Software\Intuit\QBWebConnector\UpdateLock has been set to True",
        )
        self.log.write(f"{SOAP}.instantiateWebService", "Initiated connection to the following application.")
        self.log.write(f"{SOAP}.instantiateWebService", f"AppName: {self.qwc.app_name}")
        self.log.write(f"{SOAP}.instantiateWebService", f"AppURL: {self.qwc.app_url}")
        try:
            self._run()
        except _Stop as stop:
            self.result.outcome = stop.outcome
            self.result.status = stop.status
        finally:
            self._end_qb_session()
            self.result.finished_at = self.clock.now()
            self.log.write(
                f"{MANAGER}.DoUpdateSelected",
                f"Update completed with outcome: {self.result.outcome}. Status: {self.result.status}",
            )
            self.log.write(
                f"{REGISTRY}.setUpdateLock",
                r"HKEY_CURRENT_USER\Software\Intuit\QBWebConnector\UpdateLock has been set to False",
            )
            self.result.log = list(self.log.lines)
        return self.result

    def _run(self) -> None:
        self._server_version()
        self._client_version()
        ticket, path = self._authenticate()
        self._open_company(ticket, path)
        info = self._hcp()
        self._exchange_loop(ticket, info)

    def _server_version(self) -> None:
        src = f"{SOAP}.do_serverVersion"
        self.log.write(src, "*** Calling serverVersion().")
        try:
            value = self._call("serverVersion", {})
        except SoapCallError as exc:
            self.log.write(src, f"serverVersion() failed, continuing: {exc.detail}")
            return
        self.result.server_version = None if value is None else str(value)
        self.log.write(
            src, f'Received from serverVersion() following parameter:<serverVersionRet="{_fmt(value)}">'
        )

    def _client_version(self) -> None:
        src = f"{SOAP}.do_clientVersion"
        version = self.options.version
        self.log.write(
            src, f'*** Calling clientVersion() with following parameter:<productVersion="{version}">'
        )
        try:
            value = self._call("clientVersion", {"strVersion": version})
        except SoapCallError as exc:
            message = qbwc_message("QBWC1036", detail=exc.detail)
            self.log.write(src, f"QBWC1036: {message} Continuing with authenticate().")
            return
        reply = "" if value is None else str(value)
        self.result.client_version_reply = reply
        self.log.write(src, f'Received from clientVersion() following parameter:<clientVersionRet="{reply}">')
        if reply == "":
            self.log.write(
                src,
                "This application agrees with the current version of QBWebConnector. "
                "Allowing update operation.",
            )
            return
        kind, text = reply[:2].upper(), reply[2:]
        if kind == "O:":
            required = _version_tuple(text)
            if required is None:
                raise self._bad_client_version(reply)
            if (_version_tuple(version) or ()) >= required:
                self.log.write(src, f"The application requires QBWebConnector {text} or newer: satisfied.")
                return
            text = f"The application requires QuickBooks Web Connector version {text} or newer."
        if kind == "E:" or (kind in ("W:", "O:") and not self.options.accept_version_warning):
            message = qbwc_message("QBWC1037", detail=text)
            self.result.errors.append(UpdateError("QBWC1037", message))
            self.log.write(src, f"QBWC1037: {message}")
            raise _Stop(Outcome.VERSION_REFUSED, text)
        if kind in ("W:", "O:"):
            self.log.write(
                src,
                f"The application sent a warning about the QBWebConnector version: {text} "
                "User chose to continue.",
            )
            return
        raise self._bad_client_version(reply)

    def _bad_client_version(self, reply: str) -> _Stop:
        src = f"{SOAP}.do_clientVersion"
        message = qbwc_message("QBWC1046", detail=f"unknown return value {reply!r}")
        self.result.errors.append(UpdateError("QBWC1046", message))
        self.log.write(src, f"QBWC1046: {message}")
        return _Stop(Outcome.VERSION_REFUSED, message)

    def _authenticate(self) -> tuple[str, str]:
        src = f"{SOAP}.do_authenticate"
        user = self.qwc.user_name
        self.log.write(src, f"Authenticating to application '{self.qwc.app_name}', username = '{user}'")
        self.log.write(
            src,
            f'*** Calling authenticate() with following parameters:<userName="{user}">'
            "<password=<MaskedForSecurity>",
        )
        value = self._call_or_stop("authenticate", {"strUserName": user, "strPassword": self._password})
        items = list(value) if isinstance(value, list) else []
        shown = "".join(f'<authRet[{i}]="{"" if item is None else item}">' for i, item in enumerate(items))
        self.log.write(src, f"Received from authenticate() following parameters:{shown}")
        ticket = (items[0] or "") if items else ""
        status = (items[1] or "") if len(items) > 1 else ""
        self.result.ticket = ticket or None
        self.result.postpone_seconds = _int_or_none(items, 2)
        self.result.min_run_every_seconds = _int_or_none(items, 3)
        verdict = status.strip().lower()
        if verdict == "nvu":
            message = qbwc_message("QBWC1040")
            self.result.errors.append(UpdateError("QBWC1040", message))
            self.log.write(src, f"QBWC1040: {message}")
            raise _Stop(Outcome.AUTH_FAILED, message)
        if self.result.postpone_seconds:
            self.log.write(
                src, f"Update postponed by application for {self.result.postpone_seconds} seconds."
            )
            raise _Stop(Outcome.POSTPONED, "Update postponed by application")
        if verdict == "none":
            self.log.write(src, "No data exchange required")
            raise _Stop(Outcome.NO_WORK, "No data exchange required")
        if verdict == "busy":
            # Real status text unknown; QBWC reports the application as busy and retries next time.
            self.log.write(src, "The application is busy. Update will be retried later.")
            raise _Stop(Outcome.BUSY, "Application is busy")
        if not ticket:
            message = qbwc_message("QBWC1012", detail="authenticate() returned no ticket")
            self.result.errors.append(UpdateError("QBWC1012", message))
            raise _Stop(Outcome.AUTH_FAILED, message)
        return ticket, status

    def _begin(self, path: str) -> None:
        if path and path.strip().lower() != self.company.qbw_path.strip().lower():
            # The one company file is what QuickBooks has open; asking for another is 0x8004040A.
            raise CompanyError(FILE_MISMATCH_HRESULT, FILE_MISMATCH_MESSAGE)
        # IsReadOnly in the .qwc: QBWC asks QBXMLRP2 for read-only access (AuthPreferences).
        self._qb_ticket = self.company.begin_session(
            self.qwc.app_name, OPEN_MODE, read_only=self.qwc.is_read_only
        )

    def _open_company(self, ticket: str, path: str) -> None:
        src = f"{SOAP}.updateWS"
        attempts = 0
        while True:
            attempts += 1
            where = path or "the company file currently open in QuickBooks"
            self.log.write(src, f"Opening the QuickBooks company file: {where} (attempt {attempts})")
            try:
                self._begin(path)
            except CompanyError as exc:
                self.result.errors.append(UpdateError(exc.hresult, exc.message))
                self.log.write(
                    src, f"QBWC1013: {qbwc_message('QBWC1013', detail=exc.message)} HRESULT={exc.hresult}"
                )
                reply = self._connection_error(ticket, exc)
                if reply.strip().lower() == "done":
                    raise _Stop(Outcome.CONNECTION_FAILED, exc.message) from exc
                if attempts >= self.options.max_connection_attempts:
                    self.log.write(src, f"Giving up after {attempts} attempts to connect to QuickBooks.")
                    raise _Stop(Outcome.CONNECTION_FAILED, exc.message) from exc
                path = reply
                continue
            self.result.company_file = self.company.qbw_path
            self.log.write(src, f"Connection to QuickBooks established: {self.result.company_file}")
            return

    def _connection_error(self, ticket: str, exc: CompanyError) -> str:
        src = f"{SOAP}.do_connectionError"
        self.log.write(
            src,
            f'*** Calling connectionError() with following parameters:<wcTicket="{ticket}">'
            f'<hresult="{exc.hresult}"><message="{exc.message}">',
        )
        try:
            value = self._call(
                "connectionError", {"ticket": ticket, "hresult": exc.hresult, "message": exc.message}
            )
        except SoapCallError as call_exc:
            raise self._fail_call(call_exc) from call_exc
        self.log.write(
            src, f'Received from connectionError() following parameter:<connectionErrorRet="{_fmt(value)}">'
        )
        return _fmt(value)

    def _hcp(self) -> HostInfo:
        src = f"{SOAP}.ProcessRequestXML"
        try:
            versions = self.company.qbxml_versions(self._qb_ticket or "")
            version = hcp_version(versions, self.options.qbxml_version)
        except CompanyError as exc:
            raise self._hcp_failed(exc.message) from exc
        request = hcp_request(self.qwc.owner_id, version)
        self.log.write(src, "Getting Host/Company/Preferences information from QuickBooks.")
        try:
            response = self.company.process_request(request, self._qb_ticket)
        except CompanyError as exc:
            self.result.exchanges.append(QBXMLExchange(request, "", exc.hresult, exc.message, hcp=True))
            raise self._hcp_failed(exc.message) from exc
        self.result.exchanges.append(QBXMLExchange(request, response, hcp=True))
        try:
            info = host_info(response)
        except HCPError as exc:
            raise self._hcp_failed(str(exc)) from exc
        self.result.hcp_response = response
        return info

    def _hcp_failed(self, detail: str) -> _Stop:
        message = qbwc_message("QBWC1014", detail=detail)
        self.result.errors.append(UpdateError("QBWC1014", message))
        self.log.write(f"{SOAP}.ProcessRequestXML", f"QBWC1014: {message}")
        return _Stop(Outcome.HCP_FAILED, message)

    def _exchange_loop(self, ticket: str, info: HostInfo) -> None:
        first = True
        sends = 0
        noop_pauses = 0
        while True:
            if sends >= self.options.max_requests:
                self.log.write(f"{SOAP}.do_sendRequestXML", "Emulator cap on requests per update reached.")
                self._close(ticket)
                raise _Stop(Outcome.LOOP_CAPPED, f"more than {self.options.max_requests} requests")
            request = self._send_request(ticket, info, first)
            first = False
            if request == NOOP or request == "":
                error = self._get_last_error(ticket)
                if request == NOOP and error == NOOP:
                    noop_pauses += 1
                    if noop_pauses > self.options.max_noop_pauses:
                        self._close(ticket)
                        raise _Stop(
                            Outcome.LOOP_CAPPED, f"more than {self.options.max_noop_pauses} NoOp pauses"
                        )
                    self.log.write(f"{SOAP}.do_getLastError", f"NoOp: pausing {NOOP_PAUSE_SECONDS} seconds.")
                    self.clock.advance(NOOP_PAUSE_SECONDS)
                    continue
                self.result.errors.append(UpdateError("getLastError", error))
                self._close(ticket)
                return
            sends += 1
            percent = self._process_and_receive(ticket, request, sends)
            if percent < 0:
                error = self._get_last_error(ticket)
                self.result.errors.append(UpdateError("getLastError", error))
                self._close(ticket)
                return
            # 0..99 asks for more, 0 included: the qbwc Ruby gem's session reports progress 0 until its
            # last job is done and 100 when finished (lib/qbwc/session.rb), qbwc-kit returns
            # session.progress() = 0 mid-session, and int(done / total * 100) is 0 for the first of 105
            # tasks; such services run whole sessions against the real Web Connector (QBWC-PROTOCOL.md).
            if percent >= 100:
                self._close(ticket)
                return

    def _send_request(self, ticket: str, info: HostInfo, first: bool) -> str:
        src = f"{SOAP}.do_sendRequestXML"
        hcp = self.result.hcp_response if first else ""
        params: dict[str, str | int | None] = {
            "ticket": ticket,
            "strHCPResponse": hcp,
            "strCompanyFileName": self.result.company_file,
            "qbXMLCountry": info.country,
            "qbXMLMajorVers": info.major,
            "qbXMLMinorVers": info.minor,
        }
        self.log.write(
            src,
            f'*** Calling sendRequestXML() with following parameters:<wcTicket="{ticket}">'
            f'<HCPResponse="{shorten(hcp, 200)}"><COMPANYFILENAME="{self.result.company_file}">'
            f'<qbXMLCountry="{info.country}"><qbXMLMajorVers="{info.major}"><qbXMLMinorVers="{info.minor}">',
        )
        value = self._call_or_stop("sendRequestXML", params)
        request = _fmt(value)
        self.log.write(
            src,
            f'Received from sendRequestXML() following parameter:<sendRequestXMLRet="{shorten(request)}">',
        )
        return request

    def _process_and_receive(self, ticket: str, request: str, sends: int) -> int:
        src = f"{SOAP}.ProcessRequestXML"
        kill = self.options.kill
        killed_now = kill is not None and kill.after_send is not None and kill.after_send == sends
        if killed_now and not kill.after_process:
            raise self._killed("before QuickBooks processed the request")
        self.log.write(src, "Request XML sent to QuickBooks.")
        hresult = message = response = ""
        try:
            response = self.company.process_request(request, self._qb_ticket)
        except CompanyError as exc:
            hresult, message = exc.hresult, exc.message
            self.log.write(src, f"QuickBooks returned an error: HRESULT={hresult} {message}")
        else:
            self.log.write(src, "Response XML received from QuickBooks.")
        self.result.exchanges.append(QBXMLExchange(request, response, hresult, message))
        if killed_now:
            raise self._killed("after QuickBooks processed the request")
        rsrc = f"{SOAP}.do_receiveResponseXML"
        self.log.write(
            rsrc,
            f'*** Calling receiveResponseXML() with following parameters:<wcTicket="{ticket}">'
            f'<response="{shorten(response)}"><hResult="{hresult}"><message="{message}">',
        )
        value = self._call_or_stop(
            "receiveResponseXML",
            {"ticket": ticket, "response": response, "hresult": hresult, "message": message},
        )
        percent = int(value) if isinstance(value, int) else 0
        self.result.progress.append(percent)
        self.log.write(rsrc, f'Received from receiveResponseXML() following parameter:<response="{percent}">')
        return percent

    def _killed(self, when: str, never_called: str = "receiveResponseXML") -> _Stop:
        self.log.write(
            f"{MANAGER}.DoUpdateSelected",
            f"Web Connector process terminated {when}; {never_called}() was never called.",
        )
        return _Stop(Outcome.KILLED, f"killed {when}")

    def _get_last_error(self, ticket: str) -> str:
        src = f"{SOAP}.do_getLastError"
        self.log.write(src, f'*** Calling getLastError() with following parameter:<wcTicket="{ticket}">')
        value = self._call_or_stop("getLastError", {"ticket": ticket})
        text = _fmt(value)
        self.log.write(src, f'Received from getLastError() following parameter:<getLastErrorRet="{text}">')
        if text == INTERACTIVE_MODE:
            # Real QBWC would call getInteractiveURL and open a browser; that callback is not in the
            # official WSDL this emulator drives, so interactive mode ends the update like any message.
            self.log.write(src, "Interactive mode requested; getInteractiveURL() is not emulated.")
        return text

    def _close(self, ticket: str) -> None:
        if self.options.kill is not None and self.options.kill.before_close:
            raise self._killed("before closeConnection", "closeConnection")
        src = f"{SOAP}.do_closeConnection"
        self.log.write(src, f'*** Calling closeConnection() with following parameter:<wcTicket="{ticket}">')
        value = self._call_or_stop("closeConnection", {"ticket": ticket})
        self.result.status = _fmt(value)
        self.log.write(
            src, f'Received from closeConnection() following parameter:<closeConnectionRet="{_fmt(value)}">'
        )

    def _end_qb_session(self) -> None:
        if self._qb_ticket is None:
            return
        ticket, self._qb_ticket = self._qb_ticket, None
        try:
            self.company.end_session(ticket)
        except CompanyError as exc:
            # QBWC1015: an exception during EndSession/CloseConnection with QuickBooks.
            self.result.errors.append(UpdateError("QBWC1015", exc.message))
            self.log.write(f"{SOAP}.updateWS", f"QBWC1015: {exc.message}")


def _version_tuple(text: str) -> tuple[int, ...] | None:
    """``"34.0.1001.27"`` → ``(34, 0, 1001, 27)``; None if not a dotted number."""
    try:
        return tuple(int(part) for part in text.strip().split("."))
    except ValueError:
        return None


def _int_or_none(items: list[str | None], index: int) -> int | None:
    if len(items) <= index or items[index] in (None, ""):
        return None
    try:
        return int(str(items[index]).strip())
    except ValueError:
        return None
