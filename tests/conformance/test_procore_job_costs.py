"""QuickBooks job costs → Procore through the whole integration (seed 001 "Job Costs"): Procore's two-hourly
project sync (``sync_single_job``) reaches the connector, the Web Connector carries the job's Job Estimates
vs. Actuals Detail and Custom Transaction Detail reports back, and Procore's job costs show them per synced
cost code (``conformance.procore_stack``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from conformance.procore_stack import ProcoreStack, commitment_invoiced, job_actual_costs

World = tuple[ProcoreStack, dict[str, Any], list[dict[str, Any]]]
JOB = "Tower Apartments"
TWO_HOURS = 2 * 3600


def _round(stack: ProcoreStack) -> Any:
    stack.sync()
    result = stack.run_update()
    stack.tick()
    return result


def _world(*, budget: bool = True, start_date: str | None = None) -> World:
    """Three cost codes and the project synced; the budget (01-100 1000, 03-300 2500.50) exported."""
    stack = ProcoreStack.create()
    for code, name in [("01-100", "Site Work"), ("03-300", "Concrete"), ("06-100", "Carpentry")]:
        stack.export_standard_cost_code(code, name)
    _round(stack)
    project = stack.new_project(JOB, **({"start_date": start_date} if start_date else {}))
    stack.send_and_accept("project", project["id"])
    _round(stack)
    codes = sorted(stack.rest("GET", "/rest/v1.0/cost_codes", {"project_id": project["id"]}),
                   key=lambda c: c["full_code"])
    if budget:
        for cc, amount in zip(codes, ("1000", "2500.50"), strict=False):
            stack.add_budget_line(project["id"], cc["id"], amount)
        stack.lock_budget(project["id"])
        stack.send_and_accept("budget", stack.erp_budget(project["id"]), sender="Pat Manager")
        _round(stack)
    return stack, project, codes


@pytest.fixture
def world() -> World:
    return _world()


def _costs_in_quickbooks(stack: ProcoreStack) -> None:
    """A purchase order billed in part, a direct cost on a check, and what is never retrieved."""
    company = stack.company
    company.ui.create_vendor("Ace Concrete")
    company.ui.enter_purchase_order("Ace Concrete", [{"item": "03-300", "amount": "2000", "job": JOB}],
                                    ref_number="PO-1")
    company.ui.enter_bill("Ace Concrete", ref_number="B-1", po="PO-1")
    company.ui.write_check("Ace Concrete", items=[{"item": "01-100", "amount": "150.25", "job": JOB}])


def _scheduled_sync(stack: ProcoreStack) -> list[int]:
    """Two hours pass: Procore's project sync goes out; one Web Connector update carries it out."""
    emitted = stack.advance(TWO_HOURS)
    _round(stack)
    return emitted


def _job_costs(stack: ProcoreStack, project: dict[str, Any],
               codes: list[dict[str, Any]]) -> dict[str, dict[str, Decimal]]:
    path = f"/_sim/companies/{stack.company_id}/projects/{project['id']}/erp/job_costs"
    answer = stack.procore.get(path, params={"as_user_id": stack.users["Erin Sponsor"]})
    assert answer.status_code == 200, answer.text
    names = {c["id"]: c["full_code"] for c in codes}
    fields = ("original_estimate", "estimate", "job_to_date_cost", "commitment_invoiced")
    return {names[r["cost_code_id"]]: {f: Decimal(r[f]) for f in fields} for r in answer.json()}


def test_job_costs_of_a_synced_budget_are_written_per_synced_cost_code_every_two_hours(world: World) -> None:
    stack, project, codes = world
    _costs_in_quickbooks(stack)
    stack.advance(TWO_HOURS)  # the schedule starts counting when first observed
    _round(stack)
    _scheduled_sync(stack)
    costs = _job_costs(stack, project, codes)
    assert costs["03-300"] == {"original_estimate": Decimal("2500.50"), "estimate": Decimal("2500.50"),
                               "job_to_date_cost": Decimal("2000.00"),
                               "commitment_invoiced": Decimal("2000.00")}
    assert costs["01-100"] == {"original_estimate": Decimal("1000.00"), "estimate": Decimal("1000.00"),
                               "job_to_date_cost": Decimal("150.25"), "commitment_invoiced": Decimal("0.00")}
    assert costs["06-100"]["job_to_date_cost"] == Decimal("0.00")  # synced, with nothing on it yet
    # line by line what QuickBooks' own reports say
    assert {k: v["estimate"] for k, v in costs.items() if v["estimate"]} == stack.est_cost(JOB)
    assert {k: v["job_to_date_cost"] for k, v in costs.items() if v["job_to_date_cost"]} == job_actual_costs(
        stack.company, JOB)
    assert {k: v["commitment_invoiced"] for k, v in costs.items() if v["commitment_invoiced"]} == (
        commitment_invoiced(stack.company, JOB))


