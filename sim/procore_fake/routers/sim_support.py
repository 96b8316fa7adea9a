"""``/_sim/...`` Procore ERP support's Super User access (no public API, no acting company user): resetting a
synced job, invoice, payment or standard cost code list, and deleting synced cost codes."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from sim.procore_fake.domain import erp_deletes, records, support
from sim.procore_fake.errors import ValidationFailed
from sim.procore_fake.routers.sim_common import UiDep
from sim.procore_fake.routes import sim_only

router = APIRouter(prefix="/_sim/companies/{company_id}/erp/support")


@router.post(
    "/reset",
    openapi_extra=sim_only(
        "Procore ERP support, Super User access: reset a synced job, invoice, payment or standard cost code"
    ),
)
def support_reset(ui: UiDep) -> Response:
    with ui.locked():
        try:
            item_id = int(ui.data.get("item_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError) as exc:
            raise ValidationFailed({"item_id": ["is not a number"]}) from exc
        record = support.reset(ui.store, ui.clock, ui.company_id, str(ui.data.get("item_type")), item_id)
    return JSONResponse(records.public(record))


@router.post(
    "/delete",
    openapi_extra=sim_only(
        "Procore ERP support, Super User access: delete synced standard or project cost codes"
    ),
)
def support_delete(ui: UiDep) -> Response:
    with ui.locked():
        deleted = erp_deletes.support_delete(
            ui.store, ui.clock, ui.company_id, str(ui.data.get("item_type")), ui.data.get("item_ids")
        )
    return JSONResponse({"deleted": [d["id"] for d in deleted]})
