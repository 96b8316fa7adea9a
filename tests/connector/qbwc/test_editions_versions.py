"""Edition policy from strHCPResponse and Web Connector version policy (seed 001 Requirements)."""

from __future__ import annotations

import pytest

from connector.qbwc.hcp import SUPPORTED_TEXT, HostInfo, edition_refusal, parse_hcp_response, release_year
from connector.qbwc.versions import client_version_answer

SUPPORTED_PRODUCTS = [
    ("QuickBooks Pro 2022", "32", "US"),
    ("QuickBooks Premier Contractor Edition 2023", "33", "US"),
    ("QuickBooks Enterprise Solutions: Contractor 24.0", "34", "US"),
    ("QuickBooks Accountant Desktop 2024", "34", "US"),
    ("QuickBooks Pro 2024 Canadian Edition", "34", "CA"),
    ("QuickBooks Enterprise Solutions 23.0", "33", "CA"),
]


@pytest.mark.parametrize(("product", "major", "country"), SUPPORTED_PRODUCTS)
def test_supported_editions_pass(kit, product: str, major: str, country: str) -> None:
    host = parse_hcp_response(kit.hcp_response(product, major, country), 1 << 20)
    assert edition_refusal(host, country) is None


@pytest.mark.parametrize(
    ("product", "major", "country", "expected"),
    [
        (
            "QuickBooks Pro 2021",
            "31",
            "US",
            "Unsupported QuickBooks version: QuickBooks Pro 2021 (US) is QuickBooks Desktop 2021 "
            "(QuickBooks Desktop 2021 or older is not supported). ",
        ),
        (
            "QuickBooks Desktop for Mac 2024",
            "34",
            "US",
            "Unsupported QuickBooks edition: QuickBooks Desktop for Mac 2024 (US). ",
        ),
        ("QuickBooks Online Plus", "", "US", "Unsupported QuickBooks edition: QuickBooks Online Plus (US). "),
        (
            "QuickBooks Pro 2024",
            "34",
            "UK",
            "Unsupported QuickBooks edition: QuickBooks Pro 2024 (UK) is not a US or Canadian edition. ",
        ),
        (
            "QuickBooks Premier Manufacturing and Wholesale Edition 2024",
            "34",
            "US",
            "Unsupported QuickBooks edition: QuickBooks Premier Manufacturing and Wholesale Edition 2024 (US); "  # noqa: E501
            "only the Contractor Edition of Premier is supported. ",
        ),
        (
            "QuickBooks Simple Start 2024",
            "34",
            "US",
            "Unsupported QuickBooks edition: QuickBooks Simple Start 2024 (US). ",
        ),
    ],
)
def test_unsupported_editions_are_refused_with_a_clear_message(
    kit, product, major, country, expected
) -> None:
    host = parse_hcp_response(kit.hcp_response(product, major, country), 1 << 20)
    assert edition_refusal(host, country) == expected + SUPPORTED_TEXT


def test_qbxml_13_must_be_supported(kit) -> None:
    host = parse_hcp_response(kit.hcp_response("QuickBooks Pro 2024", "34", "US", ("1.0", "12.0")), 1 << 20)
    assert edition_refusal(host, "US") == (
        "Unsupported QuickBooks version: QuickBooks Pro 2024 (US) does not support qbXML 13.0 (supports 1.0, 12.0)."  # noqa: E501
    )


def test_hcp_fields_are_read(kit) -> None:
    host = parse_hcp_response(kit.hcp_response(), 1 << 20)
    assert host.product_name == "QuickBooks Premier Contractor Edition 2024"
    assert (host.major_version, host.minor_version, host.country) == ("34", "0", "US")
    assert host.supported_qbxml_versions == ("12.0", "13.0", "14.0", "15.0", "16.0")
    assert (host.is_automatic_login, host.qb_file_mode, host.company_name) == (
        False,
        "SingleUser",
        "Acme Builders",
    )
    assert host.preferences == {
        "IsUsingClassTracking": "true",
        "IsUsingEstimates": "true",
        "IsUsingInventory": "false",
        "IsMultiCurrencyOn": "false",
    }


def test_release_year_fallbacks() -> None:
    assert release_year(HostInfo(product_name="QuickBooks Pro 2014", major_version="24")) == 2014
    assert release_year(HostInfo(product_name="QuickBooks Pro 2023")) == 2023
    assert release_year(HostInfo(product_name="QuickBooks Enterprise Solutions 22.0")) == 2022
    assert release_year(HostInfo(product_name="QuickBooks")) is None


def test_broken_hcp_response_refuses_the_session(harness) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, "<QBXML><QBXMLMsgsRs/></QBXML>") == ""
    assert harness.wsc.last_error(ticket) == (
        "Could not read the QuickBooks host information (strHCPResponse): strHCPResponse has no HostQueryRs/HostRet"  # noqa: E501
    )


