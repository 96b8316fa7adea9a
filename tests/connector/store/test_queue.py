"""The durable work queue: dependencies, batching, probes after a crash, iterators, restarts."""

from __future__ import annotations

import pytest

from connector.store.db import make_engine, make_session_factory
from connector.store.queue import WorkQueue
from connector.work import IdMapUpdate, NewWork


@pytest.fixture
def queue(sessions, clock) -> WorkQueue:
    return WorkQueue(sessions, clock)


def test_enqueue_and_read_back(queue: WorkQueue, clock) -> None:
    first = queue.enqueue("co", "vendor_add", {"name": "Ace"}, procore_id="11")
    second = queue.enqueue("co", "po_add", {"ref": "PO-1"}, depends_on=[first])
    record = queue.get(second)
    assert record is not None
    assert (record.kind, record.payload, record.state, record.attempts) == (
        "po_add",
        {"ref": "PO-1"},
        "pending",
        0,
    )
    assert record.depends_on == (first,)
    assert queue.get(999) is None
    assert queue.remaining("co") == 2 and queue.remaining("other") == 0


def test_unknown_dependency_is_refused(queue: WorkQueue) -> None:
    with pytest.raises(ValueError, match=r"^work item 42 \(a dependency\) does not exist$"):
        queue.enqueue("co", "po_add", {}, depends_on=[42])


def test_queues_are_per_company(queue: WorkQueue) -> None:
    queue.enqueue("a", "vendor_add", {"name": "A"})
    b = queue.enqueue("b", "vendor_add", {"name": "B"})
    assert [r.id for r in queue.next_batch("b", 10)] == [b]


def test_next_batch_holds_back_items_until_dependencies_are_done(queue: WorkQueue) -> None:
    vendor = queue.enqueue("co", "vendor_add", {})
    po = queue.enqueue("co", "po_add", {}, depends_on=[vendor])
    free = queue.enqueue("co", "vendor_add", {})
    assert [r.id for r in queue.next_batch("co", 10)] == [vendor, free]
    queue.mark_sent([(vendor, False), (free, False)], "t1")
    assert queue.next_batch("co", 10) == []  # the PO's vendor is in flight
    queue.complete(vendor, "t1", state="done", status_code="0", message="Status OK")
    assert [r.id for r in queue.next_batch("co", 10)] == [po]


def test_next_batch_limit_and_solo_items(queue: WorkQueue) -> None:
    ids = [queue.enqueue("co", "vendor_add", {}) for _ in range(4)]
    assert [r.id for r in queue.next_batch("co", 2)] == ids[:2]
    queue.mark_sent([(ids[1], False)], "t1")
    queue.complete(ids[1], "t1", state="pending", status_code="0x80040400", message="parse", solo=True)
    assert [r.id for r in queue.next_batch("co", 10)] == [ids[0], ids[2], ids[3]]
    queue.mark_sent([(ids[0], False)], "t1")
    queue.complete(ids[0], "t1", state="done", status_code="0", message="ok")
    # the solo item is now the oldest: it goes alone
    assert [r.id for r in queue.next_batch("co", 10)] == [ids[1]]


def test_mark_sent_counts_attempts(queue: WorkQueue) -> None:
    item = queue.enqueue("co", "vendor_add", {})
    queue.mark_sent([(item, True)], "t1")
    record = queue.get(item)
    assert record is not None
    assert (record.state, record.sent_ticket, record.sent_as_probe, record.attempts) == (
        "sent",
        "t1",
        True,
        1,
    )
    with pytest.raises(KeyError):
        queue.mark_sent([(404, False)], "t1")


def test_recover_flags_items_left_sent_by_another_session(queue: WorkQueue) -> None:
    lost = queue.enqueue("co", "vendor_add", {})
    mine = queue.enqueue("co", "vendor_add", {})
    queue.mark_sent([(lost, False)], "dead-ticket")
    queue.mark_sent([(mine, False)], "live-ticket")
    assert queue.recover("co", "live-ticket") == 1
    lost_record, mine_record = queue.get(lost), queue.get(mine)
    assert lost_record is not None and mine_record is not None
    assert (lost_record.state, lost_record.probe) == ("pending", True)
    assert (mine_record.state, mine_record.probe) == ("sent", False)


def test_recover_drops_iterators_of_other_sessions(queue: WorkQueue) -> None:
    item = queue.enqueue("co", "item_import", {})
    queue.mark_sent([(item, False)], "t1")
    queue.complete(item, "t1", state="pending", status_code="0", message="ok", iterator=("{IT-1}", 40))
    record = queue.get(item)
    assert record is not None and (record.iterator_id, record.iterator_remaining) == ("{IT-1}", 40)
    queue.recover("co", "t1")
    assert queue.get(item).iterator_id == "{IT-1}"  # same session: keep it
    queue.recover("co", "t2")
    assert queue.get(item).iterator_id is None


def test_fail_blocked_is_transitive(queue: WorkQueue) -> None:
    a = queue.enqueue("co", "vendor_add", {})
    b = queue.enqueue("co", "po_add", {}, depends_on=[a])
    c = queue.enqueue("co", "bill_add", {}, depends_on=[b])
    queue.mark_sent([(a, False)], "t1")
    queue.complete(a, "t1", state="failed", status_code="3100", message="dup")
    assert queue.fail_blocked("co", "t1") == 2
    assert [(r.id, r.state) for r in queue.items("co")] == [(a, "failed"), (b, "failed"), (c, "failed")]
    assert (
        queue.get(c).last_status_message
        == f"Not sent: work item {b} (po_add) it depends on failed: dependency "
        f"Not sent: work item {a} (vendor_add) it depends on failed: 3100 dup"
    )
    assert queue.finished_in("t1") == 3


