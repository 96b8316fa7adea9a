"""Record locking (api-conventions.json "record_locking_when_origin_id_set").

- Items waiting for accounting acceptance, or accepted and being exported, cannot be edited until they
  are retrieved or rejected (seed 002: "Reject (item editable again)").
- Once ``origin_id`` is set: a direct cost is immutable; a subcontractor invoice is immutable ("The invoice
  is not editable because it has been synced with ERP"); a contract payment cannot be edited or deleted
  except for its payment number and attachments (seed 003); an
  Approved/Complete commitment or CCO keeps its schedule of values and contract company and cannot be
  deleted.
"""

from __future__ import annotations

from typing import Any

from sim.procore_fake.errors import INVOICE_LOCKED, PAYMENT_LOCKED, Locked
from sim.procore_fake.store import Record

PENDING_MESSAGE = (
    "This item has been sent to ERP Integrations for accounting acceptance and cannot be edited."
)
COMMITMENT_LOCKED = (
    "The schedule of values and contract company of a commitment synced with ERP cannot be changed."
)
COMMITMENT_DELETE_LOCKED = "A commitment synced with ERP cannot be deleted."
DIRECT_COST_LOCKED = "The direct cost cannot be edited or deleted because it is synced with an ERP system"
COMMITMENT_KINDS = ("work_order_contract", "purchase_order_contract", "commitment_change_order")
LOCKED_COMMITMENT_FIELDS = ("vendor_id", "line_items", "accounting_method")
# Seed 003: users cannot edit synced payments, but may add attachments and add or edit the Payment number.
PAYMENT_EDITABLE_WHEN_SYNCED = {"payment_number", "attachments"}


def _approved(record: Record) -> bool:
    """Commitments say "Approved"/"Complete", change orders "approved": both lock once synced."""
    return str(record.get("status") or "").lower() in ("approved", "complete")


def erp_status(record: Record) -> str:
    return str(record.get("_erp", {}).get("status", "not_sent"))


def check_pending(record: Record) -> None:
    if erp_status(record) in ("waiting", "in_progress"):
        raise Locked(PENDING_MESSAGE)


def check_update(kind: str, record: Record, changes: dict[str, Any]) -> None:
    check_pending(record)
    if not record.get("origin_id"):
        return
    if kind == "requisition":
        raise Locked(INVOICE_LOCKED)
    if kind == "contract_payment" and set(changes) - PAYMENT_EDITABLE_WHEN_SYNCED:
        raise Locked(PAYMENT_LOCKED)
    if kind in ("direct_cost", "direct_cost_line_item"):
        raise Locked(DIRECT_COST_LOCKED)
    if kind in COMMITMENT_KINDS and _approved(record) and any(f in changes for f in LOCKED_COMMITMENT_FIELDS):
        raise Locked(COMMITMENT_LOCKED)


def check_sov_change(holder_kind: str, holder: Record) -> None:
    """Adding/changing/deleting a schedule-of-values line of a synced Approved/Complete commitment."""
    check_pending(holder)
    if holder.get("origin_id") and _approved(holder):
        raise Locked(COMMITMENT_LOCKED)


def check_delete(kind: str, record: Record) -> None:
    check_pending(record)
    if not record.get("origin_id"):
        return
    if kind == "requisition":
        raise Locked(INVOICE_LOCKED)
    if kind == "contract_payment":
        raise Locked(PAYMENT_LOCKED)
    if kind in ("direct_cost", "direct_cost_line_item"):
        raise Locked(DIRECT_COST_LOCKED)
    if kind in COMMITMENT_KINDS and _approved(record):
        raise Locked(COMMITMENT_DELETE_LOCKED)
