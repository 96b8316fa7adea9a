"""Every qbXML response the fake company file gives during a ``qbsim`` test is valid against the 13.0 XSD."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers import check

_original_process_request = CompanyFile.process_request


@pytest.fixture(autouse=True)
def validated_responses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The responses every company file answered in this test, each checked against the XSD."""
    seen: list[str] = []

    def checked(self: CompanyFile, qbxml: str | bytes, ticket: str | None = None) -> str:
        text = _original_process_request(self, qbxml, ticket=ticket)
        check(text)
        seen.append(text)
        return text

    monkeypatch.setattr(CompanyFile, "process_request", checked)
    return seen
