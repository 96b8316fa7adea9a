"""Fixtures: a fake Procore on a ManualClock, driven through its HTTP face in process
(``sim.asgi``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pcfake_helpers import Fake, build


@pytest.fixture
def fake() -> Iterator[Fake]:
    f = build()
    yield f
    f.close()
