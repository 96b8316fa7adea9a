"""The Web Connector's SOAP protocol and the qbXML a service sends (QBWC-PROTOCOL.md, the qbXML 13.0 XSD).

The Web Connector emulator plays QBWC 34.0.1001.27 against the target's URL; what the target answered is
read from the calls recorded on the wire.
"""

from __future__ import annotations

import re

import pytest
from lxml import etree

from conformance import xsd
from conformance.blackbox.world import World
from conformance.cases.flows import send_cost_code, settle
from sim.webconnector import KillSwitch, UpdateResult
from sim.webconnector.result import Outcome

QBXML_VERSION = re.compile(r"<\?qbxml\s+version\s*=\s*\"(\d+)\.(\d+)\"\s*\?>")
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _result(update: UpdateResult, operation: str) -> object:
    calls = update.calls_to(operation)
    assert calls, f"{operation} was never called: {update.operations}"
    assert calls[0].failure is None, f"{operation} failed: {calls[0].failure}"
    return calls[0].result


def _work_updates(world: World, since: int) -> list[UpdateResult]:
    return [u for u in world.updates[since:] if u.requests]


@pytest.mark.qbsim_requirement("QBWC-SERVER-VERSION", "QBWC-CLIENT-VERSION")
def test_server_version_and_client_version_answer_as_the_guide_says(qbsim: World) -> None:
    update = qbsim.run_update()
    assert isinstance(_result(update, "serverVersion"), str)
    reply = _result(update, "clientVersion") or ""
    assert isinstance(reply, str) and (reply == "" or reply[:2] in ("W:", "O:", "E:")), reply
    assert not reply.startswith("E:"), f"a supported Web Connector was refused: {reply}"
    assert update.outcome != Outcome.VERSION_REFUSED


@pytest.mark.qbsim_requirement("QBWC-AUTH-TICKET", "QBWC-AUTH-NONE")
def test_with_nothing_to_do_authenticate_gives_a_ticket_and_answers_none(qbsim: World) -> None:
    qbsim.until(lambda: qbsim.updates[-1].outcome == Outcome.NO_WORK, "an update with nothing left to do")
    answer = _result(qbsim.updates[-1], "authenticate")
    assert isinstance(answer, list) and len(answer) >= 2, answer
    assert answer[0], "authenticate answered no session ticket"
    assert str(answer[1]).lower() == "none"
    assert "sendRequestXML" not in qbsim.updates[-1].operations


@pytest.mark.qbsim_requirement("QBWC-AUTH-NVU")
def test_a_wrong_password_is_answered_nvu_and_quickbooks_is_asked_nothing(qbsim: World) -> None:
    update = qbsim.run_update(password="not the password")
    answer = _result(update, "authenticate")
    assert isinstance(answer, list) and len(answer) >= 2 and str(answer[1]).lower() == "nvu", answer
    assert update.outcome == Outcome.AUTH_FAILED
    assert not update.requests and "sendRequestXML" not in update.operations


@pytest.mark.qbsim_requirement("QBWC-PROGRESS", "QBXML-SCHEMA", "QBXML-REQUEST-ID", "QBXML-VERSION")
def test_an_export_session_sends_schema_valid_qbxml_with_request_ids_and_ends_at_100(qbsim: World) -> None:
    since = len(qbsim.updates)
    made = send_cost_code(qbsim, name="Protocol check")
    seen = settle(qbsim, "standard_cost_code", made["id"], "the cost code export closed")
    work = _work_updates(qbsim, since)
    assert work, "no update carried any qbXML request"
    for update in work:
        supported = _supported_versions(update.hcp_response or "")
        for request in update.requests:
            bad = xsd.invalid([request])
            assert not bad, f"not valid qbXML 13.0: {bad[0][:3]} in {request[:300]!r}"
            version = QBXML_VERSION.search(request)
            assert version, f"no <?qbxml version?> in {request[:200]!r}"
            assert not supported or (int(version[1]), int(version[2])) <= max(supported), version[0]
            ids = [rq.get("requestID") for rq in _requests_of(request)]
            assert ids and None not in ids, f"a request without requestID in {request[:300]!r}"
            assert len(set(ids)) == len(ids), f"requestIDs repeated in one message set: {ids}"
        # what the service asked was well formed; then how it answered the Web Connector's progress
        receives = [c.result for c in update.calls_to("receiveResponseXML")]
        assert all(isinstance(r, int) and r <= 100 for r in receives), receives
        assert update.outcome == Outcome.COMPLETED and receives[-1] == 100, (update.outcome, receives)
        assert update.operations[-1] == "closeConnection"
    assert seen["status"] == "synced", seen  # what was on the wire was right: did it also work?


