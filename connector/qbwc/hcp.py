"""strHCPResponse: what QuickBooks told the Web Connector about itself, and the edition check.

On the first sendRequestXML of a session QBWC passes the qbXML response of its own
HostQueryRq + CompanyQueryRq + PreferencesQueryRq (requestIDs 0, 1, 2). The connector reads the
product, version and country from HostRet and refuses editions Procore does not support
(seed 001, "Supported Editions": US and Canada, QuickBooks Desktop 2022–2024, Pro, Premier
(Contractor Edition), Enterprise (Contractor Edition), Accountant; not 2021 or older, not Mac,
not Online).

ProductName strings seen in real HostRet / strHCPResponse captures: "QuickBooks Pro 2014"
(MajorVersion 24), "QuickBooks Pro 2021" (31), "QuickBooks Accountant 2012" (22); Enterprise reports
"QuickBooks Enterprise Solutions: Contractor 24.0". So the release year is 1990 + MajorVersion.
Not faithful yet / unknown: whether a Premier *Plus* install switched to a non-Contractor industry
edition always names that edition in ProductName. We refuse editions named as another industry
(Manufacturing and Wholesale, Retail, Nonprofit, Professional Services) and accept the generic
Premier / Enterprise names.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from connector.qbwc.xmlsafe import parse_xml

SUPPORTED_COUNTRIES = ("US", "CA")
SUPPORTED_YEARS = (2022, 2023, 2024)
REQUIRED_QBXML_VERSION = "13.0"
OTHER_INDUSTRY_EDITIONS = (
    "manufacturing",
    "wholesale",
    "retail",
    "nonprofit",
    "non-profit",
    "professional services",
)
SUPPORTED_TEXT = (
    "The Procore QuickBooks Desktop connector supports QuickBooks Desktop 2022, 2023 and 2024 "
    "(United States and Canada): Pro, Premier (Contractor Edition), Enterprise (Contractor Edition) "
    "and Accountant."
)


@dataclass(frozen=True)
class HostInfo:
    """HostRet + the few CompanyRet / PreferencesRet fields the connector uses."""

    product_name: str = ""
    major_version: str = ""
    minor_version: str = ""
    country: str = ""
    supported_qbxml_versions: tuple[str, ...] = ()
    is_automatic_login: bool | None = None
    qb_file_mode: str = ""
    company_name: str = ""
    preferences: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for the session row."""
        data = asdict(self)
        data["supported_qbxml_versions"] = list(self.supported_qbxml_versions)
        return data


def _text(el: etree._Element | None, name: str) -> str:
    if el is None:
        return ""
    found = el.find(name)
    return (found.text or "").strip() if found is not None else ""


# Preferences the sync modules care about: (path under PreferencesRet, key).
_PREFERENCES = (
    ("AccountingPreferences/IsUsingClassTracking", "IsUsingClassTracking"),
    ("JobsAndEstimatesPreferences/IsUsingEstimates", "IsUsingEstimates"),
    ("PurchasesAndVendorsPreferences/IsUsingInventory", "IsUsingInventory"),
    ("MultiCurrencyPreferences/IsMultiCurrencyOn", "IsMultiCurrencyOn"),
)


def parse_hcp_response(hcp: str, max_bytes: int) -> HostInfo:
    """Read strHCPResponse (raises UnsafeXmlError / ValueError on a broken document)."""
    root = parse_xml(hcp, max_bytes)
    msgs = root.find("QBXMLMsgsRs")
    if root.tag != "QBXML" or msgs is None:
        raise ValueError("strHCPResponse is not a QBXML/QBXMLMsgsRs document")
    host = msgs.find("HostQueryRs/HostRet")
    if host is None:
        raise ValueError("strHCPResponse has no HostQueryRs/HostRet")
    company = msgs.find("CompanyQueryRs/CompanyRet")
    prefs_el = msgs.find("PreferencesQueryRs/PreferencesRet")
    prefs = {key: _text(prefs_el, path) for path, key in _PREFERENCES if _text(prefs_el, path)}
    auto = _text(host, "IsAutomaticLogin")
    return HostInfo(
        product_name=_text(host, "ProductName"),
        major_version=_text(host, "MajorVersion"),
        minor_version=_text(host, "MinorVersion"),
        country=_text(host, "Country"),
        supported_qbxml_versions=tuple((v.text or "").strip() for v in host.findall("SupportedQBXMLVersion")),
        is_automatic_login=(auto == "true") if auto else None,
        qb_file_mode=_text(host, "QBFileMode"),
        company_name=_text(company, "CompanyName"),
        preferences=prefs,
    )


def release_year(host: HostInfo) -> int | None:
    """The QuickBooks Desktop release year: 1990 + MajorVersion, else a year in ProductName."""
    if host.major_version.isdigit():
        return 1990 + int(host.major_version)
    match = re.search(r"\b(20\d\d)\b", host.product_name)
    if match:
        return int(match.group(1))
    match = re.search(r"\b(\d\d)\.0\b", host.product_name)  # "Enterprise Solutions 24.0"
    return 2000 + int(match.group(1)) if match else None


def edition_of(product_name: str) -> str | None:
    """Pro / Premier / Enterprise / Accountant, or None when none of them."""
    name = product_name.lower()
    if "enterprise" in name:
        return "Enterprise"
    if "premier" in name:
        return "Premier"
    if "accountant" in name:
        return "Accountant"
    if re.search(r"\bpro\b", name):
        return "Pro"
    return None


def edition_refusal(
    host: HostInfo, qbxml_country: str | None, years: tuple[int, ...] = SUPPORTED_YEARS
) -> str | None:
    """The getLastError text refusing this QuickBooks, or None when it is supported."""
    name = host.product_name or "QuickBooks (product name not reported)"
    lowered = name.lower()
    country = (host.country or qbxml_country or "").upper()
    described = f"{name} ({country or 'country not reported'})"
    if "online" in lowered or "mac" in lowered.split():
        return f"Unsupported QuickBooks edition: {described}. {SUPPORTED_TEXT}"
    if country not in SUPPORTED_COUNTRIES:
        return (
            f"Unsupported QuickBooks edition: {described} is not a US or Canadian edition. {SUPPORTED_TEXT}"
        )
    year = release_year(host)
    if year is None or year not in years:
        shown = "an unknown year" if year is None else str(year)
        older = (
            " (QuickBooks Desktop 2021 or older is not supported)"
            if year is not None and year < min(years)
            else ""
        )
        return (
            f"Unsupported QuickBooks version: {described} is QuickBooks Desktop {shown}{older}. "
            f"{SUPPORTED_TEXT}"
        )
    edition = edition_of(name)
    if edition is None:
        return f"Unsupported QuickBooks edition: {described}. {SUPPORTED_TEXT}"
    if edition in ("Premier", "Enterprise") and any(other in lowered for other in OTHER_INDUSTRY_EDITIONS):
        return (
            f"Unsupported QuickBooks edition: {described}; only the Contractor Edition of {edition} "
            f"is supported. {SUPPORTED_TEXT}"
        )
    if host.supported_qbxml_versions and REQUIRED_QBXML_VERSION not in host.supported_qbxml_versions:
        return (
            f"Unsupported QuickBooks version: {described} does not support qbXML {REQUIRED_QBXML_VERSION} "
            f"(supports {', '.join(host.supported_qbxml_versions)})."
        )
    return None
