"""Sizes of the codec benchmarks: full for ``make bench``, a tenth for ``--quick``, tiny when untimed.

``make test`` runs every benchmark once with ``--benchmark-disable`` so none can rot; at full size that
would take most of a minute on a shared machine, so an untimed run uses a hundredth of the data unless
``QBSIM_BENCH_SCALE`` says otherwise (``qbsim bench --quick`` sets 0.1).
"""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session")
def scale(request: pytest.FixtureRequest) -> float:
    configured = os.environ.get("QBSIM_BENCH_SCALE")
    if configured:
        return float(configured)
    return 0.01 if request.config.getoption("benchmark_disable") else 1.0


def scaled(count: int, factor: float) -> int:
    return max(2, int(count * factor))
