"""The ``/_sim`` control dialect (sim/CONTROLS.md), through HTTP: state, clock, faults, snapshot/restore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from pcfake_helpers import Fake, build, client_for, make_vendor, subscribe_erp_requests

from sim.asgi import AsgiTransport
from sim.procore_fake.app import bind_state, create_state
from sim.procore_fake.errors import NOT_FOUND, RATE_LIMITED
from sim.procore_fake.routers.sim_controls import GIVE_ADVANCE_OR_SET, NOT_MOVABLE

VENDORS = "/rest/v1.0/vendors"
ACTIONS = "is not included in the list (status, delay, drop, duplicate)"
STATUS = "must be an HTTP error status (400-599)"
POSITIVE = "must be a positive number of seconds"
TOOL_LEVELS = "must be an object of tool: level"
NO_VENDOR = "0 is invalid"  # a master vendor id that is not a number names no vendor


def _vendors(fake: Fake) -> httpx.Response:
    return fake.dmsa.get(VENDORS, company_id=fake.company_id)


def _fault(fake: Fake, **rule: Any) -> dict[str, Any]:
    r = fake.http.post("/_sim/faults", json=rule)
    assert r.status_code == 200, r.text
    return r.json()


def _errors(r: httpx.Response, status: int = 422) -> dict[str, list[str]]:
    assert r.status_code == status, r.text
    return r.json()["errors"]


# -- state -------------------------------------------------------------------------------------------------
def test_state_has_the_shared_keys(fake: Fake) -> None:
    make_vendor(fake)
    _fault(fake, action="status", status_code=503, path="/rest/v1.0/projects")
    state = fake.http.get("/_sim/state").json()
    assert {"seed", "now", "clock", "counts", "faults", "companies"} <= set(state)
    assert (state["seed"], state["clock"], state["now"]) == (0, "manual", "2024-01-15T09:00:00+00:00")
    assert state["counts"]["vendor"] == 1 and state["counts"]["company"] == 1
    assert [(f["action"], f["status_code"], f["fired"]) for f in state["faults"]] == [("status", 503, 0)]


# -- clock -------------------------------------------------------------------------------------------------
def test_clock_advance_and_set(fake: Fake) -> None:
    assert fake.http.get("/_sim/clock").json() == {"now": "2024-01-15T09:00:00+00:00", "clock": "manual"}
    moved = fake.http.post("/_sim/clock", json={"advance": 90}).json()
    assert moved["now"] == "2024-01-15T09:01:30+00:00" and moved["erp_requests"] == []
    moved = fake.http.post("/_sim/clock", json={"set": "2024-03-01T12:00:00-05:00"}).json()
    assert moved["now"] == "2024-03-01T17:00:00+00:00"
    assert fake.clock.now().isoformat() == "2024-03-01T17:00:00+00:00"
    # the older spelling moves the same clock
    older = fake.http.post("/_sim/clock/advance", json={"seconds": 60}).json()
    assert older["now"] == "2024-03-01T17:01:00+00:00"


def test_clock_advance_expires_a_token(fake: Fake) -> None:
    fake.http.post("/_sim/clock", json={"advance": 5400})
    r = _vendors(fake)
    assert r.status_code == 401 and "has expired" in r.json()["errors"]


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "advance", GIVE_ADVANCE_OR_SET),
        ({"advance": 1, "set": "2024-01-01T00:00:00Z"}, "advance", GIVE_ADVANCE_OR_SET),
        ({"advance": -1}, "advance", "must be a non-negative number"),
        ({"advance": "ten"}, "advance", "must be a non-negative number"),
        ({"advance": True}, "advance", "must be a non-negative number"),
        ({"set": "yesterday"}, "set", "must be an ISO 8601 time with a UTC offset"),
        ({"set": "2024-01-01T00:00:00"}, "set", "must be an ISO 8601 time with a UTC offset"),
        ({"set": 17}, "set", "must be an ISO 8601 time with a UTC offset"),
    ],
)
def test_bad_clock_input_names_the_field(fake: Fake, body: dict[str, Any], field: str, message: str) -> None:
    assert _errors(fake.http.post("/_sim/clock", json=body)) == {field: [message]}
    assert fake.clock.now().isoformat() == "2024-01-15T09:00:00+00:00"  # nothing moved


def test_clock_body_must_be_an_object(fake: Fake) -> None:
    r = fake.http.post("/_sim/clock", content=b"[1", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json() == {"errors": "The request body is not valid JSON"}


def test_a_wall_clock_is_not_moved() -> None:
    with client_for(bind_state(_shared(), create_state())) as http:
        assert http.get("/_sim/clock").json()["clock"] == "wall"
        r = http.post("/_sim/clock", json={"advance": 10})
        assert r.status_code == 400 and r.json() == {"errors": NOT_MOVABLE}
        r = http.post("/_sim/faults", json={"action": "delay", "delay_seconds": 5})
        assert _errors(r) == {"delay_seconds": ["needs the manual clock (serve without --wall-clock)"]}


def _shared() -> Any:
    from pcfake_helpers import shared_app

    return shared_app()


# -- faults on requests ------------------------------------------------------------------------------------
def test_a_429_fault_carries_retry_after_and_matches_path_and_method(fake: Fake) -> None:
    _fault(fake, action="status", status_code=429, retry_after=30, path="/rest/v1.0/vendors*", method="get")
    for _ in range(2):  # no `times`: every matching request
        r = _vendors(fake)
        assert (r.status_code, r.text, r.headers["Retry-After"]) == (429, RATE_LIMITED, "30")
    assert make_vendor(fake)["name"] == "Acme Concrete"  # a POST does not match
    assert fake.dmsa.get("/rest/v1.0/projects", company_id=fake.company_id).status_code == 200
    listed = fake.http.get("/_sim/faults").json()
    assert [(f["method"], f["seen"], f["fired"]) for f in listed] == [("GET", 2, 2)]


def test_a_503_fault_changes_nothing_and_stops_after_times(fake: Fake) -> None:
    _fault(fake, action="status", status_code=503, path=VENDORS, method="POST", times=1)
    r = fake.dmsa.post(VENDORS, {"company_id": fake.company_id, "vendor": {"name": "Lost"}})
    assert (r.status_code, r.json()) == (503, {"errors": "Service Unavailable"})
    assert _vendors(fake).json() == []  # the refused create stored nothing
    assert make_vendor(fake, "Second try")["name"] == "Second try"


def test_nth_fires_on_that_occurrence_only(fake: Fake) -> None:
    _fault(fake, action="status", status_code=503, path=VENDORS, nth=2)
    assert [_vendors(fake).status_code for _ in range(3)] == [200, 503, 200]


def test_first_matching_rule_wins(fake: Fake) -> None:
    _fault(fake, action="status", status_code=502, path="/rest/*", times=1)
    _fault(fake, action="status", status_code=503, path=VENDORS)
    assert [_vendors(fake).status_code for _ in range(2)] == [502, 503]


def _pattern(seed_rule: dict[str, Any]) -> list[int]:
    fake = build()
    try:
        _fault(fake, **seed_rule)
        return [_vendors(fake).status_code for _ in range(24)]
    finally:
        fake.close()


def test_probability_is_reproducible_for_a_seed() -> None:
    rule = {"action": "status", "status_code": 503, "path": VENDORS, "probability": 0.5}
    first, second = _pattern(rule), _pattern(rule)
    assert first == second and {200, 503} == set(first)
    assert set(_pattern({**rule, "probability": 0})) == {200}


def test_a_delay_fault_is_slow_on_the_manual_clock(fake: Fake) -> None:
    """The answer comes 5400 s later as the fake's clock sees it: the token expires on the way."""
    _fault(fake, action="delay", delay_seconds=5400, path="/rest/v1.0/me", times=1)
    r = fake.dmsa.get("/rest/v1.0/me")
    assert r.status_code == 401 and "has expired" in r.json()["errors"]
    assert fake.http.get("/_sim/clock").json()["now"] == "2024-01-15T10:30:00+00:00"


