"""``/_sim/...`` pages a person reads in Procore's web UI that no public API serves.

Procore's REST API has no route for the ERP Integrations settings page, for a plain list of a project's
budget line items (an integrator reads them through budget views' detail rows) or for the ERP job costs
the integrator wrote (the Budget's "Job to Date Cost" column and the ERP tool show them). The fake serves
them here, to the person named by the ``as_user_id`` query parameter under Procore's permission rules, so
a test can check what a user would see; ``/rest/`` keeps only paths in Procore's operation index.

Not faithful: the web UI renders HTML pages; these are JSON arrays/objects of the same records as the REST
views, unpaginated (the web pages show every row).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.domain import erp_settings, records
from sim.procore_fake.routers.sim_common import UiDep
from sim.procore_fake.routes import sim_only

router = APIRouter(prefix="/_sim/companies/{company_id}")


@router.get(
    "/erp/settings",
    openapi_extra=sim_only("ERP Integrations > Configure Settings as the page shows them (Read Only on ERP)"),
)
def show_settings(ui: UiDep) -> Response:
    with ui.acting("erp_integrations", "read_only"):
        settings = erp_settings.get(ui.store, ui.company_id)
    return JSONResponse(erp_settings.public_view(settings, ui.clock.now()))


@router.get(
    "/projects/{project_id}/budget_line_items",
    openapi_extra=sim_only("the project's Budget tool: every budget line item (Read Only on Budget)"),
)
def budget_line_items(project_id: int, ui: UiDep) -> Response:
    with ui.acting("budget", "read_only"):
        ui.owned("project", project_id)
        rows = ui.store.query("budget_line_item", project_id=project_id)
    return JSONResponse([records.public(r) for r in rows])


@router.get(
    "/projects/{project_id}/erp/job_costs",
    openapi_extra=sim_only(
        "the job costs the integrator synced from QuickBooks (Budget's Job to Date Cost; Read Only on ERP)"
    ),
)
def job_costs(project_id: int, ui: UiDep) -> Response:
    with ui.acting("erp_integrations", "read_only"):
        ui.owned("project", project_id)
        rows = ui.store.query("erp_job_cost", project_id=project_id)
    return JSONResponse([records.public(r) for r in rows])
