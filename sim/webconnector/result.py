"""What one update ("Update Selected" or a scheduled run) did: the record a test inspects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    """How the update ended."""

    COMPLETED = "completed"  # closeConnection reached after 100 %, "" / NoOp / negative → getLastError
    NO_WORK = "no_work"  # authenticate said "none"
    AUTH_FAILED = "auth_failed"  # authenticate said "nvu"
    BUSY = "busy"  # authenticate said "busy"
    POSTPONED = "postponed"  # authenticate asked to postpone the update
    VERSION_REFUSED = "version_refused"  # clientVersion said "E:" (or "W:" and the user declined)
    CONNECTION_FAILED = "connection_failed"  # QuickBooks could not be opened; connectionError said stop
    CALL_FAILED = "call_failed"  # a callback raised a SOAP Fault / HTTP error (QBWC10xx)
    HCP_FAILED = "hcp_failed"  # the Host/Company/Preferences query failed (QBWC1014)
    KILLED = "killed"  # the Web Connector process died mid-session (test hook)
    LOOP_CAPPED = "loop_capped"  # the emulator's safety cap on requests / NoOp pauses was reached
    SKIPPED = "skipped"  # another update of this application was already running (UpdateLock)


@dataclass
class CallRecord:
    """One SOAP callback: parameters, result (or failure), and the raw envelopes."""

    operation: str
    params: dict[str, str | int | None]
    at: datetime
    result: str | int | list[str | None] | None = None
    failure: str | None = None
    http_status: int | None = None
    request_envelope: bytes = b""
    response_envelope: bytes = b""


@dataclass
class QBXMLExchange:
    """One ProcessRequest against the company file."""

    request: str
    response: str
    hresult: str = ""
    message: str = ""
    hcp: bool = False  # the Host/Company/Preferences query QBWC itself runs


@dataclass
class UpdateError:
    """An error QBWC shows or logs: a QBWC10xx code, an HRESULT, or "getLastError" text."""

    code: str
    message: str


@dataclass
class UpdateResult:
    """Everything an update did, in order."""

    app_name: str
    started_at: datetime
    finished_at: datetime | None = None
    outcome: Outcome = Outcome.COMPLETED
    #: The text QBWC shows in its status column (closeConnection's result, getLastError's, or an error).
    status: str = ""
    ticket: str | None = None
    server_version: str | None = None
    client_version_reply: str | None = None
    company_file: str | None = None
    hcp_response: str | None = None
    postpone_seconds: int | None = None
    min_run_every_seconds: int | None = None
    calls: list[CallRecord] = field(default_factory=list)
    exchanges: list[QBXMLExchange] = field(default_factory=list)
    progress: list[int] = field(default_factory=list)
    errors: list[UpdateError] = field(default_factory=list)
    log: list[str] = field(default_factory=list)

    @property
    def operations(self) -> list[str]:
        """The callbacks in the order they were made."""
        return [call.operation for call in self.calls]

    def calls_to(self, operation: str) -> list[CallRecord]:
        return [call for call in self.calls if call.operation == operation]

    @property
    def requests(self) -> list[str]:
        """The qbXML requests the web service sent (excluding QBWC's own HCP query)."""
        return [exchange.request for exchange in self.exchanges if not exchange.hcp]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (times ISO 8601, envelopes decoded as UTF-8) for reports."""

        def plain(value: Any) -> Any:
            if isinstance(value, datetime):
                return value.isoformat()
            if isinstance(value, bytes):
                return value.decode("utf-8", errors="replace")
            if isinstance(value, StrEnum):
                return value.value
            if isinstance(value, dict):
                return {key: plain(item) for key, item in value.items()}
            if isinstance(value, list):
                return [plain(item) for item in value]
            return value

        return plain(asdict(self))
