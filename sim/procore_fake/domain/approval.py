r"""The accounting-acceptance flow of the ERP Integrations tool (seeds 001, 002).

States (``record["_erp"]["status"]``)::

    not_sent --send--> waiting --accept--> in_progress --(origin_id + detail success)--> synced
        |                 |  \--reject--> rejected --resend--> waiting
        |                 \--retrieve--> retrieved --send/resend--> waiting
        \--direct export (setting on, approver)--> in_progress
    in_progress --(detail failed)--> failed --resend--> waiting ; failed --direct export--> in_progress
    synced --edit--> synced + changed (Ready to Update) --send/export--> ...
    synced --unlink--> not_sent (origin fields cleared)

Who may do what (seed 001's matrix): sending, retrieving and resending need 'Admin' on the tool where the
item lives (no ERP permission needed); accepting, rejecting and direct export need an Accounting Approver
(Standard/Admin on ERP Integrations + "Can Push to Accounting"); unlinking needs Standard/Admin on ERP
Integrations. Prerequisites follow seed 001's "Things to know" (project synced before its budget; vendor
and cost codes before a commitment; commitment before its CCOs and invoices; retainage item before invoices;
no negative invoices).
"""

from __future__ import annotations

from typing import Any

from sim.clock import Clock
from sim.procore_fake.clock import iso
from sim.procore_fake.domain import erp_requests, erp_settings, locking, payloads, records
from sim.procore_fake.domain.permissions import at_least, require, require_accounting_approver
from sim.procore_fake.errors import ErpRuleViolation, Forbidden, ValidationFailed
from sim.procore_fake.store import Record, Store

# item kind -> tool whose Admin may send it
SEND_TOOL = {
    "project": "projects",
    "vendor": "directory",
    "standard_cost_code": "erp_integrations",
    "budget": "budget",
    "work_order_contract": "commitments",
    "purchase_order_contract": "commitments",
    "commitment_change_order": "commitments",
    "requisition": "invoicing",
}
EXPORTABLE = tuple(SEND_TOOL)
REEXPORTABLE = ("project", "budget")
STATUS_LABELS = {
    "not_sent": "Not Sent",
    "waiting": "Waiting for Acceptance",
    "retrieved": "Retrieved",
    "rejected": "Rejected",
    "in_progress": "Export in Progress",
    "synced": "Synced",
    "failed": "Failed to Export",
}

public = records.public


def status(record: Record) -> str:
    return locking.erp_status(record)


def _erp(record: Record) -> dict[str, Any]:
    return record.setdefault("_erp", {"status": "not_sent", "history": [], "messages": []})


def _move(record: Record, new: str, clock: Clock, user: Record | None, note: str | None = None) -> None:
    erp = _erp(record)
    erp["history"].append(
        {
            "from": erp["status"],
            "to": new,
            "at": iso(clock.now()),
            "by": user["id"] if user else None,
            **({"note": note} if note else {}),
        }
    )
    erp["status"] = new


def view(kind: str, record: Record) -> Record:
    """What the ERP Integrations tool lists for an item."""
    erp = record.get("_erp", {"status": "not_sent", "messages": []})
    return {
        "item_type": kind,
        "item_id": record["id"],
        "project_id": record.get("project_id"),
        "name": record.get("name")
        or record.get("title")
        or record.get("invoice_number")
        or record.get("full_code")
        or record.get("number"),
        "status": erp["status"],
        "status_label": STATUS_LABELS[erp["status"]],
        "changed_since_sync": bool(erp.get("changed_since_sync")),
        "messages": list(erp.get("messages", [])),
        "rejection_reason": erp.get("rejection_reason"),
        "origin_id": record.get("origin_id"),
        "origin_code": record.get("origin_code"),
    }


# -- hooks used by the object routers -------------------------------------------------------------------
def note_edit(store: Store, kind: str, record: Record) -> None:
    """An edit to a synced project or budget puts it on the Ready to Update list (they are re-exported:
    create_or_update_job, update_budget). Other synced items are not re-exported: a company edited in
    Procore does not update its QuickBooks vendor (seed 001), commitments change through CCOs."""
    if status(record) == "synced" and kind in REEXPORTABLE:
        _erp(record)["changed_since_sync"] = True
        store.put(kind, record)


