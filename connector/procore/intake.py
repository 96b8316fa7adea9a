"""Intake: Procore's ERP Requests become the connector's work.

Procore tells the integrator about a request only by a webhook carrying its id (``resource_name`` "ERP
Requests", ``event_type`` "create", ``resource_id``); the integrator reads the request
(``GET …/erp_requests/{id}``) for its ``request_name`` and ``request_data``. Webhooks are re-delivered,
duplicated and sometimes lost, so:

* :meth:`Intake.accept` only records the id (deduplicated, durable) and answers at once — a delivery is
  acknowledged fast and never waits for Procore or QuickBooks;
* :meth:`Intake.poll` lists the request details still ``in progress`` and takes in every request the
  connector has not seen (what a lost webhook missed);
* :meth:`Intake.read` fetches what was taken in, :meth:`Intake.plan` turns it into work and close-outs
  (``connector.sync.erp_requests``) in one transaction. Each step is recorded, so a restart between any two
  of them carries on where it stopped and nothing is processed twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from connector.procore.erp import ErpApi
from connector.procore.errors import ProcoreError, ProcoreForbidden, ProcoreNotFound
from connector.store.erp import MAX_ID, ErpStore
from connector.sync.change_orders import KIND as CHANGE_ORDER_EXPORT_KIND
from connector.sync.commitments import KIND as COMMITMENT_EXPORT_KIND
from connector.sync.erp_requests import PLANNERS, PlanningContext, plan
from connector.work import PlannedWrite, RequestPlan

log = logging.getLogger("connector.procore.intake")

ERP_REQUESTS = "ERP Requests"


class DeliveryRefused(ValueError):
    """A webhook delivery the connector cannot use (answered 400 with this message, nothing recorded)."""


@dataclass(frozen=True)
class DeliveryAck:
    """What a webhook delivery did: the ERP Request id, and whether it was new."""

    request_id: int
    new: bool


def delivery_request_id(delivery: Any, company_id: int) -> int:
    """The ERP Request id of one webhook delivery (Procore's v2 payload), or :class:`DeliveryRefused`."""
    if not isinstance(delivery, Mapping):
        raise DeliveryRefused("the webhook body is not a JSON object")
    if delivery.get("resource_name") != ERP_REQUESTS:
        raise DeliveryRefused(f"resource_name is {delivery.get('resource_name')!r}, not {ERP_REQUESTS!r}")
    if delivery.get("event_type") != "create":
        raise DeliveryRefused(f"event_type is {delivery.get('event_type')!r}, not 'create'")
    company = delivery.get("company_id")
    if company is not None and company != company_id:
        raise DeliveryRefused(
            f"company_id {company!r} is not the company this connector syncs ({company_id})"
        )
    resource_id = delivery.get("resource_id")
    if not isinstance(resource_id, int) or isinstance(resource_id, bool) or not 0 < resource_id < MAX_ID:
        raise DeliveryRefused(f"resource_id {resource_id!r} is not an ERP Request id")
    return resource_id


class Intake:
    """ERP Requests of one Procore company → the connector's store and work queue."""

    def __init__(
        self,
        company_key: str,
        erp: ErpApi,
        store: ErpStore,
        planning: Callable[[], PlanningContext],
    ) -> None:
        self.company_key = company_key
        self._erp = erp
        self._store = store
        self._planning = planning

    def accept(self, delivery: Any) -> DeliveryAck:
        """Record one webhook delivery; a duplicate (same ERP Request) is acknowledged and ignored."""
        request_id = delivery_request_id(delivery, self._erp.company_id)
        new = self._store.receive(self.company_key, request_id, source="webhook")
        log.info("webhook: ERP Request %s %s", request_id, "received" if new else "already known (duplicate)")
        return DeliveryAck(request_id, new)

    def poll(self) -> int:
        """Take in the requests of open request details the connector has not seen (lost webhooks)."""
        details = self._erp.open_request_details()
        ids = sorted({
            d["erp_request_id"] for d in details
            if isinstance(d.get("erp_request_id"), int) and 0 < d["erp_request_id"] < MAX_ID
        })
        known = self._store.known_ids(self.company_key, ids)
        found = 0
        for request_id in ids:
            if request_id not in known and self._store.receive(self.company_key, request_id, source="poll"):
                found += 1
                log.info("poll: ERP Request %s found without a webhook", request_id)
        return found

    def read(self) -> int:
        """Fetch every received request; one Procore cannot answer now is left for the next round."""
        read = 0
        for request in self._store.to_read(self.company_key):
            try:
                answer = self._erp.get_erp_request(request.request_id)
            except ProcoreNotFound as exc:
                # Procore no longer has it (deleted, or another company's id): nothing can be done for it.
                self._store.record_read(self.company_key, request.request_id, "", None)
                gone = RequestPlan(note=f"Procore no longer has this ERP Request: {exc}")
                self._store.apply_plan(self.company_key, request.request_id, gone)
                continue
            except ProcoreError as exc:
                log.warning("ERP Request %s could not be read: %s", request.request_id, exc)
                self._store.read_failed(self.company_key, request.request_id, str(exc))
                continue
            if not isinstance(answer, Mapping):
                self._store.read_failed(
                    self.company_key, request.request_id,
                    f"Procore answered the ERP Request with {type(answer).__name__}, not an object",
                )
                continue
            name, data = str(answer.get("request_name") or ""), answer.get("request_data")
            try:
                data = self._with_project_created_at(name, data)
                data = self._with_budget_cost_codes(name, data)
            except ProcoreError as exc:
                self._store.read_failed(self.company_key, request.request_id, str(exc))
                continue
            self._store.record_read(self.company_key, request.request_id, name, data)
            read += 1
        return read

    def _with_project_created_at(self, name: str, data: Any) -> Any:
        """A job export's project with its ``created_at`` (the documented payload lacks it; seed 001 refuses
        projects created before the integration was connected, so the planner needs it)."""
        if name != "create_or_update_job" or not isinstance(data, dict):
            return data
        job = data.get("job")
        if not isinstance(job, dict) or job.get("created_at") or not isinstance(job.get("id"), int):
            return data
        path = f"/rest/v1.0/projects/{job['id']}"
        try:
            project = self._erp.client.get(path, {"company_id": self._erp.company_id})
        except (ProcoreNotFound, ProcoreForbidden):
            # Gone, or not the service account's to read: the export is planned without the date (the
            # "created before the integration" check then cannot apply), never left waiting for ever.
            return data
        if isinstance(project, dict) and project.get("created_at"):
            data = {**data, "job": {**job, "created_at": project["created_at"]}}
        return data

    def _with_budget_cost_codes(self, name: str, data: Any) -> Any:
        """A budget export with its project's cost codes (``project_cost_codes``: origin id, code, name).

        The documented payload names each line's cost code by origin id only; seed 001 maps the Cost Code
        Description to the estimate line's Description, so the planner needs the names
        (``GET /rest/v1.0/cost_codes?project_id=…``, every page). A project Procore will not show is planned
        without them (QuickBooks then fills each line's Description from its Service item)."""
        if name not in ("create_budget", "update_budget") or not isinstance(data, dict):
            return data
        budget = data.get("budget")
        if not isinstance(budget, dict) or not isinstance(budget.get("project_id"), int):
            return data
        try:
            codes = self._erp.list_cost_codes(budget["project_id"])
        except (ProcoreNotFound, ProcoreForbidden):
            return data
        keep = ("id", "origin_id", "full_code", "code", "name")
        data = {**data, "project_cost_codes": [{k: c.get(k) for k in keep} for c in codes
                                               if isinstance(c, Mapping)]}
        # A line whose cost code has no origin id is refused; its code (read from the budget line item,
        # ``GET /rest/v1.0/budget_line_items/{id}``) tells the approver which one.
        unsynced = {}
        job_costs = data.get("job_costs")
        for job_cost in job_costs if isinstance(job_costs, list) else []:
            if not isinstance(job_cost, Mapping) or job_cost.get("cost_code_origin_id"):
                continue
            line_id = job_cost.get("budget_line_item_id")
            if not isinstance(line_id, int) or isinstance(line_id, bool):
                continue
            try:
                line = self._erp.client.get(f"/rest/v1.0/budget_line_items/{line_id}",
                                            {"project_id": budget["project_id"]})
            except (ProcoreNotFound, ProcoreForbidden):
                continue
            code = line.get("cost_code") if isinstance(line, Mapping) else None
            if isinstance(code, Mapping) and code.get("full_code"):
                unsynced[str(line_id)] = str(code["full_code"])
        return {**data, "unsynced_line_codes": unsynced} if unsynced else data

    def plan(self) -> int:
        """Turn every read request into work items and close-outs (one transaction per request)."""
        planned = 0
        for request in self._store.in_state(self.company_key, "read"):
            # Per request: what an earlier request of this round queued (a cost code export) counts.
            context = replace(self._planning(), exporting_cost_codes=self._store.exporting(self.company_key))
            context = replace(context, exporting_purchase_orders=purchase_orders_in_flight(self._store,
                                                                                        self.company_key))
            try:
                request_plan = plan(request.request_name or "", request.request_data, context)
            except Exception as exc:  # a payload the planner cannot read must not stop the requests behind it
                log.exception("ERP Request %s could not be planned", request.request_id)
                request_plan = unreadable(exc)
            if not request_plan.work and not request_plan.writes and request.request_name in PLANNERS:
                # An export that named nothing to export (an empty or differently shaped payload) must
                # still close its details, or the approver waits for ever.
                request_plan = unreadable(ValueError("it names nothing to export"))
            ids = self._store.apply_plan(self.company_key, request.request_id, request_plan)
            log.info(
                "ERP Request %s %s: %s%s", request.request_id, request.request_name, request_plan.note,
                f" (work items {', '.join(map(str, ids))})" if ids else "",
            )
            planned += 1
        return planned


def purchase_orders_in_flight(store: ErpStore, company_key: str) -> dict[str, int]:
    """Commitment id → the newest unfinished item changing its purchase order (export or change order)."""
    out: dict[str, int] = {}
    for kind in (COMMITMENT_EXPORT_KIND, CHANGE_ORDER_EXPORT_KIND):
        for commitment_id, item_id in store.exporting(company_key, kind).items():
            out[commitment_id] = max(item_id, out.get(commitment_id, item_id))
    return out


def unreadable(exc: Exception) -> RequestPlan:
    """A request whose ``request_data`` the planner could not read: every detail of it closed failed."""
    reason = f"The connector could not read this ERP Request ({type(exc).__name__}: {exc})."
    close = PlannedWrite("close_request_details", {"status": "failed", "messages": [reason]})
    return RequestPlan(writes=(close,), note=reason)
