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

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.deps import sim_state
from sim.procore_fake.domain import erp_settings, records
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound
from sim.procore_fake.routers.sim import acting_user, sim_company
from sim.procore_fake.routes import sim_only
from sim.procore_fake.state import SimState
from sim.procore_fake.store import Record

router = APIRouter(prefix="/_sim")


def _project(sim: SimState, company_id: int, project_id: int) -> Record:
    owner = sim.store.owner("project", project_id)
    if owner is None or owner[0] != company_id:
        raise NotFound()
    return sim.store.get("project", project_id)


@router.get(
    "/companies/{company_id}/erp/settings",
    openapi_extra=sim_only("ERP Integrations > Configure Settings as the page shows them (Read Only on ERP)"),
)
def show_settings(company_id: int, request: Request) -> Response:
    sim = sim_state(request)
    sim_company(sim, company_id)
    actor = acting_user(sim, company_id, dict(request.query_params))
    require(actor, "erp_integrations", "read_only")
    return JSONResponse(erp_settings.public_view(erp_settings.get(sim.store, company_id), sim.clock.now()))


@router.get(
    "/companies/{company_id}/projects/{project_id}/budget_line_items",
    openapi_extra=sim_only("the project's Budget tool: every budget line item (Read Only on Budget)"),
)
def budget_line_items(company_id: int, project_id: int, request: Request) -> Response:
    sim = sim_state(request)
    sim_company(sim, company_id)
    actor = acting_user(sim, company_id, dict(request.query_params))
    require(actor, "budget", "read_only")
    _project(sim, company_id, project_id)
    rows = sim.store.query("budget_line_item", project_id=project_id)
    return JSONResponse([records.public(r) for r in rows])


@router.get(
    "/companies/{company_id}/projects/{project_id}/erp/job_costs",
    openapi_extra=sim_only(
        "the job costs the integrator synced from QuickBooks (Budget's Job to Date Cost; Read Only on ERP)"
    ),
)
def job_costs(company_id: int, project_id: int, request: Request) -> Response:
    sim = sim_state(request)
    sim_company(sim, company_id)
    actor = acting_user(sim, company_id, dict(request.query_params))
    require(actor, "erp_integrations", "read_only")
    _project(sim, company_id, project_id)
    rows = sim.store.query("erp_job_cost", project_id=project_id)
    return JSONResponse([records.public(r) for r in rows])
