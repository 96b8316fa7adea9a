"""What each ERP Request becomes (``connector.sync.erp_requests.plan``): work and writes, or a close-out
with the reason — for every request name of Procore's ERP events dictionary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from connector.sync.erp_requests import NO_ACTION, NOT_SUPPORTED, NOT_YET, PLANNERS, PlanningContext, plan

EVENTS = json.loads(
    (Path(__file__).resolve().parents[3] / "sim" / "procore_fake" / "data" / "erp-events.json").read_text()
)["events"]
CONTEXT = PlanningContext()


def test_every_request_name_of_the_dictionary_has_a_decision() -> None:
    decided = set(PLANNERS) | set(NOT_SUPPORTED) | set(NOT_YET) | set(NO_ACTION)
    assert set(EVENTS) - decided == set()
    groups = [set(PLANNERS), set(NOT_SUPPORTED), set(NOT_YET), set(NO_ACTION)]
    assert sum(len(g) for g in groups) == len(set().union(*groups)), "a request name is in two groups"


def _cost_code(detail: int = 11, **fields: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "id": 7,
        "code": "100",
        "full_code": "01-100",
        "name": "Site Work",
        "request_detail_id": detail,
        "erp_custom_fields": {
            "income_account_origin_id": "80000007-1",
            "expense_account_origin_id": "80000008-1",
        },
    }
    entry.update(fields)
    return entry


def test_standard_cost_codes_become_one_export_each_and_a_refused_one_is_closed_failed() -> None:
    result = plan(
        "create_standard_cost_codes",
        [_cost_code(), _cost_code(12, id=8, full_code="01-" + "9" * 40)],
        CONTEXT,
    )
    assert [w.work.kind for w in result.work] == ["cost_code.export"]
    assert [(w.kind, w.after) for w in result.writes] == [("item_outcome", 0), ("close_detail", None)]
    assert dict(result.writes[0].payload) == {
        "detail_id": 11,
        "item_type": "standard_cost_code",
        "item_id": 7,
    }
    refused = dict(result.writes[1].payload)
    assert (refused["detail_id"], refused["status"]) == (12, "failed")
    assert refused["messages"] == [
        f"Cost code '01-{'9' * 40}' cannot be exported: it has 43 characters; a QuickBooks Desktop item name "
        "holds at most 31"
    ]


def test_a_cost_code_without_accounts_is_refused_saying_accounts_are_chosen_at_acceptance() -> None:
    result = plan("create_standard_cost_codes", [_cost_code(erp_custom_fields={})], CONTEXT)
    assert result.work == ()
    (write,) = result.writes
    assert write.payload["status"] == "failed"
    assert "account" in write.payload["messages"][0]


@pytest.mark.parametrize("name", ["create_sub_job", "sync_prime_contracts", "create_payment_application"])
def test_what_quickbooks_desktop_does_not_sync_is_closed_failed_with_the_seeds_reason(name: str) -> None:
    result = plan(name, {"request_detail_id": 5}, CONTEXT)
    assert result.work == ()
    assert [dict(w.payload) for w in result.writes] == [
        {"detail_id": 5, "status": "failed", "messages": [NOT_SUPPORTED[name]]}
    ]


def test_a_request_without_a_detail_in_its_payload_closes_every_detail_of_the_request() -> None:
    result = plan("reset_payment", {}, CONTEXT)
    (write,) = result.writes
    assert write.kind == "close_request_details"
    assert dict(write.payload) == {
        "status": "failed",
        "messages": ["Payment sync to QuickBooks Desktop is not carried out by this connector yet."],
    }


def test_a_payment_sync_reads_quickbooks_bill_payments_then_writes_them_to_procore() -> None:
    result = plan("sync_contract_payments", {}, CONTEXT)
    assert [(w.work.kind, dict(w.work.payload)) for w in result.work] == [("payment.import", {})]
    assert [(w.kind, w.after) for w in result.writes] == [("payments_outcome", 0)]


def test_requests_that_ask_nothing_are_recorded_with_a_note() -> None:
    result = plan("link_vendor", {"vendor": {"id": 1, "origin_id": "8000-1"}}, CONTEXT)
    assert (result.work, result.writes) == ((), ())
    assert result.note == f"no action required: {NO_ACTION['link_vendor']}"


def test_an_unknown_request_name_is_closed_failed_not_dropped() -> None:
    result = plan("create_time_machine", {"request_detail_id": 9}, CONTEXT)
    assert [dict(w.payload) for w in result.writes] == [
        {
            "detail_id": 9,
            "status": "failed",
            "messages": [
                "Unknown ERP request 'create_time_machine': this connector does not know what to do with it."
            ],
        }
    ]


def test_sync_metadata_imports_items_then_accounts_and_writes_the_metadata_after_both() -> None:
    result = plan("sync_metadata", {"company_id": 1}, CONTEXT)
    assert [(w.work.kind, w.after) for w in result.work] == [
        ("service_item.import", ()),
        ("account.import", (0,)),
    ]
    assert [(w.kind, w.after) for w in result.writes] == [("metadata", 1)]


def test_project_cost_code_deletes_are_confirmed_for_every_detail() -> None:
    data = {
        "project_id": 3,
        "cost_codes": [{"id": 1, "request_detail_id": 21}, {"id": 2, "request_detail_id": 22}],
    }
    result = plan("delete_cost_codes", data, CONTEXT)
    assert [(w.payload["detail_id"], w.payload["status"]) for w in result.writes] == [
        (21, "success"),
        (22, "success"),
    ]
