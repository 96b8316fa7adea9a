"""Every QBWC operation through real SOAP envelopes, in both client styles and SOAP versions."""

from __future__ import annotations

import pytest

STYLES = [("qbwc", "1.1"), ("zeep", "1.1"), ("qbwc", "1.2"), ("zeep", "1.2")]


@pytest.mark.parametrize(("style", "version"), STYLES)
def test_full_update_session_in_every_envelope_style(make_harness, kit, style, version) -> None:
    h = make_harness()
    wsc = kit.Wsc(h.client, style, version)
    h.service.queue.enqueue("acme-co", "vendor_add", {"name": "Ace Concrete"}, procore_id="101")

    server = wsc.call("serverVersion")
    assert server.status == 200
    assert server.text("serverVersion") == "qbsim-connector 0.1.0"
    expected_type = "application/soap+xml" if version == "1.2" else "text/xml"
    assert server.content_type.startswith(expected_type)
    assert wsc.call("clientVersion", ("strVersion", kit.QBWC_VERSION)).text("clientVersion") == ""

    ticket, company_file = wsc.authenticate()
    assert ticket == "00000000-0000-4000-8000-000000000001"
    assert company_file == r"C:\Company\acme.qbw"

    request = wsc.send(ticket, kit.hcp_response())
    assert request.startswith('<?xml version="1.0" ?>\n<?qbxml version="13.0"?>')
    assert '<QBXMLMsgsRq onError="continueOnError"><VendorAddRq requestID="1">' in request
    assert wsc.receive(ticket, h.qb.process(request)) == 100
    assert wsc.close(ticket) == "OK: 1 done, 0 failed, 0 left for the next update."

    item = h.service.queue.get(1)
    assert item is not None and item.state == "done"
    assert item.last_status_code == "0" and item.last_status_message == "Status OK"
    mapping = h.service.queue.id_map.by_procore_id("acme-co", "vendor", "101")
    assert mapping is not None and mapping.qb_id == h.qb.vendors["Ace Concrete"]
    assert mapping.edit_sequence == "1700000000"


def test_real_qbwc_envelope_with_entity_escaped_response_and_empty_hresult(harness, kit) -> None:
    """Byte-for-byte shape of a real receiveResponseXML (flowlink captures)."""
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Bob & Sons <LLC>"})
    ticket = harness.wsc.authenticate()[0]
    request = harness.wsc.send(ticket, kit.hcp_response())
    assert "<Name>Bob &amp; Sons &lt;LLC&gt;</Name>" in request
    response_xml = harness.qb.process(request)
    raw = (
        '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '  # noqa: E501
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<soap:Body><receiveResponseXML xmlns="http://developer.intuit.com/"><ticket>{ticket}</ticket>'
        f"<response>{response_xml.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</response>"
        "<hresult /><message /></receiveResponseXML></soap:Body></soap:Envelope>"
    )
    resp = harness.client.post(
        "/qbwc",
        content=raw.encode(),
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '"http://developer.intuit.com/receiveResponseXML"',
        },
    )
    assert resp.status_code == 200
    assert (
        b'<receiveResponseXMLResponse xmlns="http://developer.intuit.com/"><receiveResponseXMLResult>100<'
        in resp.content
    )
    assert "Bob & Sons <LLC>" in harness.qb.vendors


def test_wrong_password_and_unknown_user_get_nvu(harness) -> None:
    assert harness.wsc.authenticate("acme", "wrong")[1] == "nvu"
    assert harness.wsc.authenticate("nobody", "s3cret")[1] == "nvu"
    # an nvu ticket is never a session
    bad_ticket = harness.wsc.authenticate("acme", "wrong")[0]
    assert harness.wsc.send(bad_ticket) == ""
    assert (
        harness.wsc.last_error(bad_ticket)
        == "Unknown session ticket; the Web Connector must authenticate again."
    )


def test_nothing_to_do_gets_none(harness) -> None:
    ticket, status = harness.wsc.authenticate()
    assert status == "none"
    assert harness.service.sessions.get(ticket) is None


