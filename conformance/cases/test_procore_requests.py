"""Procore's side of the exchange: webhooks, ERP request details (Procore's ERP API reference)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import World
from conformance.cases.flows import send_cost_code, settle


@pytest.mark.requirement("PROCORE-WEBHOOK-DUPLICATE")
def test_a_webhook_delivered_twice_exports_once(qbsim: World) -> None:
    qbsim.procore.http.post("/_sim/webhooks/duplicate_next", json={"count": 1}).raise_for_status()
    made = send_cost_code(qbsim, name="Delivered twice")
    seen = settle(qbsim, "standard_cost_code", made["id"], "the twice-delivered cost code exported")
    assert seen["status"] == "synced", seen
    assert len([i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]) == 1
    assert [d["status"] for d in qbsim.procore.details("standard_cost_code", made["id"])] == ["success"]
