"""The connector killed and restarted between any two steps of an export, with every webhook delivered
twice: exactly one record in QuickBooks, one Synced record in Procore, every request detail closed once.

The steps: webhook received → ERP Request read → work queued → sendRequestXML → QuickBooks processed →
receiveResponseXML → write-back (origin ids) → close-out. A restart is a new connector app on the same
database file (nothing else survives); a kill while answering is the connection dropping under the caller.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from conformance.procore_stack import ConnectorKilled, ProcoreStack


def _soap(operation: str) -> Callable[[httpx.Request], bool]:
    names = (f":{operation}".encode(), f"<{operation}".encode())
    return lambda request: any(n in request.content for n in names)


def _export(stack: ProcoreStack, obj: str) -> tuple[str, int, str, str]:
    """Start the export of one object; (Procore item type, id, QuickBooks list, name)."""
    if obj == "cost_code":
        code = stack.export_standard_cost_code("01-100", "Site Work")
        return "standard_cost_code", code["id"], "ItemService", "01-100"
    vendor = stack.new_vendor("Ace Concrete")
    stack.send_and_accept("vendor", vendor["id"])
    return "vendor", vendor["id"], "Vendor", "Ace Concrete"


def _finish(stack: ProcoreStack) -> None:
    """What happens next, whatever was interrupted: rounds and Web Connector updates until quiet."""
    for _ in range(3):
        stack.sync()
        stack.run_update()
        stack.tick()


def _kill_on_qbwc(stack: ProcoreStack, operation: str, when: str) -> None:
    """Restart the connector at ``operation``: before it arrives, or ("dropped") after it was carried out."""
    matches = _soap(operation)

    def kill(request: httpx.Request) -> str | None:
        if not matches(request):
            return None
        if when == "dropped":
            stack.qbwc_link.before = None
            return "dropped"
        return None

    def before(request: httpx.Request) -> None:
        if matches(request) and when == "before":
            stack.qbwc_link.before = None
            stack.restart()

    stack.qbwc_link.kill = kill if when == "dropped" else None
    stack.qbwc_link.before = before if when == "before" else None


KILL_POINTS = [
    "webhook_received",
    "request_read",
    "work_queued",
    "during_send_request_xml",
    "quickbooks_processed",
    "during_receive_response_xml",
    "write_back",
    "close_out",
]


@pytest.mark.parametrize("obj", ["cost_code", "company"])
@pytest.mark.parametrize("point", KILL_POINTS)
def test_a_restart_at_any_step_exports_exactly_once(tmp_path: Path, obj: str, point: str) -> None:
    stack = ProcoreStack.create(database_url=f"sqlite:///{tmp_path / 'connector.db'}")
    stack.procore.post("/_sim/webhooks/duplicate_next", json={"count": 10})  # every delivery arrives twice
    item_type, item_id, qb_list, name = _export(stack, obj)

    stack.deliver()
    if point == "webhook_received":
        stack.restart()
    elif point == "request_read":
        assert stack.side.connections[stack.company_key].intake.read() == 1
        stack.restart()
    else:
        stack.tick()
        if point == "work_queued":
            stack.restart()
        elif point == "during_send_request_xml":
            _kill_on_qbwc(stack, "sendRequestXML", "dropped")
            stack.run_update()
            stack.restart()
        elif point == "quickbooks_processed":
            _kill_on_qbwc(stack, "receiveResponseXML", "before")  # QuickBooks ran it; the connector restarts
            stack.run_update()
        elif point == "during_receive_response_xml":
            _kill_on_qbwc(stack, "receiveResponseXML", "dropped")
            stack.run_update()
            stack.restart()
        else:
            stack.run_update()
            path = "/external_data/sync" if point == "write_back" else "/erp_request_details/"
            stack.procore_link.kill = lambda r: (
                "after" if r.method == "PATCH" and path in r.url.path else None
            )
            with pytest.raises(ConnectorKilled):
                stack.tick()
            stack.restart()

    assert stack.restarts == 1
    if point.startswith("during_"):
        killed = stack.results[0]
        assert killed.outcome.name != "COMPLETED", killed.outcome
    _finish(stack)

    assert len([r for r in stack.records(qb_list) if r.get("FullName", r.get("Name")) == name]) == 1
    record = next(r for r in stack.records(qb_list) if r.get("FullName", r.get("Name")) == name)
    seen = stack.item(item_type, item_id)
    assert (seen["status"], seen["origin_id"]) == ("synced", record["ListID"])
    assert [i for i in stack.lists()["synced"] if i["item_type"] == item_type] == [
        i for i in stack.lists()["synced"] if (i["item_type"], i["item_id"]) == (item_type, item_id)
    ]
    details = stack.rest(
        "GET", f"/rest/v1.0/companies/{stack.company_id}/erp_request_details",
        {"filters[item_type]": item_type, "filters[item_id]": item_id},
    )
    assert [d["status"] for d in details] == ["success"]
    close_path = f"/erp_request_details/{details[0]['id']}"
    closes = [p for m, p in stack.procore_link.log if m == "PATCH" and p.endswith(close_path)]
    assert len(closes) == 1
