"""Puts this directory on ``sys.path`` so the connector test packages share ``connector_clock``
(conftest modules themselves cannot be imported under ``--import-mode=importlib``)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
