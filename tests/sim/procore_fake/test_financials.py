"""Budget, commitments with SOV, CCOs, subcontractor invoices, payments issued, direct costs, locking."""

from __future__ import annotations

from typing import Any

from pcfake_helpers import (
    Fake,
    cost_codes_of,
    make_commitment,
    make_invoice,
    make_project,
    make_std_codes,
    make_vendor,
    mark_synced,
    synced_world,
)

from sim.procore_fake.domain import locking

FORBIDDEN = {"errors": "You do not have access to perform this action."}


def _world(fake: Fake) -> dict[str, Any]:
    make_std_codes(fake, [("01-100", "Site Work"), ("03-300", "Concrete")])
    project = make_project(fake)
    return {"project": project, "vendor": make_vendor(fake), "codes": cost_codes_of(fake, project["id"])}


def test_budget_line_items_and_modifications(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    lines = []
    for cc, amount in zip(w["codes"], ("1000.00", "500.50"), strict=True):
        r = fake.dmsa.post(
            "/rest/v1.0/budget_line_items",
            {"project_id": pid, "budget_line_item": {"cost_code_id": cc["id"], "amount": amount}},
        )
        assert r.status_code == 201, r.text
        lines.append(r.json())
    assert lines[0]["original_budget_amount"] == "1000.0" and lines[0]["line_item_type"]["name"] == "Other"
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/budget_modifications",
        {
            "budget_modification": {
                "from_budget_line_item_id": lines[0]["id"],
                "to_budget_line_item_id": lines[1]["id"],
                "transfer_amount": "200",
                "notes": "move",
            }
        },
    )
    assert r.status_code == 201
    first = fake.dmsa.get(f"/rest/v1.0/budget_line_items/{lines[0]['id']}", project_id=pid).json()
    second = fake.dmsa.get(f"/rest/v1.1/budget_line_items/{lines[1]['id']}", project_id=pid).json()
    assert (first["budget_modifications"], first["revised_budget"]) == ("-200.0", "800.0")
    assert (second["budget_modifications"], second["revised_budget"]) == ("200.0", "700.5")
    listed = fake.page(f"/projects/{pid}/budget_line_items", "Alex Accountant")  # Read Only on Budget
    assert listed.status_code == 200 and [li["id"] for li in listed.json()] == [li["id"] for li in lines]


def test_budget_line_item_validation_and_lock(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(
        "/rest/v1.0/budget_line_items", {"project_id": pid, "budget_line_item": {"amount": "1"}}
    )
    assert r.status_code == 422 and r.json() == {"errors": {"cost_code_id": ["can't be blank"]}}
    r = fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "abc"}},
    )
    assert r.json() == {"errors": {"amount": ["is not a number"]}}
    assert fake.dmsa.post(f"/rest/v1.0/projects/{pid}/budget/lock").status_code == 201
    r = fake.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "1"}},
    )
    assert r.status_code == 422
    assert r.json() == {
        "error": "Budget Locked",
        "message": "The budget is locked. Unlock the budget to add or change original budget amounts.",
    }


def test_budget_permission_denied(fake: Fake) -> None:
    w = _world(fake)
    s = fake.login("Alex Accountant")  # read-only on Budget
    r = s.post(
        "/rest/v1.0/budget_line_items",
        {
            "project_id": w["project"]["id"],
            "budget_line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "1"},
        },
    )
    assert r.status_code == 403 and r.json() == FORBIDDEN


