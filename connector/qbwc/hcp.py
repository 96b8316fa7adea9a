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
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from connector.qbxml import parse_hcp_response as parse_hcp_document
from connector.work import QBXML_VERSION

SUPPORTED_COUNTRIES = ("US", "CA")
SUPPORTED_YEARS = (2022, 2023, 2024)
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


# Preferences the sync modules care about: (aggregate under PreferencesRet, flag).
_PREFERENCES = (
    ("AccountingPreferences", "IsUsingClassTracking"),
    ("JobsAndEstimatesPreferences", "IsUsingEstimates"),
    ("PurchasesAndVendorsPreferences", "IsUsingInventory"),
    ("MultiCurrencyPreferences", "IsMultiCurrencyOn"),
)


def _qbxml_text(value: Any) -> str:
    """A typed leaf back in its qbXML lexical form (booleans as ``true``/``false``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value).strip()


def parse_hcp_response(hcp: str, max_bytes: int) -> HostInfo:
    """Read strHCPResponse with the qbXML codec (raises ValueError on a broken or hostile document)."""
    parsed = parse_hcp_document(hcp, max_bytes=max_bytes)
    host = parsed.host
    if host is None:
        raise ValueError("strHCPResponse has no HostQueryRs/HostRet")
    prefs_ret = parsed.preferences or {}
    prefs: dict[str, str] = {}
    for aggregate, flag in _PREFERENCES:
        group = prefs_ret.get(aggregate)
        value = _qbxml_text(group.get(flag)) if isinstance(group, Mapping) else ""
        if value:
            prefs[flag] = value
    auto = host.get("IsAutomaticLogin")
    return HostInfo(
        product_name=_qbxml_text(parsed.product_name),
        major_version=_qbxml_text(parsed.major_version),
        minor_version=_qbxml_text(parsed.minor_version),
        country=_qbxml_text(parsed.country),
        supported_qbxml_versions=tuple(_qbxml_text(v) for v in parsed.supported_qbxml_versions),
        is_automatic_login=auto if isinstance(auto, bool) else None,
        qb_file_mode=_qbxml_text(parsed.file_mode),
        company_name=_qbxml_text(parsed.company_name),
        preferences=prefs,
    )


# HostRet/MajorVersion is a small decimal number ("34"); ASCII digits only: str.isdigit() also takes
# "²" and other Unicode digits int() refuses, and int() refuses more than 4,300 digits.
_MAJOR_VERSION = re.compile(r"[0-9]{1,3}")


class UnreadableVersion(ValueError):
    """HostRet/MajorVersion is reported but is not a version number."""


def release_year(host: HostInfo) -> int | None:
    """The QuickBooks Desktop release year: 1990 + MajorVersion, else a year in ProductName.

    Raises :class:`UnreadableVersion` when MajorVersion is present but not a number: the year in
    ProductName is not trusted over a MajorVersion that contradicts every real QuickBooks.
    """
    if host.major_version:
        if not _MAJOR_VERSION.fullmatch(host.major_version):
            major = host.major_version
            shown = repr(major) if len(major) <= 20 else f"{major[:20] + '…'!r} ({len(major)} characters)"
            raise UnreadableVersion(f"MajorVersion {shown} is not a version number")
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
    try:
        year = release_year(host)
    except UnreadableVersion as exc:
        return f"Unsupported QuickBooks version: {described}: {exc}. {SUPPORTED_TEXT}"
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
    if host.supported_qbxml_versions and QBXML_VERSION not in host.supported_qbxml_versions:
        return (
            f"Unsupported QuickBooks version: {described} does not support qbXML {QBXML_VERSION} "
            f"(supports {', '.join(host.supported_qbxml_versions)})."
        )
    return None
