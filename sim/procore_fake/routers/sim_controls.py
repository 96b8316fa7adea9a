"""Simulator controls, in the ``/_sim`` dialect the fake QuickBooks speaks too (``sim/CONTROLS.md``).

``GET /_sim/state`` (a read-only view: LocalStack's convention), ``GET|POST /_sim/clock``
(``{"advance": seconds}`` / ``{"set": iso}``), ``GET|POST|DELETE /_sim/faults``, ``POST /_sim/snapshot``
and ``POST /_sim/restore`` (``{"path"}``), and webhook delivery: ``POST /_sim/webhooks/deliver`` sends what
is due. ``POST /_sim/clock/advance {seconds}`` and ``POST /_sim/webhooks/duplicate_next {count}`` are the
older spellings of a clock advance and of a ``duplicate`` fault rule, kept for the callers that use them.

Bad input answers 422 ``{"errors": {"<field>": ["..."]}}`` (this face's validation body); a refused snapshot
path answers the fake QuickBooks' 4xx ``{"error", "path", "reason"}``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.clock import ManualClock
from sim.procore_fake import snapshots
from sim.procore_fake.domain import erp_settings, webhooks
from sim.procore_fake.domain.permissions import is_accounting_approver
from sim.procore_fake.errors import BadRequest, ValidationFailed
from sim.procore_fake.faults import FaultRule, parse_rule
from sim.procore_fake.routers.common import json_body
from sim.procore_fake.routers.sim_common import SimDep
from sim.procore_fake.routes import sim_only
from sim.procore_fake.state import SimState
from sim.snapshot_paths import SnapshotError, is_local_caller

router = APIRouter(prefix="/_sim")
NOT_MOVABLE = "The clock can only be advanced when the fake runs on a ManualClock"
GIVE_ADVANCE_OR_SET = "give advance (seconds) or set (an ISO 8601 time with an offset), not both"


@router.get("/state", openapi_extra=sim_only("read-only view"))
def state(sim: SimDep) -> Response:
    companies = []
    for company in sim.store.query("company"):
        cid = company["id"]
        users = [
            {
                "id": u["id"],
                "name": u["name"],
                "login": u["login"],
                "is_service_account": u["is_service_account"],
                "accounting_approver": is_accounting_approver(u),
                "is_executive_sponsor": u["is_executive_sponsor"],
                "permissions": u["permissions"],
            }
            for u in sim.store.query("user", company_id=cid)
        ]
        clients = [
            {"client_id": c["client_id"], "client_secret": c["client_secret"]}
            for c in sim.store.query("oauth_client", company_id=cid)
        ]
        companies.append(
            {
                "id": cid,
                "name": company["name"],
                "users": users,
                "oauth_clients": clients,
                "erp_settings": erp_settings.public_view(erp_settings.get(sim.store, cid), sim.clock.now()),
                "erp_standard_cost_code_list_id": erp_settings.erp_list_id(sim.store, cid),
            }
        )
    return JSONResponse(
        {
            "seed": sim.seed,
            "now": sim.clock.now().isoformat(),
            "clock": sim.clock_kind,
            "counts": sim.store.counts(),
            "faults": [r.to_dict() for r in sim.faults.rules()],
            "companies": companies,
        }
    )


@router.get("/clock", openapi_extra=sim_only("the fake's time and clock kind (manual or wall)"))
def clock_now(sim: SimDep) -> Response:
    return JSONResponse({"now": sim.clock.now().isoformat(), "clock": sim.clock_kind})


@router.post(
    "/clock",
    openapi_extra=sim_only("move the manual clock: {advance: seconds} or {set: ISO time}; runs the schedule"),
)
async def clock_move(request: Request, sim: SimDep) -> Response:
    data = await json_body(request)
    if ("advance" in data) == ("set" in data):
        raise ValidationFailed({"advance": [GIVE_ADVANCE_OR_SET]})
    if "set" in data:
        return _move(sim, set_to=_aware_time(data["set"]))
    return _move(sim, seconds=_seconds(data["advance"], "advance"))


@router.post("/clock/advance", openapi_extra=sim_only("older spelling of POST /_sim/clock {advance}"))
async def advance(request: Request, sim: SimDep) -> Response:
    data = await json_body(request)
    return _move(sim, seconds=_seconds(data.get("seconds"), "seconds"))


def _seconds(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValidationFailed({field: ["must be a non-negative number"]})
    return float(value)


def _aware_time(value: Any) -> datetime:
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ValidationFailed({"set": ["must be an ISO 8601 time with a UTC offset"]})
    return when.astimezone(UTC)  # Procore's clock is UTC (timestamps end in Z)


def _move(sim: SimState, *, seconds: float = 0.0, set_to: datetime | None = None) -> Response:
    """Move a manual clock, then run the sync schedule for what came due (a wall clock refuses: 400)."""
    if not isinstance(sim.clock, ManualClock):
        raise BadRequest(NOT_MOVABLE)
    if set_to is not None:
        sim.clock.set(set_to)
    else:
        sim.clock.advance(seconds)
    emitted = sim.run_schedule()
    now = sim.clock.now().isoformat()
    return JSONResponse({"now": now, "clock": sim.clock_kind, "erp_requests": [r["id"] for r in emitted]})


@router.post("/webhooks/deliver", openapi_extra=sim_only("send every due delivery now"))
def deliver(sim: SimDep) -> Response:
    return JSONResponse([webhooks.delivery_view(d) for d in sim.deliver_webhooks()])


@router.post(
    "/webhooks/duplicate_next",
    openapi_extra=sim_only("older spelling of a duplicate fault rule: the next N deliveries go out twice"),
)
async def duplicate_next(request: Request, sim: SimDep) -> Response:
    data = await json_body(request)
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValidationFailed({"count": ["must be a non-negative integer"]})
    if count:
        sim.faults.add(FaultRule(action="duplicate", target="webhook", times=count))
    return JSONResponse({"duplicate_next": count})


@router.get("/faults", openapi_extra=sim_only("the fault rules, in match order"))
def faults_list(sim: SimDep) -> Response:
    return JSONResponse([r.to_dict() for r in sim.faults.rules()])


@router.post("/faults", openapi_extra=sim_only("add a fault rule (sim/CONTROLS.md); first match wins"))
async def faults_add(request: Request, sim: SimDep) -> Response:
    rule = parse_rule(await json_body(request))
    if rule.action == "delay" and not isinstance(sim.clock, ManualClock):
        raise ValidationFailed({"delay_seconds": ["needs the manual clock (serve without --wall-clock)"]})
    return JSONResponse(sim.faults.add(rule).to_dict())


@router.delete("/faults", openapi_extra=sim_only("clear every fault rule"))
def faults_clear(sim: SimDep) -> Response:
    sim.faults.clear()
    return JSONResponse({"rules": 0})


@router.post("/snapshot", openapi_extra=sim_only("write the whole state to {path}"))
async def snapshot(request: Request, sim: SimDep) -> Response:
    return await _on_path(request, sim, snapshots.write, "path")


@router.post("/restore", openapi_extra=sim_only("replace the whole state with the snapshot at {path}"))
async def restore(request: Request, sim: SimDep) -> Response:
    return await _on_path(request, sim, snapshots.restore, "restored")


async def _on_path(request: Request, sim: SimState, action: Callable[..., Path], answer_key: str) -> Response:
    """Snapshot or restore at the body's ``path``; a refused path answers 4xx ``{error, path, reason}``."""
    data = await json_body(request)
    local = is_local_caller(request.client.host if request.client else None)  # None: a Unix socket
    try:
        path = action(sim, data.get("path"), local_caller=local)
    except SnapshotError as exc:
        return JSONResponse(exc.to_dict(), status_code=exc.status)
    return JSONResponse({answer_key: str(path)})
