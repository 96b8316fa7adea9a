"""Typing a response pauses the cyclic garbage collector and leaves it exactly as it found it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from benchmarks.qbxml import data
from connector.qbxml import parse_response
from connector.qbxml.response import collections_paused


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_the_collector_is_paused_while_typing_and_enabled_again_after() -> None:
    seen: list[bool] = []
    with collections_paused():
        seen.append(gc.isenabled())
        with collections_paused():  # nested (or another thread's): still paused when the inner one ends
            pass
        seen.append(gc.isenabled())
    assert seen == [False, False]
    assert gc.isenabled()
    response = parse_response(data.item_service_query(3))[0]
    assert len(response.records) == 3 and response.select("ListID")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_enabled")
def test_an_error_while_paused_still_restores_the_collector() -> None:
    with pytest.raises(RuntimeError, match="boom"), collections_paused():
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled() -> None:
    was = gc.isenabled()
    gc.disable()
    try:
        with collections_paused():
            pass
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


@pytest.mark.usefixtures("collector_enabled")
def test_threads_typing_at_once_share_one_pause() -> None:
    inside, release = threading.Event(), threading.Event()

    def hold() -> None:
        with collections_paused():
            inside.set()
            release.wait(5)

    holder = threading.Thread(target=hold)
    holder.start()
    assert inside.wait(5)
    with collections_paused():
        pass
    assert not gc.isenabled()  # the other thread still types
    release.set()
    holder.join(5)
    assert gc.isenabled()
