"""Transaction tests: a company set up as seed 000 describes (see helpers.txns.set_up)."""

from __future__ import annotations

import pytest

from sim.quickbooks_fake import CompanyFile
from tests.sim.quickbooks_fake.helpers.txns import set_up


@pytest.fixture
def company() -> CompanyFile:
    return set_up(CompanyFile.create())
