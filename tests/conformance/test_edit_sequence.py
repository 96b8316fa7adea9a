"""ItemServiceMod against a QuickBooks that keeps answering 3200 (the fake's status faults).

A 3200 produced by a fault rule carries no record (the rule answers the status only), which is the
other shape the connector must handle: re-read the item with ItemServiceQuery, then retry the Mod —
once. A second 3200 fails the update with QuickBooks' own status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from lxml import etree

from conformance.scenarios.data import cost_codes
from conformance.stack import Stack
from connector.sync.cost_codes import CostCode
from sim.webconnector import Outcome


def _exported(make_stack: Callable[..., Stack]) -> tuple[Stack, CostCode, dict]:
    stack = make_stack()
    code = cost_codes(1)[0]
    stack.connector.export_cost_codes(stack.company_key, [code])
    assert stack.run_update().outcome is Outcome.COMPLETED
    [item] = stack.items("ItemService")
    return stack, code, item


def _stale(edit_sequence: str) -> str:
    return f'The provided edit sequence "{edit_sequence}" is out-of-date. '


def _requests(stack: Stack) -> list[str]:
    """The request tags of the last update, in the order they were sent."""
    out: list[str] = []
    for document in stack.results[-1].requests:
        root = etree.fromstring(document.split("?>", 2)[-1].encode())
        out.extend(el.tag for el in root.find("QBXMLMsgsRq"))
    return out


def test_3200_without_a_record_rereads_then_retries(make_stack, assert_schema_valid) -> None:
    stack, code, item = _exported(make_stack)
    stack.company.faults.add(action="status", request_type="ItemServiceMod", status_code=3200,
                             status_message=_stale(item["EditSequence"]), times=1)
    renamed = replace(code, description="Div. 01 General")
    update_id = stack.connector.update_cost_code(stack.company_key, renamed)
    result = stack.run_update()
    assert _requests(stack) == ["ItemServiceModRq", "ItemServiceQueryRq", "ItemServiceModRq"]
    record = stack.connector.work_item(update_id)
    assert (record.state, record.last_status_code, record.attempts) == ("done", "0", 3)
    [after] = stack.items("ItemService")
    assert after["SalesAndPurchase"]["SalesDesc"] == "Div. 01 General"
    assert result.progress == [1, 1, 100]
    assert_schema_valid(stack.documents(result))


def test_a_second_3200_fails_with_quickbooks_status(make_stack, assert_schema_valid) -> None:
    stack, code, item = _exported(make_stack)
    message = _stale(item["EditSequence"])
    stack.company.faults.add(action="status", request_type="ItemServiceMod", status_code=3200,
                             status_message=message)
    renamed = replace(code, description="Div. 01 General")
    update_id = stack.connector.update_cost_code(stack.company_key, renamed)
    stack.run_update()
    record = stack.connector.work_item(update_id)
    assert (record.state, record.last_status_code, record.last_status_message) == ("failed", "3200", message)
    assert record.result == {"action": "failed", "stale_retries": 1}
    [after] = stack.items("ItemService")
    assert after["SalesAndPurchase"]["SalesDesc"] == "General Requirements"  # QuickBooks unchanged
    assert after["EditSequence"] == item["EditSequence"]
    assert_schema_valid(stack.documents())
