"""QBWC's strHCPResponse (Host + Company + Preferences) as the connector reads it on the first
sendRequestXML of a session."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from connector.qbxml import hcp_request, parse_hcp_response


def test_hcp_response_fields(fixture_text: Callable[[str], str]) -> None:
    info = parse_hcp_response(fixture_text("hcp_response.xml"))
    assert info.product_name == "QuickBooks Premier Contractor Edition 2024"
    assert (info.major_version, info.minor_version, info.country) == ("34", "0", "US")
    assert info.supported_qbxml_versions == ("1.0", "2.0", "13.0", "16.0")
    assert info.file_mode == "SingleUser"
    assert info.company_name == "Riverside Builders LLC"
    assert info.host is not None and info.host["IsAutomaticLogin"] is False
    assert info.company is not None and info.company["Address"]["PostalCode"] == "97201"
    prefs = info.preferences
    assert prefs is not None
    assert prefs["JobsAndEstimatesPreferences"] == {
        "IsUsingEstimates": True, "IsUsingProgressInvoicing": True, "IsPrintingItemsWithZeroAmounts": False}
    assert prefs["AccountingPreferences"]["ClosingDate"] == date(2023, 12, 31)
    assert prefs["FinanceChargePreferences"]["AnnualInterestRate"] == Decimal("18.0")
    assert prefs["FinanceChargePreferences"]["GracePeriod"] == 10
    assert prefs["PurchasesAndVendorsPreferences"]["DaysBillsAreDue"] == 30
    assert [r.request_id for r in info.responses] == ["0", "1", "2"]


def test_missing_parts_are_none() -> None:
    xml = ('<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><HostQueryRs requestID="0" statusCode="0" '
           'statusSeverity="Info"><HostRet><ProductName>QuickBooks Pro 2024</ProductName>'
           "<MajorVersion>34</MajorVersion><MinorVersion>0</MinorVersion>"
           "<SupportedQBXMLVersion>13.0</SupportedQBXMLVersion><QBFileMode>MultiUser</QBFileMode></HostRet>"
           "</HostQueryRs></QBXMLMsgsRs></QBXML>")
    info = parse_hcp_response(xml)
    assert info.company is None and info.preferences is None
    assert info.company_name is None and info.country is None
    assert info.supported_qbxml_versions == ("13.0",)
    assert info.file_mode == "MultiUser"


def test_hcp_request_is_the_three_queries_with_ids_0_1_2(assert_valid: Callable[[str], None]) -> None:
    xml = hcp_request()
    assert_valid(xml)
    assert ('<QBXMLMsgsRq onError="continueOnError"><HostQueryRq requestID="0"></HostQueryRq>'
            '<CompanyQueryRq requestID="1"></CompanyQueryRq>'
            '<PreferencesQueryRq requestID="2"></PreferencesQueryRq></QBXMLMsgsRq>') in xml
