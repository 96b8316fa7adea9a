"""Emitted ERP events that no other test named: each triggered by its Procore-side action, delivered by
webhook, and checked against the dictionary's request_data (keys and types)."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import (
    Fake,
    assert_documented_shape,
    delivered_erp_requests,
    make_commitment,
    make_invoice,
    make_std_codes,
    make_vendor,
    mark_synced,
    mark_transactions_synced,
    subscribe_erp_requests,
    synced_world,
)

FORBIDDEN = {"errors": "You do not have access to perform this action."}


def _only(fake: Fake, name: str) -> dict[str, Any]:
    [req] = delivered_erp_requests(fake)
    assert req["request_name"] == name
    return req["request_data"]


def test_add_to_procore_on_a_staged_job_emits_create_job_in_procore(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    staged = fake.dmsa.post(
        f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records",
        {
            "staged_record": {
                "item_type": "project",
                "origin_id": "800003DD-J",
                "origin_code": "AN-TSE",
                "data": {"name": "Ant Eaters"},
            }
        },
    ).json()
    r = fake.sim("POST", f"/erp/staged/{staged['id']}/import", {"as_user_id": fake.users["Alex Accountant"]})
    assert r.status_code == 403 and r.json() == FORBIDDEN  # importing a job needs ERP Integrations admin
    project = fake.sim(
        "POST", f"/erp/staged/{staged['id']}/import", {"as_user_id": fake.users["Erin Sponsor"]}
    ).json()
    data = _only(fake, "create_job_in_procore")
    assert_documented_shape("create_job_in_procore", data)
    assert data["project"]["id"] == project["id"] and data["project"]["origin_code"] == "AN-TSE"


def test_super_user_unlink_of_a_standard_cost_code_emits_unlink_standard_cost_codes(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    [code] = make_std_codes(fake, [("01-100", "Site Work")])
    mark_synced(fake, "standard_cost_code", code["id"], "80000001-1")
    r = fake.sim("POST", "/erp/support/reset", {"item_type": "standard_cost_code", "item_id": code["id"]})
    assert r.status_code == 200 and r.json()["origin_id"] is None
    data = _only(fake, "unlink_standard_cost_codes")
    assert_documented_shape("unlink_standard_cost_codes", data)
    assert data == {
        "standard_cost_codes": [{"id": code["id"], "sortable_code": "01-100", "origin_id": "80000001-1"}]
    }


def test_unlinking_a_synced_vendor_emits_unlink_vendor(fake: Fake) -> None:
    subscribe_erp_requests(fake)
    vendor = make_vendor(fake)
    mark_synced(fake, "vendor", vendor["id"], "800000CD-1")
    r = fake.act("unlink", "Robin Viewer", "vendor", vendor["id"])
    assert r.status_code == 403 and r.json() == FORBIDDEN
    assert fake.act("unlink", "Alex Accountant", "vendor", vendor["id"]).json()["origin_id"] is None
    data = _only(fake, "unlink_vendor")
    assert_documented_shape("unlink_vendor", data)
    assert data == {"vendor": {"id": vendor["id"], "origin_id": "800000CD-1"}, "company_id": fake.company_id}


def test_reexporting_a_changed_synced_budget_emits_update_budget(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "100"}},
    ).json()
    budget = fake.sim(
        "POST", "/erp/budgets", {"as_user_id": fake.users["Pat Manager"], "project_id": pid}
    ).json()
    subscribe_erp_requests(fake)
    fake.act("send", "Pat Manager", "budget", budget["item_id"])
    fake.act("accept", "Alex Accountant", "budget", budget["item_id"])
    created = _only(fake, "create_budget")
    mark_synced(fake, "budget", budget["item_id"], "800000EE-1")
    mark_transactions_synced(fake, created)  # else the re-export carries them again
    r = fake.dmsa.patch(
        f"/rest/v1.0/companies/{fake.company_id}/erp_request_details/{created['request_detail_id']}",
        {"request_detail": {"status": "success"}},
    )
    assert r.status_code == 200, r.text
    r = fake.dmsa.post(  # an added line item: the budget goes to Ready to Update (seed 001)
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": w["codes"][1]["id"], "amount": "150"}},
    )
    assert r.status_code == 201, r.text
    added = r.json()
    assert fake.act("send", "Pat Manager", "budget", budget["item_id"]).status_code == 200
    r = fake.act("accept", "Pat Manager", "budget", budget["item_id"])
    assert r.status_code == 403  # only accounting approvers export
    assert (
        fake.act("accept", "Alex Accountant", "budget", budget["item_id"]).json()["status"] == "in_progress"
    )
    data = _only(fake, "update_budget")
    # The dictionary gives no update_budget example: it re-exports the create_budget payload, whose
    # required actions close a request detail the example does not show.
    # Cost types do not go to QuickBooks (seed 001): "Other" has no origin id.
    assert_documented_shape(
        "create_budget",
        data,
        extra=("request_detail_id",),
        nullable=("job_costs[].line_item_type_origin_id",),
    )
    assert [j["new_amount"] for j in data["job_costs"]] == [100, 150]
    assert [t["job_cost_id"] for t in data["transactions"]] == [added["id"]]


def _synced_invoice(fake: Fake) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    w = synced_world(fake)
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    invoice = make_invoice(fake, w["project"]["id"], woc)
    mark_synced(fake, "requisition", invoice["id"], "BILL-1")
    return w, woc, invoice


def test_super_user_reset_of_a_synced_invoice_emits_reset_requisition(fake: Fake) -> None:
    w, _, invoice = _synced_invoice(fake)
    subscribe_erp_requests(fake)
    r = fake.sim("POST", "/erp/support/reset", {"item_type": "requisition", "item_id": invoice["id"]})
    assert r.status_code == 200, r.text
    data = _only(fake, "reset_requisition")
    assert_documented_shape("reset_requisition", data)
    assert data == {
        "requisition_id": invoice["id"],
        "project_id": w["project"]["id"],
        "requisition_origin_id": "BILL-1",
        "reset_override": False,
    }


def test_super_user_reset_of_a_synced_payment_emits_reset_payment(fake: Fake) -> None:
    w, woc, invoice = _synced_invoice(fake)
    payment = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": w["project"]["id"],
            "contract_id": woc["id"],
            "contract_payment": {
                "amount": "36",
                "date": "2024-03-01",
                "requisition_id": invoice["id"],
                "payment_method": "credit_card",
                "origin_code": "BP-7",
                "origin_data": "QBD",
            },
        },
    ).json()
    mark_synced(fake, "contract_payment", payment["id"], "BILLPMT-1")
    subscribe_erp_requests(fake)
    r = fake.sim("POST", "/erp/support/reset", {"item_type": "contract_payment", "item_id": payment["id"]})
    assert r.status_code == 200, r.text
    data = _only(fake, "reset_payment")
    assert_documented_shape("reset_payment", data)
    assert (data["payment_id"], data["payment_type"], data["origin_id"]) == (
        payment["id"],
        "credit_card",
        "BILLPMT-1",
    )


def test_unlinking_a_synced_cco_emits_unlink_commitment_change_order(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    cco = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/commitment_change_orders",
        {
            "commitment_change_order": {
                "contract_id": woc["id"],
                "title": "CO 1",
                "status": "approved",
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "233"}],
            }
        },
    ).json()
    mark_synced(fake, "change_order", cco["id"], "PO-1-LINE-2")
    subscribe_erp_requests(fake)
    r = fake.act("unlink", "Pat Manager", "commitment_change_order", cco["id"])
    assert r.status_code == 403 and r.json() == FORBIDDEN  # no ERP Integrations permission
    assert fake.act("unlink", "Alex Accountant", "commitment_change_order", cco["id"]).status_code == 200
    data = _only(fake, "unlink_commitment_change_order")
    assert_documented_shape("unlink_commitment_change_order", data)
    assert (data["commitment_origin_id"], data["commitment_change_order_origin_id"]) == (
        "PO-1",
        "PO-1-LINE-2",
    )
