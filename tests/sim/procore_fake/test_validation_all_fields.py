"""Rails validation: one error body names every failing attribute, in the endpoint family's shape."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import Fake, cost_codes_of, make_commitment, make_project, make_std_codes, make_vendor

from sim.procore_fake.errors import ValidationFailed

BLANK = ["can't be blank"]
NUMBER = ["is not a number"]
INVALID = ["is invalid"]


def _world(fake: Fake) -> dict[str, Any]:
    make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    project = make_project(fake)
    return {"project": project, "vendor": make_vendor(fake), "codes": cost_codes_of(fake, project["id"])}


def test_vendor_blank_name_and_taken_origin_id_in_one_body(fake: Fake) -> None:
    taken = fake.dmsa.post(
        "/rest/v1.0/vendors", {"company_id": fake.company_id, "vendor": {"name": "A", "origin_id": "QB-1"}}
    )
    assert taken.status_code == 201
    r = fake.dmsa.post(
        "/rest/v1.0/vendors", {"company_id": fake.company_id, "vendor": {"name": " ", "origin_id": "QB-1"}}
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"name": BLANK, "origin_id": ["has already been taken"]}}
    r = fake.dmsa.patch(
        f"/rest/v1.0/vendors/{taken.json()['id']}", {"company_id": fake.company_id, "vendor": {"name": ""}}
    )
    assert r.status_code == 422 and r.json() == {"errors": {"name": BLANK}}


def test_project_blank_name_and_unknown_cost_code_list(fake: Fake) -> None:
    r = fake.dmsa.post(
        "/rest/v1.0/projects",
        {"company_id": fake.company_id, "project": {"name": "", "standard_cost_code_list_id": 999}},
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"name": BLANK, "standard_cost_code_list_id": INVALID}}


def test_commitment_reports_its_own_and_its_lines_errors_together(fake: Fake) -> None:
    w = _world(fake)
    r = fake.dmsa.post(
        "/rest/v1.0/work_order_contracts",
        {
            "project_id": w["project"]["id"],
            "work_order_contract": {
                "title": "",
                "status": "Signed",
                "accounting_method": "lump",
                "vendor_id": 424242,
                "line_items": [
                    {"cost_code_id": w["codes"][0]["id"], "amount": "lots"},
                    {"cost_code_id": 1, "amount": "5", "quantity": "two"},
                ],
            },
        },
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "title": BLANK,
            "vendor_id": INVALID,
            "status": [
                "is not included in the list (Draft, Out For Bid, Out For Signature, Approved, Complete, "
                "Terminated, Void)"
            ],
            "accounting_method": ["is not included in the list (amount, unit)"],
            "line_items.amount": NUMBER,
            "line_items.cost_code_id": INVALID,
            "line_items.quantity": NUMBER,
        }
    }
    # nothing was half-made: the contract and its first (valid-cost-code) line are not stored
    listed = fake.dmsa.get("/rest/v1.0/work_order_contracts", project_id=w["project"]["id"])
    assert listed.json() == []


def test_commitment_update_reports_every_bad_field(fake: Fake) -> None:
    w = _world(fake)
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    r = fake.dmsa.patch(
        f"/rest/v1.0/work_order_contracts/{woc['id']}",
        {
            "project_id": w["project"]["id"],
            "work_order_contract": {"title": "", "vendor_id": 7, "status": "x"},
        },
    )
    assert r.status_code == 422
    assert set(r.json()["errors"]) == {"title", "vendor_id", "status"}
    shown = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=w["project"]["id"])
    assert shown.json()["title"] == "Concrete package"  # unchanged


def test_sov_line_update_names_each_bad_number(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    line = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    r = fake.dmsa.patch(
        f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items/{line['id']}",
        {"project_id": pid, "line_item": {"quantity": "a", "unit_cost": "b"}},
    )
    assert r.status_code == 422 and r.json() == {"errors": {"quantity": NUMBER, "unit_cost": NUMBER}}


def test_direct_cost_payment_and_requisition_list_every_failure(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/direct_costs",
        {
            "direct_cost": {
                "direct_cost_type": "Gift",
                "status": "paid",
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "x"}],
            }
        },
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "direct_cost_date": BLANK,
            "direct_cost_type": [
                "is not included in the list (Invoice, Expense, Payroll, Subcontractor Invoice)"
            ],
            "status": ["is not included in the list (draft, pending, revise_and_resubmit, approved)"],
            "line_items.amount": NUMBER,
        }
    }
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    r = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "ten", "payment_method": "barter", "requisition_id": 5},
        },
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "date": BLANK,
            "amount": NUMBER,
            "payment_method": ["is not included in the list (check, ach, credit_card, wire, cash, other)"],
            "requisition_id": INVALID,
        }
    }
    r = fake.dmsa.post(
        "/rest/v1.1/requisitions",
        {
            "project_id": pid,
            "commitment_id": woc["id"],
            "requisition": {
                "commitment_id": woc["id"],
                "status": "paid",
                "items": [{"commitment_line_item_id": "x"}],
            },
        },
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "status": [
                "is not included in the list (draft, under_review, revise_and_resubmit, approved, "
                "approved_as_noted, pending_owner_approval)"
            ],
            "items.commitment_line_item_id": NUMBER,
        }
    }


def test_cost_codes_budget_and_periods_list_every_failure(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(
        "/rest/v1.0/standard_cost_codes",
        {
            "company_id": fake.company_id,
            "standard_cost_code": {"standard_cost_code_list_id": fake.erp_list_id, "code": "9" * 97},
        },
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"name": BLANK, "code": ["is too long (maximum is 96 characters)"]}}
    r = fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": 1, "line_item_type_id": 2, "amount": "?"}},
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"cost_code_id": INVALID, "line_item_type_id": INVALID, "amount": NUMBER}}
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/billing_periods",
        {"billing_period": {"start_date": "2024-02-30", "end_date": "2024-01-31"}},
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"due_date": BLANK, "start_date": ["is not a valid date"]}}
    r = fake.dmsa.post(
        "/rest/v1.0/webhooks/hooks",
        {"company_id": fake.company_id, "hook": {"destination_url": "ftp://x", "destination_headers": [1]}},
    )
    assert r.status_code == 422
    assert r.json() == {"errors": {"destination_url": INVALID, "destination_headers": ["must be an object"]}}


def test_v2_paths_wrap_validation_errors_in_the_v2_envelope(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions", {"project_id": pid, "commitment_id": woc["id"], "requisition": {}}
    ).json()
    url = f"/rest/v2.0/companies/{fake.company_id}/projects/{pid}/requisitions/{req['id']}/payment_details"
    r = fake.dmsa.patch(url, {"due_date": "someday"})
    assert r.status_code == 422
    assert r.json() == {
        "error": {
            "code": "unprocessable_entity",
            "message": "Validation failed: Due date is not a valid date",
            "details": [
                {"reason_code": "invalid", "message": "Due date is not a valid date", "source": "due_date"}
            ],
        }
    }


def test_v2_body_names_rails_error_types() -> None:
    exc = ValidationFailed(
        {"name": ["can't be blank"], "line_items.amount": ["is not a number"], "base": ["Locked"]}
    )
    assert [(d["reason_code"], d["message"], d["source"]) for d in exc.v2_body()["error"]["details"]] == [
        ("blank", "Name can't be blank", "name"),
        ("not_a_number", "Amount is not a number", "line_items.amount"),
        ("invalid", "Locked", "base"),
    ]


def test_staged_record_lists_every_failure(fake: Fake) -> None:
    r = fake.dmsa.post(
        f"/rest/v1.0/companies/{fake.company_id}/erp_staged_records",
        {"staged_record": {"item_type": "gadget", "status": "lost"}},
    )
    assert r.status_code == 422
    body = r.json()["errors"]
    assert list(body) == ["item_type", "status", "origin_id"]
    assert body["item_type"][0].startswith("is not included in the list (")
    assert body["status"][0].startswith("is not included in the list (") and body["origin_id"] == BLANK
