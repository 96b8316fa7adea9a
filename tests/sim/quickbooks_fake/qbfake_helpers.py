"""Shared helpers for the fake QuickBooks tests: build requests, run them, validate every response."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

SCHEMA = Path(__file__).resolve().parents[3] / "sim" / "quickbooks_fake" / "schemas" / "qbxmlops130.xsd"


@lru_cache(maxsize=1)
def xsd() -> etree.XMLSchema:
    """The 13.0 XSD, loaded once per test session (independently of the fake's own loader)."""
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def request(body: str, version: str = "13.0", on_error: str = "stopOnError") -> str:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="{version}"?>\n'
            f'<QBXML><QBXMLMsgsRq onError="{on_error}">{body}</QBXMLMsgsRq></QBXML>')


def check(text: str) -> etree._Element:
    """Parse a response, assert QuickBooks' header and that it validates against the 13.0 XSD."""
    assert text.startswith('<?xml version="1.0" ?>\n<QBXML>\n'), text[:80]
    root = etree.fromstring(text.encode())
    schema = xsd()
    assert schema.validate(root), f"{schema.error_log}\n{text}"
    return root


def rs(root: etree._Element, index: int = 0) -> etree._Element:
    """The index-th response of the message set."""
    return root.find("QBXMLMsgsRs")[index]


def status(el: etree._Element) -> tuple[str, str, str]:
    return el.get("statusCode"), el.get("statusSeverity"), el.get("statusMessage")
