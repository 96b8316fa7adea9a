"""Imports longer than the driver's attempt budget, and an iteration restarted after a crash.

An item's ``attempts`` bound how often one piece of work is *tried* (``DriverSettings.max_attempts``, 5).
An import that pages through an iterator is one try however many pages it reads, but today
``WorkQueue.mark_sent`` counts every page it sends: 520 vendors at 100 a page stage 500 and then fail
"Gave up after 5 attempts", and an import restarted after a crash starts with the pages it already spent.
The fix belongs in ``connector/store/queue.py`` (``mark_sent``: count an attempt only when the item is not
continuing an iterator, i.e. ``if row.iterator_id is None: row.attempts += 1``); these tests turn green
with it.
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.stack import Stack
from sim.webconnector import KillSwitch, Outcome


def seed_many_vendors(stack: Stack, count: int) -> list[str]:
    names = [f"Vendor {n:04d}" for n in range(count)]
    for name in names:
        stack.company.ui.create_vendor(name)
    return names


def test_an_import_of_more_pages_than_attempts_reads_every_page(make_stack: Callable[..., Stack]) -> None:
    stack = make_stack()
    names = seed_many_vendors(stack, 520)
    item = stack.connector.import_vendors(stack.company_key, page_size=100)
    result = stack.run_update()
    record = stack.connector.work_item(item)
    assert (record.state, record.last_status_code) == ("done", "0"), record.last_status_message
    assert record.result == {"pages": 6, "read": 520, "staged": 520, "skipped": 0, "remaining": 0}
    assert len(stack.connector.staged(stack.company_key, "vendor")) == len(names)
    assert result.outcome is Outcome.COMPLETED


def test_an_import_restarted_after_a_crash_does_not_inherit_its_pages(
    make_stack: Callable[..., Stack],
) -> None:
    stack = make_stack()
    names = seed_many_vendors(stack, 8)
    item = stack.connector.import_vendors(stack.company_key, page_size=2)
    # three pages answered by QuickBooks, then the Web Connector dies before the third answer arrives
    assert stack.run_update(kill=KillSwitch(after_send=3, after_process=True)).outcome is Outcome.KILLED
    assert stack.run_update().outcome is Outcome.COMPLETED
    record = stack.connector.work_item(item)
    assert (record.state, record.last_status_code) == ("done", "0"), record.last_status_message
    assert record.result == {"pages": 4, "read": 8, "staged": 8, "skipped": 0, "remaining": 0}
    assert record.attempts == 2  # the first Start, and the Start of the restarted iteration
    assert sorted(s.name for s in stack.connector.staged(stack.company_key, "vendor")) == names


def test_an_import_within_the_attempt_budget_is_done(make_stack: Callable[..., Stack]) -> None:
    """The same import, at a page size that needs no more pages than attempts: passes today."""
    stack = make_stack()
    seed_many_vendors(stack, 520)
    item = stack.connector.import_vendors(stack.company_key, page_size=130)
    stack.run_update()
    record = stack.connector.work_item(item)
    assert (record.state, record.result["staged"], record.result["pages"]) == ("done", 520, 4)
