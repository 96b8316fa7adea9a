"""ERP Requests, as Procore emits them, and their request details.

An action in the ERP Integrations tool creates an ERP Request ``{id, company_id, request_name,
request_data, created_at, updated_at, integration_app_name}`` (shape of the create_payment example in
erp-events.json). Each exported item gets an ERP request detail (status ``in progress``) whose id is placed
in ``request_data`` where the documented payload carries ``request_detail_id``. The webhook carries only
``resource_name: "ERP Requests"``, ``event_type: "create"`` and ``resource_id``; the integrator GETs the
request and later closes each detail (``success`` / ``failed`` with messages / ``stale``).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import erp_events, webhooks
from sim.procore_fake.domain.validation import Errors
from sim.procore_fake.store import Record, Store

DETAIL_STATUSES = ("in progress", "success", "failed", "stale")
RESOURCE_NAME = "ERP Requests"


def emit(
    store: Store,
    clock: Clock,
    company_id: int,
    request_name: str,
    request_data: Any,
    *,
    items: list[tuple[str, int]],
    placement: str = "top",
    list_key: str | None = None,
    detail_action: str | None = None,
) -> Record:
    """Create the ERP Request (+ one detail per item) and notify webhooks.

    ``placement``: ``top`` puts the (single) detail id at ``request_data["request_detail_id"]``;
    ``each`` puts one per element when ``request_data`` is a list; ``none`` leaves the payload alone
    (events whose documented payload has no request_detail_id). With ``list_key``, ``each`` places them
    in the elements of ``request_data[list_key]`` (delete_cost_codes). ``detail_action="delete"`` marks
    details that, closed with ``success``, delete their item (the integrator confirmed the ERP side).
    """
    erp_events.check_emittable(request_name)
    now = iso(clock.now())
    request = store.add(
        "erp_request",
        {
            "company_id": company_id,
            "request_name": request_name,
            "request_data": None,
            "created_at": now,
            "updated_at": now,
            "integration_app_name": None,
        },
        company_id=company_id,
    )
    details = [
        store.add(
            "erp_request_detail",
            {
                "erp_request_id": request["id"],
                "item_type": kind,
                "item_id": item_id,
                "status": "in progress",
                "messages": [],
                **({"_action": detail_action} if detail_action else {}),
                "created_at": now,
                "updated_at": now,
            },
            company_id=company_id,
        )
        for kind, item_id in items
    ]
    if placement == "top" and details and isinstance(request_data, dict):
        request_data["request_detail_id"] = details[0]["id"]
    elif placement == "each":
        elements = request_data[list_key] if list_key else request_data
        for element, detail in zip(elements, details, strict=False):
            element["request_detail_id"] = detail["id"]
    request["request_data"] = request_data
    store.put("erp_request", request)
    for kind, item_id in items:
        record = store.get(kind, item_id)
        if record is not None and "_erp" in record:
            record["_erp"]["detail_status"] = "in progress"
            record["_erp"]["detail_in_payload"] = placement != "none"
            store.put(kind, record)
    webhooks.notify(store, clock, company_id, RESOURCE_NAME, "create", request["id"])
    return request


def view(request: Record) -> Record:
    return {k: v for k, v in request.items() if not k.startswith("_")}


def close_detail(store: Store, detail: Record, changes: dict[str, Any], clock: Clock) -> Record:
    """PATCH erp_request_details/{id}: "closing out"; failure messages are shown to users in the ERP tab."""
    errors = Errors()
    new_status = changes.get("status")
    errors.inclusion(new_status, DETAIL_STATUSES, "status")
    messages = changes.get("messages", [])
    if not isinstance(messages, list) or not all(isinstance(m, str) for m in messages):
        errors.add("messages", "must be an array of strings")
    errors.raise_if_any()
    detail["status"] = new_status
    detail["messages"] = messages
    detail["updated_at"] = iso(clock.now())
    store.put("erp_request_detail", detail)
    record = store.get(detail["item_type"], detail["item_id"])
    if detail.get("_action") == "delete" and record is not None:
        _settle_delete(store, detail, record)
        return detail
    if record is not None and "_erp" in record:
        from sim.procore_fake.domain import approval  # local: approval imports this module

        record["_erp"]["detail_status"] = new_status
        record["_erp"]["messages"] = messages
        if new_status == "failed" and detail["item_type"] == "project" and any("code" in m for m in messages):
            # Documented special rule: a failed job export mentioning "code" lets the user edit origin_code.
            record["_erp"]["origin_code_editable"] = True
        store.put(detail["item_type"], record)
        approval.settle(store, detail["item_type"], store.get(detail["item_type"], detail["item_id"]))
    return detail


def _settle_delete(store: Store, detail: Record, record: Record) -> None:
    """delete_cost_codes: "A user attempts to delete synced project cost codes"; the integrator checks the
    ERP side and closes the detail. ``success`` deletes the code in Procore; ``failed`` keeps it and its
    messages are shown in the ERP tab. (That a failed or stale detail leaves the code in place is our
    reading of "attempts"; Procore does not document it.)"""
    if detail["status"] == "success":
        store.remove(detail["item_type"], detail["item_id"])
        return
    if detail["status"] in ("failed", "stale"):
        record.pop("_pending_delete", None)  # deletable again; the messages stay on the detail
        store.put(detail["item_type"], record)
