"""Fixtures for the Procore client tests: a fake Procore on a ManualClock, in process (helpers live in
``procore_world.py``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from procore_world import World, new_world


@pytest.fixture
def world() -> Iterator[World]:
    w = new_world()
    yield w
    w.close()
