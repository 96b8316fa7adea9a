"""Puts this directory on ``sys.path`` so the connector test packages share ``connector_clock``
(conftest modules themselves cannot be imported under ``--import-mode=importlib``)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture
def root_logging() -> Iterator[None]:
    """A served connector's CLI configures the root logger (``connector.logs``) with the stream the test
    runner gives it; put pytest's handlers and level back so later tests log nowhere stale."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    chatty = {name: logging.getLogger(name).level for name in ("httpx", "httpcore")}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, was in chatty.items():
        logging.getLogger(name).setLevel(was)
