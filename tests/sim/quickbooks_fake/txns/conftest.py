"""Transaction tests: a company set up as seed 000 describes (see txnkit.set_up)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from txnkit import set_up

from sim.quickbooks_fake import CompanyFile


@pytest.fixture
def company() -> CompanyFile:
    return set_up(CompanyFile.create())
