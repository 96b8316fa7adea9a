"""What each of Procore's ERP Requests becomes: work for QuickBooks, and what Procore must be told.

Procore's ERP platform names every request (``request_name``, the events of Procore's ERP events
dictionary) and carries its ``request_data``; each exported item has a request detail that the integrator
closes ``success`` or ``failed`` with messages (shown to the accounting approver, who can fix and resend).
:func:`plan` turns one request into a :class:`~connector.work.RequestPlan`:

* exports QuickBooks Desktop supports (seed 001) become work items — standard cost codes → Service items,
  projects → customers/jobs, companies → vendors, commitments (subcontracts and purchase orders) →
  purchase orders, budgets → an estimate on the project's job — each followed by an ``item_outcome``
  write (origin ids back to Procore through ``external_data/sync``, then its detail closed with QuickBooks'
  answer; a commitment's SOV lines get their PO lines' TxnLineIDs, so invoices and change orders can link
  to them; a budget's transactions are marked synced through ``erp_transactions/sync`` once QuickBooks has
  them; a budget re-export left with nothing for QuickBooks — only prime contract change order amounts,
  which are never exported — is closed ``success`` saying so);
* commitment change orders become a ``change_order.export`` (new lines on the commitment's purchase order)
  that waits for the unfinished export or change order of the same commitment before it (one at a time, in
  order), followed by a ``change_order_outcome`` write (the CCO's and its lines' origin ids, the detail
  closed); each requisition of ``create_requisitions`` becomes an ``invoice.export`` (a bill) followed by an
  ``invoice_outcome`` write (the bill's TxnID as the requisition's origin id; the documented payload names
  no request detail, so a failure closes the request's detail of that requisition, ``close_item_detail``);
* company-level syncs become imports whose pages are staged and then pushed to Procore's staged records
  (``sync_jobs``, ``sync_vendors``) or into the ERP connection's metadata (``sync_metadata``: the Service
  items and accounts a person picks in Procore — Invoice Retainage Item, a cost code's accounts);
* an item the connector refuses (a translator's named :class:`~connector.work.WorkRefused`) is closed
  ``failed`` with that reason, nothing sent to QuickBooks;
* what QuickBooks Desktop does not support (seed 001: sub jobs, cost types, prime contracts and their
  change orders, owner invoices, company-level direct costs, importing commitment change orders) is closed
  ``failed`` with that reason —
  never dropped; requests that need no answer (unlinks, links, deletes of what QuickBooks never held) are
  recorded with a note.

``sync_single_job`` (the two-hourly and on-demand job cost sync) becomes a ``job_costs.read`` followed by a
``job_costs_outcome`` write (``connector.sync.job_costs``).

Exports this connector does not carry out yet (re-syncs and unlinks of commitments and their change orders,
payments) are closed ``failed`` saying so, so the approver is not left waiting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from connector.sync import budgets, change_orders, commitments, cost_codes, invoices, projects, vendor_exports
from connector.sync import payments as bill_payments
from connector.sync.accounts import KIND as ACCOUNT_IMPORT_KIND
from connector.sync.job_costs import work_from_request as job_costs_work
from connector.sync.jobs import KIND as JOB_IMPORT_KIND
from connector.sync.service_items import KIND as SERVICE_ITEM_IMPORT_KIND
from connector.sync.vendors import KIND as VENDOR_IMPORT_KIND
from connector.work import NewWork, PlannedWork, PlannedWrite, RequestPlan, WorkRefused

#: seed 001 "Limitations": what QuickBooks Desktop does not sync, by request name.
NOT_SUPPORTED: dict[str, str] = {
    **dict.fromkeys(
        ("create_sub_job", "sync_sub_jobs", "sync_sub_job", "create_sub_job_in_procore", "reset_sub_job"),
        "Sub Jobs are not supported by the QuickBooks Desktop integration.",
    ),
    **dict.fromkeys(
        ("sync_standard_categories", "delete_standard_categories", "delete_cost_type_assignments"),
        "Cost Types are not supported by QuickBooks Desktop: they are not transferred to QuickBooks.",
    ),
    **dict.fromkeys(
        ("sync_prime_contracts", "create_prime_contract_change_order", "reset_prime_contract_change_order",
         "unlink_prime_contract_change_order"),
        "Prime Contracts and Prime Contract Change Orders do not sync with QuickBooks Desktop.",
    ),
    **dict.fromkeys(
        ("create_payment_application", "unlink_payment_application"),
        "Prime Contract Invoices (payment applications) and payments do not sync with QuickBooks Desktop.",
    ),
    **dict.fromkeys(
        ("create_company_level_direct_cost", "reset_company_level_direct_cost",
         "unlink_company_level_direct_cost"),
        "Company level direct costs do not sync with QuickBooks Desktop.",
    ),
    "sync_standard_cost_codes": (
        "Standard cost codes are exported from Procore to QuickBooks Desktop; QuickBooks Service items are "
        "not imported as cost codes."
    ),
    "create_budget_in_procore": "QuickBooks Desktop Estimates cannot be imported into Procore as budgets.",
    "create_commitment_in_procore": "QuickBooks Desktop Purchase Orders cannot be imported into Procore.",
    "sync_commitment_change_orders": (
        "Commitment Change Orders are export only: QuickBooks Desktop keeps them as purchase order lines, "
        "which are not imported into Procore."
    ),
}

#: Exports QuickBooks Desktop supports that this connector does not carry out yet.
NOT_YET: dict[str, str] = {
    **dict.fromkeys(("sync_commitments", "unlink_commitment"), "Commitment sync"),
    "unlink_commitment_change_order": "Commitment change order unlink",
    **dict.fromkeys(("create_payment", "reset_payment"), "Payment sync"),
}

#: Requests that ask nothing of the integrator (the dictionary: "There are no required actions").
NO_ACTION: dict[str, str] = {
    "delete_standard_cost_codes": "cost codes deleted in Procore stay as Service items in QuickBooks",
    "unlink_standard_cost_codes": "the QuickBooks Service items stay; a new export links by name",
    "delete_cost_code": "project cost codes have no QuickBooks record of their own",
    "create_vendor_in_procore": "the vendor came from QuickBooks; nothing to write there",
    "link_vendor": "linked in Procore; nothing to write to QuickBooks",
    "link_all_vendors": "linked in Procore; nothing to write to QuickBooks",
    "unlink_vendor": "the QuickBooks vendor stays",
    "merge_vendors": "merged in Procore; QuickBooks vendors are not merged",
    "create_job_in_procore": "the job came from QuickBooks; nothing to write there",
    "reset_job": "the QuickBooks job stays; a new export creates a new one",
    "reset_requisition": "the QuickBooks bill stays; a new export of the invoice creates a new bill",
}


@dataclass(frozen=True)
class PlanningContext:
    """What planning needs besides the request: the integration's settings."""

    job_mode: str = "customers_are_jobs"
    #: When this connector was connected to Procore (seed 001: projects created before cannot be synced).
    connected_at: datetime | None = None
    #: Standard cost code id → the queued (not yet finished) export of it: a project waits for these.
    exporting_cost_codes: Mapping[str, int] = field(default_factory=dict)
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Commitment id → the newest unfinished work item that changes its purchase order (its export or a
    #: change order): the next change order of that commitment waits for it (one at a time, in order).
    exporting_purchase_orders: Mapping[str, int] = field(default_factory=dict)


def detail_ids(data: Any) -> Iterator[int]:
    """Every ``request_detail_id`` in ``request_data``, wherever the payload puts it."""
    if isinstance(data, Mapping):
        for key, value in data.items():
            if key == "request_detail_id" and isinstance(value, int) and not isinstance(value, bool):
                yield value
            else:
                yield from detail_ids(value)
    elif isinstance(data, list):
        for value in data:
            yield from detail_ids(value)


def _close(detail: Any, status: str, *messages: str) -> PlannedWrite:
    return PlannedWrite("close_detail", {"detail_id": detail, "status": status, "messages": list(messages)})


def _close_all(data: Any, status: str, message: str) -> tuple[PlannedWrite, ...]:
    """Close every detail the payload names; with none named, every detail of the request (by its id)."""
    found = [_close(d, status, message) for d in dict.fromkeys(detail_ids(data))]
    return tuple(found) or (PlannedWrite("close_request_details", {"status": status, "messages": [message]}),)


def _export(work: NewWork, detail: Any, item_type: str, item_id: Any, **extra: Any) -> RequestPlan:
    outcome = {"detail_id": detail, "item_type": item_type, "item_id": item_id, **extra}
    waits = f", after work item(s) {', '.join(map(str, work.depends_on))}" if work.depends_on else ""
    return RequestPlan(
        work=(PlannedWork(work),),
        writes=(PlannedWrite("item_outcome", outcome, after=0),),
        note=f"{item_type} {item_id} to {work.kind}{waits}",
    )


def _refused(detail: Any, refused: WorkRefused) -> PlannedWrite:
    return _close(detail, "failed", refused.message)


def _standard_cost_codes(data: Any, context: PlanningContext) -> RequestPlan:
    work: list[PlannedWork] = []
    writes: list[PlannedWrite] = []
    for entry in data if isinstance(data, list) else []:
        detail = entry.get("request_detail_id")
        try:
            cc = cost_codes.work_from_request(entry)
        except WorkRefused as refused:
            writes.append(_refused(detail, refused))
            continue
        work.append(PlannedWork(cc.work()))
        writes.append(
            PlannedWrite(
                "item_outcome",
                {"detail_id": detail, "item_type": "standard_cost_code", "item_id": entry.get("id")},
                after=len(work) - 1,
            )
        )
    return RequestPlan(tuple(work), tuple(writes), note=f"{len(work)} cost code(s) to export")


def _job(data: Any, context: PlanningContext) -> RequestPlan:
    detail = data.get("request_detail_id")
    job = data.get("job") or {}
    try:
        work = projects.work_from_request(
            data, context.job_mode, connected_at=context.connected_at, exporting=context.exporting_cost_codes
        )
    except WorkRefused as refused:
        return RequestPlan(writes=(_refused(detail, refused),), note=refused.message)
    cost_code_ids = [cc.get("id") for cc in data.get("all_cost_codes") or []]
    return _export(work, detail, "project", job.get("id"), cost_code_ids=cost_code_ids)


def _vendor(data: Any, context: PlanningContext) -> RequestPlan:
    detail = data.get("request_detail_id")
    try:
        work = vendor_exports.work_from_request(data)
    except WorkRefused as refused:
        return RequestPlan(writes=(_refused(detail, refused),), note=refused.message)
    return _export(work, detail, "vendor", (data.get("vendor") or {}).get("id"))


def _commitment(data: Any, context: PlanningContext) -> RequestPlan:
    detail = data.get("request_detail_id")
    try:
        work = commitments.work_from_request(data)
    except WorkRefused as refused:
        return RequestPlan(writes=(_refused(detail, refused),), note=refused.message)
    line_item_ids = [li.get("id") for li in data.get("commitment_items") or []]
    return _export(work, detail, work.payload["item_type"], (data.get("commitment") or {}).get("id"),
                   line_item_ids=line_item_ids)


def _budget(data: Any, context: PlanningContext) -> RequestPlan:
    """``create_budget`` / ``update_budget``: the estimate's new lines; nothing new closes it success."""
    detail = data.get("request_detail_id")
    try:
        work, left_out = budgets.work_from_request(data)
    except WorkRefused as refused:
        return RequestPlan(writes=(_refused(detail, refused),), note=refused.message)
    budget = data.get("budget") or {}
    if work is None:
        message = ("Nothing to export to QuickBooks Desktop: the export carries only prime contract change "
                   "order amounts." if left_out else
                   "QuickBooks Desktop already has every amount of this budget; nothing to export.")
        return RequestPlan(writes=(_close(detail, "success", message, *left_out),), note=message)
    return _export(work, detail, "budget", budget.get("id"), project_id=budget.get("project_id"),
                   messages=list(left_out))


def _commitment_change_order(data: Any, context: PlanningContext) -> RequestPlan:
    detail = data.get("request_detail_id")
    try:
        work = change_orders.work_from_request(data)
    except WorkRefused as refused:
        return RequestPlan(writes=(_refused(detail, refused),), note=refused.message)
    before = context.exporting_purchase_orders.get(str(work.procore_id))
    if before is not None:  # seed 001: one change order of a commitment at a time, in order
        work = NewWork(work.kind, work.payload, work.procore_id, (before,))
    outcome = {"detail_id": detail, "change_order_id": work.payload["change_order_id"],
               "line_item_ids": [li.get("id") for li in data.get("change_order_items") or []]}
    waits = f", after work item {before}" if before is not None else ""
    return RequestPlan(
        work=(PlannedWork(work),),
        writes=(PlannedWrite("change_order_outcome", outcome, after=0),),
        note=f"change order {work.payload['change_order_id']} to {work.kind}{waits}",
    )


def _requisitions(data: Any, context: PlanningContext) -> RequestPlan:
    """One bill per requisition of the batch. The documented payload names no request detail: a refusal
    or QuickBooks' error is closed on the request's detail of that requisition (found by item)."""
    work: list[PlannedWork] = []
    writes: list[PlannedWrite] = []
    for entry in data.get("requisitions") or [] if isinstance(data, dict) else []:
        requisition_id = entry.get("procore_requisition_id") if isinstance(entry, dict) else None
        detail = {"detail_item_type": "requisition", "detail_item_id": requisition_id}
        try:
            bill = invoices.work_from_request(entry)
        except WorkRefused as refused:
            writes.append(PlannedWrite("close_item_detail", {**detail, "status": "failed",
                                                             "messages": [refused.message]}))
            continue
        work.append(PlannedWork(bill))
        item_ids = [line["procore_id"] for line in bill.payload["lines"]]
        writes.append(PlannedWrite("invoice_outcome", {**detail, "requisition_item_ids": item_ids},
                                   after=len(work) - 1))
    return RequestPlan(tuple(work), tuple(writes), note=f"{len(work)} subcontractor invoice(s) to export")


def _staging(kind: str, staged_type: str) -> Callable[[Any, PlanningContext], RequestPlan]:
    def plan_import(data: Any, context: PlanningContext) -> RequestPlan:
        payload = {"job_mode": context.job_mode} if kind == JOB_IMPORT_KIND else {}
        outcome = {"detail_id": data.get("request_detail_id"), "staged": staged_type}
        return RequestPlan(
            work=(PlannedWork(NewWork(kind, payload)),),
            writes=(PlannedWrite("item_outcome", outcome, after=0),),
            note=f"QuickBooks {staged_type}s to stage on Ready to Import",
        )

    return plan_import


def _metadata(data: Any, context: PlanningContext) -> RequestPlan:
    # The account import waits for the item import, and the metadata write for both: one answer.
    return RequestPlan(
        work=(
            PlannedWork(NewWork(SERVICE_ITEM_IMPORT_KIND, {})),
            PlannedWork(NewWork(ACCOUNT_IMPORT_KIND, {}), after=(0,)),
        ),
        writes=(PlannedWrite("metadata", {"detail_id": data.get("request_detail_id")}, after=1),),
        note="QuickBooks Service items and accounts for the ERP metadata",
    )


def _contract_payments(data: Any, context: PlanningContext) -> RequestPlan:
    """``sync_contract_payments`` (Sync Program or on demand): QuickBooks' bill payments of synced bills
    read at the next Web Connector update, then written to Procore's invoice payments sync."""
    return RequestPlan(
        work=(PlannedWork(bill_payments.work()),),
        writes=(PlannedWrite("payments_outcome", {}, after=0),),
        note="QuickBooks bill payments of synced bills to Procore's Payments Issued",
    )


def _delete_cost_codes(data: Any, context: PlanningContext) -> RequestPlan:
    # QuickBooks holds no record per project cost code (they use the standard codes' Service items), so
    # there is nothing in QuickBooks that forbids the delete: every detail is confirmed.
    message = "No QuickBooks record to delete: project cost codes use the standard cost codes' Service items."
    return RequestPlan(writes=_close_all(data, "success", message), note="project cost code delete confirmed")


def _single_job(data: Any, context: PlanningContext) -> RequestPlan:
    """``sync_single_job`` (every two hours, and on demand): the job's costs read from QuickBooks' reports
    and written to Procore's job cost sync. The request carries no detail: a refusal is only logged."""
    try:
        work = job_costs_work(data)
    except WorkRefused as refused:
        return RequestPlan(note=f"job costs not read: {refused.message}")
    outcome = {"project_id": work.payload["project_id"], "job_origin_id": work.payload["job_list_id"]}
    return RequestPlan(work=(PlannedWork(work),),
                       writes=(PlannedWrite("job_costs_outcome", outcome, after=0),),
                       note=f"job costs of job {work.payload['job_list_id']} to read")


PLANNERS: dict[str, Callable[[Any, PlanningContext], RequestPlan]] = {
    "create_standard_cost_codes": _standard_cost_codes,
    "create_or_update_job": _job,
    "create_vendor": _vendor,
    "create_commitment": _commitment,
    "create_budget": _budget,
    "update_budget": _budget,
    "create_commitment_change_order": _commitment_change_order,
    "create_requisitions": _requisitions,
    "sync_jobs": _staging(JOB_IMPORT_KIND, "project"),
    "sync_vendors": _staging(VENDOR_IMPORT_KIND, "vendor"),
    "sync_metadata": _metadata,
    "delete_cost_codes": _delete_cost_codes,
    "sync_contract_payments": _contract_payments,
    "sync_single_job": _single_job,
}


def plan(request_name: str, request_data: Any, context: PlanningContext) -> RequestPlan:
    """The plan of one ERP Request (never raises for a request Procore can send)."""
    planner = PLANNERS.get(request_name)
    if planner is not None:
        return planner(request_data if request_data is not None else {}, context)
    if request_name in NOT_SUPPORTED:
        reason = NOT_SUPPORTED[request_name]
        return RequestPlan(writes=_close_all(request_data, "failed", reason), note=reason)
    if request_name in NOT_YET:
        reason = f"{NOT_YET[request_name]} to QuickBooks Desktop is not carried out by this connector yet."
        return RequestPlan(writes=_close_all(request_data, "failed", reason), note=reason)
    if request_name in NO_ACTION:
        return RequestPlan(note=f"no action required: {NO_ACTION[request_name]}")
    reason = f"Unknown ERP request {request_name!r}: this connector does not know what to do with it."
    return RequestPlan(writes=_close_all(request_data, "failed", reason), note=reason)
