"""Write-back: what QuickBooks answered goes to Procore (the outbox of ``connector.store.erp``).

For each due write (its work item finished in QuickBooks, or one that waits for nothing):

* ``item_outcome`` of an export — done: the QuickBooks ListID as the record's ``origin_id`` (and its
  EditSequence as ``origin_data``) through ``external_data/sync``, so Procore shows it Synced and a later
  update finds its QuickBooks twin; a project's cost codes too (they have no QuickBooks record of their
  own: their origin id is the job's and the Service item's ListIDs, ``"<job>|<item>"``, unique per
  project as Procore requires); a commitment's origin id is its purchase order's TxnID and each SOV
  line's (``line_item``) its PO line's TxnLineID; a budget's origin id is its estimate's TxnID, and the
  transactions QuickBooks now holds are marked synced (``erp_transactions/sync``, each with its estimate
  line's TxnLineID); then the request detail is closed ``success``.
  Failed: the detail is closed ``failed`` with QuickBooks' status code and message, which the
  accounting approver reads under "Failed to Export" before resending.
* ``item_outcome`` of an import — the staged QuickBooks records pushed to Procore's staged records
  (Ready to Import), then the detail closed.
* ``metadata`` — the staged Service items and accounts written into the ERP connection's metadata.
* ``change_order_outcome`` — a commitment change order: its origin id ``<PO TxnID>|<first new TxnLineID>``
  and each CCO line's its new PO line's TxnLineID, then its detail closed (failed: QuickBooks' message).
* ``invoice_outcome`` — a subcontractor invoice: the bill's TxnID as the requisition's origin id (which
  alone marks it synced: the documented payload names no detail) and each billed line's TxnLineID; failed:
  the request's detail of that requisition (looked up by item) closed with QuickBooks' code and message.
* ``payments_outcome`` — QuickBooks' bill payments of synced bills through ``invoice_payments/sync`` (Payments
  Issued), then the sync's detail closed (failed: QuickBooks' answer, e.g. a Canadian company file).
* ``job_costs_outcome`` — a job's QuickBooks job costs (``job_costs.read``) through ``erp_job_costs/sync``,
  one update per synced cost code of the project (origin ``"<job>|<item>"``; the item's name from the id
  map): Original Budget, Revised Budget (Est. Cost), Job to Date Cost (Act. Cost), Commitment Invoiced;
  rows of items no synced cost code stands for are left out. The request has no detail: a failure is logged.
* ``close_item_detail`` — a refusal of one requisition of a batch, closed on its detail looked up by item.
* ``close_detail`` / ``close_request_details`` — a close-out decided without QuickBooks (a refusal, an
  unsupported request).

A Procore failure (down, 5xx, 429 after the client's own retries, an expired authorisation) leaves the
write pending with a growing delay on the injectable clock: retried later, never lost, and QuickBooks is
never asked twice (the work item is finished; only the Procore half is repeated, and it is idempotent).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from connector.procore.erp import ErpApi, SyncResult
from connector.procore.errors import ProcoreError
from connector.store.erp import ErpStore, WriteRecord
from connector.store.idmap import IdMap
from connector.store.queue import WorkRecord
from connector.sync import jobs, vendors
from connector.sync.staging import Staged, StagingStore

log = logging.getLogger("connector.procore.writeback")

#: Delay before retrying a write Procore did not take: doubling from 30 s, at most an hour.
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)

#: Staged object types of the connector (``StagingStore``) → Procore's staged record item types.
STAGED_TYPES = {"project": "job", "vendor": "vendor"}


@dataclass(frozen=True)
class FlushReport:
    """What one :meth:`WriteBack.flush` did."""

    written: int = 0
    failed: int = 0
    waiting: int = 0


def retry_delay(attempts: int) -> timedelta:
    return min(FIRST_RETRY * (2 ** max(attempts, 0)), MAX_RETRY)


def quickbooks_message(item: WorkRecord) -> str:
    """QuickBooks' answer as the accounting approver reads it in Procore."""
    code, text = item.last_status_code or "", item.last_status_message or ""
    if code.isdigit() or code.startswith("0x"):
        return f"QuickBooks Desktop error {code}: {text}"
    return text or f"The export failed ({code})."