def test_commitments_with_sov_totals_and_paths(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    assert woc["type"] == "WorkOrderContract" and woc["number"] == "SC-001" and woc["grand_total"] == "1000.0"
    assert woc["vendor"]["company"] == "Acme Concrete"
    po = fake.dmsa.post(
        "/rest/v1.0/purchase_order_contracts",
        {
            "project_id": pid,
            "purchase_order_contract": {
                "title": "Rebar",
                "vendor_id": w["vendor"]["id"],
                "accounting_method": "unit",
                "line_items": [{"cost_code_id": w["codes"][1]["id"], "quantity": "10", "unit_cost": "12.5"}],
            },
        },
    ).json()
    assert po["number"] == "PO-001" and po["grand_total"] == "125.0"
    r = fake.dmsa.post(
        f"/rest/v1.0/purchase_order_contracts/{po['id']}/line_items",
        {"project_id": pid, "line_item": {"cost_code_id": w["codes"][1]["id"], "amount": "75"}},
    )
    assert r.status_code == 201
    shown = fake.dmsa.get(f"/rest/v1.0/purchase_order_contracts/{po['id']}", project_id=pid).json()
    assert shown["grand_total"] == "200.0"
    lines = fake.dmsa.get(f"/rest/v1.0/purchase_order_contracts/{po['id']}/line_items", project_id=pid).json()
    assert [li["amount"] for li in lines] == ["125.0", "75.0"]
    both = fake.dmsa.get("/rest/v1.0/commitments", project_id=pid).json()
    assert sorted(c["type"] for c in both) == ["PurchaseOrderContract", "WorkOrderContract"]
    assert fake.dmsa.get(f"/rest/v1.0/commitments/{woc['id']}", project_id=pid).json()["id"] == woc["id"]


def test_commitment_validation_errors(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(
        "/rest/v1.0/work_order_contracts",
        {"project_id": pid, "work_order_contract": {"title": "X", "status": "Signed"}},
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "status": [
                "is not included in the list (Draft, Out For Bid, Out For Signature, Approved, Complete, "
                "Terminated, Void)"
            ]
        }
    }
    r = fake.dmsa.post(
        "/rest/v1.0/work_order_contracts",
        {"project_id": pid, "work_order_contract": {"title": "X", "vendor_id": 42}},
    )
    assert r.json() == {"errors": {"vendor_id": ["is invalid"]}}


def test_commitment_change_orders_roll_into_revised_contract(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/commitment_change_orders",
        {
            "commitment_change_order": {
                "contract_id": woc["id"],
                "title": "Extra footing",
                "status": "approved",
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "233"}],
            }
        },
    )
    assert r.status_code == 201 and r.json()["grand_total"] == "233.0"
    shown = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=pid).json()
    assert (shown["approved_change_orders"], shown["revised_contract"]) == ("233.0", "1233.0")
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/commitment_change_orders",
        {"commitment_change_order": {"contract_id": woc["id"], "title": "Bad", "status": "done"}},
    )
    assert r.json() == {
        "errors": {"status": ["is not included in the list (draft, pending, approved, rejected, void)"]}
    }


def test_requisition_fields_and_current_payment_due(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    req = make_invoice(fake, pid, woc)
    assert (req["billing_date"], req["payment_date"], req["invoice_number"]) == (
        "2024-01-31",
        "2024-02-29",
        "INV-9348",
    )
    assert req["summary"] == {
        "work_completed_this_period": "400.0",
        "materials_presently_stored": "0.0",
        "total_retainage_this_period": "40.0",
        "current_payment_due": "360.0",
    }
    assert req["formatted_payment_due"] == "$360.00"
    items = fake.dmsa.get(f"/rest/v1.0/requisitions/{req['id']}/contract_items", project_id=pid).json()
    assert [(i["scheduled_value"], i["retainage_this_period"]) for i in items] == [("1000.0", "40.0")]
    assert [r["id"] for r in fake.dmsa.get("/rest/v1.0/requisitions", project_id=pid).json()] == [req["id"]]


def test_contract_payments_crud_and_totals(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    r = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "250", "date": "2024-03-01", "check_number": "1001"},
        },
    )
    assert r.status_code == 201
    listed = fake.dmsa.get("/rest/v1.0/contract_payments", project_id=pid, contract_id=woc["id"]).json()
    assert [p["check_number"] for p in listed] == ["1001"]
    shown = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=pid).json()
    assert shown["total_payments"] == "250.0" and shown["remaining_balance_outstanding"] == "750.0"
    bad = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "1", "date": "2024-03-01", "payment_method": "barter"},
        },
    )
    assert bad.status_code == 422
    assert bad.json() == {
        "errors": {
            "payment_method": ["is not included in the list (check, ach, credit_card, wire, cash, other)"]
        }
    }


def test_direct_costs_and_lock_once_synced(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    r = fake.dmsa.post(
        f"/rest/v1.1/projects/{pid}/direct_costs",
        {
            "direct_cost": {
                "direct_cost_date": "2024-01-10",
                "invoice_number": "DC-1",
                "vendor_id": w["vendor"]["id"],
                "line_items": [{"cost_code_id": w["codes"][0]["id"], "amount": "99.95"}],
            }
        },
    )
    assert r.status_code == 201 and r.json()["grand_total"] == "99.95"
    cost = r.json()
    mark_synced(fake, "item", cost["id"], "DC-ORIGIN-1")
    r = fake.dmsa.patch(
        f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}", {"direct_cost": {"description": "x"}}
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "base": ["The direct cost cannot be edited or deleted because it is synced with an ERP system"]
        }
    }
    assert fake.dmsa.delete(f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}").status_code == 422


def test_synced_invoice_and_payment_are_locked(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"], amount="1000")
    req = make_invoice(fake, pid, woc)
    mark_synced(fake, "requisition", req["id"], "BILL-1")
    r = fake.dmsa.patch(
        f"/rest/v1.1/requisitions/{req['id']}", {"project_id": pid, "requisition": {"invoice_number": "X"}}
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {"base": ["The invoice is not editable because it has been synced with ERP"]}
    }
    pay = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "5", "date": "2024-03-01"},
        },
    )
    mark_synced(fake, "contract_payment", pay.json()["id"], "PMT-1")
    r = fake.dmsa.delete(
        f"/rest/v1.0/contract_payments/{pay.json()['id']}", project_id=pid, contract_id=woc["id"]
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "base": [
                "The Contract Payment cannot be edited or deleted because it is synced with an ERP system"
            ]
        }
    }


