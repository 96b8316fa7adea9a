"""Every request type the codec can build validates against the 13.0 XSD, whatever the caller's field order.

Maximal requests (every element, one branch per choice, repeated lines) are generated from the order tables
with shuffled keys under fixed seeds; the XSD is the oracle.
"""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from connector.qbxml import Request, RequestBatch, schema_version

from .sample_values import sample_request_fields

REQUEST_NAMES = sorted(schema_version("13.0").request_names())


def test_all_232_request_types_are_covered() -> None:
    assert len(REQUEST_NAMES) == 232


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_request_type_validates_with_shuffled_fields(
    seed: int, assert_valid: Callable[[str], None]
) -> None:
    rng = random.Random(seed)
    batch = RequestBatch("13.0", "continueOnError")
    for name in REQUEST_NAMES:
        batch.add(Request(name, sample_request_fields(name, "13.0", rng)))
    assert len(batch) == 232
    assert_valid(batch.to_xml())
