"""HTTP face of the Procore half: ``POST /procore/webhooks``, where Procore delivers ERP Request webhooks.

A delivery is recorded and acknowledged at once (Procore retries a delivery that is not answered 2xx, with
back-off, and discards it after hours): the ERP Request is read and planned by the next round, woken now.
Bodies are small JSON objects; anything else is refused with a 400 naming what is wrong, never a 500.
"""

from __future__ import annotations

import hmac
import json
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from connector.procore.connection import WEBHOOK_PATH, ProcoreSide
from connector.procore.intake import DeliveryRefused

log = logging.getLogger("connector.procore")

#: A webhook body is a few hundred bytes (Procore's v2 payload); anything near this is not one.
MAX_WEBHOOK_BYTES = 64 * 1024
WRONG_SECRET = "The webhook's Authorization header does not match this connector's secret."


def _refuse(status: int, message: str) -> Response:
    return JSONResponse({"error": message}, status_code=status)


def build_webhook_router(side: ProcoreSide, path: str = WEBHOOK_PATH) -> APIRouter:
    router = APIRouter()

    secrets = [c.settings.webhook_secret for c in side.connections.values() if c.settings.webhook_secret]
    if len(secrets) < len(side.connections):
        log.warning("Procore webhooks at %s are not authenticated for every company (webhook_secret)", path)

    @router.post(path)
    async def deliver(request: Request) -> Response:
        # Authenticated before anything else is read, so a stranger learns nothing (not even which
        # companies this connector syncs) and costs no parsing.
        given = request.headers.get("authorization", "").encode()
        known = [c for c in side.connections.values() if not c.settings.webhook_secret
                 or hmac.compare_digest(given, f"Bearer {c.settings.webhook_secret}".encode())]
        if not known:
            return _refuse(401, WRONG_SECRET)
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_WEBHOOK_BYTES:
                return _refuse(413, f"A webhook body is at most {MAX_WEBHOOK_BYTES} bytes.")
        try:
            delivery = json.loads(body)
        except (ValueError, RecursionError):
            return _refuse(400, "The webhook body is not valid JSON.")
        company_id = delivery.get("company_id") if isinstance(delivery, dict) else None
        connection = (
            next((c for c in known if c.settings.company_id == company_id), None)
            if isinstance(company_id, int) and not isinstance(company_id, bool)
            else (known[0] if len(known) == 1 else None)
        )
        if connection is None:
            return _refuse(404, f"This connector does not sync Procore company {company_id!r}.")
        try:
            ack = await run_in_threadpool(connection.accept, delivery)
        except DeliveryRefused as exc:
            return _refuse(400, str(exc))
        side.wake()
        return JSONResponse({"erp_request_id": ack.request_id, "duplicate": not ack.new})

    return router
