"""The Host/Company/Preferences query QBWC runs before the first sendRequestXML (strHCPResponse).

QBWC asks QuickBooks HostQuery, CompanyQuery and PreferencesQuery in one message set with requestIDs
0, 1, 2 and hands the whole response to the web service as ``strHCPResponse``
(QBWC-PROTOCOL.md; consolibyte's captured strHCPResponse). That capture's CompanyRet carries
DataExtRet for the application's OwnerID, so the CompanyQuery asks for the .qwc OwnerID.
The qbXMLCountry / qbXMLMajorVers / qbXMLMinorVers parameters QBWC sends are taken from HostRet
(Country and the highest SupportedQBXMLVersion).

The version of that request: real QBWC produced strHCPResponses for QuickBooks 2012 (qbXML ≤ 11.0) and
older, so it does not ask at one fixed version. The emulator asks QBXMLRP2 which versions the session
accepts (QBXMLVersionsForSession) and uses the highest of them not above the version it is configured with
(13.0 by default, the schema every party here validates against): 11.0 for a 2012 file, 12.0 for 2013.
Not known: the exact version and onError attribute QBWC itself picks; the emulator uses ``continueOnError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from sim.hardened import parse_xml
from sim.webconnector.soap_raw import escape_text
from sim.webconnector.wire import MAX_REPLY_BYTES


def hcp_request(owner_id: str, qbxml_version: str = "13.0") -> str:
    """The qbXML request QBWC sends to QuickBooks (QuickBooks' own layout: newline after each element)."""
    owner = f"<OwnerID>{escape_text(owner_id)}</OwnerID>\n" if owner_id else ""
    return (
        '<?xml version="1.0" ?>\n'
        f'<?qbxml version="{qbxml_version}"?>\n'
        "<QBXML>\n"
        '<QBXMLMsgsRq onError="continueOnError">\n'
        '<HostQueryRq requestID="0">\n</HostQueryRq>\n'
        f'<CompanyQueryRq requestID="1">\n{owner}</CompanyQueryRq>\n'
        '<PreferencesQueryRq requestID="2">\n</PreferencesQueryRq>\n'
        "</QBXMLMsgsRq>\n"
        "</QBXML>\n"
    )


def hcp_version(supported: list[str], highest: str = "13.0") -> str:
    """The highest plain ``N.M`` version in ``supported`` not above ``highest`` (``CA2.0``-style entries
    are Canadian variants of older versions); ``highest`` itself when none is (QuickBooks then refuses it
    and the update fails with QBWC1014, as for any HCP failure)."""
    ceiling = _version_key(highest)
    usable = []
    for version in supported:
        try:
            key = _version_key(version)
        except ValueError:
            continue
        if key <= ceiling:
            usable.append((key, version.strip()))
    return max(usable)[1] if usable else highest


@dataclass(frozen=True)
class HostInfo:
    """What sendRequestXML reports about QuickBooks."""

    country: str
    major: int
    minor: int
    product_name: str


class HCPError(ValueError):
    """The HCP response does not say which QuickBooks this is (QBWC1014)."""


def _version_key(text: str) -> tuple[int, int]:
    major, _, minor = text.strip().partition(".")
    return int(major), int(minor or 0)


def host_info(hcp_response: str) -> HostInfo:
    """Country and highest qbXML version from the HostRet of an HCP response."""
    try:
        root = parse_xml(hcp_response.encode("utf-8"), cap=MAX_REPLY_BYTES)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise HCPError(f"HCP response is not XML: {exc}") from exc
    host = root.find("QBXMLMsgsRs/HostQueryRs/HostRet")
    if host is None:
        raise HCPError("HCP response has no HostQueryRs/HostRet")
    versions = []
    for node in host.findall("SupportedQBXMLVersion"):
        try:
            versions.append(_version_key(node.text or ""))
        except ValueError:
            continue
    if not versions:
        raise HCPError("HostRet lists no SupportedQBXMLVersion")
    major, minor = max(versions)
    return HostInfo(
        country=(host.findtext("Country") or "US").strip(),
        major=major,
        minor=minor,
        product_name=(host.findtext("ProductName") or "").strip(),
    )
