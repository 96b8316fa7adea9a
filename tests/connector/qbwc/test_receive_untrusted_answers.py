"""receiveResponseXML with the real sync handlers: a malformed QuickBooks answer is that item's outcome,
never a SOAP Server fault that leaves the whole batch ``sent``."""

from __future__ import annotations

from connector.sync.cost_codes import CostCode, enqueue_exports
from connector.sync.registry import install

TNS = "http://developer.intuit.com/"
OK = 'statusCode="0" statusSeverity="Info" statusMessage="Status OK"'
A = CostCode("1001", "01-100", "General Requirements", "Construction Income", "Job Expenses")
B = CostCode("1002", "01-200", "Site Work", "Construction Income", "Job Expenses")


def item_service_ret(list_id: str, name: str, edit_sequences: tuple[str, ...] = ("7",)) -> str:
    sequences = "".join(f"<EditSequence>{e}</EditSequence>" for e in edit_sequences)
    return (f"<ItemServiceRet><ListID>{list_id}</ListID><TimeCreated>2026-01-05T09:00:00-05:00</TimeCreated>"
            f"<TimeModified>2026-01-05T09:00:00-05:00</TimeModified>{sequences}<Name>{name}</Name>"
            f"<FullName>{name}</FullName><IsActive>true</IsActive><Sublevel>0</Sublevel></ItemServiceRet>")


def test_a_repeated_edit_sequence_is_an_item_outcome_not_a_server_fault(harness, kit) -> None:
    install(harness.service)
    ids = enqueue_exports(harness.service.queue, "acme-co", [A, B]).queued
    a, b = ids["1001"], ids["1002"]
    ticket = harness.wsc.authenticate()[0]
    assert "<ItemServiceAddRq" in harness.wsc.send(ticket, kit.hcp_response())
    answer = (
        '<?xml version="1.0" ?>\n<QBXML>\n<QBXMLMsgsRs>\n'
        f'<ItemServiceAddRs requestID="{a}" {OK}>{item_service_ret("80000001-1", "01-100", ("7", "8"))}'
        "</ItemServiceAddRs>\n"
        f'<ItemServiceAddRs requestID="{b}" {OK}>{item_service_ret("80000002-1", "01-200")}'
        "</ItemServiceAddRs>\n"
        "</QBXMLMsgsRs>\n</QBXML>\n"
    )
    # on main: the list reached SQLite and the call answered a SOAP Server fault
    result = harness.wsc.call("receiveResponseXML", ("ticket", ticket), ("response", answer), ("hresult", ""),
                              ("message", ""))
    assert result.status == 200
    assert int(result.text("receiveResponseXML")) == 50
    first, second = harness.service.queue.get(a), harness.service.queue.get(b)
    assert first is not None and second is not None
    assert (first.state, first.last_status_code, first.last_status_message) == (
        "pending", "UnexpectedAnswer", "QuickBooks answered ItemServiceAddRs status 0 with 2 EditSequence "
        "elements in its ItemServiceRet; looking the object up by name")
    assert second.state == "done"
    assert harness.service.queue.id_map.by_procore_id("acme-co", "cost_code", "1001") is None
    assert "<ItemQueryRq" in harness.wsc.send(ticket)
