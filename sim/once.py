"""A value computed once per process, under a lock: the first caller computes, the others wait for it.

``functools.lru_cache`` does not hold a lock while the function runs, so threads that ask at once all
compute. For lxml's ``XMLSchema`` that is worse than waste: libxml2 compiles with process-wide state, and
racing compiles of the qbXML XSD set can fail -- after which every later compile in that process failed
too. Compile once, and let every thread share the one compiled value.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import update_wrapper
from typing import Generic, TypeVar

T = TypeVar("T")


class Once(Generic[T]):
    """Wraps a zero-argument function; calling the wrapper returns the one value it computed.

    A call that raises caches nothing (the next caller tries again, alone). ``cache_clear()`` forgets
    the value, as ``lru_cache`` does (tests use it to compile afresh).
    """

    def __init__(self, compute: Callable[[], T]) -> None:
        self._compute = compute
        self._lock = threading.Lock()
        self._value: T | None = None
        self._done = False
        update_wrapper(self, compute)

    def __call__(self) -> T:
        if self._done:  # already computed: no lock on the hot path
            return self._value  # type: ignore[return-value]
        with self._lock:
            if not self._done:
                self._value = self._compute()
                self._done = True
            return self._value  # type: ignore[return-value]

    def cache_clear(self) -> None:
        with self._lock:
            self._value = None
            self._done = False


def once(compute: Callable[[], T]) -> Once[T]:
    """Decorator form of :class:`Once`."""
    return Once(compute)