def _synced_once(stack: ProcoreStack) -> None:
    stack.advance(TWO_HOURS)  # the schedule starts counting when first observed
    _round(stack)
    _scheduled_sync(stack)


def test_journal_entries_are_not_retrieved_as_job_costs(world: World) -> None:
    stack, project, codes = world
    stack.company.ui.make_journal_entry([
        {"account": "Job Expenses", "debit": "900", "name": JOB},
        {"account": "Checking", "credit": "900"},
    ])
    _synced_once(stack)
    assert all(v["job_to_date_cost"] == 0 for v in _job_costs(stack, project, codes).values())
    assert job_actual_costs(stack.company, JOB)["Job Expenses"] == Decimal("900.00")  # on its account's row


def test_expenses_coded_to_accounts_are_not_retrieved_as_job_costs(world: World) -> None:
    stack, project, codes = world
    stack.company.ui.create_vendor("Ace Concrete")
    stack.company.ui.write_check("Ace Concrete", expenses=[{"account": "Job Expenses", "amount": "75",
                                                            "job": JOB}])
    stack.company.ui.enter_bill("Ace Concrete", ref_number="B-9",
                                expenses=[{"account": "Job Expenses", "amount": "40", "job": JOB}])
    _synced_once(stack)
    assert all(v["job_to_date_cost"] == 0 for v in _job_costs(stack, project, codes).values())
    assert job_actual_costs(stack.company, JOB)["Job Expenses"] == Decimal("115.00")  # on its account's row


def test_costs_on_unsynced_items_are_not_retrieved_as_job_costs(world: World) -> None:
    stack, project, codes = world
    stack.company.ui.create_service_item("Equipment Rental")  # a Service item no cost code stands for
    stack.company.ui.create_vendor("Ace Concrete")
    stack.company.ui.write_check("Ace Concrete", items=[{"item": "Equipment Rental", "amount": "300",
                                                         "job": JOB}])
    _synced_once(stack)
    costs = _job_costs(stack, project, codes)
    assert set(costs) == {"01-100", "03-300", "06-100"}
    assert all(v["job_to_date_cost"] == 0 for v in costs.values())
    assert job_actual_costs(stack.company, JOB)["Equipment Rental"] == Decimal("300.00")  # QuickBooks has it


def test_original_budget_is_the_amount_at_first_export_and_revised_budget_follows_est_cost(
    world: World,
) -> None:
    stack, project, codes = world
    lines = {ln["cost_code"]["full_code"]: ln for ln in stack.budget_lines(project["id"])}
    stack.modify_budget(project["id"], lines["03-300"]["id"], lines["01-100"]["id"], "500")
    stack.send_and_accept("budget", stack.erp_budget(project["id"]), sender="Pat Manager")
    _round(stack)
    _synced_once(stack)
    costs = _job_costs(stack, project, codes)
    assert (costs["01-100"]["original_estimate"], costs["01-100"]["estimate"]) == (Decimal("1000.00"),
                                                                                   Decimal("1500.00"))
    assert (costs["03-300"]["original_estimate"], costs["03-300"]["estimate"]) == (Decimal("2500.50"),
                                                                                   Decimal("2000.50"))
    assert stack.est_cost(JOB) == {"01-100": Decimal("1500.00"), "03-300": Decimal("2000.50")}


