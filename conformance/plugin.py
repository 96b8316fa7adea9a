"""pytest fixtures for conformance tests (import them from a conftest: ``from conformance.plugin import *``).

* ``make_stack`` — build a :class:`~conformance.stack.Stack` (fake company file + connector + Web
  Connector emulator) with any ``Stack.create`` options; every stack built is closed afterwards.
* ``stack`` — one default stack (QuickBooks Desktop 2024 Premier Contractor, US).
* ``scenario`` — run a catalogue scenario by name on a fresh stack.
* ``assert_schema_valid`` — assert that every qbXML document of some updates validates against 13.0.

These are the white-box fixtures of this repository's own tests (``QBSIM_CONFORMANCE_TARGET`` accepts
only ``inprocess``). Judging another connector by URL is the black-box suite's job: ``qbsim conformance``
and the ``qbsim`` pytest plugin (``conformance.pytest_plugin``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from conformance import xsd
from conformance.scenarios import CATALOGUE, ScenarioRun
from conformance.stack import Stack

TARGET_ENV = "QBSIM_CONFORMANCE_TARGET"

__all__ = ["assert_schema_valid", "make_stack", "scenario", "stack"]


def _check_target() -> None:
    target = os.environ.get(TARGET_ENV, "inprocess")
    if target != "inprocess":
        # Fail, not skip: a CI job that points the suite at another connector must not go green having
        # run nothing.
        pytest.fail(f"{TARGET_ENV}={target!r}: only the in-process connector target is implemented",
                    pytrace=False)


@pytest.fixture
def make_stack() -> Iterator[Callable[..., Stack]]:
    _check_target()
    built: list[Stack] = []

    def make(**options: Any) -> Stack:
        stack = Stack.create(**options)
        built.append(stack)
        return stack

    yield make
    for stack in built:
        stack.company.close()


@pytest.fixture
def stack(make_stack: Callable[..., Stack]) -> Stack:
    return make_stack()


@pytest.fixture
def scenario(make_stack: Callable[..., Stack]) -> Callable[[str], ScenarioRun]:
    def run(name: str) -> ScenarioRun:
        return CATALOGUE[name].run(make_stack)

    return run


def _assert_valid(documents: Iterable[str]) -> int:
    docs = list(documents)
    bad = xsd.invalid(docs)
    assert not bad, "qbXML documents that do not validate against 13.0: " + "; ".join(
        f"#{i}: {errs[:3]} in {docs[i][:300]!r}" for i, errs in bad.items()
    )
    return len(docs)


@pytest.fixture
def assert_schema_valid() -> Callable[[Iterable[str]], int]:
    """Assert every document validates; returns how many were checked."""
    return _assert_valid
