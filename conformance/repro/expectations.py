"""A scenario's expectations, judged on what both systems show at the end and on what crossed the wires.

Procore is read through its REST API (ERP request details) and the ERP Integrations tool's views
(``/_sim``); QuickBooks through its lists; the Web Connector through its update results. Nothing is read
from the connector's own store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from conformance.repro.schema import (
    Expectation,
    ProcoreCallsExpectation,
    ProcoreDetailsExpectation,
    ProcoreItemExpectation,
    ProcoreListExpectation,
    QuickBooksRecordsExpectation,
    QuickBooksRequestsExpectation,
    RefusalExpectation,
    UpdateExpectation,
)

if TYPE_CHECKING:
    from conformance.repro.runner import Runner


@dataclass
class CheckResult:
    description: str
    held: bool
    detail: str = ""


def _counted(found: int, count: int | None, at_least: int | None) -> tuple[bool, str]:
    if count is not None:
        return found == count, f"{found} (expected {count})"
    if at_least is not None:
        return found >= at_least, f"{found} (expected at least {at_least})"
    return found > 0, f"{found} (expected at least 1)"


def _lookup(record: dict[str, Any], dotted: str) -> Any:
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def _procore_item(run: Runner, e: ProcoreItemExpectation) -> CheckResult:
    record = run._record(e.ref)
    seen = run.stack.item(record.item_type, record.id)
    messages = " ".join(seen["messages"])
    held = seen["status"] == e.status
    if e.message_contains is not None:
        held = held and e.message_contains in messages
    if e.has_origin_id is not None:
        held = held and bool(seen.get("origin_id")) == e.has_origin_id
    wanted = f"{e.status}" + (f" with '{e.message_contains}'" if e.message_contains else "")
    return CheckResult(
        f"Procore shows {record.item_type} {e.ref!r} {wanted}",
        held,
        f"status {seen['status']} ({seen['status_label']}); messages: {messages or '-'}; "
        f"origin_id: {seen.get('origin_id') or '-'}",
    )


def _procore_details(run: Runner, e: ProcoreDetailsExpectation) -> CheckResult:
    company = run.stack.company_id
    details = run._rest(
        "GET", f"/rest/v1.0/companies/{company}/erp_request_details", None, {"per_page": 1000}
    ).json()
    names: dict[int, str] = {}
    if e.request_name is not None:
        for request_id in {d["erp_request_id"] for d in details}:
            answer = run._rest("GET", f"/rest/v1.0/companies/{company}/erp_requests/{request_id}", None, None)
            names[request_id] = answer.json().get("request_name", "") if answer.status_code == 200 else ""
    matching = [
        d
        for d in details
        if d["status"] == e.status
        and (e.message_contains is None or e.message_contains in " ".join(d.get("messages") or []))
        and (e.request_name is None or names.get(d["erp_request_id"]) == e.request_name)
    ]
    held, counted = _counted(len(matching), e.count, e.at_least)
    what = " ".join(
        filter(
            None, [e.request_name, e.status, f"with '{e.message_contains}'" if e.message_contains else None]
        )
    )
    shown = "; ".join(
        f"{d['item_type']} {d['item_id']} {d['status']}: {' '.join(d.get('messages') or []) or '-'}"
        for d in details
    )
    return CheckResult(
        f"Procore's ERP request details {what}: {counted}", held, f"all details: {shown or '-'}"
    )


def _quickbooks_records(run: Runner, e: QuickBooksRecordsExpectation) -> CheckResult:
    records = run.stack.company.list_records(e.kind)
    matching = [r for r in records if all(str(_lookup(r, k)) == str(v) for k, v in e.where.items())]
    held, counted = _counted(len(matching), e.count, e.at_least)
    where = ", ".join(f"{k} = {v!r}" for k, v in e.where.items()) or "any"
    return CheckResult(f"QuickBooks {e.kind} records where {where}: {counted}", held)


def _quickbooks_requests(run: Runner, e: QuickBooksRequestsExpectation) -> CheckResult:
    from conformance.repro.runner import request_types

    ran = [
        t
        for result in run.stack.results
        for x in result.exchanges
        if not x.hcp
        for t in request_types(x.request)
    ]
    wanted = e.type.removesuffix("Rq")
    held, counted = _counted(ran.count(wanted), e.count, e.at_least)
    return CheckResult(
        f"QuickBooks ran {wanted} requests: {counted}", held, f"every request: {', '.join(ran) or '-'}"
    )


def _web_connector(run: Runner, e: UpdateExpectation) -> CheckResult:
    results = run.stack.results
    label = "the last" if e.update == -1 else f"#{e.update}"
    index = e.update - 1 if e.update > 0 else e.update
    if not results or not -len(results) <= index < len(results):
        return CheckResult(
            f"Web Connector update {label} ended {e.outcome}", False, f"{len(results)} update(s) ran"
        )
    result = results[index]
    errors = " ".join(f"{x.code}: {x.message}" for x in result.errors)
    held = result.outcome.value == e.outcome
    if e.status_contains is not None:
        held = held and e.status_contains in result.status
    if e.error_contains is not None:
        held = held and e.error_contains in errors
    return CheckResult(
        f"Web Connector update {label} ended {e.outcome}",
        held,
        f"outcome {result.outcome.value}; status: {result.status or '-'}; errors: {errors or '-'}",
    )


def _refused(run: Runner, e: RefusalExpectation) -> CheckResult:
    matching = [
        r
        for r in run.refusals
        if r.action == e.action and (e.ref is None or r.ref == e.ref) and e.message_contains in r.message
    ]
    shown = "; ".join(f"step {r.step} {r.action} {r.ref or ''}: {r.status} {r.message}" for r in run.refusals)
    return CheckResult(
        f"Procore refused {e.action}{' of ' + repr(e.ref) if e.ref else ''} with '{e.message_contains}'",
        bool(matching),
        f"refusals: {shown or '-'}",
    )


def _procore_calls(run: Runner, e: ProcoreCallsExpectation) -> CheckResult:
    calls = run.procore_calls
    matching = [
        c
        for c in calls
        if e.path_contains in c[1]
        and (e.method is None or c[0] == e.method)
        and (e.status is None or c[2] == e.status)
    ]
    held, counted = _counted(len(matching), e.count, e.at_least)
    what = " ".join(
        filter(None, [e.method, f"'{e.path_contains}'", f"answered {e.status}" if e.status else None])
    )
    return CheckResult(
        f"the connector's calls to Procore {what}: {counted}",
        held,
        "\n".join(f"{m} {p} -> {s}" for m, p, s in matching),
    )


def _procore_list(run: Runner, e: ProcoreListExpectation) -> CheckResult:
    entries = run.stack.lists()[e.list]
    matching = [x for x in entries if e.item_type is None or x.get("item_type") == e.item_type]
    held, counted = _counted(len(matching), e.count, e.at_least)
    return CheckResult(
        f"Procore's {e.list.replace('_', ' ')} list{' of ' + e.item_type if e.item_type else ''}: {counted}",
        held,
    )


def check(run: Runner, expectation: Expectation) -> CheckResult:
    if expectation.procore_item is not None:
        result = _procore_item(run, expectation.procore_item)
    elif expectation.procore_details is not None:
        result = _procore_details(run, expectation.procore_details)
    elif expectation.quickbooks_records is not None:
        result = _quickbooks_records(run, expectation.quickbooks_records)
    elif expectation.quickbooks_requests is not None:
        result = _quickbooks_requests(run, expectation.quickbooks_requests)
    elif expectation.procore_calls is not None:
        result = _procore_calls(run, expectation.procore_calls)
    elif expectation.procore_list is not None:
        result = _procore_list(run, expectation.procore_list)
    elif expectation.procore_refused is not None:
        result = _refused(run, expectation.procore_refused)
    else:
        assert expectation.web_connector is not None
        result = _web_connector(run, expectation.web_connector)
    if expectation.why:
        result.description += f" — {expectation.why}"
    return result


def check_all(run: Runner) -> list[CheckResult]:
    return [check(run, e) for e in run.scenario.expect]
