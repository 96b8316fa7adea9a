"""Reading a ``.qwc`` file the way QBWC's "Add an application" does.

Root ``<QBWCXML>``; elements as in Intuit's SDK samples and the common generators (QBWC-PROTOCOL.md,
".QWC file format"). Loading refuses what QBWC refuses, with its code:

* a missing required element → QBWC1039 (the guide: "The QWC file may be missing some required
  elements"). Which elements are required is not listed by Intuit; the emulator requires AppName,
  AppURL, AppSupport, UserName, OwnerID, FileID and QBType (the ones every sample and generator emits).
* AppURL not https and not ``localhost`` → QBWC1010; AppURL host an IP address → QBWC1001;
  AppURL and AppSupport on different domains → QBWC1000. "Same domain" is compared on the last two
  labels of the host name (Intuit does not say exactly how it compares).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from lxml import etree

from sim.hardened import parse_xml
from sim.webconnector.errors import QWCFileError

REQUIRED = ("AppName", "AppURL", "AppSupport", "UserName", "OwnerID", "FileID", "QBType")
MAX_QWC_BYTES = 256 * 1024


@dataclass(frozen=True)
class QWCFile:
    """One application as QBWC registers it."""

    app_name: str
    app_url: str
    app_support: str
    user_name: str
    owner_id: str
    file_id: str
    qb_type: str
    app_id: str = ""
    app_description: str = ""
    cert_url: str = ""
    style: str = "Document"
    auth_flags: str = "0x0"
    personal_data_pref: str = ""
    unattended_mode_pref: str = ""
    is_read_only: bool = False
    #: Scheduler/RunEveryNMinutes or RunEveryNSeconds, in seconds; None = no Scheduler element.
    run_every_seconds: int | None = None

    @property
    def run_every_minutes(self) -> float | None:
        return None if self.run_every_seconds is None else self.run_every_seconds / 60


def _text(root: etree._Element, name: str) -> str:
    node = root.find(name)
    return (node.text or "").strip() if node is not None else ""


def _scheduler_seconds(root: etree._Element) -> int | None:
    node = root.find("Scheduler")
    if node is None:
        return None
    for tag, factor in (("RunEveryNMinutes", 60), ("RunEveryNSeconds", 1)):
        value = _text(node, tag)
        if value:
            try:
                number = int(value)
            except ValueError as exc:
                raise QWCFileError("QBWC1039", detail=f"Scheduler/{tag} is not an integer") from exc
            if number <= 0:
                raise QWCFileError("QBWC1039", detail=f"Scheduler/{tag} must be positive")
            return number * factor
    return None


def _domain(host: str) -> str:
    return ".".join(host.lower().split(".")[-2:])


def _check_urls(app: str, app_url: str, app_support: str) -> None:
    parts = urlsplit(app_url)
    host = parts.hostname or ""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        raise QWCFileError("QBWC1001", app=app)
    if parts.scheme != "https" and not (parts.scheme == "http" and host == "localhost"):
        raise QWCFileError("QBWC1010", app=app)
    support_host = urlsplit(app_support).hostname or ""
    if _domain(support_host) != _domain(host):
        raise QWCFileError("QBWC1000", app=app)


def parse_qwc(text: str | bytes) -> QWCFile:
    """Parse and check the text of a .qwc file."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        root = parse_xml(data, cap=MAX_QWC_BYTES)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise QWCFileError("QBWC1039", detail=f"not a readable QWC file: {exc}") from exc
    if root.tag != "QBWCXML":
        raise QWCFileError("QBWC1039", detail=f"root element is <{root.tag}>, not <QBWCXML>")
    missing = [name for name in REQUIRED if not _text(root, name)]
    if missing:
        raise QWCFileError("QBWC1039", detail="missing " + ", ".join(missing))
    app = _text(root, "AppName")
    _check_urls(app, _text(root, "AppURL"), _text(root, "AppSupport"))
    return QWCFile(
        app_name=app,
        app_url=_text(root, "AppURL"),
        app_support=_text(root, "AppSupport"),
        user_name=_text(root, "UserName"),
        owner_id=_text(root, "OwnerID"),
        file_id=_text(root, "FileID"),
        qb_type=_text(root, "QBType"),
        app_id=_text(root, "AppID"),
        app_description=_text(root, "AppDescription"),
        cert_url=_text(root, "CertURL"),
        style=_text(root, "Style") or "Document",
        auth_flags=_text(root, "AuthFlags") or "0x0",
        personal_data_pref=_text(root, "PersonalDataPref"),
        unattended_mode_pref=_text(root, "UnattendedModePref"),
        is_read_only=_text(root, "IsReadOnly").lower() == "true",
        run_every_seconds=_scheduler_seconds(root),
    )


def load_qwc(source: str | Path | QWCFile) -> QWCFile:
    """A QWCFile from a path, from the file's text (anything starting with ``<``), or as given."""
    if isinstance(source, QWCFile):
        return source
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return parse_qwc(source)
    return parse_qwc(Path(source).read_bytes())
