"""The real Web Connector's call order and parameters, driven through zeep against a scripted service."""

from __future__ import annotations

from datetime import timedelta

import httpx
from lxml import etree

from sim.webconnector import Outcome

ADD = (
    '<?xml version="1.0" encoding="utf-8"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<ItemServiceAddRq requestID="{n}"><ItemServiceAdd><Name>01-{n:03d}</Name></ItemServiceAdd>'
    "</ItemServiceAddRq>"
    "</QBXMLMsgsRq></QBXML>"
)


def test_full_session_call_order_and_progress(make_wc, script, company):
    script.requests = [ADD.format(n=1), ADD.format(n=2)]
    wc = make_wc()
    result = wc.run_update()

    assert result.outcome is Outcome.COMPLETED
    assert result.operations == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "receiveResponseXML",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert script.operations == result.operations  # what the service saw, in the same order
    assert result.progress == [50, 100]
    assert result.status == "OK"
    assert result.server_version == "1.0.0"
    assert result.requests == script.requests
    assert company.processed == script.requests
    # the QuickBooks session was opened once (DoNotCare, as QBWC) and ended
    assert company.sessions == [("Procore QBD Connector", "DoNotCare")]
    assert company.open_tickets == set()


def test_client_version_and_authenticate_parameters(make_wc, script):
    make_wc(version="31.0.10015.29").run_update()
    assert script.params("clientVersion") == [{"strVersion": "31.0.10015.29"}]
    assert script.params("authenticate") == [{"strUserName": "procore", "strPassword": "s3cret"}]


def test_hcp_response_on_first_send_only(make_wc, script, company):
    script.requests = [ADD.format(n=1), ADD.format(n=2)]
    script.percents = [40, 80]  # the service thinks there is more; the third call returns ""
    result = make_wc().run_update()
    sends = script.params("sendRequestXML")
    assert len(sends) == 3  # two requests, then "" ends the session
    hcp = sends[0]["strHCPResponse"]
    assert all(later["strHCPResponse"] == "" for later in sends[1:])
    # strHCPResponse is the company's real answer to QBWC's own Host+Company+Preferences query
    hcp_exchange = result.exchanges[0]
    assert hcp_exchange.hcp
    assert hcp == hcp_exchange.response == result.hcp_response
    request = etree.fromstring(hcp_exchange.request.encode())
    rqs = [(rq.tag, rq.get("requestID")) for rq in request.find("QBXMLMsgsRq")]
    assert rqs == [("HostQueryRq", "0"), ("CompanyQueryRq", "1"), ("PreferencesQueryRq", "2")]
    assert request.findtext("QBXMLMsgsRq/CompanyQueryRq/OwnerID") == "{57F3B9B6-86F1-4FCD-B1EF-166DE1813D20}"
    response = etree.fromstring(hcp.encode())
    assert [rs.get("requestID") for rs in response.find("QBXMLMsgsRs")] == ["0", "1", "2"]
    # the other sendRequestXML parameters come from QuickBooks: path, country, highest qbXML version
    first = sends[0]
    assert first["ticket"] == "TICKET-1"
    assert first["strCompanyFileName"] == company.qbw_path
    assert (first["qbXMLCountry"], first["qbXMLMajorVers"], first["qbXMLMinorVers"]) == ("US", "16", "0")
    assert company.processed == [ADD.format(n=1), ADD.format(n=2)]  # the HCP query is not the service's


def test_empty_request_means_get_last_error_then_close(make_wc, script):
    script.requests = []
    script.last_error = ["Nothing queued"]
    result = make_wc().run_update()
    assert result.operations[-3:] == ["sendRequestXML", "getLastError", "closeConnection"]
    assert [(e.code, e.message) for e in result.errors] == [("getLastError", "Nothing queued")]
    assert result.outcome is Outcome.COMPLETED


def test_noop_pauses_five_seconds_on_the_virtual_clock(make_wc, script):
    script.requests = ["NoOp", "NoOp", ADD.format(n=1)]
    script.percents = [100]
    script.last_error = ["NoOp"]
    wc = make_wc()
    start = wc.clock.now()
    result = wc.run_update()
    assert result.operations == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "sendRequestXML",
        "getLastError",
        "sendRequestXML",
        "getLastError",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert wc.clock.now() - start == timedelta(seconds=10)
    sends = result.calls_to("sendRequestXML")
    assert sends[1].at - sends[0].at == timedelta(seconds=5)
    assert sends[1].params["strHCPResponse"] == ""  # still only the first call carries it
    assert result.progress == [100]


