"""HTTP face of the QBWC service: POST /qbwc (SOAP 1.1 and 1.2), GET /qbwc?wsdl."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response
from starlette.concurrency import run_in_threadpool

from connector.qbwc.service import QbwcService
from connector.qbwc.soap import (
    SOAP11_CONTENT_TYPE,
    SOAP12_CONTENT_TYPE,
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
        url = service.settings.public_url or str(request.url.replace(query=""))
        return Response(wsdl_for(url), media_type="text/xml; charset=utf-8")

    @router.post(path)
    async def soap(request: Request) -> Response:
        content_type = request.headers.get("content-type")
        version = soap_version_of(content_type)
        limit = service.settings.max_envelope_bytes
        declared = request.headers.get("content-length")
        try:
            if declared and declared.isdigit() and int(declared) > limit:
                raise SoapFault(
                    "Client", f"Bad SOAP request: {declared} bytes exceeds the {limit}-byte limit"
                )
            body = await _read_capped(request, limit)
            call = parse_envelope(body, content_type, limit)
            version = call.soap_version
            result = await run_in_threadpool(service.dispatch, call)
        except SoapFault as fault:
            return Response(build_fault(version, fault), status_code=500, media_type=_content_type(version))
        except Exception:
            log.exception("QBWC operation failed")
            fault = SoapFault("Server", "The connector failed to process the request; see its log.")
            return Response(build_fault(version, fault), status_code=500, media_type=_content_type(version))
        return Response(build_response(version, call.operation, result), media_type=_content_type(version))

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
