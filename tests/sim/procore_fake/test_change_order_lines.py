"""PATCH on a commitment change order honours nested ``line_items`` (add, update by id, ``_destroy``)."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import Fake, make_commitment, mark_synced, synced_world

from sim.procore_fake.domain import locking
from sim.procore_fake.errors import NOT_FOUND


def _cco(fake: Fake, status: str = "approved") -> dict[str, Any]:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/commitment_change_orders",
        {
            "change_order": {  # the OAS wrapper
                "contract_id": woc["id"],
                "title": "Extra footing",
                "status": status,
                "line_items": [
                    {"cost_code_id": w["codes"][0]["id"], "amount": "100", "description": "A"},
                    {"cost_code_id": w["codes"][1]["id"], "amount": "50", "description": "B"},
                ],
            }
        },
    )
    assert r.status_code == 201, r.text
    return {
        "w": w,
        "pid": pid,
        "woc": woc,
        "cco": r.json(),
        "path": f"/rest/v1.0/projects/{pid}/commitment_change_orders/{r.json()['id']}",
    }


def _contract(fake: Fake, c: dict[str, Any]) -> dict[str, Any]:
    return fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{c['woc']['id']}", project_id=c["pid"]).json()


def test_patch_updates_adds_and_destroys_lines_and_recomputes_totals(fake: Fake) -> None:
    c = _cco(fake)
    a, b = c["cco"]["line_items"]
    assert c["cco"]["grand_total"] == "150.0" and _contract(fake, c)["revised_contract"] == "1150.0"
    r = fake.dmsa.patch(
        c["path"],
        {
            "change_order": {
                "title": "Extra footing (revised)",
                "line_items": [
                    {"id": a["id"], "amount": "120.50", "description": "A+"},
                    {"id": b["id"], "_destroy": "1"},
                    {"cost_code_id": c["w"]["codes"][1]["id"], "quantity": "3", "unit_cost": "10"},
                ],
            }
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["title"] == "Extra footing (revised)" and body["grand_total"] == "150.5"
    lines = body["line_items"]
    assert [(x["amount"], x["description"]) for x in lines] == [("120.5", "A+"), ("30.0", "")]
    assert lines[0]["id"] == a["id"] and lines[1]["id"] not in (a["id"], b["id"])
    assert (lines[1]["quantity"], lines[1]["unit_cost"]) == ("3.0", "10.0")
    assert fake.dmsa.get(c["path"]).json()["line_items"] == lines
    contract = _contract(fake, c)
    assert (contract["approved_change_orders"], contract["revised_contract"]) == ("150.5", "1150.5")


def test_lines_not_named_stay_and_pending_totals_follow(fake: Fake) -> None:
    c = _cco(fake, status="pending")
    a, b = c["cco"]["line_items"]
    r = fake.dmsa.patch(
        c["path"], {"commitment_change_order": {"line_items": [{"id": b["id"], "amount": "0"}]}}
    )
    assert r.status_code == 200
    assert [x["amount"] for x in r.json()["line_items"]] == ["100.0", "0.0"]
    contract = _contract(fake, c)
    assert (contract["pending_change_orders"], contract["approved_change_orders"]) == ("100.0", "0.0")


def test_bad_lines_are_all_reported_and_nothing_changes(fake: Fake) -> None:
    c = _cco(fake)
    a, _ = c["cco"]["line_items"]
    r = fake.dmsa.patch(
        c["path"],
        {
            "change_order": {
                "status": "done",
                "line_items": [
                    {"id": a["id"], "amount": "lots"},
                    {"cost_code_id": 1, "amount": "1", "commitment_line_item_id": 999},
                ],
            }
        },
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "status": ["is not included in the list (draft, pending, approved, rejected, void)"],
            "line_items.amount": ["is not a number"],
            "line_items.cost_code_id": ["is invalid"],
            "line_items.commitment_line_item_id": ["is invalid"],
        }
    }
    assert fake.dmsa.get(c["path"]).json()["grand_total"] == "150.0"
    r = fake.dmsa.patch(c["path"], {"change_order": {"line_items": {"id": a["id"]}}})
    assert r.status_code == 422 and r.json() == {"errors": {"line_items": ["is invalid"]}}


def test_unknown_line_id_is_rails_record_not_found(fake: Fake) -> None:
    c = _cco(fake)
    r = fake.dmsa.patch(c["path"], {"change_order": {"line_items": [{"id": 1, "amount": "5"}]}})
    assert r.status_code == 404 and r.json() == {"errors": NOT_FOUND}


def test_synced_approved_cco_lines_are_locked_but_its_title_is_not(fake: Fake) -> None:
    c = _cco(fake)
    a, _ = c["cco"]["line_items"]
    mark_synced(fake, "change_order", c["cco"]["id"], "CO-TXN-1")
    for lines in ([{"id": a["id"], "amount": "1"}], [{"id": a["id"], "_destroy": True}], []):
        r = fake.dmsa.patch(c["path"], {"change_order": {"line_items": lines}})
        assert r.status_code == 422 and r.json() == {"errors": {"base": [locking.COMMITMENT_LOCKED]}}
    r = fake.dmsa.patch(c["path"], {"change_order": {"title": "Renamed"}})
    assert r.status_code == 200 and r.json()["grand_total"] == "150.0"