@pytest.mark.parametrize(
    ("hcp", "reason"),
    [
        (
            '<!DOCTYPE QBXML [<!ENTITY a "x">]><QBXML><QBXMLMsgsRs/></QBXML>',
            "response has a DOCTYPE; refused (qbXML responses never carry one)",
        ),
        ("<Other/>", "root element is <Other>, expected <QBXML>"),
    ],
)
def test_hostile_or_foreign_hcp_response_refuses_the_session(harness, hcp: str, reason: str) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, hcp) == ""
    assert harness.wsc.last_error(ticket) == (
        f"Could not read the QuickBooks host information (strHCPResponse): {reason}"
    )
    assert harness.service.sessions.get(ticket).state == "refused"


def test_host_info_is_kept_on_the_session(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    harness.wsc.send(ticket, kit.hcp_response())
    record = harness.service.sessions.get(ticket)
    assert record is not None and record.host_info is not None
    assert record.host_info["product_name"] == "QuickBooks Premier Contractor Edition 2024"


@pytest.mark.parametrize("version", ["31.0.10015.29", "32.0.10011.30", "33.0.1006.28", "34.0.1001.27"])
def test_listed_web_connector_versions_proceed(version: str) -> None:
    assert client_version_answer(version) == ""


def test_web_connector_version_answers() -> None:
    listed = "31.0.10015.29, 32.0.10011.30, 33.0.1006.28, 34.0.1001.27"
    assert client_version_answer("32.0.10011.1") == "O:32.0.10011.30"
    assert client_version_answer("33.0.2000.1") == (
        "W:Web Connector 33.0.2000.1 is newer than the build Procore supports for this release (33.0.1006.28); "  # noqa: E501
        "it has not been tested with this connector."
    )
    assert client_version_answer("2.2.0.34") == (
        f"E:Web Connector 2.2.0.34 is not supported by the Procore QuickBooks Desktop connector. Install one of: {listed}."  # noqa: E501
    )
    assert (
        client_version_answer("thirty")
        == f"E:Unrecognised Web Connector version 'thirty'. Supported versions: {listed}."
    )
    assert (
        client_version_answer("")
        == f"W:The Web Connector did not report its version. Supported versions: {listed}."
    )


def test_the_test_hcp_response_is_valid_qbxml(kit) -> None:
    kit.assert_valid_qbxml(kit.hcp_response())


def test_qbxml_major_version_reported_by_qbwc_is_checked(harness, kit) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    answer = harness.wsc.call(
        "sendRequestXML",
        ("ticket", ticket),
        ("strHCPResponse", kit.hcp_response()),
        ("strCompanyFileName", r"C:\Company\acme.qbw"),
        ("qbXMLCountry", "US"),
        ("qbXMLMajorVers", 12),
        ("qbXMLMinorVers", 0),
    ).text("sendRequestXML")
    assert answer == ""
    assert harness.wsc.last_error(ticket) == (
        "Unsupported QuickBooks version: it supports qbXML 12.0 at most; "
        "the Procore connector needs qbXML 13.0 (QuickBooks Desktop 2014 or newer)."
    )


@pytest.mark.parametrize(
    ("major", "shown"),
    [
        ("²", "MajorVersion '²' is not a version number"),
        ("٣٤", "MajorVersion '٣٤' is not a version number"),  # Arabic-Indic 34: isdigit() says yes
        ("3" * 5000, f"MajorVersion '{'3' * 20}…' (5000 characters) is not a version number"),
        ("34.0", "MajorVersion '34.0' is not a version number"),
    ],
)
def test_unreadable_major_version_is_refused_through_get_last_error(
    harness, kit, major: str, shown: str
) -> None:
    """A MajorVersion str.isdigit() accepts but int() refuses is a refusal, never a SOAP Server fault."""
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, kit.hcp_response(major=major)) == ""
    refusal = (
        "Unsupported QuickBooks version: QuickBooks Premier Contractor Edition 2024 (US): "
        f"{shown}. {SUPPORTED_TEXT}"
    )
    assert harness.wsc.last_error(ticket) == refusal
    assert harness.service.sessions.get(ticket).state == "refused"
    assert harness.wsc.close(ticket) == refusal


def test_a_failing_edition_check_refuses_the_session_instead_of_faulting(harness, kit, monkeypatch) -> None:
    """Whatever the edition check trips over in a hostile strHCPResponse becomes the getLastError text."""

    def broken(*_args: object) -> str | None:
        raise ValueError("invalid literal for int() with base 10: '²'")

    monkeypatch.setattr("connector.qbwc.service.edition_refusal", broken)
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "V"})
    ticket = harness.wsc.authenticate()[0]
    assert harness.wsc.send(ticket, kit.hcp_response()) == ""
    assert harness.wsc.last_error(ticket) == (
        "Could not read the QuickBooks host information (strHCPResponse): "
        "invalid literal for int() with base 10: '²'"
    )
