"""Opening the company file fails with a session-level HRESULT → connectionError (retry or "done")."""

from __future__ import annotations

from sim.webconnector import Outcome

COULD_NOT_START = ("0x80040408", "Could not start QuickBooks.")


def test_done_stops_without_further_callbacks(make_wc, script, company):
    company.session_faults = ["0x80040408"]
    script.connection_error = ["done"]
    result = make_wc().run_update()
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert result.status == "Could not start QuickBooks."
    assert result.operations == ["serverVersion", "clientVersion", "authenticate", "connectionError"]
    assert script.params("connectionError") == [
        {"ticket": "TICKET-1", "hresult": "0x80040408", "message": "Could not start QuickBooks."}
    ]
    assert [(e.code, e.message) for e in result.errors] == [COULD_NOT_START]
    assert any("QBWC1013: Error connecting to QuickBooks." in line for line in result.log)


def test_done_is_case_insensitive(make_wc, script, company):
    company.session_faults = ["0x80040408"]
    script.connection_error = ["DONE"]
    assert make_wc().run_update().outcome is Outcome.CONNECTION_FAILED


def test_empty_reply_retries_the_current_file_and_succeeds(make_wc, script, company):
    company.session_faults = ["0x80040410"]
    script.connection_error = [""]
    script.requests = [
        '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
        '<VendorQueryRq requestID="1"/></QBXMLMsgsRq></QBXML>'
    ]
    result = make_wc().run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.operations[:5] == [
        "serverVersion",
        "clientVersion",
        "authenticate",
        "connectionError",
        "sendRequestXML",
    ]
    assert script.params("connectionError")[0]["hresult"] == "0x80040410"
    assert len(company.sessions) == 1


def test_gives_up_after_two_attempts(make_wc, script, company):
    company.session_faults = ["0x80040408", "0x80040408", "0x80040408"]
    script.connection_error = [""]
    result = make_wc().run_update()
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert result.operations.count("connectionError") == 2
    assert "sendRequestXML" not in result.operations
    assert company.session_faults == ["0x80040408"]  # the third attempt was never made


def test_returned_path_is_used_for_the_retry(make_wc, script, company):
    company.session_faults = ["0x80040408"]
    script.connection_error = [r"C:\Elsewhere\Wrong.qbw", "done"]
    result = make_wc(max_connection_attempts=3).run_update()
    # the retry asked for another file than the one QuickBooks holds: 0x8004040A, then "done"
    assert [p["hresult"] for p in script.params("connectionError")] == ["0x80040408", "0x8004040A"]
    assert result.outcome is Outcome.CONNECTION_FAILED


def test_connection_error_fault_is_qbwc1045(make_wc, script, company):
    company.session_faults = ["0x80040408"]
    script.faults = {"connectionError": "boom"}
    result = make_wc().run_update()
    assert result.outcome is Outcome.CALL_FAILED
    assert result.errors[-1].code == "QBWC1045"
    assert result.errors[-1].message == "ConnectionError failed due to error message: boom."


def test_hcp_failure_is_qbwc1014(make_wc, script, company):
    company.request_faults = ["0x80040400"]  # the Host/Company/Preferences query itself fails
    result = make_wc().run_update()
    assert result.outcome is Outcome.HCP_FAILED
    assert result.errors[-1].code == "QBWC1014"
    assert result.errors[-1].message == (
        "Could not get Host/Company/Preference Query response from QuickBooks. Job ending. "
        "QuickBooks found an error when parsing the provided XML text stream."
    )
    assert "sendRequestXML" not in result.operations
    assert company.open_tickets == set()
