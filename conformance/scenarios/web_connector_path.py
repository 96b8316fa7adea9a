"""The Web Connector path end to end, and the failures it must survive.

Every scenario drives the real call order (emulator → connector SOAP → emulator → fake company
file → back); the fake's ``ui`` plays the accountant and its ``faults`` play QuickBooks misbehaving.
"""

from __future__ import annotations

from collections.abc import Callable

from conformance.scenarios.base import Scenario, ScenarioRun
from conformance.scenarios.data import (
    EXPENSE_ACCOUNT,
    cost_codes,
    seed_customers_and_jobs,
    seed_vendors,
)
from conformance.stack import Stack
from connector.sync.cost_codes import CostCode
from sim.webconnector import KillSwitch

WRONG_PASSWORD = "Tr0ub4dor&3"


def _export(stack: Stack, codes: list[CostCode]) -> dict[str, int]:
    plan = stack.connector.export_cost_codes(stack.company_key, codes)
    by_code = {cc.procore_id: cc.code for cc in codes}
    return {by_code[pid]: item for pid, item in plan.queued.items()}


def export_cost_codes(stack: Stack) -> ScenarioRun:
    """Eight Procore cost codes (and one over 96 characters) exported as Service items, batched."""
    codes = cost_codes()
    too_long = CostCode("1999", "99-" + "9" * 95, "Too long for Transaction Detail", "Construction Income",
                        EXPENSE_ACCOUNT)
    plan = stack.connector.export_cost_codes(stack.company_key, [*codes, too_long])
    run = ScenarioRun(stack, items={cc.code: plan.queued[cc.procore_id] for cc in codes})
    run.notes["refused"] = plan.refused
    run.updates.append(stack.run_update())
    return run


def import_vendors_and_jobs(stack: Stack) -> ScenarioRun:
    """Vendors and jobs read with iterators (pages of 2: Start, then Continue until 0 remain)."""
    run = ScenarioRun(stack)
    run.notes["vendors"] = seed_vendors(stack.company)
    run.notes["tiers"] = seed_customers_and_jobs(stack.company)
    run.items["vendors"] = stack.connector.import_vendors(stack.company_key, page_size=2)
    run.items["jobs"] = stack.connector.import_jobs(stack.company_key, page_size=2)
    run.updates.append(stack.run_update())
    return run


def stale_edit_sequence(stack: Stack) -> ScenarioRun:
    """An accountant edits the item in QuickBooks between the connector's read and its Mod (3200)."""
    code = cost_codes(1)[0]
    run = ScenarioRun(stack, items=_export(stack, [code]))
    run.updates.append(stack.run_update())
    # The accountant sets a rate in QuickBooks: the EditSequence the connector holds is now stale.
    stack.company.ui.edit("ItemService", code.code, SalesAndPurchaseMod={"SalesPrice": "125.00"})
    renamed = CostCode(code.procore_id, code.code, "General Requirements (Div. 01)", code.income_account,
                       code.expense_account)
    run.items["update"] = stack.connector.update_cost_code(stack.company_key, renamed)
    run.updates.append(stack.run_update())
    return run


def duplicate_name(stack: Stack) -> ScenarioRun:
    """Names already in QuickBooks: a Service item is linked (3100 → query), another type refused."""
    existing = stack.company.ui.create_service_item("01-100", account=EXPENSE_ACCOUNT)
    other = stack.company.ui.create(
        "ItemNonInventory", Name="02-200", SalesOrPurchase={"AccountRef": {"FullName": EXPENSE_ACCOUNT}}
    )
    run = ScenarioRun(stack, items=_export(stack, cost_codes(4)))
    run.notes["existing_list_id"] = existing["ListID"]
    run.notes["other_list_id"] = other["ListID"]
    run.updates.append(stack.run_update())
    return run


def parse_error(stack: Stack) -> ScenarioRun:
    """QuickBooks rejects every document holding one request with 0x80040400 (nothing applied)."""
    stack.company.faults.add(action="hresult", hresult="0x80040400", request_type="ItemServiceAdd",
                             object_name="03-300")
    run = ScenarioRun(stack, items=_export(stack, cost_codes(4)))
    run.updates.append(stack.run_update())  # the batch fails as a whole; items go back to be sent alone
    run.updates.append(stack.run_update())  # each alone: three created, 03-300 fails for good
    return run


def single_user_mode(stack: Stack) -> ScenarioRun:
    """The file is held in single-user mode by another user: BeginSession fails, connectionError."""
    run = ScenarioRun(stack, items=_export(stack, cost_codes(2)))
    stack.company.ui.lock_by_other_user("Bookkeeper")
    run.updates.append(stack.run_update())
    stack.company.ui.release_other_user()
    run.updates.append(stack.run_update())
    return run


def killed_mid_session(stack: Stack) -> ScenarioRun:
    """The Web Connector dies after QuickBooks ran the batch, before receiveResponseXML; run again."""
    run = ScenarioRun(stack, items=_export(stack, cost_codes(3)))
    run.updates.append(stack.run_update(kill=KillSwitch(after_send=1, after_process=True)))
    # "Update Selected" again: the connector supersedes the dead session and probes by name what it
    # had sent, so the items QuickBooks already created are linked, not added a second time.
    run.updates.append(stack.run_update())
    return run


def wrong_password(stack: Stack) -> ScenarioRun:
    """The password typed into the Web Connector is not the user's: authenticate says nvu."""
    run = ScenarioRun(stack, items=_export(stack, cost_codes(2)))
    run.updates.append(stack.run_update(password=WRONG_PASSWORD))
    return run


def unsupported_edition(stack: Stack) -> ScenarioRun:
    """QuickBooks itself is an edition Procore does not support: refused at the first sendRequestXML."""
    run = ScenarioRun(stack, items=_export(stack, cost_codes(2)))
    run.updates.append(stack.run_update())
    return run


_SCENARIOS = (
    Scenario("export_cost_codes", "Cost codes exported as Service items, batched", export_cost_codes),
    Scenario("import_vendors_and_jobs", "Vendors and jobs imported with iterators", import_vendors_and_jobs),
    Scenario("stale_edit_sequence", "3200: item edited in QuickBooks between read and Mod",
             stale_edit_sequence),
    Scenario("duplicate_name", "3100: cost code name already used in QuickBooks", duplicate_name),
    Scenario("parse_error", "0x80040400: QuickBooks cannot parse the document", parse_error),
    Scenario("single_user_mode", "Company file held in single-user mode by another user", single_user_mode),
    Scenario("killed_mid_session", "Web Connector killed between sendRequestXML and receiveResponseXML",
             killed_mid_session),
    Scenario("wrong_password", "Wrong password typed into the Web Connector", wrong_password),
    Scenario("unsupported_edition_2021", "QuickBooks Desktop 2021 (unsupported)", unsupported_edition,
             {"year": 2021}),
    Scenario("unsupported_edition_ca_pro_2019", "QuickBooks Pro 2019 Canadian Edition (unsupported)",
             unsupported_edition, {"country": "CA", "year": 2019, "product": "Pro"}),
)
CATALOGUE: dict[str, Scenario] = {s.name: s for s in _SCENARIOS}


def run_scenario(name: str, make_stack: Callable[..., Stack] = Stack.create) -> ScenarioRun:
    """Run one scenario of the catalogue on a fresh stack."""
    return CATALOGUE[name].run(make_stack)
