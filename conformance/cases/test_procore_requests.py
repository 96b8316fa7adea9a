"""Procore's side of the exchange: webhooks, ERP request details (Procore's ERP API reference)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import send_cost_code, settle


@pytest.mark.qbsim_requirement("PROCORE-WEBHOOK-DUPLICATE")
def test_a_webhook_delivered_twice_exports_once(qbsim: World) -> None:
    qbsim.procore.http.post("/_sim/webhooks/duplicate_next", json={"count": 1}).raise_for_status()
    made = send_cost_code(qbsim, name="Delivered twice")
    seen = settle(qbsim, "standard_cost_code", made["id"], "the twice-delivered cost code exported")
    assert seen["status"] == "synced", seen
    assert len([i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]) == 1
    assert [d["status"] for d in qbsim.procore.details("standard_cost_code", made["id"])] == ["success"]


@pytest.mark.qbsim_requirement("PROCORE-CALLS-AUTHORIZED")
def test_the_targets_procore_calls_carry_its_token_and_company_and_are_not_refused(qbsim: World) -> None:
    since = len(qbsim.procore_calls)
    made = send_cost_code(qbsim, name="Seen on the wire")
    seen = settle(qbsim, "standard_cost_code", made["id"], "the cost code export closed")
    assert seen["status"] == "synced", seen
    calls = [c for c in qbsim.procore_calls[since:] if c.path.startswith("/rest/")]
    assert calls, "the target made no call to Procore's REST API"
    company = str(qbsim.procore.company_id)
    assert [c for c in calls if not c.bearer] == [], "REST calls without a Bearer token"
    assert [c for c in calls if c.company_header != company] == [], "REST calls without Procore-Company-Id"
    assert [c for c in calls if c.status in (400, 401, 403, 422)] == [], "calls Procore refused"


@pytest.mark.qbsim_requirement("PROCORE-WEBHOOK-LOST")
def test_an_export_whose_webhook_never_arrives_is_found_by_polling_procore(qbsim: World) -> None:
    made = send_cost_code(qbsim, name="Webhook lost")
    # Procore's webhook is held back the whole time: only the target's own poll of Procore can find it.
    qbsim.until(lambda: qbsim.procore.status("standard_cost_code", made["id"]) in ("synced", "failed"),
                f"the cost code exported with no webhook (the target polls every "
                f"{qbsim.access.poll_seconds:g} s as asked?)", deliver=False)
    assert qbsim.procore.status("standard_cost_code", made["id"]) == "synced"
    assert len([i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]) == 1
