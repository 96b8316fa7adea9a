"""The Web Connector's own error codes (``QBWC10xx``), as named exceptions.

Texts come from Intuit's *QuickBooks Web Connector Programmer's Guide* (2022), Appendix A, Table A-1
("QBWC Errors and How to Handle Them"); ``<…>`` placeholders there become ``{…}`` fields here. Only the
codes the emulator can actually raise are listed.
"""

from __future__ import annotations

QBWC_MESSAGES: dict[str, str] = {
    "QBWC1000": "The domain names for {app}'s service and support URLs do not match.",
    "QBWC1001": "The application {app}'s service URL is an IP Address, it will not be loaded.",
    "QBWC1010": "Application {app} cannot be loaded. For security reasons only SSL (https) based "
    "applications are allowed.",
    "QBWC1012": "Authentication failed due to error message: {detail}.",
    "QBWC1013": "Error connecting to QuickBooks. Returning error message to application. {detail}.",
    "QBWC1014": "Could not get Host/Company/Preference Query response from QuickBooks. Job ending. {detail}.",
    "QBWC1030": "Password is not available for application named {app}. Please set the password for this "
    "application.",
    "QBWC1036": "Error countered during version check: {detail}.",
    "QBWC1037": "Application sent following error or warning message when checking version of QB web "
    "connector. Update aborted. {detail}",
    "QBWC1039": "There was a problem adding the application to registry. Check QWCLog.txt for details.",
    "QBWC1040": "Web connector did not provide a valid username and/or password.",
    "QBWC1041": "SendRequestXML failed due to error message: {detail}.",
    "QBWC1042": "ReceiveResponseXML failed due to error message: {detail}.",
    "QBWC1043": "getLastError failed due to error message: {detail}.",
    "QBWC1044": "CloseConnection failed due to error message: {detail}.",
    "QBWC1045": "ConnectionError failed due to error message: {detail}.",
    "QBWC1046": "Application sent incorrect syntax return value for clientVersion(). "
    "Error message: {detail}. Update cannot continue.",
}

#: The SOAP operation whose failure (fault, HTTP error, bad reply) each code reports (Table A-1).
CALL_FAILURE_CODES: dict[str, str] = {
    "authenticate": "QBWC1012",
    "clientVersion": "QBWC1036",
    "sendRequestXML": "QBWC1041",
    "receiveResponseXML": "QBWC1042",
    "getLastError": "QBWC1043",
    "closeConnection": "QBWC1044",
    "connectionError": "QBWC1045",
}


def qbwc_message(code: str, *, app: str = "", detail: str = "") -> str:
    """The guide's text for ``code`` with its placeholders filled (no doubled full stop)."""
    template = QBWC_MESSAGES[code]
    if "{detail}." in template and detail.endswith("."):
        detail = detail[:-1]
    return template.format(app=app, detail=detail)


class QBWCError(Exception):
    """A ``QBWC10xx`` error as the Web Connector shows it (code + text)."""

    def __init__(self, code: str, *, app: str = "", detail: str = "") -> None:
        self.code = code
        self.message = qbwc_message(code, app=app, detail=detail)
        self.detail = detail
        # QBWC puts the specifics in QWCLog.txt, not in the dialog; keep them in the exception text.
        extra = f" ({detail})" if detail and detail not in self.message else ""
        super().__init__(f"{code}: {self.message}{extra}")


class QWCFileError(QBWCError):
    """The .qwc file cannot be loaded (QBWC1039 and the URL rules QBWC1000/1001/1010)."""


class SoapCallError(Exception):
    """A callback failed on the wire: SOAP Fault, HTTP error, unreachable server or an unreadable reply.

    Real QBWC wraps the .NET exception text; the emulator keeps the fault string (or transport error)
    as ``detail`` and maps the operation to its ``QBWC10xx`` code via :data:`CALL_FAILURE_CODES`.
    """

    def __init__(self, operation: str, detail: str, *, http_status: int | None = None) -> None:
        self.operation = operation
        self.detail = detail
        self.http_status = http_status
        super().__init__(f"{operation}(): {detail}")


class CompanyError(Exception):
    """QuickBooks refused a call with an HRESULT (``QBXMLError`` of the fake, in-process or over HTTP).

    The emulator converts whatever the fake raised into this so that in-process and HTTP companies
    look the same to the update session.
    """

    def __init__(self, hresult: str, message: str) -> None:
        self.hresult = hresult
        self.message = message
        super().__init__(f"{hresult}: {message}")