def test_synced_approved_commitment_locks_sov_and_vendor(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-TXN-1")
    r = fake.dmsa.post(
        f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items",
        {"project_id": pid, "line_item": {"cost_code_id": w["codes"][0]["id"], "amount": "1"}},
    )
    assert r.status_code == 422
    assert r.json() == {
        "errors": {
            "base": [
                "The schedule of values and contract company of a commitment synced with ERP "
                "cannot be changed."
            ]
        }
    }
    r = fake.dmsa.patch(
        f"/rest/v1.0/work_order_contracts/{woc['id']}",
        {"project_id": pid, "work_order_contract": {"title": "Renamed"}},
    )
    assert r.status_code == 200 and r.json()["title"] == "Renamed"
    r = fake.dmsa.delete(f"/rest/v1.0/work_order_contracts/{woc['id']}", project_id=pid)
    assert r.json() == {"errors": {"base": ["A commitment synced with ERP cannot be deleted."]}}


def test_commitment_permission_denied(fake: Fake) -> None:
    w = _world(fake)
    s = fake.login("Alex Accountant")
    r = s.post(
        "/rest/v1.0/work_order_contracts",
        {"project_id": w["project"]["id"], "work_order_contract": {"title": "X"}},
    )
    assert r.status_code == 403 and r.json() == FORBIDDEN
    r = s.post(
        "/rest/v1.1/requisitions", {"project_id": w["project"]["id"], "requisition": {"commitment_id": 1}}
    )
    assert r.status_code == 403


def test_direct_costs_sync_upserts_by_origin_id(fake: Fake) -> None:
    w = _world(fake)
    pid = w["project"]["id"]
    url = f"/rest/v1.0/projects/{pid}/direct_costs/sync"
    body = {"updates": [{"origin_id": "QB-TXN-1", "direct_cost_date": "2024-02-01", "invoice_number": "A"}]}
    first = fake.dmsa.patch(url, body).json()["entities"][0]
    body["updates"][0]["invoice_number"] = "B"
    second = fake.dmsa.patch(url, body).json()["entities"][0]
    assert second["id"] == first["id"] and second["invoice_number"] == "B"


def test_synced_payment_number_stays_editable(fake: Fake) -> None:
    """Seed 003: synced payments are read-only except the Payment # (and attachments)."""
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    pay = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "5", "date": "2024-03-01"},
        },
    )
    pid_ = pay.json()["id"]
    mark_synced(fake, "contract_payment", pid_, "PMT-1")
    ok = fake.dmsa.patch(
        f"/rest/v1.0/contract_payments/{pid_}",
        {"project_id": pid, "contract_payment": {"payment_number": "P-7"}},
    )
    assert ok.status_code == 200 and ok.json()["payment_number"] == "P-7"
    no = fake.dmsa.patch(
        f"/rest/v1.0/contract_payments/{pid_}", {"project_id": pid, "contract_payment": {"notes": "x"}}
    )
    assert no.status_code == 422


def test_synced_approved_change_order_is_locked(fake: Fake) -> None:
    """CCO statuses are lowercase ("approved"): a synced approved CCO keeps its lines, cannot be deleted."""
    w = synced_world(fake)
    pid = w["project"]["id"]
    woc = make_commitment(fake, w["project"], w["vendor"], w["codes"][0]["id"])
    mark_synced(fake, "work_order_contract", woc["id"], "PO-1")
    path = f"/rest/v1.0/projects/{pid}/commitment_change_orders"
    line = {"cost_code_id": w["codes"][0]["id"], "amount": "233"}
    ccos = []
    for title, status in (("CO 1", "approved"), ("CO 2", "pending")):
        attrs = {"contract_id": woc["id"], "title": title, "status": status, "line_items": [line]}
        ccos.append(fake.dmsa.post(path, {"commitment_change_order": attrs}).json())
        mark_synced(fake, "change_order", ccos[-1]["id"], f"CO-TXN-{title}")
    locked, pending = ccos
    r = fake.dmsa.patch(f"{path}/{locked['id']}", {"commitment_change_order": {"line_items": [line]}})
    assert r.status_code == 422 and r.json() == {"errors": {"base": [locking.COMMITMENT_LOCKED]}}
    assert locking.COMMITMENT_LOCKED.startswith("The schedule of values and contract company")
    r = fake.dmsa.delete(f"{path}/{locked['id']}")
    assert r.status_code == 422
    assert r.json() == {"errors": {"base": ["A commitment synced with ERP cannot be deleted."]}}
    assert fake.dmsa.delete(f"{path}/{pending['id']}").status_code == 204  # not approved: not locked
