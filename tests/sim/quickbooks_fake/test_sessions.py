"""BeginSession/EndSession: tickets and the request processor's HRESULTs with exact messages."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile, QBXMLError
from sim.quickbooks_fake.errors import HRESULT_MESSAGES
from tests.sim.quickbooks_fake.helpers import request, rs, status

APP = "Procore QBD Connector"


def refused(company: CompanyFile, hresult: str, mode: str = "DoNotCare",
            company_file: str | None = None) -> None:
    with pytest.raises(QBXMLError) as info:
        company.begin_session(APP, mode, company_file)
    assert info.value.hresult == hresult
    assert info.value.message == HRESULT_MESSAGES[hresult]


def test_begin_process_end(company, run) -> None:
    ticket = company.begin_session(APP)
    assert ticket.startswith("{") and ticket.endswith("}")
    assert status(rs(run("<HostQueryRq/>", ticket=ticket)))[0] == "0"
    company.end_session(ticket)
    with pytest.raises(QBXMLError) as info:
        company.process_request(request("<HostQueryRq/>"), ticket=ticket)
    assert (info.value.hresult, info.value.message) == ("0x8004040D", "The ticket parameter is invalid")
    with pytest.raises(QBXMLError):
        company.end_session(ticket)


def test_without_ticket_process_request_just_works(company) -> None:
    assert 'statusCode="0"' in company.process_request(request("<HostQueryRq/>"))


def test_modal_dialog(company) -> None:
    company.ui.open_modal_dialog("Preferences")
    refused(company, "0x80040414")
    assert HRESULT_MESSAGES["0x80040414"].startswith("A modal dialog box is showing in the QuickBooks user")
    company.ui.close_modal_dialog()
    assert company.begin_session(APP)


def test_single_user_by_another_user(company) -> None:
    company.ui.lock_by_other_user("Bookkeeper")
    refused(company, "0x80040410")
    company.ui.release_other_user()
    assert company.begin_session(APP)


def test_mode_mismatch(company) -> None:
    refused(company, "0x80040410", mode="SingleUser")  # file is open multi-user
    company.ui.open_single_user("Admin")
    assert company.begin_session(APP, "SingleUser")
    refused(company, "0x80040410", mode="MultiUser")
    assert company.begin_session(APP, "DoNotCare")


def test_quickbooks_not_running(company) -> None:
    company.ui.quit_quickbooks()
    refused(company, "0x80040416")  # no company file named: QuickBooks cannot know what to open
    refused(company, "0x8004041D", company_file=company.qbw_path)  # no automatic login for this app
    refused(company, "0x80040408", company_file="C:\\Elsewhere\\Other.QBW")
    company.ui.allow_auto_login(APP)
    ticket = company.begin_session(APP, "DoNotCare", company.qbw_path)  # QuickBooks starts unattended
    assert company.ui_state["running"] is True
    from tests.sim.quickbooks_fake.helpers import check

    host = rs(check(company.process_request(request("<HostQueryRq/>"), ticket=ticket)))
    assert host[0].findtext("IsAutomaticLogin") == "true"


def test_company_file_path_must_match_the_open_file(company) -> None:
    refused(company, "0x8004040A", company_file="C:\\Elsewhere\\Other.QBW")
    assert company.begin_session(APP, "DoNotCare", company.qbw_path.upper())  # Windows paths: no case
    assert company.begin_session(APP, "DoNotCare", "")


def test_quickbooks_cannot_start(company) -> None:
    company.ui.make_unstartable()
    refused(company, "0x80040408", company_file=company.qbw_path)


def test_other_company_open(company) -> None:
    company.ui.open_other_company()
    refused(company, "0x8004040A")
    company.ui.reopen_this_company()
    assert company.begin_session(APP)


def test_application_access(company) -> None:
    company.ui.set_grant_new_apps(False)
    refused(company, "0x80040418")
    company.ui.set_grant_new_apps(True)
    company.begin_session(APP)
    company.ui.set_app_access(APP, "revoked")
    refused(company, "0x8004041A")
    company.ui.set_app_access(APP, "denied")
    refused(company, "0x80040420")


def test_mac_has_no_request_processor() -> None:
    mac = CompanyFile.create(product="Mac")
    refused(mac, "0x80040408")


def test_sessions_over_http(client, company) -> None:
    resp = client.post("/_sim/session/begin", json={"app_name": APP, "mode": "DoNotCare"})
    assert resp.status_code == 200
    ticket = resp.json()["ticket"]
    ok = client.post("/qbxml", params={"ticket": ticket}, content=request("<HostQueryRq/>").encode())
    assert ok.status_code == 200
    assert client.post("/_sim/session/end", json={"ticket": ticket}).json() == {"ended": True}
    stale = client.post("/qbxml", params={"ticket": ticket}, content=request("<HostQueryRq/>").encode())
    assert stale.status_code == 422
    assert stale.json() == {"error": "QBXMLError", "hresult": "0x8004040D",
                            "message": "The ticket parameter is invalid",
                            "reason": f"unknown or ended ticket {ticket!r}"}
    assert client.post("/_sim/ui/open_modal_dialog", json={"title": "Reconcile"}).status_code == 200
    resp = client.post("/_sim/session/begin", json={"app_name": APP, "company_file": company.qbw_path})
    assert resp.status_code == 422
    assert resp.json() == {"error": "QBXMLError", "hresult": "0x80040414",
                           "message": HRESULT_MESSAGES["0x80040414"],
                           "reason": "dialog: Reconcile"}


def test_bad_session_requests_over_http(client) -> None:
    assert client.post("/_sim/session/begin", json={}).status_code == 400
    resp = client.post("/_sim/session/begin", json={"app_name": APP, "mode": "Exclusive"})
    assert resp.status_code == 400
    assert "mode must be one of" in resp.json()["message"]
    ended = client.post("/_sim/session/end", json={"ticket": "{nope}"})
    assert ended.status_code == 422
    assert ended.json()["hresult"] == "0x8004040D"


VENDOR_ADD = "<VendorAddRq requestID=\"1\"><VendorAdd><Name>Read Only Vendor</Name></VendorAdd></VendorAddRq>"
PERMISSION = ("3260", "Error", "Insufficient permission level to perform this action.")


def test_a_read_only_application_reads_but_may_not_write(company, run) -> None:
    ticket = company.begin_session(APP, read_only=True)
    answer = run(VENDOR_ADD + "<AccountQueryRq requestID=\"2\"/>", on_error="continueOnError", ticket=ticket)
    added, queried = rs(answer, 0), rs(answer, 1)
    assert status(added) == PERMISSION
    assert (queried.tag, status(queried)[0]) == ("AccountQueryRs", "0")  # the chart of accounts is read
    assert all(v["Name"] != "Read Only Vendor" for v in company.list_records("Vendor"))
    # the same application with read-write access may
    company.end_session(ticket)
    writable = company.begin_session(APP)
    assert status(rs(run(VENDOR_ADD, ticket=writable)))[0] == "0"


def test_read_only_access_over_the_http_face(client, http_run) -> None:
    ticket = client.post("/_sim/session/begin", json={"app_name": APP, "read_only": True}).json()["ticket"]
    assert status(rs(http_run(VENDOR_ADD, ticket=ticket))) == PERMISSION
    assert status(rs(http_run("<TxnDelRq><TxnDelType>Bill</TxnDelType><TxnID>1-1</TxnID></TxnDelRq>",
                              ticket=ticket))) == PERMISSION


def test_only_requests_that_change_data_are_writes() -> None:
    from sim.quickbooks_fake.processor import is_write

    assert [n for n in ("VendorAdd", "ItemServiceMod", "ListDel", "TxnDel", "TxnVoid", "ListMerge",
                        "VendorQuery", "HostQuery", "JobReportQuery", "TxnDisplayAdd") if is_write(n)] == [
        "VendorAdd", "ItemServiceMod", "ListDel", "TxnDel", "TxnVoid", "ListMerge"
    ]