@pytest.mark.qbsim_requirement("QBWC-HRESULT")
def test_a_request_quickbooks_refused_with_an_hresult_is_carried_out_later(qbsim: World) -> None:
    qbsim.company.faults.add(action="hresult", request_type="ItemServiceAdd", hresult="0x80040400", times=1)
    made = send_cost_code(qbsim, name="After a parse error")
    seen = settle(qbsim, "standard_cost_code", made["id"], "the cost code exported after the HRESULT")
    failed = [e for u in qbsim.updates for e in u.exchanges if e.hresult == "0x80040400"]
    assert failed, "the HRESULT fault never fired (the target sent no ItemServiceAdd)"
    if seen["status"] != "synced":  # closed failed at first: a resend must then carry it out
        for action, who in (("resend", "Erin Sponsor"), ("accept", "Alex Accountant")):
            assert qbsim.procore.act(action, who, "standard_cost_code", made["id"]).status_code == 200
        qbsim.until(lambda: qbsim.procore.status("standard_cost_code", made["id"]) == "synced", "resent code")
    assert len([i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]) == 1


@pytest.mark.qbsim_requirement("QBWC-CONNECTION-ERROR")
def test_a_modal_dialog_in_quickbooks_is_a_connection_error_and_the_work_waits_for_the_next_update(
    qbsim: World,
) -> None:
    made = send_cost_code(qbsim, name="Behind a dialog")
    qbsim.procore.deliver()
    qbsim.company.ui.open_modal_dialog("Preferences")
    try:
        blocked = qbsim.run_update()
    finally:
        qbsim.company.ui.close_modal_dialog()
    if "connectionError" in blocked.operations:  # the target had work: QBWC could not open the file
        answers = [c.result for c in blocked.calls_to("connectionError")]
        assert all(isinstance(a, str) for a in answers), answers
        assert blocked.outcome == Outcome.CONNECTION_FAILED
    seen = settle(qbsim, "standard_cost_code", made["id"], "the cost code exported after the dialog closed")
    assert seen["status"] == "synced", seen


@pytest.mark.qbsim_requirement("QBWC-KILLED-AFTER-PROCESS")
def test_a_web_connector_killed_after_quickbooks_processed_adds_nothing_twice(qbsim: World) -> None:
    made = send_cost_code(qbsim, name="Killed mid-session")
    killed = False

    def carried_out() -> bool:
        nonlocal killed
        # the first update that sends a request dies once QuickBooks ran it; the next ones run whole
        update = qbsim.run_update(kill=None if killed else KillSwitch(after_send=1, after_process=True))
        killed = killed or update.outcome == Outcome.KILLED
        return killed and qbsim.procore.status("standard_cost_code", made["id"]) == "synced"

    qbsim.until(carried_out, "the cost code synced after the Web Connector was killed", updates=False)
    assert killed, "no update carried a request to kill"
    items = [i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]
    assert len(items) == 1, f"{len(items)} Service items {made['code']} in QuickBooks"
    assert qbsim.procore.item("standard_cost_code", made["id"])["origin_id"] == items[0]["ListID"]


def _requests_of(document: str) -> list[etree._Element]:
    root = etree.fromstring(document.encode("utf-8"), PARSER)
    msgs = root.find("QBXMLMsgsRq")
    return [el for el in (msgs if msgs is not None else []) if isinstance(el.tag, str)]


def _supported_versions(hcp: str) -> list[tuple[int, int]]:
    found = re.findall(r"<SupportedQBXMLVersion>(\d+)\.(\d+)</SupportedQBXMLVersion>", hcp)
    return [(int(a), int(b)) for a, b in found]