def test_job_costs_need_the_projects_budget_synced_first() -> None:
    stack, project, codes = _world(budget=False)
    stack.company.ui.create_vendor("Ace Concrete")
    stack.company.ui.write_check("Ace Concrete", items=[{"item": "01-100", "amount": "10", "job": JOB}])
    _synced_once(stack)
    assert _job_costs(stack, project, codes) == {}
    [item] = [w for w in stack.service.queue.items(stack.company_key) if w.kind == "job_costs.read"][-1:]
    assert (item.state, item.last_status_code, item.last_status_message) == (
        "failed", "JobCostsBudgetNotSynced",
        "The project's budget must be synced before Job Costs can be retrieved from QuickBooks Desktop.")
    assert not any("JobReportQueryRq" in sent for r in stack.results for sent in r.requests)


def _refresh(stack: ProcoreStack, who: str, project_id: Any) -> Any:
    body = {"as_user_id": stack.users[who], "project_id": project_id}
    return stack.sim("POST", "/erp/refresh/job_costs", body)


def test_on_demand_job_cost_sync_fills_the_budgets_job_to_date_and_direct_costs_from_quickbooks(
    world: World,
) -> None:
    stack, project, _codes = world
    _costs_in_quickbooks(stack)
    answer = _refresh(stack, "Erin Sponsor", project["id"])
    assert answer.status_code == 200, answer.text
    assert answer.json()["request_name"] == "sync_single_job"
    _round(stack)  # no clock advance: the button alone, carried out at the next Web Connector update
    [view] = stack.rest("GET", "/rest/v1.0/budget_views", {"project_id": project["id"]})
    rows = stack.rest("GET", f"/rest/v1.0/budget_views/{view['id']}/detail_rows",
                      {"project_id": project["id"]})
    shown = {r["cost_code"]: (Decimal(r["job_to_date_cost"]), Decimal(r["direct_costs"]),
                              r["direct_costs_editable"]) for r in rows}
    # seed 001: Job to Date Cost = Act. Cost; Direct Costs = Job to Date Cost − Commitment Invoiced
    assert shown == {"01-100": (Decimal("150.25"), Decimal("150.25"), False),
                     "03-300": (Decimal("2000.00"), Decimal("0.00"), False)}


def test_on_demand_job_cost_sync_is_for_erp_integrations_admins_and_synced_projects_only(
    world: World,
) -> None:
    stack, _project, _codes = world
    answer = _refresh(stack, "Pat Manager", _project["id"])
    assert (answer.status_code, answer.json()) == (
        403, {"errors": "You do not have access to perform this action."})
    unsynced = stack.new_project("Harbor Lofts")
    answer = _refresh(stack, "Erin Sponsor", unsynced["id"])
    assert (answer.status_code, answer.json()["errors"]) == (422, {"project_id": [
        "The project is not synced with the ERP; job costs can only be synced for synced projects."]})
    stack.sync()  # nothing was queued: the connector plans no job cost read
    assert [w for w in stack.service.queue.items(stack.company_key) if w.kind == "job_costs.read"] == []


def test_a_large_job_is_read_in_bounded_date_windows_that_add_up_to_the_whole_job() -> None:
    stack, project, codes = _world(start_date="2023-01-02")
    company = stack.company
    company.ui.create_vendor("Ace Concrete")
    today = company.clock.now().date()
    days = [date(2022, 12, 30), date(2023, 1, 2), date(2023, 5, 17), today - timedelta(days=1), today,
            today + timedelta(days=30)]  # before the start, on it, inside, yesterday, today, future-dated
    for n, day in enumerate(days * 20):
        company.ui.write_check("Ace Concrete", items=[{"item": "01-100", "amount": "1.25", "job": JOB}],
                               date=day.isoformat(), number=str(5000 + n))
    _synced_once(stack)
    costs = _job_costs(stack, project, codes)
    jtd = costs["01-100"]["job_to_date_cost"]
    assert jtd == Decimal("150.00") == job_actual_costs(company, JOB)["01-100"]  # no day lost, none twice
    sent = [s for r in stack.results for s in r.requests if "JobReportQueryRq" in s]
    assert len(sent) >= 4 and all("<ReportPeriod>" in s for s in sent)  # one dated window per round trip
    assert sent[0].count("<ToReportDate>2023-01-01</ToReportDate>") == 2  # before the start, both reports
    assert all("<CustomDetailReportQueryRq" in s for s in sent)
    assert "<ToReportDate>" not in sent[3].split("<CustomDetailReportQueryRq")[0]  # the last is open-ended