def after_origin_change(store: Store, kind: str, record: Record) -> Record:
    """Direct ERP sync into Procore (``…/sync`` with origin_id) marks the item synced."""
    if record.get("origin_id") and status(record) in ("not_sent", "in_progress", "failed"):
        erp = _erp(record)
        erp["status"] = "synced"
        erp["changed_since_sync"] = False
        store.put(kind, record)
    return record


# -- the user actions ----------------------------------------------------------------------------------
def _load(store: Store, company_id: int, kind: str, item_id: int) -> Record:
    if kind not in EXPORTABLE:
        raise ValidationFailed({"item_type": [f"must be one of {', '.join(EXPORTABLE)}"]})
    owner = store.owner(kind, item_id)
    if owner is None or owner[0] != company_id:
        raise ValidationFailed({"item_id": ["Entity with this ID not found"]})
    return store.get(kind, item_id)


def _from(record: Record, allowed: tuple[str, ...], action: str) -> None:
    current = status(record)
    if current not in allowed:
        raise ErpRuleViolation(f"Cannot {action} an item whose ERP status is '{STATUS_LABELS[current]}'.")


def send(store: Store, clock: Clock, company_id: int, user: Record, kind: str, item_id: int) -> Record:
    record = _load(store, company_id, kind, item_id)
    require(user, SEND_TOOL[kind], "admin")
    if status(record) == "synced" and (
        kind not in REEXPORTABLE or not _erp(record).get("changed_since_sync")
    ):
        raise ErpRuleViolation("This item is already synced with ERP and has no changes to send.")
    _from(record, ("not_sent", "retrieved", "synced"), "send")
    _erp(record)["sent_by"] = user["id"]
    _move(record, "waiting", clock, user)
    return store.put(kind, record)


def retrieve(store: Store, clock: Clock, company_id: int, user: Record, kind: str, item_id: int) -> Record:
    record = _load(store, company_id, kind, item_id)
    require(user, SEND_TOOL[kind], "admin")
    _from(record, ("waiting",), "retrieve")
    _move(record, "retrieved", clock, user)
    return store.put(kind, record)


def resend(store: Store, clock: Clock, company_id: int, user: Record, kind: str, item_id: int) -> Record:
    record = _load(store, company_id, kind, item_id)
    require(user, SEND_TOOL[kind], "admin")
    _from(record, ("rejected", "retrieved", "failed"), "resend")
    _erp(record)["messages"] = []
    _move(record, "waiting", clock, user)
    return store.put(kind, record)


def reject(
    store: Store, clock: Clock, company_id: int, user: Record, kind: str, item_id: int, reason: str | None
) -> Record:
    record = _load(store, company_id, kind, item_id)
    require_accounting_approver(user)
    _from(record, ("waiting",), "reject")
    _erp(record)["rejection_reason"] = reason
    _move(record, "rejected", clock, user, reason)
    return store.put(kind, record)


def accept(
    store: Store,
    clock: Clock,
    company_id: int,
    user: Record,
    kind: str,
    item_id: int,
    options: dict[str, Any],
) -> Record:
    record = _load(store, company_id, kind, item_id)
    require_accounting_approver(user)
    _from(record, ("waiting",), "accept")
    return _export(store, clock, company_id, user, kind, record, options)


def direct_export(
    store: Store,
    clock: Clock,
    company_id: int,
    user: Record,
    kind: str,
    item_id: int,
    options: dict[str, Any],
) -> Record:
    """ "Enable or Disable ERP Direct Exports": approvers export without the send/accept round trip."""
    record = _load(store, company_id, kind, item_id)
    require_accounting_approver(user)
    if not erp_settings.get(store, company_id).get("direct_export_enabled"):
        raise ErpRuleViolation("Direct export is not enabled for this company's ERP integration.")
    _from(record, ("not_sent", "retrieved", "rejected", "failed", "synced"), "export")
    if status(record) == "synced" and (
        kind not in REEXPORTABLE or not _erp(record).get("changed_since_sync")
    ):
        raise ErpRuleViolation("This item is already synced with ERP and has no changes to send.")
    return _export(store, clock, company_id, user, kind, record, options)


