"""Seeded identifier generation: the same seed gives the same ids, tokens and ULIDs."""

from __future__ import annotations

import random
import threading
from typing import Any

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class IdGenerator:
    """Procore ids are positive integers (int64); tokens are opaque strings.

    Ids grow monotonically by a small seeded random step so they look like real, sparse ids while staying
    reproducible for a given seed.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._next = 1000 + self._rng.randrange(9000)
        self._lock = threading.Lock()

    def advance_past(self, floor: int) -> None:
        """Reopening a database: never hand out an id that is already taken."""
        with self._lock:
            self._next = max(self._next, floor)

    def dump(self) -> dict[str, Any]:
        """The generator's position (a snapshot's): restoring it hands out the same ids and tokens next."""
        with self._lock:
            return {"next": self._next, "rng": _jsonable(self._rng.getstate())}

    def load(self, state: dict[str, Any]) -> None:
        with self._lock:
            self._next = int(state["next"])
            self._rng.setstate(_tuples(state["rng"]))

    def next_id(self) -> int:
        with self._lock:
            self._next += 1 + self._rng.randrange(7)
            return self._next

    def token(self, nbytes: int = 32) -> str:
        with self._lock:
            return f"{self._rng.getrandbits(nbytes * 8):0{nbytes * 2}x}"

    def ulid(self) -> str:
        with self._lock:
            return "".join(self._rng.choice(_CROCKFORD) for _ in range(26))


def _jsonable(value: Any) -> Any:
    return [_jsonable(v) for v in value] if isinstance(value, tuple) else value


def _tuples(value: Any) -> Any:
    """``random.Random.setstate`` takes the nested tuples ``getstate`` gave (JSON brings back lists)."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value