def _origin_data(result: Mapping[str, Any]) -> str | None:
    """The record's EditSequence as Procore's ``origin_data`` (what a re-export's Mod starts from)."""
    edit_sequence = result.get("EditSequence")
    return str(edit_sequence) if edit_sequence is not None else None


def _errors_text(result: SyncResult) -> list[str]:
    out = []
    for failure in result.errors:
        errors = failure.get("errors")
        which = failure.get("item_id") or failure.get("origin_id") or ""
        what = f"{failure.get('item_type', 'record')} {which}"
        out.append(f"Procore refused the origin id of {what.strip()}: {errors}")
    return out


def vendor_update(staged: Staged, vendor: Mapping[str, Any]) -> dict[str, Any]:
    """A synced Procore company refreshed from its QuickBooks vendor (seed 001 mapping: name, Billed From
    address, main phone, fax), by Procore id."""
    fields = vendors.procore_staged_record(staged)["data"]
    return {"id": vendor["id"], "origin_id": staged.qb_id, **fields}


def staged_records(staged: Sequence[Staged], procore_type: str) -> list[dict[str, Any]]:
    """The staged QuickBooks records as Procore's staged-record sync takes them (skipped jobs left out)."""
    if procore_type == "vendor":
        return [vendors.procore_staged_record(s) for s in staged]
    return [r for r in (jobs.procore_staged_record(s) for s in staged) if r is not None]


