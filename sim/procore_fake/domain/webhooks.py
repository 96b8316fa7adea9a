"""Webhooks: hooks, triggers, deliveries (api-conventions.json "webhooks").

A hook (company- or project-scoped) has a destination URL and headers; triggers select
``resource_name`` + ``event_type``. Each matching event becomes a delivery carrying the v2 payload
``{id, ulid, timestamp, metadata, user_id, company_id, project_id, api_version, event_type, resource_name,
resource_id}``. Delivery is an HTTPS POST of JSON that must answer 2xx; failures are retried with
exponential back-off from 1 s up to 1 h, and after 12 h a delivery is discarded. Everything runs on the
injectable clock: ``deliver_due`` sends what is due *now*. Procore may deliver an event more than once,
or not at all: fault rules on the ``webhook`` target (``faults.py``) send a delivery twice (flagged in the
delivery record, not in the payload, exactly as a receiver would experience it) or drop it (never sent,
never retried: status ``dropped``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.conventions import (
    WEBHOOK_DISCARD_AFTER_SECONDS,
    WEBHOOK_FIRST_RETRY_SECONDS,
    WEBHOOK_MAX_RETRY_SECONDS,
)
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.faults import Faults
from sim.procore_fake.store import Record, Store

EVENT_TYPES = ("create", "update", "delete")
DELIVERY_TIMEOUT_SECONDS = 5.0
# Resources whose events this fake emits (Procore has many more; triggers for others are refused).
RESOURCES = (
    "ERP Requests",
    "Projects",
    "Vendors",
    "Work Order Contracts",
    "Purchase Order Contracts",
    "Commitment Change Orders",
    "Requisitions",
)


def create_hook(
    store: Store, clock: Clock, company_id: int, project_id: int | None, data: dict[str, Any]
) -> Record:
    errors: dict[str, list[str]] = {}
    url = data.get("destination_url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        errors["destination_url"] = ["is invalid"]
    headers = data.get("destination_headers") or {}
    if not isinstance(headers, dict):
        errors["destination_headers"] = ["must be an object"]
    if errors:
        raise ValidationFailed(errors)
    body = {
        "company_id": company_id,
        "project_id": project_id,
        "api_version": data.get("api_version", "v2"),
        "namespace": data.get("namespace", "procore"),
        "destination_url": url,
        "destination_headers": headers,
        "created_at": iso(clock.now()),
    }
    return store.add("webhook_hook", body, company_id=company_id, project_id=project_id)


def create_trigger(store: Store, company_id: int, hook: Record, data: dict[str, Any]) -> Record:
    errors: dict[str, list[str]] = {}
    if not data.get("resource_name"):
        errors["resource_name"] = ["can't be blank"]
    elif data["resource_name"] not in RESOURCES:
        errors["resource_name"] = [f"is not included in the list ({', '.join(RESOURCES)})"]
    if data.get("event_type") not in EVENT_TYPES:
        errors["event_type"] = [f"is not included in the list ({', '.join(EVENT_TYPES)})"]
    if errors:
        raise ValidationFailed(errors)
    return store.add(
        "webhook_trigger",
        {
            "hook_id": hook["id"],
            "resource_name": data["resource_name"],
            "event_type": data["event_type"],
            "project_id": hook["project_id"],
            "company_id": company_id,
        },
        company_id=company_id,
    )


def notify(
    store: Store,
    clock: Clock,
    company_id: int,
    resource_name: str,
    event_type: str,
    resource_id: int,
    *,
    project_id: int | None = None,
    user_id: int | None = None,
) -> list[Record]:
    made = []
    triggers = [
        t
        for t in store.query("webhook_trigger", company_id=company_id)
        if t["resource_name"] == resource_name and t["event_type"] == event_type
    ]
    for trigger in triggers:
        hook = store.get("webhook_hook", trigger["hook_id"])
        if hook is None or (hook["project_id"] is not None and hook["project_id"] != project_id):
            continue
        now = clock.now()
        payload = {
            "id": store.ids.next_id(),
            "ulid": store.ids.ulid(),
            "timestamp": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "metadata": {
                "source_user_id": user_id,
                "source_project_id": project_id,
                "source_operation_id": None,
                "source_company_id": company_id,
                "source_application_id": None,
            },
            "user_id": user_id,
            "company_id": company_id,
            "project_id": project_id,
            "api_version": "v2.0",
            "event_type": event_type,
            "resource_name": resource_name,
            "resource_id": resource_id,
        }
        made.append(
            store.add(
                "webhook_delivery",
                {
                    "hook_id": hook["id"],
                    "company_id": company_id,
                    "payload": payload,
                    "status": "pending",
                    "attempts": [],
                    "duplicates": 0,
                    "created_at": now.isoformat(),
                    "next_attempt_at": now.isoformat(),
                },
                company_id=company_id,
            )
        )
    return made


def _backoff(attempt: int) -> timedelta:
    return timedelta(seconds=min(WEBHOOK_FIRST_RETRY_SECONDS * 2 ** (attempt - 1), WEBHOOK_MAX_RETRY_SECONDS))


def deliver_due(
    store: Store, clock: Clock, transport: httpx.BaseTransport | None, faults: Faults
) -> list[Record]:
    """Send every delivery whose next attempt is due, each through the fault rules; the deliveries touched."""
    now = clock.now()
    due = [
        d
        for d in store.query("webhook_delivery")
        if d["status"] in ("pending", "failing") and datetime.fromisoformat(d["next_attempt_at"]) <= now
    ]
    touched = []
    with httpx.Client(transport=transport, timeout=DELIVERY_TIMEOUT_SECONDS) as client:
        for delivery in due:
            touched.append(_attempt(store, client, delivery, now, faults))
    return touched


def _attempt(store: Store, client: httpx.Client, delivery: Record, now: datetime, faults: Faults) -> Record:
    hook = store.get("webhook_hook", delivery["hook_id"])
    if hook is None:
        delivery["status"] = "discarded"
        return store.put("webhook_delivery", delivery)
    fault = faults.match("webhook", "POST", urlsplit(hook["destination_url"]).path or "/")
    if fault is not None and fault.action == "drop":
        delivery["status"] = "dropped"
        delivery["attempts"].append({"attempted_at": iso(now), "response_status": None,
                                     "error": f"dropped by fault rule {fault.id}", "duplicate": False})
        return store.put("webhook_delivery", delivery)
    copies = 2 if fault is not None and fault.action == "duplicate" else 1
    ok = False
    for n in range(copies):
        try:
            response = client.post(
                hook["destination_url"],
                json=delivery["payload"],
                headers={**hook["destination_headers"], "Content-Type": "application/json"},
            )
            code: int | None = response.status_code
            error = None
        except httpx.HTTPError as exc:
            code, error = None, f"{type(exc).__name__}: {exc}"
        ok = ok or (code is not None and 200 <= code < 300)
        delivery["attempts"].append(
            {"attempted_at": iso(now), "response_status": code, "error": error, "duplicate": n > 0}
        )
        if n > 0:
            delivery["duplicates"] += 1
    if ok:
        delivery["status"] = "successful"
    elif (
        now - datetime.fromisoformat(delivery["created_at"])
    ).total_seconds() >= WEBHOOK_DISCARD_AFTER_SECONDS:
        delivery["status"] = "discarded"
    else:
        delivery["status"] = "failing"
        failures = sum(1 for a in delivery["attempts"] if not a["duplicate"])
        delivery["next_attempt_at"] = (now + _backoff(failures)).isoformat()
    return store.put("webhook_delivery", delivery)


def delivery_view(delivery: Record) -> Record:
    return {
        "id": delivery["id"],
        "hook_id": delivery["hook_id"],
        "status": delivery["status"],
        "payload": delivery["payload"],
        "attempts": delivery["attempts"],
        "duplicates": delivery["duplicates"],
        "next_attempt_at": delivery["next_attempt_at"],
        "created_at": delivery["created_at"],
    }
