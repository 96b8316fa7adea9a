"""QBWC's ``strHCPResponse``: the Host, Company and Preferences query answers of the company file.

On the first sendRequestXML of a session the Web Connector passes the full qbXML response of a
HostQuery + CompanyQuery + PreferencesQuery it ran itself (requestIDs 0, 1, 2 in real captures). The
connector reads it to learn the QuickBooks product/edition, the qbXML versions it speaks, the file mode and
the company's preferences (e.g. whether estimates or multiple currencies are on).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from connector.qbxml.request import Request, RequestBatch
from connector.qbxml.response import DEFAULT_MAX_BYTES, ResponseSet, parse_response

_EMPTY: Mapping[str, Any] = {}


@dataclass(frozen=True)
class HostCompanyPreferences:
    """The three records of an strHCPResponse (each ``None`` when QuickBooks did not return it)."""

    host: Mapping[str, Any] | None
    company: Mapping[str, Any] | None
    preferences: Mapping[str, Any] | None
    responses: ResponseSet

    @property
    def product_name(self) -> str | None:
        """e.g. ``QuickBooks Premier Contractor Edition 2024`` (names the edition)."""
        return (self.host or _EMPTY).get("ProductName")

    @property
    def major_version(self) -> str | None:
        return (self.host or _EMPTY).get("MajorVersion")

    @property
    def minor_version(self) -> str | None:
        return (self.host or _EMPTY).get("MinorVersion")

    @property
    def country(self) -> str | None:
        return (self.host or _EMPTY).get("Country")

    @property
    def supported_qbxml_versions(self) -> tuple[str, ...]:
        return tuple((self.host or _EMPTY).get("SupportedQBXMLVersion", ()))

    @property
    def file_mode(self) -> str | None:
        """``SingleUser`` or ``MultiUser``."""
        return (self.host or _EMPTY).get("QBFileMode")

    @property
    def company_name(self) -> str | None:
        return (self.company or _EMPTY).get("CompanyName")


def _first_record(responses: ResponseSet, name: str) -> Mapping[str, Any] | None:
    for response in responses:
        if response.name == name and response.records:
            return response.records[0]
    return None


def parse_hcp_response(xml: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> HostCompanyPreferences:
    """Parse QBWC's strHCPResponse (a full qbXML response document).

    Which qbXML version QBWC itself uses for these three queries is not documented; the 16.0 tables are a
    superset of 13.0 (the overlay only adds elements), so they type everything either version can send.
    """
    responses = parse_response(xml, version="16.0", max_bytes=max_bytes)
    return HostCompanyPreferences(
        host=_first_record(responses, "HostQueryRs"),
        company=_first_record(responses, "CompanyQueryRs"),
        preferences=_first_record(responses, "PreferencesQueryRs"),
        responses=responses,
    )


def hcp_request(version: str = "13.0") -> str:
    """The HostQuery + CompanyQuery + PreferencesQuery document (requestIDs 0, 1, 2), as QBWC sends it."""
    batch = RequestBatch(version, "continueOnError")
    for request_id, name in enumerate(("HostQuery", "CompanyQuery", "PreferencesQuery")):
        batch.add(Request(name), str(request_id))
    return batch.to_xml()
