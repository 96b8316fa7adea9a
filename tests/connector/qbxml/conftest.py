"""Shared fixtures: the 13.0 XSD, loaded once per test session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[3] / "connector" / "qbxml" / "schemas"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def xsd() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "qbxmlops130.xsd")))


@pytest.fixture(scope="session")
def assert_valid(xsd: etree.XMLSchema) -> Callable[[str], None]:
    """Fail with lxml's own error log if a document does not validate against the 13.0 XSD."""

    def check(xml: str) -> None:
        doc = etree.fromstring(xml.encode("utf-8"))
        if not xsd.validate(doc):
            raise AssertionError(f"not valid qbXML 13.0: {xsd.error_log}\n{xml[:2000]}")

    return check


@pytest.fixture(scope="session")
def fixture_text() -> Callable[[str], str]:
    def read(name: str) -> str:
        return (FIXTURES / name).read_text(encoding="utf-8")

    return read
