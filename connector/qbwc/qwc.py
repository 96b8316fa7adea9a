"""``.qwc`` files: what a QuickBooks admin opens in the Web Connector to add the connector.

Elements and order as in Intuit's own samples (QBXML_SDK_Samples HTTPSWebService.qwc /
WCECommSample TestService.qwc) and QBWC-PROTOCOL.md ".QWC file format". OwnerID and FileID are
uuid5 values derived from the app name (and user), so regenerating the file never forces the
QuickBooks admin to re-authorise the application.
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

QWC_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/qbsim/connector/qwc")
QB_TYPES = ("QBFS", "QBPOS")


class QwcError(ValueError):
    """A .qwc the real Web Connector would refuse to add."""


def owner_id(app_name: str) -> str:
    """Stable ``{GUID}`` identifying the application to QuickBooks."""
    return "{" + str(uuid.uuid5(QWC_NAMESPACE, f"owner:{app_name}")).upper() + "}"


def file_id(app_name: str, username: str) -> str:
    """Stable ``{GUID}`` for this app + user (changing it forces re-authorisation in QuickBooks)."""
    return "{" + str(uuid.uuid5(QWC_NAMESPACE, f"file:{app_name}:{username}")).upper() + "}"


@dataclass(frozen=True)
class QwcSpec:
    """The values of a .qwc file; OwnerID/FileID default to the stable derived ones."""

    app_name: str
    app_url: str
    username: str
    app_support: str | None = None
    app_description: str = ""
    app_id: str = ""
    owner_id: str | None = None
    file_id: str | None = None
    qb_type: str = "QBFS"
    run_every_minutes: int | None = None
    run_every_seconds: int | None = None
    is_read_only: bool = False
    personal_data_pref: str = "pdpOptional"
    unattended_mode_pref: str = "umpOptional"
    auth_flags: str = "0x0"


def _check_url(url: str, what: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise QwcError(f"{what} {url!r} is not an http(s) URL")
    if _is_ip_address(parts.hostname):
        # QBWC1001 (QBWC Programmer's Guide, Table A-1): a service URL that is an IP address is not
        # loaded -- 127.0.0.1 included, so a local service must be named "localhost".
        raise QwcError(
            f"QBWC1001: The application's {what} {url!r} is an IP address; the Web Connector will not "
            "load it (use a host name, or localhost)"
        )
    # QBWC1051: plain HTTP is only accepted for localhost (QBWC-PROTOCOL.md).
    if parts.scheme == "http" and parts.hostname != "localhost":
        raise QwcError(
            f"QBWC1051: The application's {what} {url!r} is not on a secure (https) server; "
            "the Web Connector only accepts http:// for localhost"
        )


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _domain(host: str) -> str:
    """The last two labels of a host name (what QBWC compares between AppURL and AppSupport)."""
    return ".".join(host.lower().split(".")[-2:])


def _check_same_domain(app_url: str, support: str) -> None:
    # QBWC1000 (Table A-1): the service and support URLs must be on the same domain.
    service_host, support_host = urlsplit(app_url).hostname or "", urlsplit(support).hostname or ""
    if _domain(service_host) != _domain(support_host):
        raise QwcError(
            f"QBWC1000: AppSupport {support!r} is not on the domain of AppURL {app_url!r}; the Web "
            "Connector refuses an application whose service and support URLs' domains differ"
        )


def build_qwc(spec: QwcSpec) -> str:
    """The .qwc XML text."""
    _check_url(spec.app_url, "AppURL")
    support = spec.app_support or spec.app_url.split("?", 1)[0] + "?wsdl"
    _check_url(support, "AppSupport")
    _check_same_domain(spec.app_url, support)
    if spec.qb_type not in QB_TYPES:
        raise QwcError(f"QBType must be one of {', '.join(QB_TYPES)}, not {spec.qb_type!r}")
    if spec.run_every_minutes is not None and spec.run_every_seconds is not None:
        raise QwcError("give RunEveryNMinutes or RunEveryNSeconds, not both")
    for value in (spec.run_every_minutes, spec.run_every_seconds):
        if value is not None and value <= 0:
            raise QwcError("the Scheduler interval must be a positive number")
    root = etree.Element("QBWCXML")
    for tag, text in (
        ("AppName", spec.app_name),
        ("AppID", spec.app_id),
        ("AppURL", spec.app_url),
        ("AppDescription", spec.app_description or spec.app_name),
        ("AppSupport", support),
        ("UserName", spec.username),
        ("OwnerID", spec.owner_id or owner_id(spec.app_name)),
        ("FileID", spec.file_id or file_id(spec.app_name, spec.username)),
        ("QBType", spec.qb_type),
        ("PersonalDataPref", spec.personal_data_pref),
        ("UnattendedModePref", spec.unattended_mode_pref),
        ("AuthFlags", spec.auth_flags),
    ):
        etree.SubElement(root, tag).text = text
    if spec.run_every_minutes is not None or spec.run_every_seconds is not None:
        scheduler = etree.SubElement(root, "Scheduler")
        if spec.run_every_minutes is not None:
            etree.SubElement(scheduler, "RunEveryNMinutes").text = str(spec.run_every_minutes)
        else:
            etree.SubElement(scheduler, "RunEveryNSeconds").text = str(spec.run_every_seconds)
    etree.SubElement(root, "IsReadOnly").text = "true" if spec.is_read_only else "false"
    body = etree.tostring(root, encoding="unicode", pretty_print=True)
    return f'<?xml version="1.0"?>\n{body}'
