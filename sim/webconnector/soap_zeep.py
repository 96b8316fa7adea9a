"""The web service driven by zeep from the official WSDL, as a typical SOAP client would.

The WSDL is parsed once per process; each connector gets a zeep ``Client`` whose transport is a
:class:`~sim.webconnector.wire.Wire`, and a service bound to the .qwc AppURL
(``create_service`` on the ``TroubleshootWebServiceFSSoap`` binding, SOAP 1.1 like QBWC).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import httpx
import zeep
import zeep.exceptions
from zeep.wsdl import Document

from sim.webconnector.errors import SoapCallError
from sim.webconnector.soap_service import NAMESPACE, OPERATION_PARAMS, SoapValue
from sim.webconnector.wire import Wire

WSDL_PATH = Path(__file__).parent / "wsdl" / "QBWebConnectorSvc.wsdl"
BINDING = f"{{{NAMESPACE}}}TroubleshootWebServiceFSSoap"


@lru_cache(maxsize=1)
def wsdl_document() -> Document:
    """The parsed WSDL (shared, read-only)."""
    return Document(str(WSDL_PATH), zeep.Transport(), settings=zeep.Settings(strict=True))


class _Reply:
    """What zeep reads from a ``requests.Response``, filled from an httpx one."""

    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self.headers = response.headers
        self.encoding = response.encoding or "utf-8"
        self.text = response.text


class _WireTransport(zeep.Transport):
    """zeep transport that posts through a :class:`Wire` instead of requests."""

    def __init__(self, wire: Wire) -> None:
        super().__init__()
        self._wire = wire

    def post(self, address: str, message: bytes | str, headers: dict[str, str]) -> Any:
        body = message.encode("utf-8") if isinstance(message, str) else message
        return _Reply(self._wire.post(address, body, headers))


class ZeepService:
    """SoapService implemented with zeep."""

    def __init__(self, app_url: str, wire: Wire) -> None:
        self.wire = wire
        self._client = zeep.Client(wsdl_document(), transport=_WireTransport(wire))
        self._service = self._client.create_service(BINDING, app_url)

    def call(self, operation: str, params: dict[str, str | int | None]) -> SoapValue:
        if operation not in OPERATION_PARAMS:
            raise ValueError(f"not a QBWC operation: {operation}")
        kwargs = {name: params.get(name) for name in OPERATION_PARAMS[operation]}
        try:
            result = getattr(self._service, operation)(**kwargs)
        except zeep.exceptions.Fault as exc:
            raise SoapCallError(operation, exc.message or "SOAP Fault", http_status=self._status()) from exc
        except zeep.exceptions.TransportError as exc:
            raise SoapCallError(operation, str(exc), http_status=exc.status_code) from exc
        except (zeep.exceptions.Error, httpx.HTTPError, ValueError) as exc:
            raise SoapCallError(
                operation, f"{type(exc).__name__}: {exc}", http_status=self._status()
            ) from exc
        if operation == "authenticate":
            # zeep flattens ArrayOfString to a list (an empty <string></string> comes back as None).
            items = result if isinstance(result, list) else getattr(result, "string", None)
            return [None if item is None else str(item) for item in items or []]
        if operation == "receiveResponseXML":
            if result is None:
                raise SoapCallError(
                    operation, "receiveResponseXMLResult is missing", http_status=self._status()
                )
            return int(result)
        return None if result is None else str(result)

    def _status(self) -> int | None:
        return self.wire.last.status if self.wire.last else None

    def close(self) -> None:
        self.wire.close()
