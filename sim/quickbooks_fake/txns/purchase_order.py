"""PurchaseOrderAdd / PurchaseOrderMod / PurchaseOrderQuery (Procore commitments → purchase orders).

Real semantics imitated:

* Purchase orders exist only while "Inventory and purchase orders are active" is on
  (``IsUsingInventory``); otherwise Add and Mod answer 3250 (seed 000 makes the accountant turn it
  on). Existing POs stay queryable and deletable with the preference off (chosen, like the core's
  inventory items).
* ``RefNumber`` (P.O. NO.) is limited to 11 characters (the XSD ``maxLength``); the fake's core answers
  a longer one with 3070 "The string … is too long." on that request and stores nothing.
* Lines carry ``CustomerRef`` (the Customer:Job), ``Desc``, ``Quantity``, ``Rate``, ``Amount``; the
  PO's ``TotalAmount`` is the sum of its lines. A commitment change order arrives as a Mod that
  re-sends the existing lines by ``TxnLineID`` and appends new ones with ``TxnLineID`` ``-1`` — lines
  left out of such a Mod are deleted, as the OSR says.
* ``IsManuallyClosed`` on the header closes every line; received quantities, ``IsBilled`` and
  ``IsFullyReceived`` follow the bills linked to the PO (``links.py``); a line deleted by a Mod drops
  the links of the bill lines that received it (chosen, see ``_unlink_deleted_lines``).

* The window's defaults: ``TemplateRef`` is the file's "Custom Purchase Order" template and
  ``ShipAddressBlock`` the Ship To block (the ShipAddress sent, else the company's name and address).

Not yet faithful: line groups, VendorAddress/VendorAddressBlock defaulting from the vendor, ShipAddress
from the company, currencies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import FeatureNotEnabled
from ..host.queries import address_block, company_ret
from ..qbxml_io import Doc, as_list
from ..queries import txn_query
from ..registry import Reply, RequestContext, handles
from ..store import Record
from .common import LineSpec, TxnSpec, add_txn, apply_mod, get_txn, line_total, touch
from .links import drop_links, links_to, refresh_bill, refresh_po
from .money import amt
from .replies import ret_reply

if TYPE_CHECKING:
    from ..company_api import Company

PO_LINE = LineSpec("PurchaseOrderLineAdd", "PurchaseOrderLineMod", "PurchaseOrderLineRet", "Rate")
PURCHASE_ORDER = TxnSpec("PurchaseOrder", "PurchaseOrder", (PO_LINE,))
LINE_FIELDS = ("PurchaseOrderLineRet", "PurchaseOrderLineGroupRet")


def _require_feature(company: Company) -> None:
    if not company.inventory_enabled:
        raise FeatureNotEnabled()


def _finish(doc: Doc) -> None:
    """Totals and per-line receipt defaults (links.refresh_po recomputes them from bills)."""
    for line in as_list(doc.get("PurchaseOrderLineRet")):
        if line.get("Quantity"):
            line.setdefault("ReceivedQuantity", "0")
            line.setdefault("UnbilledQuantity", line["Quantity"])
        line.setdefault("IsBilled", "false")
        line.setdefault("IsManuallyClosed", "false")
    doc["TotalAmount"] = amt(line_total(doc, PURCHASE_ORDER))
    doc.setdefault("IsManuallyClosed", "false")
    doc.setdefault("IsFullyReceived", "false")
    doc.setdefault("IsToBePrinted", "false")
    doc.setdefault("IsToBeEmailed", "false")


def _form_defaults(company: Company, doc: Doc) -> None:
    """What the Create Purchase Orders window fills in: its template (TemplateRef) and the Ship To
    block — the ShipAddress given, else the company's own name and address, where a contractor's
    materials are delivered unless told otherwise (the window's default)."""
    if "TemplateRef" not in doc:
        template = company.store.first_in_name_space("Template", "Template")
        if template is not None and template.doc.get("TemplateType") == "PurchaseOrder":
            doc["TemplateRef"] = {"ListID": template.list_id, "FullName": template.doc["Name"]}
    if isinstance(doc.get("ShipAddress"), dict) and doc["ShipAddress"]:
        doc["ShipAddressBlock"] = address_block(doc["ShipAddress"])
    else:
        info = company_ret(company)
        doc["ShipAddressBlock"] = address_block(info.get("Address") or {}, info.get("CompanyName"))


def purchase_order_add_doc(company: Company, request: Doc) -> Record:
    """Create a purchase order from a ``PurchaseOrderAdd`` dict (qbXML and ``company.ui``)."""
    _require_feature(company)

    def finish(doc: Doc) -> None:
        _form_defaults(company, doc)
        _finish(doc)

    return add_txn(company, PURCHASE_ORDER, request, finish)


def purchase_order_mod_doc(company: Company, request: Doc) -> Record:
    """Apply a ``PurchaseOrderMod`` dict: header fields, line replace/append, manual close."""

    def close_then_finish(doc: Doc) -> None:
        if request.get("IsManuallyClosed") in ("true", "false"):
            for line in as_list(doc.get("PurchaseOrderLineRet")):
                line["IsManuallyClosed"] = request["IsManuallyClosed"]
        if "ShipAddress" in request:
            doc.pop("ShipAddressBlock", None)
            _form_defaults(company, doc)
        _finish(doc)

    rec = apply_mod(
        company, PURCHASE_ORDER, request, close_then_finish, require=lambda: _require_feature(company)
    )
    _unlink_deleted_lines(company, rec)
    refresh_po(company, rec, bump=False)
    return touch(company, rec)


def _unlink_deleted_lines(company: Company, po: Record) -> None:
    """A PO line deleted by a Mod takes its receipts' links with it; the bills stay, unlinked.

    Chosen: whether QuickBooks refuses to delete a received PO line is not in our sources; the fake
    keeps links consistent the way TxnDel of a whole PO does (``txn_del``).
    """
    kept = {ln["TxnLineID"] for ln in as_list(po.doc.get("PurchaseOrderLineRet"))}
    stale = [link for link in links_to(company, po.txn_id or "") if link.doc["ToLineID"] not in kept]
    drop_links(company, stale)
    for bill_id in dict.fromkeys(link.doc["FromTxnID"] for link in stale):
        refresh_bill(company, get_txn(company, "Bill", bill_id))


@handles("PurchaseOrderAdd")
def purchase_order_add(ctx: RequestContext) -> Reply:
    rec = purchase_order_add_doc(ctx.company, ctx.body["PurchaseOrderAdd"])
    return ret_reply(ctx, rec)


@handles("PurchaseOrderMod")
def purchase_order_mod(ctx: RequestContext) -> Reply:
    rec = purchase_order_mod_doc(ctx.company, ctx.body["PurchaseOrderMod"])
    return ret_reply(ctx, rec)


@handles("PurchaseOrderQuery")
def purchase_order_query(ctx: RequestContext) -> Reply:
    """TxnID/RefNumber lists or the TxnFilter group; EntityFilter matches the vendor.

    Not yet faithful: CurrencyFilter and DateMacro are ignored.
    """
    return txn_query(
        ctx, ("PurchaseOrder",), entity_fields=("VendorRef",), account_fields=(), line_fields=LINE_FIELDS
    )
