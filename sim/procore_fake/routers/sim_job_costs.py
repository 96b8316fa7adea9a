"""``/_sim/...`` the ERP Integrations tool's on-demand job cost sync (seed 001: "On demand syncs may also be
initiated within the Procore ERP Integrations Tool for … Job Costs").

``POST /_sim/companies/{id}/erp/refresh/job_costs {as_user_id, project_id}`` emits that project's
``sync_single_job``, the same request the two-hourly project sync sends (``domain.schedule``). ERP
Integrations Admin only; a project not synced with the ERP is refused before anything is queued (the
button is only offered on a synced project; the exact message of Procore's is not in our sources).
Registered before ``routers.sim_erp`` so this path wins over its ``/erp/refresh/{what}``.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.domain import erp_requests
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.routers.sim_common import UiDep
from sim.procore_fake.routes import sim_only
from sim.procore_fake.store import Record

router = APIRouter(prefix="/_sim")
NOT_SYNCED = "The project is not synced with the ERP; job costs can only be synced for synced projects."


def single_job_data(company_id: int, project: Record) -> dict[str, object]:
    """``request_data`` of ``sync_single_job`` (erp-events.json), as ``domain.schedule`` sends it."""
    return {
        "id": project["origin_id"],
        "additional_job_data": {
            "job_name": project["name"],
            "procore_project_id": project["id"],
            "project_id": project["id"],
            "start_date": project.get("start_date"),
            "job_cost_transactions_sync_enabled": bool(
                project.get("_configuration", {}).get("erp_job_cost_transaction_syncing_enabled")
            ),
        },
        "company_id": company_id,
    }


@router.post(
    "/companies/{company_id}/erp/refresh/job_costs",
    openapi_extra=sim_only("ERP Integrations: sync a project's job costs on demand"),
)
def refresh_job_costs(ui: UiDep) -> Response:
    with ui.acting("erp_integrations", "admin"):
        project = ui.owned("project", ui.data.get("project_id"), field="project_id")
        if not project.get("origin_id"):
            raise ValidationFailed({"project_id": [NOT_SYNCED]})
        made = erp_requests.emit(ui.store, ui.clock, ui.company_id, "sync_single_job",
                                 single_job_data(ui.company_id, project), items=[], placement="none")
    return JSONResponse({"erp_request_id": made["id"], "request_name": made["request_name"]})
