"""When a matching fault rule fires: the counting both fakes' ``/_sim/faults`` share (``sim/CONTROLS.md``).

A rule that matches a request (by the fake's own selectors: qbXML request type, or Procore path and
method) fires unless it already fired ``times`` times, it waits for its ``nth`` match, or its seeded
``probability`` says no. The draw hashes the seed, the rule's id and its match count, so a run with the same
seed and the same requests faults the same calls, whatever else runs on the machine.
"""

from __future__ import annotations

import hashlib
from typing import Protocol


class CountedRule(Protocol):
    id: int
    nth: int | None
    probability: float | None
    times: int | None
    seen: int
    fired: int


def fires(rule: CountedRule, seed: int) -> bool:
    """Count one match of ``rule`` and say whether it fires (its counters updated)."""
    if rule.times is not None and rule.fired >= rule.times:
        return False
    rule.seen += 1
    if rule.nth is not None and rule.seen != rule.nth:
        return False
    if rule.probability is not None:
        digest = hashlib.sha256(f"{seed}:{rule.id}:{rule.seen}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 >= rule.probability:
            return False
    rule.fired += 1
    return True
