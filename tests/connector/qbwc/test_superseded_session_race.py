"""A session replaced while its own sendRequestXML / receiveResponseXML waits for the company lock.

The interleaving is forced, not hoped for: the company lock is swapped for one that holds the next
thread to reach it at the door until the test has run the competing authenticate.
"""

from __future__ import annotations

import threading
from types import TracebackType

from connector.qbwc.service import SUPERSEDED


class GatedLock:
    """A company lock that, once armed, keeps the next thread to reach it waiting until released."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed = False
        self.held = threading.Event()
        self._release = threading.Event()

    def arm(self) -> None:
        self._armed = True

    def release(self) -> None:
        self._release.set()

    def __enter__(self) -> GatedLock:
        if self._armed:
            self._armed = False
            self.held.set()
            assert self._release.wait(30), "the test never released the held thread"
        self._lock.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._lock.release()


def _gate(harness, monkeypatch) -> GatedLock:
    gate = GatedLock()
    monkeypatch.setitem(harness.service.locks._locks, "acme-co", gate)
    return gate


def _in_thread(call) -> tuple[threading.Thread, dict[str, object]]:
    out: dict[str, object] = {}
    thread = threading.Thread(target=lambda: out.update(result=call()))
    thread.start()
    return thread, out


def test_a_send_overtaken_by_a_new_authenticate_gets_no_batch(harness, kit, monkeypatch) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Raced Vendor"})
    old = harness.wsc.authenticate()[0]
    gate = _gate(harness, monkeypatch)
    gate.arm()
    sender, out = _in_thread(lambda: harness.wsc.send(old, kit.hcp_response()))
    assert gate.held.wait(30)  # the old session's send passed its ticket check and waits for the lock
    new = harness.wsc.authenticate()[0]
    gate.release()
    sender.join(30)
    assert out["result"] == ""
    assert harness.wsc.last_error(old) == SUPERSEDED
    batch = harness.wsc.send(new, kit.hcp_response())
    assert "<VendorAddRq" in batch and "<Name>Raced Vendor</Name>" in batch
    assert [item.sent_ticket for item in harness.service.queue.items("acme-co", ["sent"])] == [new]


def test_a_response_overtaken_by_a_new_authenticate_is_not_applied(harness, kit, monkeypatch) -> None:
    harness.service.queue.enqueue("acme-co", "vendor_add", {"name": "Raced Vendor"})
    old = harness.wsc.authenticate()[0]
    response = harness.qb.process(harness.wsc.send(old, kit.hcp_response()))
    gate = _gate(harness, monkeypatch)
    gate.arm()
    receiver, out = _in_thread(lambda: harness.wsc.receive(old, response))
    assert gate.held.wait(30)
    new = harness.wsc.authenticate()[0]
    gate.release()
    receiver.join(30)
    assert out["result"] == -101
    assert harness.wsc.last_error(old) == SUPERSEDED
    # The new session does not know whether the add landed: it probes before any re-send.
    assert "<VendorQueryRq" in harness.wsc.send(new, kit.hcp_response())
