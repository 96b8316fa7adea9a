"""Fixtures for the sync handler tests (helpers live in ``sync_helpers.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from sync_helpers import Env, new_env


@pytest.fixture
def env() -> Env:
    return new_env()