def test_postpone_and_minimum_interval_elements(make_harness) -> None:
    h = make_harness(postpone_seconds=120, min_run_every_seconds=900)
    assert h.wsc.authenticate() == ["00000000-0000-4000-8000-000000000001", "none", "120", "900"]
    only_min = make_harness(min_run_every_seconds=300)
    only_min.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    assert only_min.wsc.authenticate()[1:] == [r"C:\Company\acme.qbw", "", "300"]


def test_empty_company_file_means_the_open_file(make_harness) -> None:
    h = make_harness()
    h.service.users.add_user("open", "pw", "open-co", "")
    h.service.queue.enqueue("open-co", "vendor_add", {"name": "V"})
    assert h.wsc.authenticate("open", "pw")[1] == ""


def test_second_web_connector_on_the_same_company_file_gets_busy(harness) -> None:
    harness.service.users.add_user("acme-2nd-pc", "pw2", "acme-co", r"C:\Company\acme.qbw")
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    first = harness.wsc.authenticate()
    assert first[1] == r"C:\Company\acme.qbw"
    assert harness.wsc.authenticate("acme-2nd-pc", "pw2")[1] == "busy"
    harness.wsc.close(first[0])
    assert harness.wsc.authenticate("acme-2nd-pc", "pw2")[1] == r"C:\Company\acme.qbw"


def test_same_user_authenticating_again_replaces_its_dead_session(harness, kit) -> None:
    """QBWC never runs two updates of one application at once: a new authenticate means the old one died."""
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    old = harness.wsc.authenticate()[0]
    new, company_file = harness.wsc.authenticate()[:2]
    assert company_file == r"C:\Company\acme.qbw" and new != old
    expected = (
        "This session was replaced: the same Web Connector user authenticated again (a new update started)."
    )
    assert harness.wsc.send(old, kit.hcp_response()) == ""
    assert harness.wsc.last_error(old) == expected
    assert "<VendorAddRq" in harness.wsc.send(new, kit.hcp_response())


def test_expired_ticket_is_refused_without_a_fault_and_frees_the_company(harness) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    harness.clock.advance(minutes=31)
    assert harness.wsc.send(ticket, "") == ""
    expected = (
        "Session ticket expired after 30 minutes without a call; the next update will start a new session."
    )
    assert harness.wsc.last_error(ticket) == expected
    assert harness.wsc.receive(ticket, "<QBXML/>") == -101
    assert harness.wsc.connection_error(ticket, "0x80040408", "Could not start QuickBooks.") == "done"
    assert harness.wsc.close(ticket) == expected
    assert harness.wsc.authenticate()[1] == r"C:\Company\acme.qbw"


