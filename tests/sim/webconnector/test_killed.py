"""The Web Connector killed between sendRequestXML and receiveResponseXML, and "Update Selected" again."""

from __future__ import annotations

from sim.webconnector import KillSwitch, Outcome

VENDOR = (
    '<?xml version="1.0"?><?qbxml version="13.0"?><QBXML><QBXMLMsgsRq onError="stopOnError">'
    '<VendorAddRq requestID="{n}"><VendorAdd><Name>Vendor {n}</Name></VendorAdd></VendorAddRq>'
    "</QBXMLMsgsRq></QBXML>"
)


def test_killed_after_quickbooks_processed(make_wc, script, company):
    script.requests = [VENDOR.format(n=1), VENDOR.format(n=2)]
    wc = make_wc()
    result = wc.run_update(kill=KillSwitch(after_send=1))
    assert result.outcome is Outcome.KILLED
    assert result.operations == ["serverVersion", "clientVersion", "authenticate", "sendRequestXML"]
    assert company.processed == [VENDOR.format(n=1)]  # the vendor exists in QuickBooks...
    assert result.exchanges[-1].response.startswith('<?xml version="1.0" ?>')  # ...but nobody was told
    assert company.open_tickets == set()  # the process died: its COM session is gone
    assert any("receiveResponseXML() was never called" in line for line in result.log)


def test_killed_before_quickbooks_processed(make_wc, script, company):
    script.requests = [VENDOR.format(n=1)]
    result = make_wc().run_update(kill=KillSwitch(after_send=1, after_process=False))
    assert result.outcome is Outcome.KILLED
    assert company.processed == []
    assert result.status == "killed before QuickBooks processed the request"


def test_killed_on_the_second_request(make_wc, script, company):
    script.requests = [VENDOR.format(n=1), VENDOR.format(n=2)]
    result = make_wc().run_update(kill=KillSwitch(after_send=2))
    assert result.operations[-3:] == ["sendRequestXML", "receiveResponseXML", "sendRequestXML"]
    assert len(company.processed) == 2


def test_update_selected_again_after_a_kill_starts_a_fresh_session(make_wc, script, company):
    script.requests = [VENDOR.format(n=1), VENDOR.format(n=2)]
    wc = make_wc()
    wc.run_update(kill=KillSwitch(after_send=1))
    script.auth = ["TICKET-2", ""]
    again = wc.update_selected()
    assert again.outcome is Outcome.COMPLETED
    assert again.operations[:3] == ["serverVersion", "clientVersion", "authenticate"]
    assert again.ticket == "TICKET-2"
    assert again.calls_to("sendRequestXML")[0].params["strHCPResponse"]  # a new session: HCP again
    assert len(company.sessions) == 2
    assert len(wc.history) == 2


def test_update_selected_during_an_update_is_ignored(make_wc, script):
    script.requests = [VENDOR.format(n=1)]
    clicks = []

    def click_again(record):
        if record.operation == "sendRequestXML" and not clicks:
            clicks.append(wc.update_selected())

    wc = make_wc(on_call=click_again)
    result = wc.run_update()
    assert result.outcome is Outcome.COMPLETED
    assert [c.outcome for c in clicks] == [Outcome.SKIPPED]
    assert clicks[0].operations == []
    assert "UpdateLock is set" in clicks[0].log[0]
    assert script.operations.count("authenticate") == 1


def test_killed_before_close_connection(make_wc, script, company):
    script.requests = [VENDOR.format(n=1)]
    result = make_wc().run_update(kill=KillSwitch(after_send=None, before_close=True))
    assert result.outcome is Outcome.KILLED
    assert result.operations[-2:] == ["sendRequestXML", "receiveResponseXML"]
    assert result.progress == [100]
    assert company.open_tickets == set()
    assert any("closeConnection() was never called" in line for line in result.log)


def test_interactive_mode_is_logged_and_ends_the_update(make_wc, script):
    script.requests = [""]
    script.last_error = ["Interactive mode"]
    result = make_wc().run_update()
    assert result.operations[-2:] == ["getLastError", "closeConnection"]
    assert any("getInteractiveURL() is not emulated" in line for line in result.log)