def test_complete_applies_id_map_and_followups_together(queue: WorkQueue) -> None:
    item = queue.enqueue("co", "vendor_add", {"name": "Ace"}, procore_id="7")
    queue.mark_sent([(item, False)], "t1")
    followups = queue.complete(
        item,
        "t1",
        state="done",
        status_code="0",
        message="Status OK",
        result={"ListID": "80000001-1"},
        followups=(NewWork("po_add", {"ref": "PO-1"}, "9", (item,)),),
        id_map=(IdMapUpdate("vendor", "7", "80000001-1", "1700000000", "Ace"),),
    )
    assert len(followups) == 1
    follow = queue.get(followups[0])
    assert follow is not None and follow.depends_on == (item,) and follow.procore_id == "9"
    done = queue.get(item)
    assert done is not None and done.result == {"ListID": "80000001-1"} and done.finished_ticket == "t1"
    mapping = queue.id_map.by_procore_id("co", "vendor", "7")
    assert mapping is not None and (mapping.qb_id, mapping.edit_sequence) == ("80000001-1", "1700000000")
    assert queue.id_map.by_qb_id("co", "vendor", "80000001-1").procore_id == "7"
    # a later EditSequence replaces the old one
    queue.mark_sent([(followups[0], False)], "t1")
    queue.complete(
        followups[0],
        "t1",
        state="done",
        status_code="0",
        message="ok",
        id_map=(IdMapUpdate("vendor", "7", "80000001-1", "1700000005"),),
    )
    updated = queue.id_map.by_procore_id("co", "vendor", "7")
    assert updated is not None and (updated.edit_sequence, updated.name) == ("1700000005", "Ace")


def test_complete_rejects_unknown_states_and_items(queue: WorkQueue) -> None:
    item = queue.enqueue("co", "vendor_add", {})
    with pytest.raises(ValueError, match="bad work item state 'sent'"):
        queue.complete(item, "t1", state="sent", status_code=None, message=None)
    with pytest.raises(KeyError):
        queue.complete(404, "t1", state="done", status_code=None, message=None)


def test_items_survive_a_restart(db_url: str, clock) -> None:
    engine = make_engine(db_url)
    first = WorkQueue(make_session_factory(engine), clock)
    vendor = first.enqueue("co", "vendor_add", {"name": "Ace"})
    po = first.enqueue("co", "po_add", {"ref": "PO-1"}, depends_on=[vendor])
    first.mark_sent([(vendor, False)], "t1")
    engine.dispose()

    engine2 = make_engine(db_url)
    second = WorkQueue(make_session_factory(engine2), clock)
    records = second.items("co")
    assert [(r.id, r.state, r.depends_on) for r in records] == [
        (vendor, "sent", ()),
        (po, "pending", (vendor,)),
    ]
    assert second.items("co", ["pending"])[0].id == po
    engine2.dispose()


def test_a_probe_drops_the_iterator_so_no_page_is_skipped(queue: WorkQueue) -> None:
    item = queue.enqueue("co", "item_import", {})
    queue.mark_sent([(item, False)], "t1")
    queue.complete(item, "t1", state="pending", status_code="0", message="ok", iterator=("{IT-1}", 40))
    queue.mark_sent([(item, False)], "t1")
    queue.complete(item, "t1", state="pending", status_code="0x80040408", message="lost", probe=True)
    record = queue.get(item)
    assert record is not None and (record.probe, record.iterator_id) == (True, None)


def test_a_whole_response_is_applied_in_one_transaction(queue: WorkQueue) -> None:
    from connector.store.queue import Completion

    a = queue.enqueue("co", "vendor_add", {"name": "A"}, procore_id="1")
    b = queue.enqueue("co", "vendor_add", {"name": "B"}, procore_id="2")
    queue.mark_sent([(a, False), (b, False)], "T1")
    done = Completion(a, "done", "0", "Status OK",
                      id_map=(IdMapUpdate("vendor", "1", "80000001-1700000000", "1700000000"),),
                      followups=(NewWork("po_add", {"ref": "PO-1"}),))
    # an unknown item in the same response: nothing of it is applied, not even item a's outcome
    with pytest.raises(KeyError):
        queue.complete_many("T1", [done, Completion(999, "done", "0", "Status OK")])
    assert queue.get(a).state == "sent" and queue.id_map.by_procore_id("co", "vendor", "1") is None
    assert queue.remaining("co") == 2
    followups = queue.complete_many("T1", [done, Completion(b, "failed", "3100", "The name is in use.")])
    assert [queue.get(i).state for i in (a, b)] == ["done", "failed"]
    assert queue.id_map.by_procore_id("co", "vendor", "1").qb_id == "80000001-1700000000"
    assert [queue.get(i).kind for i in followups[a]] == ["po_add"] and followups[b] == []
    with pytest.raises(ValueError, match=r"^bad work item state 'sent'$"):
        queue.complete_many("T1", [Completion(a, "sent", None, None)])