def test_ticket_expiry_slides_with_activity(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    harness.clock.advance(minutes=20)
    request = harness.wsc.send(ticket, kit.hcp_response())
    harness.clock.advance(minutes=20)
    assert harness.wsc.receive(ticket, harness.qb.process(request)) == 100


def test_stale_session_does_not_make_the_company_busy_forever(harness) -> None:
    harness.service.users.add_user("acme-2nd-pc", "pw2", "acme-co", r"C:\Company\acme.qbw")
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    harness.wsc.authenticate()
    assert harness.wsc.authenticate("acme-2nd-pc", "pw2")[1] == "busy"
    harness.clock.advance(minutes=30, seconds=1)
    assert harness.wsc.authenticate("acme-2nd-pc", "pw2")[1] == r"C:\Company\acme.qbw"


def test_negative_percent_and_get_last_error_after_hresult_0x80040400(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.send(ticket, kit.hcp_response())
    message = "QuickBooks found an error when parsing the provided XML text stream."
    assert harness.wsc.receive(ticket, "", "0x80040400", message) == -101
    assert (
        harness.wsc.last_error(ticket) == f"QuickBooks could not process the request (0x80040400): {message}"
    )
    item = harness.service.queue.get(1)
    assert item is not None
    assert (item.state, item.last_status_code, item.last_status_message) == ("failed", "0x80040400", message)
    assert harness.wsc.close(ticket) == "OK: 0 done, 1 failed, 0 left for the next update."


def test_noop_when_send_is_called_again_before_the_response(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    first = harness.wsc.send(ticket, kit.hcp_response())
    assert "<VendorAddRq" in first
    assert harness.wsc.send(ticket) == "NoOp"
    assert harness.wsc.last_error(ticket) == "NoOp"
    assert harness.wsc.receive(ticket, harness.qb.process(first)) == 100
    assert harness.qb.adds == ["vendor:V"]


def test_connection_error_retries_then_says_done(make_harness) -> None:
    h = make_harness(connection_retries=1)
    h.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = h.wsc.authenticate()[0]
    assert (
        h.wsc.connection_error(ticket, "0x80040408", "Could not start QuickBooks.") == r"C:\Company\acme.qbw"
    )
    assert h.wsc.connection_error(ticket, "0x80040408", "Could not start QuickBooks.") == "done"
    assert h.wsc.last_error(ticket) == "This session is already closed."
    record = h.service.sessions.get(ticket)
    assert record is not None
    assert (
        record.last_error
        == "QuickBooks could not open the company file (0x80040408): Could not start QuickBooks."
    )
    # the company file is free again and the work is still queued
    assert h.wsc.authenticate()[1] == r"C:\Company\acme.qbw"


def test_client_version_answers(harness) -> None:
    def answer(version: str) -> str:
        return harness.wsc.call("clientVersion", ("strVersion", version)).text("clientVersion")

    assert answer("33.0.1006.28") == ""
    assert answer("31.0.10015.10") == "O:31.0.10015.29"
    assert answer("2.3.0.215").startswith("E:Web Connector 2.3.0.215 is not supported")
    assert answer("35.0.1.1").startswith(
        "W:Web Connector 35.0.1.1 is newer than the versions Procore supports"
    )


def test_unsupported_edition_is_refused_through_get_last_error(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, kit.hcp_response("QuickBooks Pro 2021", "31")) == ""
    error = harness.wsc.last_error(ticket)
    assert error.startswith(
        "Unsupported QuickBooks version: QuickBooks Pro 2021 (US) is QuickBooks Desktop 2021 "
        "(QuickBooks Desktop 2021 or older is not supported). The Procore QuickBooks Desktop connector supports"  # noqa: E501
    )
    assert harness.wsc.close(ticket) == error
    item = harness.service.queue.get(1)
    assert item is not None and item.state == "pending" and item.attempts == 0
    assert harness.qb.adds == []


def test_the_company_file_opened_first_is_the_only_one_synced(make_harness, kit) -> None:
    h = make_harness()
    h.service.users.add_user("open", "pw", "open-co", "")  # "" = whatever file QuickBooks has open
    h.service.queue.enqueue("open-co", "vendor_add", {"name": "V"})

    def send(ticket: str, opened: str) -> str:
        return h.wsc.call(
            "sendRequestXML",
            ("ticket", ticket),
            ("strHCPResponse", kit.hcp_response()),
            ("strCompanyFileName", opened),
            ("qbXMLCountry", "US"),
            ("qbXMLMajorVers", 13),
            ("qbXMLMinorVers", 0),
        ).text("sendRequestXML")

    first = h.wsc.authenticate("open", "pw")[0]
    assert "<VendorAddRq" in send(first, r"C:\Company\Acme Builders.QBW")
    h.wsc.close(first)
    second = h.wsc.authenticate("open", "pw")[0]
    # the same file in another case is accepted (the unanswered add of the first session is probed)
    assert "<VendorQueryRq" in send(second, r"c:\company\acme builders.qbw")
    h.wsc.close(second)
    third = h.wsc.authenticate("open", "pw")[0]
    assert send(third, r"C:\Company\Sample Company.QBW") == ""
    assert h.wsc.last_error(third) == (
        r"Wrong QuickBooks company file: C:\Company\Sample Company.QBW is open, but this Web Connector user "
        r"syncs C:\Company\Acme Builders.QBW. Open that company file in QuickBooks and update again "
        "(one QuickBooks company file per Procore company)."
    )
