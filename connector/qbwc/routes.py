"""HTTP face of the QBWC service: POST /qbwc (SOAP 1.1 and 1.2), GET /qbwc?wsdl.

Everything blocking (the envelope parse, the operation) runs in the thread pool, in one trip: a slow or
hostile envelope must not stall the event loop every other Web Connector is served from. Each answer
carries ``Server-Timing: qbwc;dur=MS``, the time the connector spent on it. The client address
goes down to the service for authenticate's throttle.

The WSDL's soap:address is ``Settings.public_url`` when configured. Without one it is taken from the
request, but only when its Host is in ``Settings.allowed_hosts`` (loopback by default); any other Host
gets ``400``, as Starlette's TrustedHostMiddleware and Django answer: a forged Host header would
otherwise become the address a client posts its passwords to (and poison any cache in front of us).
"""

from __future__ import annotations

import logging
import time

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from connector.qbwc.service import QbwcService
from connector.qbwc.soap import (
    SOAP11_CONTENT_TYPE,
    SOAP12_CONTENT_TYPE,
    SoapCall,
    SoapFault,
    build_fault,
    build_response,
    parse_envelope,
    soap_version_of,
)
from connector.qbwc.wsdl import wsdl_for

log = logging.getLogger(__name__)


def _content_type(version: str) -> str:
    return SOAP12_CONTENT_TYPE if version == "1.2" else SOAP11_CONTENT_TYPE


def build_router(service: QbwcService, path: str = "/qbwc") -> APIRouter:
    """The router serving ``service`` at ``path``."""
    router = APIRouter()

    @router.get(path)
    async def get_wsdl(request: Request) -> Response:
        if "wsdl" not in {k.lower() for k in request.query_params}:
            return Response(
                "Add ?wsdl to get the service description.\n", status_code=404, media_type="text/plain"
            )
        url = service.settings.public_url
        if url is None:
            host = (request.url.hostname or "").lower()
            if host not in {h.lower() for h in service.settings.allowed_hosts}:
                return Response(
                    f"Invalid Host header {host!r}: this connector serves its WSDL only to "
                    f"{', '.join(service.settings.allowed_hosts)} unless its public URL is configured "
                    "(QBSIM_CONNECTOR_PUBLIC_URL).\n",
                    status_code=400,
                    media_type="text/plain",
                )
            url = str(request.url.replace(query=""))
        return Response(wsdl_for(url), media_type="text/xml; charset=utf-8")

    def parse_and_dispatch(
        body: bytes, content_type: str | None, address: str
    ) -> tuple[SoapCall, str | int | list[str]]:
        # One trip to the thread pool per call, not one for the parse and another for the operation.
        call = parse_envelope(body, content_type, limit, service.settings.max_envelope_elements)
        return call, service.dispatch(call, address)

    limit = service.settings.max_envelope_bytes

    @router.post(path)
    async def soap(request: Request) -> Response:
        started = time.perf_counter()
        content_type = request.headers.get("content-type")
        version = soap_version_of(content_type)
        declared = request.headers.get("content-length")
        try:
            if declared and declared.isdigit() and int(declared) > limit:
                raise SoapFault(
                    "Client", f"Bad SOAP request: {declared} bytes exceeds the {limit}-byte limit"
                )
            body = await _read_capped(request, limit)
            address = request.client.host if request.client else ""
            call, result = await run_in_threadpool(parse_and_dispatch, body, content_type, address)
            version = call.soap_version
        except SoapFault as fault:
            return Response(build_fault(version, fault), status_code=500, media_type=_content_type(version))
        except Exception:
            log.exception("QBWC operation failed")
            fault = SoapFault("Server", "The connector failed to process the request; see its log.")
            return Response(build_fault(version, fault), status_code=500, media_type=_content_type(version))
        answer = Response(build_response(version, call.operation, result), media_type=_content_type(version))
        # How long the connector itself took (W3C Server-Timing): the load harness reports it beside what
        # its clients measured, which includes their own scheduling.
        answer.headers["Server-Timing"] = f"qbwc;dur={(time.perf_counter() - started) * 1000:.1f}"
        return answer

    return router


async def _read_capped(request: Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise SoapFault("Client", f"Bad SOAP request: the body exceeds the {limit}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)