def test_controls_are_never_faulted_and_delete_clears(fake: Fake) -> None:
    _fault(fake, action="status", status_code=503)
    assert fake.http.get("/_sim/state").status_code == 200
    assert _vendors(fake).status_code == 503
    assert fake.http.delete("/_sim/faults").json() == {"rules": 0}
    assert fake.http.get("/_sim/faults").json() == []
    assert _vendors(fake).status_code == 200


@pytest.mark.parametrize(
    ("rule", "errors"),
    [
        ({}, {"action": [ACTIONS]}),
        ({"action": "explode"}, {"action": [ACTIONS]}),
        ({"action": "status", "status_code": 200}, {"status_code": [STATUS]}),
        ({"action": "status"}, {"status_code": [STATUS]}),
        ({"action": "drop", "paht": "/x"}, {"paht": ["is not a fault rule field"]}),
        ({"action": "drop", "fired": 3}, {"fired": ["is not a fault rule field"]}),
        ({"action": "drop", "target": "request"}, {"target": ["must be webhook for a drop fault"]}),
        ({"action": "drop", "nth": 0}, {"nth": ["must be an integer of at least 1"]}),
        ({"action": "drop", "times": "2"}, {"times": ["must be an integer of at least 1"]}),
        ({"action": "drop", "probability": 1.5}, {"probability": ["must be a number between 0 and 1"]}),
        ({"action": "drop", "path": 5}, {"path": ["must be a string: a glob such as /rest/v1.0/vendors*"]}),
        ({"action": "drop", "method": ["GET"]}, {"method": ["must be a string: an HTTP method"]}),
        ({"action": "delay", "delay_seconds": 0}, {"delay_seconds": [POSITIVE]}),
        (
            {"action": "status", "status_code": 429, "retry_after": -5},
            {"retry_after": ["must be a non-negative integer of seconds"]},
        ),
    ],
)
def test_bad_fault_rules_name_the_field(
    fake: Fake, rule: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    assert _errors(fake.http.post("/_sim/faults", json=rule)) == errors
    assert fake.http.get("/_sim/faults").json() == []


# -- faults on webhook deliveries --------------------------------------------------------------------------
def _hooked_vendor_export(fake: Fake) -> None:
    """A hook on ERP Requests (to https://connector.example/h), then a vendor exported: one delivery due."""
    subscribe_erp_requests(fake)
    vendor = make_vendor(fake)
    fake.act("send", "Erin Sponsor", "vendor", vendor["id"])
    fake.act("accept", "Alex Accountant", "vendor", vendor["id"])


def test_a_dropped_delivery_is_never_sent_nor_retried(fake: Fake) -> None:
    _fault(fake, action="drop", path="/h*", times=1)
    _hooked_vendor_export(fake)
    delivered = fake.http.post("/_sim/webhooks/deliver").json()
    assert [d["status"] for d in delivered] == ["dropped"]
    assert delivered[0]["attempts"][0]["error"] == "dropped by fault rule 1"
    fake.http.post("/_sim/clock", json={"advance": 3600})
    assert fake.http.post("/_sim/webhooks/deliver").json() == [] and fake.transport_log == []


def test_a_duplicate_fault_sends_a_delivery_twice(fake: Fake) -> None:
    _fault(fake, action="duplicate", times=1)
    _hooked_vendor_export(fake)
    delivered = fake.http.post("/_sim/webhooks/deliver").json()
    assert delivered[0]["duplicates"] == 1 and len(fake.transport_log) == 2
    assert json.loads(fake.transport_log[0].content) == json.loads(fake.transport_log[1].content)


def test_duplicate_next_count_must_be_a_whole_number(fake: Fake) -> None:
    r = fake.http.post("/_sim/webhooks/duplicate_next", json={"count": "two"})
    assert _errors(r) == {"count": ["must be a non-negative integer"]}


# -- snapshot / restore ------------------------------------------------------------------------------------
def test_restore_brings_back_records_ids_clock_and_faults(fake: Fake, tmp_path: Path) -> None:
    kept = make_vendor(fake, "Kept")
    _fault(fake, action="status", status_code=503, path="/rest/v1.0/projects")
    path = str(tmp_path / "procore.json")
    assert fake.http.post("/_sim/snapshot", json={"path": path}).json() == {"path": path}
    later = make_vendor(fake, "Later")
    fake.http.post("/_sim/clock", json={"advance": 600})
    fake.http.delete("/_sim/faults")

    assert fake.http.post("/_sim/restore", json={"path": path}).json() == {"restored": path}
    assert [v["id"] for v in _vendors(fake).json()] == [kept["id"]]
    assert fake.http.get("/_sim/clock").json()["now"] == "2024-01-15T09:00:00+00:00"
    assert [f["status_code"] for f in fake.http.get("/_sim/faults").json()] == [503]
    # the id generator is where it was: the next record gets the id "Later" got the first time
    assert make_vendor(fake, "Again")["id"] == later["id"]


def test_snapshot_paths_refused_with_the_reason(fake: Fake, tmp_path: Path) -> None:
    def refused(action: str, body: dict[str, Any], status: int) -> dict[str, str]:
        r = fake.http.post(f"/_sim/{action}", json=body)
        assert r.status_code == status, r.text
        return r.json()

    assert refused("snapshot", {}, 400)["reason"] == "give path: the snapshot file's path, a string"
    missing = refused("restore", {"path": str(tmp_path / "none.json")}, 404)
    assert (missing["error"], missing["reason"]) == ("NotFound", "no such file")
    no_dir = refused("snapshot", {"path": str(tmp_path / "no" / "x.json")}, 404)
    assert no_dir["reason"] == f"directory {tmp_path / 'no'} does not exist"
    text = tmp_path / "notes.txt"
    text.write_text("not a snapshot")
    bad = refused("restore", {"path": str(text)}, 422)
    assert bad["error"] == "NotASnapshot" and bad["reason"].startswith("is not a fake Procore snapshot")
    kept = refused("snapshot", {"path": str(text)}, 409)
    assert kept["error"] == "Conflict" and text.read_text() == "not a snapshot"  # not overwritten


def test_snapshot_directory_confines_paths_and_remote_callers_need_one(tmp_path: Path) -> None:
    confined = bind_state(_shared(), create_state(snapshot_dir=tmp_path))
    with client_for(confined) as http:
        inside = http.post("/_sim/snapshot", json={"path": "a.json"}).json()
        assert inside == {"path": str(tmp_path.resolve() / "a.json")}
        r = http.post("/_sim/snapshot", json={"path": "../outside.json"})
        assert r.status_code == 403 and r.json()["reason"].startswith("outside the snapshot directory")
    remote = httpx.Client(
        transport=AsgiTransport(bind_state(_shared(), create_state()), client=("203.0.113.9", 4000)),
        base_url="http://testserver",
    )
    with remote:
        r = remote.post("/_sim/snapshot", json={"path": str(tmp_path / "b.json")})
        assert r.status_code == 403 and "need a snapshot directory" in r.json()["reason"]
    assert not (tmp_path / "b.json").exists()


# -- the web-UI routes' one dependency: a missing company, bad ids ------------------------------------------
def test_a_web_ui_action_on_no_company_is_a_404(fake: Fake) -> None:
    r = fake.http.post("/_sim/companies/1/erp/refresh/jobs", json={"as_user_id": fake.users["Erin Sponsor"]})
    assert (r.status_code, r.json()) == (404, {"errors": NOT_FOUND})


@pytest.mark.parametrize(
    ("path", "body", "errors"),
    [
        ("/accounting_approvers", {"user_id": "x"}, {"user_id": ["is not a user of this company"]}),
        ("/vendors/merge", {"master_vendor_id": "x", "source_vendor_ids": [1]}, {"vendor_id": [NO_VENDOR]}),
        ("/erp/staged/link_all", {"links": [{"staged_id": "x"}]}, {"staged_id": ["is invalid"]}),
        ("/users", {"name": "Pat", "permissions": ["budget"]}, {"permissions": [TOOL_LEVELS]}),
    ],
)
def test_bad_ids_in_web_ui_bodies_are_named_not_500(
    fake: Fake, path: str, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    r = fake.sim("POST", path, {"as_user_id": fake.users["Erin Sponsor"], **body})
    assert _errors(r) == errors