class WriteBack:
    """Carries out the due writes of one company against Procore."""

    def __init__(
        self,
        company_key: str,
        erp: ErpApi,
        store: ErpStore,
        staging: StagingStore,
        clock: Callable[[], datetime],
        id_map: IdMap,
        *,
        update_synced_vendors: bool = True,
    ) -> None:
        self.company_key = company_key
        self._id_map = id_map
        self._update_synced_vendors = update_synced_vendors
        self._erp = erp
        self._store = store
        self._staging = staging
        self._clock = clock
        self._open: set[int] | None = None

    def flush(self) -> FlushReport:
        """Every due write once; a Procore failure postpones that write and the rest go on."""
        written = failed = 0
        for write in self._store.due_writes(self.company_key):
            if not write.started:
                self._store.write_started(write.id)
            try:
                self._open = self._open_details(write) if write.started else None
                self._perform(write)
            except ProcoreError as exc:
                failed += 1
                retry_at = self._clock() + retry_delay(write.attempts)
                log.warning("write-back %s of ERP Request %s postponed to %s: %s",
                            write.kind, write.request_id, retry_at.isoformat(), exc)
                self._store.write_failed(write.id, str(exc), retry_at)
                continue
            except Exception as exc:  # a defect in one write must not hold back the writes behind it
                failed += 1
                retry_at = self._clock() + retry_delay(write.attempts)
                log.exception("write-back %s of ERP Request %s failed; retried at %s",
                              write.kind, write.request_id, retry_at.isoformat())
                self._store.write_failed(write.id, f"{type(exc).__name__}: {exc}", retry_at)
                continue
            self._store.write_done(write.id)
            written += 1
        return FlushReport(written, failed, self._store.pending_writes(self.company_key))

    # -- the writes --------------------------------------------------------------------------------
    def _perform(self, write: WriteRecord) -> None:
        payload = write.payload
        if write.kind == "close_detail":
            self._close(payload.get("detail_id"), payload["status"], payload.get("messages") or [])
        elif write.kind == "close_request_details":
            for detail in self._erp.list_request_details(erp_request_id=write.request_id):
                if detail.get("status") == "in progress":
                    self._close(detail["id"], payload["status"], payload.get("messages") or [])
        elif write.kind == "item_outcome":
            assert write.item is not None  # due_writes only hands out item writes whose item finished
            if payload.get("staged"):
                self._staged(write.item, payload)
            else:
                self._export(write.item, payload)
        elif write.kind == "metadata":
            self._metadata(write.item, payload)
        elif write.kind == "change_order_outcome":
            assert write.item is not None
            self._change_order(write.item, payload)
        elif write.kind == "invoice_outcome":
            assert write.item is not None
            self._invoice(write, write.item, payload)
        elif write.kind == "payments_outcome":
            assert write.item is not None
            self._payments(write, write.item)
        elif write.kind == "job_costs_outcome":
            assert write.item is not None
            self._job_costs(write.item, payload)
        elif write.kind == "close_item_detail":
            self._close(self._detail_of(write, payload), payload["status"], payload.get("messages") or [])
        else:
            raise ValueError(f"unknown write-back kind {write.kind!r}")

    def _open_details(self, write: WriteRecord) -> set[int]:
        """The request's details still in progress (asked only when an earlier try may have closed some)."""
        details = self._erp.list_request_details(erp_request_id=write.request_id)
        return {int(d["id"]) for d in details if d.get("status") == "in progress"}

    def _close(self, detail_id: Any, status: str, messages: Sequence[str]) -> None:
        if detail_id is None:
            return  # the request carries no detail (the dictionary gives it none): nothing to close
        if self._open is not None and int(detail_id) not in self._open:
            log.info("request detail %s was already closed by an interrupted write-back", detail_id)
            return  # closed once is closed: a person may already be acting on it in Procore
        self._erp.close_request_detail(int(detail_id), status, list(messages))
        log.info("request detail %s closed %s%s", detail_id, status, f": {messages[0]}" if messages else "")

    def _export(self, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        detail = payload.get("detail_id")
        if item.state != "done":
            self._close(detail, "failed", [quickbooks_message(item)])
            return
        result = item.result or {}
        list_id = result.get("ListID") or result.get("TxnID")  # a list object's ListID, a transaction's TxnID
        if not list_id:
            answer = item.last_status_message
            self._close(detail, "failed", [f"QuickBooks answered without a ListID ({answer})"])
            return
        updates: list[dict[str, Any]] = [
            {k: v for k, v in {
                "item_type": payload["item_type"],
                "item_id": payload["item_id"],
                "origin_id": str(list_id),
                "origin_data": _origin_data(result),
            }.items() if v is not None}
        ]
        if payload["item_type"] == "project":
            by_id = {str(cc.get("procore_id")): cc for cc in item.payload.get("cost_codes") or []}
            for cc_id in payload.get("cost_code_ids") or []:
                item_list_id = self._item_of(by_id.get(str(cc_id)) or {})
                if item_list_id:
                    updates.append(
                        {"item_type": "cost_code", "item_id": cc_id, "origin_id": f"{list_id}|{item_list_id}"}
                    )
        # A commitment's SOV lines: each the TxnLineID of its purchase order line (same order).
        for line_id, txn_line_id in zip(payload.get("line_item_ids") or [], result.get("TxnLineIDs") or [],
                                        strict=False):
            updates.append({"item_type": "line_item", "item_id": line_id, "origin_id": str(txn_line_id)})
        answer = self._erp.sync_external_data(updates)
        if not answer.ok:
            self._close(detail, "failed", _errors_text(answer))
            return
        if payload["item_type"] == "budget":
            self._budget_transactions(item, payload)
            return
        messages = [str(item.last_status_message)] if result.get("action") in ("linked", "recovered") else []
        self._close(detail, "success", messages)

    def _budget_transactions(self, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        """A budget's transactions QuickBooks now holds marked synced (each with its estimate line's
        TxnLineID), then its detail closed: the dictionary's create_budget order. Those QuickBooks does not
        hold stay pending, and Procore sends them with the next export."""
        detail = payload.get("detail_id")
        result = item.result or {}
        lines = result.get("transaction_lines") or {}
        updates = [{"id": int(txn), "origin_id": str(line), "synced": True} for txn, line in lines.items()]
        if updates:
            answer = self._erp.sync_transactions(int(item.payload["project_id"]), updates)
            if not answer.ok:
                refused = [f"Procore refused to mark transaction {e.get('id')} synced: {e.get('errors')}"
                           for e in answer.errors]
                self._close(detail, "failed", refused)
                return
        messages = list(payload.get("messages") or [])
        if result.get("action") in ("recovered", "unchanged"):
            messages.insert(0, str(item.last_status_message))
        self._close(detail, "success", messages)

    def _item_of(self, cost_code: Mapping[str, Any]) -> str | None:
        """The Service item behind a project cost code: as Procore sent it, or — when its standard cost
        code was still being exported as the project was planned — from the id map."""
        if cost_code.get("item_list_id"):
            return str(cost_code["item_list_id"])
        standard = cost_code.get("standard_cost_code_id")
        if not standard:
            return None
        mapping = self._id_map.by_procore_id(self.company_key, "cost_code", str(standard))
        return mapping.qb_id if mapping is not None else None

    def _staged(self, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        """Stage what is new on Ready to Import; refresh synced vendors when the setting says so.

        A QuickBooks record that a Procore record already carries as its origin id is synced (exported
        from Procore, imported or linked from Ready to Import): it is not offered again. Synced vendors
        take QuickBooks' edits when "Vendors will be Automatically Updated" is on (seed 004); synced
        projects are left as Procore has them (the dictionary's sync_jobs *may* update them; QuickBooks'
        customer fields are not what Procore users maintain, so this connector does not).
        """
        detail = payload.get("detail_id")
        if item.state != "done":
            self._close(detail, "failed", [quickbooks_message(item)])
            return
        procore_type = str(payload["staged"])
        ready = self._staging.list(self.company_key, STAGED_TYPES[procore_type], status="ready")
        synced = {
            str(r["origin_id"]): r
            for r in (self._erp.list_vendors() if procore_type == "vendor" else self._erp.list_projects())
            if r.get("origin_id")
        }
        new = [s for s in ready if s.qb_id not in synced]
        answer = self._erp.sync_staged_records(staged_records(new, procore_type))
        if procore_type == "vendor" and self._update_synced_vendors:
            refreshed = [vendor_update(s, synced[s.qb_id]) for s in ready if s.qb_id in synced]
            if refreshed:
                vendors = self._erp.sync_vendors(refreshed)
                answer.errors.extend(vendors.errors)
        if not answer.ok:
            self._close(detail, "failed", _errors_text(answer))
            return
        self._close(detail, "success", [])

    def _metadata(self, item: WorkRecord | None, payload: Mapping[str, Any]) -> None:
        detail = payload.get("detail_id")
        if item is not None and item.state != "done":
            self._close(detail, "failed", [quickbooks_message(item)])
            return
        items = self._staging.list(self.company_key, "item", status="ready")
        accounts = self._staging.list(self.company_key, "account", status="ready")
        self._erp.update_connection(
            metadata={
                "service_items": [{"origin_id": s.qb_id, "name": s.name, **s.data} for s in items],
                "accounts": [{"origin_id": s.qb_id, "name": s.name, **s.data} for s in accounts],
            }
        )
        self._close(detail, "success", [])

    # -- commitment change orders and subcontractor invoices ---------------------------------------------
    def _change_order(self, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        """A change order's lines are on its commitment's PO: the change order's origin id is the PO's
        TxnID with its first new line's TxnLineID (unique per change order, as Procore requires; the PO's
        TxnID alone is its commitment's), each CCO line's its PO line's TxnLineID; then the detail closed."""
        detail = payload.get("detail_id")
        if item.state != "done":
            self._close(detail, "failed", [quickbooks_message(item)])
            return
        result = item.result or {}
        first = result.get("title_line_id") or next(iter(result.get("TxnLineIDs") or []), None)
        if not result.get("TxnID") or not first:
            answer_text = item.last_status_message
            self._close(detail, "failed", [f"QuickBooks answered without the new lines ({answer_text})"])
            return
        updates: list[dict[str, Any]] = [{"item_type": "change_order", "item_id": payload["change_order_id"],
                                          "origin_id": f"{result['TxnID']}|{first}"}]
        for line_id, txn_line_id in zip(payload.get("line_item_ids") or [], result.get("TxnLineIDs") or [],
                                        strict=False):
            updates.append({"item_type": "line_item", "item_id": line_id, "origin_id": str(txn_line_id)})
        answer = self._erp.sync_external_data(updates)
        if not answer.ok:
            self._close(detail, "failed", _errors_text(answer))
            return
        messages = [str(item.last_status_message)] if result.get("action") == "recovered" else []
        self._close(detail, "success", messages)

    def _detail_of(self, write: WriteRecord, payload: Mapping[str, Any]) -> int | None:
        """The request detail of one item of a request whose payload names no detail id (requisitions):
        the request's detail for that item, if still in progress."""
        for detail in self._erp.list_request_details(erp_request_id=write.request_id):
            if (detail.get("item_type") == payload.get("detail_item_type")
                    and str(detail.get("item_id")) == str(payload.get("detail_item_id"))
                    and detail.get("status") == "in progress"):
                return int(detail["id"])
        return None

    def _invoice(self, write: WriteRecord, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        """A bill: its TxnID as the requisition's origin id (documented: that alone marks it synced), each
        billed detail line's its bill line's TxnLineID. Failed: the requisition's detail closed failed with
        QuickBooks' code and message."""
        if item.state != "done":
            self._close(self._detail_of(write, payload), "failed", [quickbooks_message(item)])
            return
        result = item.result or {}
        updates: list[dict[str, Any]] = [
            {k: v for k, v in {"item_type": "requisition", "item_id": payload["detail_item_id"],
                               "origin_id": str(result["TxnID"]), "origin_data": _origin_data(result)}.items()
             if v is not None}
        ]
        billed = payload.get("requisition_item_ids") or []
        for line_id, txn_line_id in zip(billed, result.get("TxnLineIDs") or [], strict=False):
            updates.append({"item_type": "requisition_contract_item", "item_id": int(line_id),
                            "origin_id": str(txn_line_id)})
        answer = self._erp.sync_external_data(updates)
        if not answer.ok:
            self._close(self._detail_of(write, payload), "failed", _errors_text(answer))

    # -- bill payments → Payments Issued -----------------------------------------------------------------
    def _payments(self, write: WriteRecord, item: WorkRecord) -> None:
        """The bill payments QuickBooks has for synced bills, through ``invoice_payments/sync`` (an edited
        one updates its Procore payment by origin id); the sync's detail closed with what was written and
        any payment deleted in QuickBooks since (no documented call removes it from Procore)."""
        details = [d for d in self._erp.list_request_details(erp_request_id=write.request_id)
                   if d.get("status") == "in progress"]

        def close(status: str, messages: Sequence[str]) -> None:
            for detail in details:
                self._close(detail["id"], status, messages)

        if item.state != "done":
            close("failed", [quickbooks_message(item)])
            return
        result = item.result or {}
        payments = list(result.get("payments") or [])
        answer = self._erp.sync_invoice_payments(payments) if payments else None
        if answer is not None and not answer.ok:
            close("failed", [f"Procore refused payment {e.get('origin_id')}: {e.get('errors')}"
                             for e in answer.errors])
            return
        messages = [f"{len(payments)} QuickBooks bill payment(s) synced to Payments Issued."]
        messages += [f"Payment {origin} was deleted in QuickBooks; remove it from Payments Issued in Procore."
                     for origin in result.get("deleted") or []]
        close("success", messages)

    def _job_costs(self, item: WorkRecord, payload: Mapping[str, Any]) -> None:
        """seed 001 "Job Costs": per synced cost code of the project, what QuickBooks' reports say."""
        if item.state != "done":
            log.warning("job costs of project %s not read from QuickBooks: %s", payload.get("project_id"),
                        quickbooks_message(item))
            return
        result = item.result or {}
        est, act = result.get("est") or {}, result.get("act") or {}
        invoiced, original = result.get("invoiced") or {}, result.get("original") or {}
        updates: list[dict[str, Any]] = []
        for cost_code in self._erp.list_cost_codes(int(payload["project_id"])):
            job, _, item_list_id = str(cost_code.get("origin_id") or "").partition("|")
            if job != str(payload["job_origin_id"]) or not item_list_id:
                continue  # not synced with this job's Service item
            mapping = self._id_map.by_qb_id(self.company_key, "cost_code", item_list_id)
            name = mapping.name if mapping is not None and mapping.name else None
            if name is None:
                continue
            updates.append({
                "cost_code_id": cost_code["id"],
                "original_estimate": str(original.get(item_list_id, "0")),
                "estimate": str(est.get(name, "0")),
                "job_to_date_cost": str(act.get(name, "0")),
                "commitment_invoiced": str(invoiced.get(name, "0")),
            })
        if not updates:
            log.info("project %s has no synced cost code: no job costs to write", payload.get("project_id"))
            return
        answer = self._erp.sync_job_costs(str(payload["job_origin_id"]), updates)
        for text in _errors_text(answer):
            log.warning("Procore refused a job cost of project %s: %s", payload.get("project_id"), text)
        log.info("job costs of project %s written: %d cost code(s)", payload.get("project_id"), len(updates))
