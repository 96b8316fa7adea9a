"""Cost codes → QuickBooks Service items (seed 001 "Cost Codes" mapping and WBS)."""

from __future__ import annotations

import pytest

from conformance.blackbox.world import EXPENSE_ACCOUNT, INCOME_ACCOUNT, World
from conformance.cases.flows import discard_cost_code, export_cost_code, one, send_cost_code, settle


@pytest.mark.qbsim_requirement("O1", "O2", "O3", "E1", "E4", "E7", "N1", "X16", "D18",
                               "PROCORE-DETAILS-CLOSED")
def test_an_accepted_standard_cost_code_becomes_a_service_item_on_its_accounts_and_shows_synced(
    qbsim: World,
) -> None:
    made, seen = export_cost_code(qbsim, name="Site Work")
    item = one(qbsim.company.list_records("ItemService"), FullName=made["code"])
    both = item["SalesAndPurchase"]
    assert both["IncomeAccountRef"]["FullName"] == INCOME_ACCOUNT
    assert both["ExpenseAccountRef"]["FullName"] == EXPENSE_ACCOUNT
    assert both.get("SalesDesc") == "Site Work" and both.get("PurchaseDesc") == "Site Work", both
    assert seen["origin_id"] == item["ListID"]  # Procore shows it Synced with the QuickBooks ListID
    details = qbsim.procore.details("standard_cost_code", made["id"])
    assert details and {d["status"] for d in details} == {"success"}, details


@pytest.mark.qbsim_requirement("D17")
def test_a_cost_code_sent_but_not_accepted_is_not_exported(qbsim: World) -> None:
    made = qbsim.procore.new_standard_cost_code(qbsim.procore.unique_code(), "Awaiting acceptance")
    sent = qbsim.procore.act("send", "Erin Sponsor", "standard_cost_code", made["id"])
    assert sent.status_code == 200, sent.text
    try:
        for _ in range(2):  # Procore's webhooks go out and the Web Connector runs, twice
            qbsim.procore.deliver()
            qbsim.run_update()
        assert not [i for i in qbsim.company.list_records("ItemService") if i["FullName"] == made["code"]]
        assert qbsim.procore.status("standard_cost_code", made["id"]) != "synced"
    finally:
        discard_cost_code(qbsim, made)


@pytest.mark.qbsim_requirement("E3")
def test_a_cost_code_quickbooks_already_has_as_a_service_item_is_linked_not_duplicated(qbsim: World) -> None:
    code = qbsim.procore.unique_code()
    existing = qbsim.company.ui.create_service_item(code, account=EXPENSE_ACCOUNT)
    made = send_cost_code(qbsim, code=code, name="Linked")
    seen = settle(qbsim, "standard_cost_code", made["id"], f"cost code {code} linked")
    assert (seen["status"], seen["origin_id"]) == ("synced", existing["ListID"]), seen
    assert len([i for i in qbsim.company.list_records("ItemService") if i["FullName"] == code]) == 1


@pytest.mark.qbsim_requirement("E16", "PROCORE-REFUSED-BEFORE-QUICKBOOKS")
def test_a_cost_code_longer_than_a_quickbooks_item_name_fails_in_procore_and_reaches_no_quickbooks(
    qbsim: World,
) -> None:
    code = "01-" + "9" * 40
    made = send_cost_code(qbsim, code=code, name="Too long for QuickBooks")
    since = len(qbsim.updates)
    try:
        seen = settle(qbsim, "standard_cost_code", made["id"], "the over-long cost code closed")
    finally:
        discard_cost_code(qbsim, made)
    assert seen["status"] == "failed" and seen["messages"], seen
    assert not [i for i in qbsim.company.list_records("ItemService") if i["FullName"].startswith("01-999")]
    assert not [r for r in qbsim.requests_sent(since) if "9" * 31 in r]
