"""The background sync schedule (seed 001 "configuration settings & sync schedule", seed 003).

- hourly company-level syncs stage QuickBooks importable data: ``sync_jobs`` and ``sync_vendors``;
- every two hours, project-level syncs: ``sync_single_job`` for each synced project (job costs);
- subcontractor invoice payments on the "Sync Program" (Daily, Every 4 Hours, Every 2 Hours, Hourly, Never):
  ``sync_contract_payments``, US editions only.
``run_due`` is called when the simulated clock advances; it emits what has come due since the last run.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import erp_requests, erp_settings
from sim.procore_fake.store import Record, Store

COMPANY_SYNC_EVERY = timedelta(hours=1)
PROJECT_SYNC_EVERY = timedelta(hours=2)


def _due(settings: Record, key: str, every: timedelta | None, now: datetime) -> bool:
    if every is None:
        return False
    last = settings.get(key)
    if last is None:
        settings[key] = iso(now)  # the schedule starts counting when first observed
        return False
    return now - datetime.fromisoformat(last.replace("Z", "+00:00")) >= every


def emit_sync(store: Store, clock: Clock, company_id: int, request_name: str) -> Record:
    """A company-level sync request (Refresh Job List, Refresh Vendors, payment sync …), with the
    ``request_data`` erp-events.json documents for it (and a request detail where it carries one)."""
    data: dict[str, object]
    if request_name in ("sync_jobs", "sync_vendors", "sync_commitments"):
        data = {"company_id": company_id}
    elif request_name == "sync_standard_cost_codes":
        data = {"standard_cost_code_list_id": erp_settings.erp_list_id(store, company_id)}
    elif request_name == "sync_metadata":
        return erp_requests.emit(
            store, clock, company_id, request_name, {"company_id": company_id}, items=[], placement="none"
        )
    elif request_name == "sync_standard_categories":
        return erp_requests.emit(store, clock, company_id, request_name, {}, items=[], placement="none")
    else:  # sync_contract_payments, sync_commitment_change_orders
        data = {}
    return erp_requests.emit(store, clock, company_id, request_name, data, items=[("company", company_id)])


def run_due(store: Store, clock: Clock) -> list[Record]:
    now = clock.now()
    emitted: list[Record] = []
    for company in store.query("company"):
        cid = company["id"]
        with store.company_lock(cid):
            settings = erp_settings.get(store, cid)
            if not settings.get("service_url"):
                continue
            if _due(settings, "last_company_sync_at", COMPANY_SYNC_EVERY, now):
                emitted += [
                    emit_sync(store, clock, cid, "sync_jobs"),
                    emit_sync(store, clock, cid, "sync_vendors"),
                ]
                settings["last_company_sync_at"] = iso(now)
            if _due(settings, "last_project_sync_at", PROJECT_SYNC_EVERY, now):
                for project in store.query("project", company_id=cid):
                    if project.get("origin_id"):
                        emitted.append(
                            erp_requests.emit(
                                store,
                                clock,
                                cid,
                                "sync_single_job",
                                {
                                    "id": project["origin_id"],
                                    "additional_job_data": {
                                        "job_name": project["name"],
                                        "procore_project_id": project["id"],
                                        "project_id": project["id"],
                                        "start_date": project.get("start_date"),
                                        "job_cost_transactions_sync_enabled": bool(
                                            project.get("_configuration", {}).get(
                                                "erp_job_cost_transaction_syncing_enabled"
                                            )
                                        ),
                                    },
                                    "company_id": cid,
                                },
                                items=[],
                                placement="none",
                            )
                        )
                settings["last_project_sync_at"] = iso(now)
            program = erp_settings.SYNC_PROGRAMS[settings["sync_program"]]
            if settings["quickbooks_country"] == "US" and _due(
                settings, "last_payment_sync_at", program, now
            ):
                emitted.append(emit_sync(store, clock, cid, "sync_contract_payments"))
                settings["last_payment_sync_at"] = iso(now)
            fresh = erp_settings.get(store, cid)
            for key in ("last_company_sync_at", "last_project_sync_at", "last_payment_sync_at"):
                fresh[key] = settings.get(key)
            store.put("erp_settings", fresh)
    return emitted