def test_noop_then_message_ends_the_update(make_wc, script):
    script.requests = ["NoOp"]
    script.last_error = ["Waiting for Procore"]
    wc = make_wc()
    start = wc.clock.now()
    result = wc.run_update()
    assert result.operations[-3:] == ["sendRequestXML", "getLastError", "closeConnection"]
    assert wc.clock.now() == start
    assert result.errors[-1].message == "Waiting for Procore"


def test_noop_forever_is_capped(make_wc, script):
    script.requests = ["NoOp"] * 50
    script.last_error = ["NoOp"]
    result = make_wc(max_noop_pauses=3).run_update()
    assert result.outcome is Outcome.LOOP_CAPPED
    assert result.operations.count("getLastError") == 4
    assert result.operations[-1] == "closeConnection"


def test_negative_percent_calls_get_last_error_then_close(make_wc, script):
    script.requests = [ADD.format(n=1), ADD.format(n=2)]
    script.percents = [-101]
    script.last_error = ['3100: The name "01-001" of the list element is already in use.']
    result = make_wc().run_update()
    assert result.operations[-4:] == [
        "sendRequestXML",
        "receiveResponseXML",
        "getLastError",
        "closeConnection",
    ]
    assert result.progress == [-101]
    assert result.errors == [type(result.errors[0])("getLastError", script.last_error[0])]
    assert len(script.params("sendRequestXML")) == 1


def test_zero_percent_asks_for_the_next_request(make_wc, script, company):
    # 0 is "0 % done", not "finished" (the qbwc gem reports 0 until its last job is done)
    script.requests = [ADD.format(n=1), ADD.format(n=2)]
    script.percents = [0, 100]
    result = make_wc().run_update()
    assert result.operations[-5:] == [
        "sendRequestXML",
        "receiveResponseXML",
        "sendRequestXML",
        "receiveResponseXML",
        "closeConnection",
    ]
    assert result.progress == [0, 100]
    assert company.processed == script.requests


def test_parse_error_is_delivered_as_hresult_and_message(make_wc, script):
    script.requests = ["<QBXML><QBXMLMsgsRq><ItemServiceAddRq></QBXML>"]  # not well-formed
    result = make_wc().run_update()
    received = script.params("receiveResponseXML")[0]
    assert received == {
        "ticket": "TICKET-1",
        "response": "",
        "hresult": "0x80040400",
        "message": "QuickBooks found an error when parsing the provided XML text stream.",
    }
    exchange = result.exchanges[-1]
    assert (exchange.response, exchange.hresult) == ("", "0x80040400")


def test_soap_fault_on_receive_is_qbwc1042(make_wc, script, company):
    script.requests = [ADD.format(n=1)]
    script.faults = {"receiveResponseXML": "Object reference not set to an instance of an object."}
    result = make_wc().run_update()
    assert result.outcome is Outcome.CALL_FAILED
    assert result.errors[-1].code == "QBWC1042"
    assert result.errors[-1].message == (
        "ReceiveResponseXML failed due to error message: "
        "Object reference not set to an instance of an object."
    )
    assert result.operations[-1] == "receiveResponseXML"
    assert result.calls[-1].http_status == 500
    assert company.open_tickets == set()  # QuickBooks session ended anyway


def test_server_version_fault_is_ignored(make_wc, script):
    script.faults = {"serverVersion": "not implemented"}
    result = make_wc().run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.operations[:3] == ["serverVersion", "clientVersion", "authenticate"]


def test_unreachable_service_is_qbwc1012(make_wc):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("No connection could be made because the target machine actively refused it")

    result = make_wc(transport=httpx.Client(transport=httpx.MockTransport(refuse))).run_update()
    assert result.outcome is Outcome.CALL_FAILED
    assert result.operations == ["serverVersion", "clientVersion", "authenticate"]
    assert result.errors[-1].code == "QBWC1012"
    assert result.errors[-1].message.startswith(
        "Authentication failed due to error message: ConnectError: No connection"
    )
    assert any("QBWC1036" in line for line in result.log)  # clientVersion failure logged, update went on


def test_result_to_dict_is_json_ready(make_wc, script):
    import json

    script.requests = [ADD.format(n=1)]
    result = make_wc().run_update()
    data = json.loads(json.dumps(result.to_dict()))
    assert data["outcome"] == "completed"
    assert data["started_at"] == "2024-01-15T14:00:00+00:00"
    assert [call["operation"] for call in data["calls"]] == result.operations
    assert data["calls"][2]["request_envelope"].startswith("<?xml")
    assert data["exchanges"][1]["request"] == ADD.format(n=1)
