"""A log in the spirit of QWCLog.txt, stamped from the virtual clock.

Line shape as in Web Connector logs quoted in public issue threads (jsgoupil/quickbooks-sync#62,
consolibyte/quickbooks-php#92): ``20240115.14:00:00 UTC\t: QBWebConnector.SOAPWebService.do_serverVersion() :
Received from serverVersion() following parameter:<serverVersionRet="3.0.2.0">``. The source names and
phrasings are reconstructed from such quotes, not copied from a complete real log; the password is
always masked, as QBWC does.
"""

from __future__ import annotations

from datetime import UTC

from sim.clock import Clock

SOAP = "QBWebConnector.SOAPWebService"
MANAGER = "QBWebConnector.WebServiceManager"
REGISTRY = "QBWebConnector.RegistryManager"


class QWCLog:
    """Collects log lines; ``lines`` is what QWCLog.txt would hold for the run."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self.lines: list[str] = []

    def write(self, source: str, text: str) -> None:
        stamp = self._clock.now().astimezone(UTC).strftime("%Y%m%d.%H:%M:%S UTC")
        self.lines.append(f"{stamp}\t: {source}() : {text}")

    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")


def shorten(value: str | None, limit: int = 2000) -> str:
    """Long qbXML is cut in the log (QBWC's non-verbose mode does not dump whole documents)."""
    if value is None:
        return ""
    return value if len(value) <= limit else value[:limit] + f"... [{len(value) - limit} more characters]"
