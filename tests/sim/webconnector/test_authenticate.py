"""authenticate()'s answers (QBWC Programmer's Guide ch. 10) and clientVersion's W:/E:/O: replies."""

from __future__ import annotations

import pytest

from sim.webconnector import Outcome

AFTER_AUTH = ["serverVersion", "clientVersion", "authenticate"]


@pytest.mark.parametrize("verdict", ["nvu", "NVU"])
def test_nvu_stops_with_qbwc1040(make_wc, script, company, verdict):
    script.auth = ["", verdict]
    result = make_wc().run_update()
    assert result.outcome is Outcome.AUTH_FAILED
    assert result.operations == AFTER_AUTH
    assert [(e.code, e.message) for e in result.errors] == [
        ("QBWC1040", "Web connector did not provide a valid username and/or password.")
    ]
    assert company.sessions == []  # QuickBooks never opened


@pytest.mark.parametrize(
    ("verdict", "outcome", "status"),
    [
        ("none", Outcome.NO_WORK, "No data exchange required"),
        ("NONE", Outcome.NO_WORK, "No data exchange required"),
        ("busy", Outcome.BUSY, "Application is busy"),
    ],
)
def test_nothing_to_do_or_busy(make_wc, script, company, verdict, outcome, status):
    script.auth = ["TICKET-9", verdict]
    result = make_wc().run_update()
    assert (result.outcome, result.status) == (outcome, status)
    assert result.operations == AFTER_AUTH
    assert result.ticket == "TICKET-9"
    assert company.sessions == []


def test_empty_status_uses_the_open_company_file(make_wc, script, company):
    script.auth = ["TICKET-1", ""]
    result = make_wc().run_update()
    assert result.company_file == company.qbw_path
    assert script.params("sendRequestXML")[0]["strCompanyFileName"] == company.qbw_path


def test_matching_path_opens_that_file(make_wc, script, company):
    script.auth = ["TICKET-1", company.qbw_path.upper()]  # Windows paths compare case-insensitively
    result = make_wc().run_update()
    assert result.outcome is Outcome.COMPLETED
    assert len(company.sessions) == 1


def test_other_path_is_0x8004040a_through_connection_error(make_wc, script, company):
    script.auth = ["TICKET-1", r"C:\Company Files\Other.qbw"]
    script.connection_error = ["done"]
    result = make_wc().run_update()
    assert result.outcome is Outcome.CONNECTION_FAILED
    assert script.params("connectionError") == [
        {
            "ticket": "TICKET-1",
            "hresult": "0x8004040A",
            "message": "QuickBooks company data file is already open and it is different from the one "
            "requested.",
        }
    ]
    assert company.sessions == []


def test_postpone_and_minimum_interval_are_recorded(make_wc, script, company):
    script.auth = ["TICKET-1", "none", "300", "3600"]
    result = make_wc().run_update()
    assert result.outcome is Outcome.POSTPONED
    assert result.status == "Update postponed by application"
    assert (result.postpone_seconds, result.min_run_every_seconds) == (300, 3600)
    assert result.operations == AFTER_AUTH


def test_no_ticket_is_an_authentication_failure(make_wc, script):
    script.auth = []
    result = make_wc().run_update()
    assert result.outcome is Outcome.AUTH_FAILED
    assert result.errors[-1].code == "QBWC1012"


def test_missing_password_is_qbwc1030(make_wc, script):
    result = make_wc(password="").run_update()
    assert result.outcome is Outcome.AUTH_FAILED
    assert [(e.code, e.message) for e in result.errors] == [
        (
            "QBWC1030",
            "Password is not available for application named Procore QBD Connector. "
            "Please set the password for this application.",
        )
    ]
    assert script.operations == []


def test_authenticate_fault_is_qbwc1012(make_wc, script):
    script.faults = {"authenticate": "Invalid credentials store"}
    result = make_wc().run_update()
    assert result.outcome is Outcome.CALL_FAILED
    assert [(e.code, e.message) for e in result.errors] == [
        ("QBWC1012", "Authentication failed due to error message: Invalid credentials store.")
    ]


# -- clientVersion -------------------------------------------------------------------------------------
def test_client_version_error_refuses_the_update(make_wc, script):
    script.client_version = "E:This Web Connector is too old. Install 34.0."
    result = make_wc(version="31.0.10015.29").run_update()
    assert result.outcome is Outcome.VERSION_REFUSED
    assert result.operations == ["serverVersion", "clientVersion"]
    assert [(e.code, e.message) for e in result.errors] == [
        (
            "QBWC1037",
            "Application sent following error or warning message when checking version of QB web connector. "
            "Update aborted. This Web Connector is too old. Install 34.0.",
        )
    ]


@pytest.mark.parametrize("reply", ["W:Please upgrade soon", "O:35.0"])
def test_warning_continues_when_the_user_accepts(make_wc, script, reply):
    script.client_version = reply
    result = make_wc().run_update()
    assert result.outcome is Outcome.COMPLETED
    assert result.client_version_reply == reply
    assert "authenticate" in result.operations


@pytest.mark.parametrize("reply", ["W:Please upgrade soon", "O:35.0"])
def test_warning_stops_when_the_user_declines(make_wc, script, reply):
    script.client_version = reply
    result = make_wc(accept_version_warning=False).run_update()
    assert result.outcome is Outcome.VERSION_REFUSED
    assert result.operations == ["serverVersion", "clientVersion"]
    assert result.errors[-1].code == "QBWC1037"


def test_required_version_older_than_ours_proceeds_without_asking(make_wc, script):
    script.client_version = "O:33.0"
    result = make_wc(version="34.0.1001.27", accept_version_warning=False).run_update()
    assert result.outcome is Outcome.COMPLETED


def test_required_version_newer_than_ours_names_it(make_wc, script):
    script.client_version = "O:34.0.1001.27"
    result = make_wc(version="31.0.10015.29", accept_version_warning=False).run_update()
    assert result.outcome is Outcome.VERSION_REFUSED
    assert result.errors[-1].message == (
        "Application sent following error or warning message when checking version of QB web connector. "
        "Update aborted. The application requires QuickBooks Web Connector version 34.0.1001.27 or newer."
    )


def test_required_version_that_is_not_a_version_is_qbwc1046(make_wc, script):
    script.client_version = "O:latest"
    result = make_wc().run_update()
    assert result.errors[-1].code == "QBWC1046"


def test_unknown_client_version_reply_is_qbwc1046(make_wc, script):
    script.client_version = "maybe"
    result = make_wc().run_update()
    assert result.outcome is Outcome.VERSION_REFUSED
    assert result.errors[-1] == type(result.errors[-1])(
        "QBWC1046",
        "Application sent incorrect syntax return value for clientVersion(). "
        "Error message: unknown return value 'maybe'. Update cannot continue.",
    )


def test_client_version_fault_is_logged_and_the_update_goes_on(make_wc, script):
    script.faults = {"clientVersion": "Server did not recognize the value of HTTP Header SOAPAction"}
    result = make_wc().run_update()
    assert result.outcome is Outcome.COMPLETED
    assert any(
        "QBWC1036: Error countered during version check: Server did not recognize the value of HTTP Header "
        "SOAPAction." in line
        for line in result.log
    )
