"""The editing locks live in the domain: every domain write a route calls refuses an item that waits for
accounting acceptance, whoever calls it, and no route checks a lock itself (so none can forget one).

The records are made through the HTTP face; the guarded functions are then called directly, which is the
point: the guard holds without the route in front of it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pcfake_helpers import Fake, build, populate_two_of_everything

import sim.procore_fake.routers
from sim.procore_fake.domain import (
    budget,
    change_orders,
    commitments,
    cost_codes,
    direct_costs,
    erp_deletes,
    projects,
    requisitions,
    vendors,
)
from sim.procore_fake.domain.locking import PENDING_MESSAGE
from sim.procore_fake.errors import Locked

WOC = "work_order_contract"


@pytest.fixture(scope="module")
def world() -> Iterator[dict[str, Any]]:
    """One of every guarded record, each marked as waiting for accounting acceptance."""
    fake = build()
    made = populate_two_of_everything(fake)
    pid = made["pid"]
    cost = fake.dmsa.get(f"/rest/v1.0/projects/{pid}/direct_costs").json()[0]
    codes = fake.dmsa.get("/rest/v1.0/cost_codes", project_id=pid).json()
    r = fake.dmsa.post(
        f"/rest/v1.0/projects/{pid}/direct_costs/{cost['id']}/line_items",
        {"line_item": {"cost_code_id": codes[0]["id"], "amount": "5"}},
    )
    assert r.status_code == 201, r.text
    store = fake.state.store
    project = store.get("project", pid)

    def first(kind: str, **where: Any) -> dict[str, Any]:
        return store.query(kind, **where)[0]

    w = {
        "fake": fake,
        "cid": fake.company_id,
        "project": project,
        "budget": budget.erp_budget(store, fake.company_id, project),
        "vendor": first("vendor", company_id=fake.company_id),
        "standard_cost_code": first("standard_cost_code", company_id=fake.company_id),
        "woc": store.get(WOC, made["woc"]),
        "sov_line": [
            li for li in first_all(store, "commitment_line_item", pid) if li["holder"]["id"] == made["woc"]
        ][0],
        "cco": first("commitment_change_order", project_id=pid),
        "requisition": first("requisition", project_id=pid),
        "requisition_item": first("requisition_item", project_id=pid),
        "payment": first("contract_payment", project_id=pid),
        "direct_cost": store.get("direct_cost", cost["id"]),
        "direct_cost_line": first("direct_cost_line_item", project_id=pid),
        "budget_line": first("budget_line_item", project_id=pid),
    }
    for key, kind in PENDING.items():
        w[key]["_erp"] = {**w[key].get("_erp", {}), "status": "waiting"}
        w[key] = store.put(kind, w[key])
    yield w
    fake.close()


def first_all(store: Any, kind: str, project_id: int) -> list[dict[str, Any]]:
    return store.query(kind, project_id=project_id)


PENDING = {
    "project": "project",
    "budget": "budget",
    "vendor": "vendor",
    "standard_cost_code": "standard_cost_code",
    "woc": WOC,
    "cco": "commitment_change_order",
    "requisition": "requisition",
    "payment": "contract_payment",
    "direct_cost": "direct_cost",
}

Call = Callable[[Any, Any, dict[str, Any]], Any]
GUARDED: dict[str, Call] = {
    "vendors.update": lambda s, c, w: vendors.update(s, c, w["vendor"], {"name": "Renamed"}),
    "projects.update": lambda s, c, w: projects.update(s, c, w["project"], {"name": "Renamed"}),
    "cost_codes.update_standard": lambda s, c, w: cost_codes.update_standard(
        s, c, w["standard_cost_code"], {"name": "Renamed"}
    ),
    "erp_deletes.delete_standard_code": lambda s, c, w: erp_deletes.delete_standard_code(
        s, c, w["cid"], w["standard_cost_code"]
    ),
    "budget.create_line_item": lambda s, c, w: budget.create_line_item(
        s, c, w["cid"], w["project"], {"cost_code_id": w["sov_line"]["cost_code"]["id"], "amount": "1"}
    ),
    "budget.update_line_item": lambda s, c, w: budget.update_line_item(
        s, c, w["project"], w["budget_line"], {"amount": "99"}
    ),
    "commitments.update": lambda s, c, w: commitments.update(s, c, w["cid"], WOC, w["woc"], {"title": "T"}),
    "commitments.add_line_item": lambda s, c, w: commitments.add_line_item(
        s, c, w["cid"], WOC, w["woc"], {"cost_code_id": w["sov_line"]["cost_code"]["id"], "amount": "1"}
    ),
    "commitments.update_line_item": lambda s, c, w: commitments.update_line_item(
        s, WOC, w["woc"], w["sov_line"], {"description": "Changed"}
    ),
    "commitments.delete_line_item": lambda s, c, w: commitments.delete_line_item(
        s, WOC, w["woc"], w["sov_line"]
    ),
    "commitments.delete": lambda s, c, w: commitments.delete(s, WOC, w["woc"]),
    "change_orders.update": lambda s, c, w: change_orders.update(s, c, w["cid"], w["cco"], {"title": "T"}),
    "change_orders.delete": lambda s, c, w: change_orders.delete(s, w["cco"]),
    "requisitions.update": lambda s, c, w: requisitions.update(
        s, c, w["requisition"], {"invoice_number": "9"}
    ),
    "requisitions.update_item": lambda s, c, w: requisitions.update_item(
        s, w["requisition"], w["requisition_item"], {"work_completed_this_period": "1"}
    ),
    "requisitions.set_payment_date": lambda s, c, w: requisitions.set_payment_date(
        s, c, w["requisition"], "2024-03-01"
    ),
    "requisitions.delete": lambda s, c, w: requisitions.delete(s, w["requisition"]),
    "requisitions.update_payment": lambda s, c, w: requisitions.update_payment(
        s, c, w["payment"], {"payment_number": "7"}
    ),
    "requisitions.delete_payment": lambda s, c, w: requisitions.delete_payment(s, w["cid"], w["payment"]),
    "direct_costs.update": lambda s, c, w: direct_costs.update(s, c, w["direct_cost"], {"description": "D"}),
    "direct_costs.add_line": lambda s, c, w: direct_costs.add_line(
        s, c, w["cid"], w["direct_cost"], {"cost_code_id": w["direct_cost_line"]["cost_code"]["id"]}
    ),
    "direct_costs.update_line": lambda s, c, w: direct_costs.update_line(
        s, w["direct_cost"], w["direct_cost_line"], {"amount": "2"}
    ),
    "direct_costs.delete": lambda s, c, w: direct_costs.delete(s, w["direct_cost"]),
    "direct_costs.delete_line": lambda s, c, w: direct_costs.delete_line(
        s, w["direct_cost"], w["direct_cost_line"]
    ),
}


@pytest.mark.parametrize("name", sorted(GUARDED))
def test_each_domain_write_refuses_a_pending_item(name: str, world: dict[str, Any]) -> None:
    fake: Fake = world["fake"]
    store = fake.state.store
    before = store.dump_rows()
    with pytest.raises(Locked) as refused:
        GUARDED[name](store, fake.clock, world)
    assert (refused.value.status_code, refused.value.body()) == (422, {"errors": {"base": [PENDING_MESSAGE]}})
    assert store.dump_rows() == before  # refused before anything was written


def test_the_unguarded_spelling_is_explicit() -> None:
    """``locks=False`` is how the ERP's own sync writes past the lock: a named keyword, never the default."""
    for fn in (vendors.update, projects.update, cost_codes.update_standard, direct_costs.update,
               commitments.add_line_item, budget.create_line_item, budget.update_line_item):
        assert fn.__kwdefaults__ == {"locks": True}, fn.__qualname__


def test_no_route_checks_a_lock_itself() -> None:
    """The routers call the domain; only the domain imports the locking rules."""
    offenders = []
    for path in sorted(Path(sim.procore_fake.routers.__file__).parent.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "locking" for a in node.names):
                offenders.append(f"{path.name}:{node.lineno} imports locking")
            if isinstance(node, ast.Attribute) and node.attr.startswith("check_") and (
                isinstance(node.value, ast.Name) and node.value.id in ("locking", "approval")
            ):
                offenders.append(f"{path.name}:{node.lineno} calls {node.value.id}.{node.attr}")
    assert offenders == []
