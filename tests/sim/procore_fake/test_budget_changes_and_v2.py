"""Budget Changes, v2.0 commitment contracts, SOV line sync, standard cost code export."""

from __future__ import annotations

from pcfake_helpers import Fake, make_commitment, make_std_codes, synced_world


def test_budget_change_approved_adds_to_revised_budget_and_exports(fake: Fake) -> None:
    w = synced_world(fake)
    pid, cc = w["project"]["id"], w["codes"][0]
    line = fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": "1000"}},
    ).json()
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_changes",
        {
            "title": "Owner scope",
            "status": "draft",
            "adjustment_line_items": [{"wbs_code_id": cc["id"], "amount": 150, "description": "more"}],
        },
    )
    assert r.status_code == 201
    change = r.json()["data"]
    shown = fake.dmsa.get(f"/rest/v1.0/budget_line_items/{line['id']}", project_id=pid).json()
    assert shown["revised_budget"] == "1000.0"  # drafts do not count
    r = fake.dmsa.patch(f"/rest/v1.0/projects/{pid}/budget_changes/{change['id']}", {"status": "approved"})
    assert r.json()["data"]["status"] == "approved"
    shown = fake.dmsa.get(f"/rest/v1.0/budget_line_items/{line['id']}", project_id=pid).json()
    assert (shown["approved_budget_changes"], shown["revised_budget"]) == ("150.0", "1150.0")
    b = fake.sim("POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}).json()
    fake.act("send", "Pat Manager", "budget", b["item_id"])
    fake.act("accept", "Alex Accountant", "budget", b["item_id"])
    detail = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[item_type]": "budget"}
    ).json()[0]
    req = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{detail['erp_request_id']}"
    ).json()
    kinds = [(t["type"], t["value"]) for t in req["request_data"]["transactions"]]
    assert kinds == [("Erp::OriginalEstimateTransaction", 1000.0), ("Erp::RevisedEstimateTransaction", 150.0)]
    assert req["request_data"]["job_costs"][0]["new_amount"] == 1150.0


def test_budget_change_validation(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(f"/rest/v1.0/projects/{pid}/budget_changes", {"status": "done"})
    assert r.status_code == 422
    assert r.json() == {
        "errors": {"status": ["is not included in the list (draft, under_review, approved, void)"]}
    }
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_changes",
        {"adjustment_line_items": [{"wbs_code_id": 1, "amount": 1}]},
    )
    assert r.json() == {"errors": {"wbs_code_id": ["is invalid"]}}


def test_v2_commitment_contracts_envelope(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    base = f"/rest/v2.0/companies/{fake.company_id}/projects/{pid}/commitment_contracts"
    listed = fake.dmsa.get(base).json()
    assert [c["id"] for c in listed["data"]] == [woc["id"]]
    assert fake.dmsa.get(f"{base}/{woc['id']}").json()["data"]["type"] == "WorkOrderContract"
    assert fake.dmsa.get(f"{base}/1").status_code == 404


def test_sov_line_items_sync_sets_origin_ids(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    line = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    r = fake.dmsa.patch(
        f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items/sync?project_id={pid}",
        {
            "updates": [
                {"id": line["id"], "origin_id": "PO-LINE-1"},
                {"origin_id": "PO-LINE-2", "cost_code_id": w["codes"][1]["id"], "amount": "10"},
            ]
        },
    )
    body = r.json()
    assert body["errors"] == [] and [e["origin_id"] for e in body["entities"]] == ["PO-LINE-1", "PO-LINE-2"]
    shown = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=pid).json()
    assert shown["grand_total"] == "1010.0"


def test_standard_cost_code_export_event(fake: Fake) -> None:
    parent = make_std_codes(fake, [("01", "General")])[0]
    r = fake.dmsa.post(
        "/rest/v1.0/standard_cost_codes",
        {
            "company_id": fake.company_id,
            "standard_cost_code": {
                "standard_cost_code_list_id": fake.erp_list_id,
                "code": "100",
                "name": "Pvmt Repair/Sealing",
                "parent_id": parent["id"],
            },
        },
    )
    child = r.json()
    assert child["full_code"] == "01-100"
    fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/external_data/sync",
        {
            "updates": [
                {
                    "item_type": "standard_cost_code",
                    "item_id": parent["id"],
                    "origin_id": "scc_parent_origin_id",
                }
            ]
        },
    )
    fake.act("send", "Erin Sponsor", "standard_cost_code", child["id"])
    r = fake.act("accept", "Alex Accountant", "standard_cost_code", child["id"])
    assert r.status_code == 422 and r.json() == {
        "errors": {
            "income_account_origin_id": ["Select the QuickBooks account this item posts to."],
            "expense_account_origin_id": ["Select the QuickBooks account this item posts to."],
        }
    }
    fake.act(
        "accept",
        "Alex Accountant",
        "standard_cost_code",
        child["id"],
        income_account_origin_id="80000010-INC",
        expense_account_origin_id="80000011-EXP",
    )
    detail = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details", **{"filters[item_id]": child["id"]}
    ).json()[0]
    req = fake.dmsa.get(
        f"/rest/v1.0/companies/{fake.company_id}/erp_requests/{detail['erp_request_id']}"
    ).json()
    assert req["request_name"] == "create_standard_cost_codes"
    item = req["request_data"][0]
    assert item["request_detail_id"] == detail["id"] and item["parent_origin_id"] == "scc_parent_origin_id"
    assert item["long_name_helper"][0] == ["01", "100"]
    assert item["erp_custom_fields"] == {
        "income_account_origin_id": "80000010-INC",
        "expense_account_origin_id": "80000011-EXP",
    }
