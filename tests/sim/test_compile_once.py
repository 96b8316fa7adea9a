"""The 13.0 XSD is compiled once per process, under a lock, by every loader that compiles it.

Threads that ask for a schema at once used to compile it each (``lru_cache`` holds no lock while the
function runs); racing libxml2 compiles can fail, and once one did, every later compile in that process
failed. The race is made deterministic: the compile is held until every thread has arrived -- at the
loader's lock, or inside the compile itself when there is no lock -- and only then let through.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

import conformance.xsd
from sim.once import Once, once
from sim.quickbooks_fake import schema

THREADS = 8
HANG_GUARD_SECONDS = 60  # only reached if the code under test deadlocks
LOADERS = {"quickbooks_fake.schema.xml_schema": schema.xml_schema,
           "conformance.xsd.schema": conformance.xsd.schema}
XML_SCHEMA = etree.XMLSchema  # the real class (the fixture patches the module attribute)


class Arrivals:
    """Counts threads at the loader's lock and inside the compile; holds the compile until all are in."""

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self.at_lock = 0
        self.compiling = 0
        self.compiles = 0
        self.changed = threading.Condition()

    def arrive_at_lock(self) -> None:
        with self.changed:
            self.at_lock += 1
            self.changed.notify_all()

    def hold_compile(self) -> None:
        with self.changed:
            self.compiles += 1
            self.compiling += 1
            self.changed.notify_all()
            everyone_in = self.changed.wait_for(
                lambda: self.at_lock >= self.threads or self.compiling >= self.threads, HANG_GUARD_SECONDS)
            assert everyone_in, "threads never reached the loader"
            self.compiling -= 1


class CountingLock:
    """The loader's lock, noting each thread that reaches it before it blocks there."""

    def __init__(self, arrivals: Arrivals) -> None:
        self._lock = threading.Lock()
        self._arrivals = arrivals

    def __enter__(self) -> None:
        self._arrivals.arrive_at_lock()
        self._lock.acquire()

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()


def race(loader: Callable[[], Any], threads: int = THREADS) -> list[Any]:
    """Call ``loader`` from ``threads`` threads released together by a barrier; their results."""
    start = threading.Barrier(threads)
    results: list[Any] = [None] * threads

    def call(index: int) -> None:
        start.wait()
        try:
            results[index] = loader()
        except Exception as exc:  # a failed compile is a result the test reports
            results[index] = exc

    workers = [threading.Thread(target=call, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return results


@pytest.fixture
def held_compiles(monkeypatch: pytest.MonkeyPatch) -> Arrivals:
    """lxml's XMLSchema, held until all threads arrived, and counted."""
    arrivals = Arrivals(THREADS)

    def compile_schema(*args: Any, **kwargs: Any) -> etree.XMLSchema:
        arrivals.hold_compile()
        return XML_SCHEMA(*args, **kwargs)

    monkeypatch.setattr(etree, "XMLSchema", compile_schema)
    return arrivals


@pytest.mark.parametrize("name", list(LOADERS))
def test_threads_asking_at_once_share_one_compile(name: str, held_compiles: Arrivals,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    loader = LOADERS[name]
    loader.cache_clear()
    monkeypatch.setattr(loader, "_lock", CountingLock(held_compiles), raising=False)
    try:
        results = race(loader)
    finally:
        loader.cache_clear()  # the next user compiles the real, unpatched schema
    assert held_compiles.compiles == 1
    assert all(r is results[0] for r in results), results
    assert isinstance(results[0], XML_SCHEMA)


def test_the_shared_schema_validates_from_many_threads_at_once() -> None:
    """Unpatched: a cold start with threads validating at once gives every thread the right answer."""
    schema.xml_schema.cache_clear()
    good = etree.fromstring(b'<QBXML><QBXMLMsgsRq onError="stopOnError"><HostQueryRq/></QBXMLMsgsRq></QBXML>')
    bad = etree.fromstring(b'<QBXML><QBXMLMsgsRq onError="stopOnError"><NoSuchRq/></QBXMLMsgsRq></QBXML>')
    results = race(lambda: (schema.validate(good), schema.validate(bad)))
    assert all(r == results[0] for r in results), results
    assert results[0][0] == []
    assert "NoSuchRq" in results[0][1][0]


def test_once_computes_once_and_a_failure_caches_nothing() -> None:
    calls: list[int] = []

    @once
    def flaky() -> int:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first compile failed")
        return len(calls)

    with pytest.raises(RuntimeError, match="first compile failed"):
        flaky()
    assert flaky() == 2 and flaky() == 2
    assert len(calls) == 2
    flaky.cache_clear()
    assert flaky() == 3
    assert isinstance(flaky, Once) and flaky.__name__ == "flaky"
