"""The eight QBWC callbacks as Python calls: the interface both SOAP clients (zeep, raw) implement.

Parameter names and order are the official WSDL's (``wsdl/QBWebConnectorSvc.wsdl``); the Programmer's
Guide insists on them ("You must use the parameter names as given").
"""

from __future__ import annotations

from typing import Protocol

NAMESPACE = "http://developer.intuit.com/"

#: Request element children, in WSDL order.
OPERATION_PARAMS: dict[str, tuple[str, ...]] = {
    "serverVersion": (),
    "clientVersion": ("strVersion",),
    "authenticate": ("strUserName", "strPassword"),
    "connectionError": ("ticket", "hresult", "message"),
    "sendRequestXML": (
        "ticket",
        "strHCPResponse",
        "strCompanyFileName",
        "qbXMLCountry",
        "qbXMLMajorVers",
        "qbXMLMinorVers",
    ),
    "receiveResponseXML": ("ticket", "response", "hresult", "message"),
    "getLastError": ("ticket",),
    "closeConnection": ("ticket",),
}

SoapValue = str | int | list[str | None] | None


class SoapService(Protocol):
    """One web service as QBWC sees it. Every method raises SoapCallError when the call fails."""

    def call(self, operation: str, params: dict[str, str | int | None]) -> SoapValue:
        """Invoke ``operation`` with ``params`` (WSDL names); returns the ``…Result`` value.

        ``authenticate`` returns the ArrayOfString as a list (nil items are None);
        ``receiveResponseXML`` returns an int; the others a string (None when the element is absent).
        """
        ...

    def close(self) -> None: ...
