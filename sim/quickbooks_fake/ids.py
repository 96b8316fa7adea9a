"""QuickBooks-shaped identifiers from a deterministic generator.

* ListID ``80000001-1700000000``: a hexadecimal per-file counter that starts at 0x80000001, a dash,
  and the creation time in unix seconds (what real ListIDs look like).
* TxnID ``1A-1700000000``: the same shape with its own counter starting at 1 (real TxnIDs have a
  short hex counter). TxnLineIDs come from the same sequence, as in real files: the first line of a
  transaction is its TxnID + 2 (a bill ``1A-…`` has lines ``1C-…``, ``1D-…``; the next transaction
  continues after its last line), so a TxnLineID never equals a TxnID. What QuickBooks uses TxnID + 1
  for is not known; the fake skips it.
* EditSequence: unix seconds of the modification, strictly increasing per record (QuickBooks uses the
  time; the fake bumps by one when two edits fall in the same second so "changes on every
  modification" always holds).

Counters live in the company file (``meta``), so a snapshot continues the same sequence. Nothing here
is random: ids depend only on the order of operations and the injected clock.
"""

from __future__ import annotations

from datetime import datetime

from sim.clock import Clock

from .pc_time import qb_datetime
from .store import Store

LIST_COUNTER_START = 0x80000001
TXN_COUNTER_START = 0x1


class IdGenerator:
    """Hands out ListIDs, TxnIDs, TxnLineIDs and EditSequences for one company file."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _next(self, key: str, start: int) -> int:
        value = int(self._store.meta_get(key, start))
        self._store.meta_set(key, value + 1)
        return value

    def epoch(self) -> int:
        return int(self._clock.now().timestamp())

    def list_id(self) -> str:
        return f"{self._next('counter.list', LIST_COUNTER_START):X}-{self.epoch()}"

    def txn_id(self) -> str:
        value = self._next("counter.txn", TXN_COUNTER_START)
        self._next("counter.txn", TXN_COUNTER_START)  # TxnID + 1: the first line is TxnID + 2
        return f"{value:X}-{self.epoch()}"

    def txn_line_id(self) -> str:
        return f"{self._next('counter.txn', TXN_COUNTER_START):X}-{self.epoch()}"

    def edit_sequence(self, previous: str | None = None) -> str:
        now = self.epoch()
        if previous is not None and previous.isdigit() and int(previous) >= now:
            now = int(previous) + 1
        return str(now)

    def modification(self, previous: str | None) -> tuple[str, str]:
        """EditSequence and TimeModified of one modification, the same instant.

        QuickBooks' EditSequence is the modification time in unix seconds and TimeModified that time
        on the PC's clock. When a record is modified twice in one second the fake's EditSequence moves
        one second on (see :meth:`edit_sequence`), and TimeModified moves with it, so that a Mod never
        leaves TimeModified where it was (a FromModifiedDate sync would not see it) while the
        EditSequence changes.
        """
        sequence = self.edit_sequence(previous)
        now = self._clock.now()
        if int(sequence) != int(now.timestamp()):
            now = datetime.fromtimestamp(int(sequence), tz=now.tzinfo)
        return sequence, qb_datetime(now)

    def ticket(self) -> str:
        """A session ticket (QuickBooks' are GUID-like strings); deterministic per file."""
        n = self._next("counter.ticket", 1)
        return f"{{{n:08X}-{self.epoch() & 0xFFFF:04X}-4000-8000-{n:012X}}}"
