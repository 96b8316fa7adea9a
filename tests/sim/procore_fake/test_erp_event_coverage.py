"""Computed coverage of Procore's ERP events (moto's habit): every event of ``data/erp-events.json`` is
either emitted by the fake (registered in ``domain/erp_events.EMITTED`` and triggered by name in a test) or
allow-listed with a reason (``NOT_EMITTED``: QuickBooks Desktop cannot cause it; ``NOT_IMPLEMENTED``: it
can, the fake does not yet). ``COVERAGE.md`` lists them (checked current in ``test_routes.py``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pcfake_helpers import EVENTS, Fake

import sim.procore_fake
from sim.procore_fake.coverage import erp_event_rows
from sim.procore_fake.domain import erp_events, erp_requests

SIM_DIR = Path(sim.procore_fake.__file__).parent
TESTS_DIR = Path(__file__).parent


def test_every_documented_event_is_emitted_or_allow_listed_never_both() -> None:
    emitted, cannot, later = (
        set(erp_events.EMITTED),
        set(erp_events.NOT_EMITTED),
        set(erp_events.NOT_IMPLEMENTED),
    )
    assert emitted & (cannot | later) == set(), "an allow-listed event is registered as emitted"
    assert cannot & later == set(), "an event both impossible for QuickBooks Desktop and not implemented"
    not_emitted = set(erp_events.not_emitted())
    unclassified = set(EVENTS) - emitted - not_emitted
    assert unclassified == set(), f"events neither emitted nor allow-listed with a reason: {unclassified}"
    assert (emitted | not_emitted) - set(EVENTS) == set(), "registered names that Procore does not document"
    assert all(reason.strip() for reason in erp_events.not_emitted().values())
    assert "UNCLASSIFIED" not in "\n".join(erp_event_rows()[2])


def _literals(paths: list[Path]) -> str:
    return "\n".join(p.read_text() for p in paths)


def test_every_emitted_event_is_named_in_another_test() -> None:
    """Each registered event appears as a string literal in some other test file.

    A proxy, not a proof: the trigger tests (``test_erp_event_triggers.py`` and the per-feature tests)
    assert ``request_name`` after causing the event, but this check only sees that the name is there.
    """
    text = _literals([p for p in TESTS_DIR.glob("test_*.py") if p.name != Path(__file__).name])
    untested = sorted(n for n in erp_events.EMITTED if not re.search(rf"[\"']{n}[\"']", text))
    assert untested == [], f"emitted events no test triggers by name: {untested}"


def test_no_allow_listed_event_is_named_in_the_fake_outside_the_registry() -> None:
    sources = [p for p in SIM_DIR.rglob("*.py") if p.name != "erp_events.py"]
    text = _literals(sources)
    named = sorted(n for n in erp_events.not_emitted() if re.search(rf"[\"']{n}[\"']", text))
    assert named == [], f"allow-listed (not emitted) events named in the fake's code: {named}"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("create_sub_job", "create_sub_job is allow-listed as not emitted: Sub Jobs are NOT supported"),
        ("create_payment", "create_payment is allow-listed as not emitted: NOT IMPLEMENTED: possible"),
        ("create_widget", "create_widget is not registered in erp_events.EMITTED"),
    ],
)
def test_emit_refuses_allow_listed_and_unregistered_events(fake: Fake, name: str, message: str) -> None:
    with pytest.raises(RuntimeError, match=re.escape(message)):
        erp_requests.emit(fake.state.store, fake.clock, fake.company_id, name, {}, items=[], placement="none")
    assert fake.state.store.query("erp_request", company_id=fake.company_id) == []
