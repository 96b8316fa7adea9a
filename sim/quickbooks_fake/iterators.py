"""Query iterators (``iterator="Start"/"Continue"``, ``iteratorID``, ``iteratorRemainingCount``).

QuickBooks keeps an iterator's result set on its side and hands out ``MaxReturned`` records per
Continue. Real behaviour imitated / chosen:

* Start returns the first chunk, ``iteratorRemainingCount`` and a GUID-like ``iteratorID``.
* Continue with that ID returns the next chunk (records re-read, so edits made meanwhile show).
* An iterator dies when its remaining count reaches 0, when the session that created it ends, or
  after :data:`ITERATOR_IDLE_SECONDS` without a Continue (on the injected clock). The SDK documents
  that iterators do not outlive the session; the idle limit is the fake's choice.
* Continue with an unknown/expired ID → :class:`errors.IteratorError` (3391, real capture; see
  that class).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

ITERATOR_IDLE_SECONDS = 30 * 60


@dataclass
class IteratorState:
    iterator_id: str
    request_name: str
    seqs: list[int]
    position: int
    max_returned: int
    ticket: str | None
    last_used: datetime


class IteratorRegistry:
    """Live iterators of one company file (in memory: QuickBooks forgets them when it closes)."""

    def __init__(self) -> None:
        self._items: dict[str, IteratorState] = {}
        self._counter = 0

    def new_id(self) -> str:
        self._counter += 1
        n = self._counter
        return f"{{{n:08x}-1b2c-4d5e-8f90-{n:012x}}}"

    def start(self, state: IteratorState) -> None:
        self._items[state.iterator_id] = state

    def get(self, iterator_id: str, now: datetime) -> IteratorState | None:
        state = self._items.get(iterator_id)
        if state is None:
            return None
        if now - state.last_used > timedelta(seconds=ITERATOR_IDLE_SECONDS):
            del self._items[iterator_id]
            return None
        return state

    def drop(self, iterator_id: str) -> None:
        self._items.pop(iterator_id, None)

    def end_session(self, ticket: str) -> None:
        for key in [k for k, v in self._items.items() if v.ticket == ticket]:
            del self._items[key]

    def __len__(self) -> int:
        return len(self._items)
