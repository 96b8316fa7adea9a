"""SOV and direct-cost line items, budget modification edits, billing periods, invoice payment details."""

from __future__ import annotations

from pcfake_helpers import Fake, make_commitment, mark_synced, synced_world


def test_sov_line_show_update_and_lock(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    line = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    url = f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items/{line['id']}"
    assert fake.dmsa.get(url, project_id=pid).json()["amount"] == "1000.0"
    r = fake.dmsa.patch(url, {"project_id": pid, "line_item": {"amount": "1200", "description": "Footings+"}})
    assert r.json()["amount"] == "1200.0"
    assert fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=pid).json()[
        "grand_total"
    ] == ("1200.0")
    bad = fake.dmsa.patch(url, {"project_id": pid, "line_item": {"amount": "lots"}})
    assert bad.status_code == 422 and bad.json() == {"errors": {"amount": ["is not a number"]}}
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    locked = fake.dmsa.patch(url, {"project_id": pid, "line_item": {"amount": "1"}})
    assert locked.status_code == 422


def test_direct_cost_lines(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    cost = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/direct_costs",
        {
            "direct_cost": {
                "direct_cost_date": "2024-01-10",
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "10"}],
            }
        },
    ).json()
    line = fake.dmsa.get(f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}/line_items").json()[0]
    url = f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}/line_items/{line['id']}"
    assert fake.dmsa.patch(url, {"line_item": {"amount": "12.5"}}).json()["amount"] == "12.5"
    assert (
        fake.dmsa.get(f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}").json()["grand_total"] == "12.5"
    )
    assert fake.dmsa.delete(url).status_code == 200
    assert fake.dmsa.get(url).status_code == 404


def test_budget_modification_edit_and_delete(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    lines = [
        fake.dmsa.post(
            "/rest/v1.0/budget_line_items",
            {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": "100"}},
        ).json()
        for cc in w["codes"]
    ]
    mod = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_modifications",
        {
            "budget_modification": {
                "from_budget_line_item_id": lines[0]["id"],
                "to_budget_line_item_id": lines[1]["id"],
                "transfer_amount": "10",
            }
        },
    ).json()
    url = f"/rest/v1.0/projects/{pid}/budget_modifications/{mod['id']}"
    bad = fake.dmsa.patch(url, {"budget_modification": {"transfer_amount": "-5"}})
    assert bad.status_code == 422 and bad.json() == {
        "errors": {"transfer_amount": ["must be greater than 0"]}
    }
    fake.dmsa.patch(url, {"budget_modification": {"transfer_amount": "25"}})
    first = fake.dmsa.get(f"/rest/v1.0/budget_line_items/{lines[0]['id']}", project_id=pid).json()
    assert first["revised_budget"] == "75.0"
    fake.dmsa.delete(url)
    first = fake.dmsa.get(f"/rest/v1.0/budget_line_items/{lines[0]['id']}", project_id=pid).json()
    assert first["revised_budget"] == "100.0"


def test_billing_periods_and_their_404_shape(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    base = f"/rest/v1.0/projects/{pid}/billing_periods"
    r = fake.dmsa.post(
        base,
        {"billing_period": {"start_date": "2024-01-01", "end_date": "2024-01-31", "due_date": "2024-01-25"}},
    )
    assert r.status_code == 201 and r.json()["position"] == 1
    bad = fake.dmsa.post(
        base,
        {"billing_period": {"start_date": "2024-02-10", "end_date": "2024-02-01", "due_date": "2024-02-25"}},
    )
    assert bad.status_code == 422 and bad.json() == {"errors": {"end_date": ["must be after the start date"]}}
    missing = fake.dmsa.get(f"{base}/1")
    assert missing.status_code == 404
    assert missing.json() == {
        "exception": "ActiveRecord::RecordNotFound",
        "message": "Couldn't find BillingPeriod",
    }


def test_requisition_payment_details_v2(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions", {"project_id": pid, "commitment_id": woc["id"], "requisition": {}}
    ).json()
    url = f"/rest/v2.0/companies/{fake.company_id}/projects/{pid}/requisitions/{req['id']}/payment_details"
    r = fake.dmsa.patch(url, {"due_date": "2024-04-30"})
    assert r.json()["data"]["payment_date"] == "2024-04-30"
    items = fake.dmsa.get(f"/rest/v1.0/requisitions/{req['id']}/contract_items", project_id=pid).json()
    shown = fake.dmsa.get(
        f"/rest/v1.0/requisitions/{req['id']}/contract_items/{items[0]['id']}", project_id=pid
    )
    assert shown.json()["requisition_id"] == req["id"]