def _export(
    store: Store,
    clock: Clock,
    company_id: int,
    user: Record,
    kind: str,
    record: Record,
    options: dict[str, Any],
) -> Record:
    settings = erp_settings.get(store, company_id)
    payloads.check_prerequisites(store, company_id, settings, kind, record, options)
    payloads.apply_accept_options(store, settings, kind, record, options)
    _erp(record)["accepted_by"] = user["id"]
    _erp(record)["messages"] = []
    _move(record, "in_progress", clock, user)
    store.put(kind, record)
    name, data, placement = payloads.build(store, clock, company_id, settings, kind, record)
    request = erp_requests.emit(
        store, clock, company_id, name, data, items=[(kind, record["id"])], placement=placement
    )
    record = store.get(kind, record["id"])
    _erp(record)["erp_request_id"] = request["id"]
    return store.put(kind, record)


def unlink(store: Store, clock: Clock, company_id: int, user: Record, kind: str, item_id: int) -> Record:
    record = _load(store, company_id, kind, item_id)
    if not at_least(user, "erp_integrations", "standard"):
        raise Forbidden()
    _from(record, ("synced", "failed"), "unlink")
    unlink_event = payloads.unlink_event(store, company_id, kind, record)
    for key in ("origin_id", "origin_data", "origin_code"):
        if key in record:
            record[key] = None
    if kind == "vendor":
        record["synced_to_erp"] = False
    _erp(record)["changed_since_sync"] = False
    _move(record, "not_sent", clock, user, "unlinked")
    store.put(kind, record)
    if unlink_event is not None:
        erp_requests.emit(
            store,
            clock,
            company_id,
            unlink_event[0],
            unlink_event[1],
            items=[(kind, record["id"])] if unlink_event[2] else [],
            placement="top" if unlink_event[2] else "none",
        )
    return store.get(kind, record["id"])


def settle(store: Store, kind: str, record: Record) -> Record:
    """Called when an origin_id arrives or a request detail is closed: move in_progress items on."""
    erp = record.get("_erp")
    if not erp or erp["status"] not in ("in_progress", "failed"):
        return after_origin_change(store, kind, record)
    detail = erp.get("detail_status")
    # Requisitions' documented payload has no request_detail_id: for them the origin_id alone settles.
    closes_by_origin = not erp.get("detail_in_payload", True)
    if detail == "failed":
        erp["status"] = "failed"
    elif record.get("origin_id") and (detail == "success" or closes_by_origin):
        erp["status"] = "synced"
        erp["changed_since_sync"] = False
        if closes_by_origin:
            # Nobody can close a detail whose id was never sent: the origin id closes it (our choice).
            erp["detail_status"] = "success"
            owner = store.owner(kind, record["id"])
            for open_detail in store.query("erp_request_detail", company_id=owner[0] if owner else None):
                if (open_detail["item_type"], open_detail["item_id"], open_detail["status"]) == (
                    kind,
                    record["id"],
                    "in progress",
                ):
                    open_detail["status"] = "success"
                    store.put("erp_request_detail", open_detail)
    return store.put(kind, record)


def lists(store: Store, company_id: int) -> dict[str, list[Record]]:
    """The ERP Integrations tool's filters."""
    out: dict[str, list[Record]] = {
        k: []
        for k in (
            "ready_to_import",
            "ready_to_export",
            "ready_to_update",
            "failed_to_export",
            "synced",
            "archived",
        )
    }
    for kind in EXPORTABLE:
        for record in store.query(kind, company_id=company_id):
            st = status(record)
            item = view(kind, record)
            if st == "waiting":
                out["ready_to_export"].append(item)
            elif st == "failed":
                out["failed_to_export"].append(item)
            elif st == "synced":
                out["synced"].append(item)
                if record["_erp"].get("changed_since_sync"):
                    out["ready_to_update"].append(item)
    for staged in store.query("staged_record", company_id=company_id):
        if staged["status"] == "staged":
            out["ready_to_import"].append(records.public(staged))
        elif staged["status"] == "archived":
            out["archived"].append(records.public(staged))
    return out
