"""Procore companies → new QuickBooks vendors (VendorAdd). The import is ``vendors.py``.

seed 001, "Vendors" mapping: Name → Vendor Name (``Name``); Address/City/State/ZIP → Billed From
(``VendorAddress`` Addr1…/City/State/PostalCode); Business Phone → Main Phone (``Phone``); Business Fax →
Fax (``Fax``). Nothing else of the company is sent: the mapping has no other row (no e-mail, no
company name, no active flag).

Export (``vendor.export``) answers:

* 0 → done, id map ``vendor`` ← ListID + EditSequence (``action`` ``created``).
* 3100 (the name is in use — by a vendor, or by a customer, employee or other name: QuickBooks keeps
  one name list for all four) → failed with QuickBooks' own message. An export never links: seed 001,
  "Linking an existing Procore Company with an existing QuickBooks Desktop Vendor can not be completed
  by exporting the company"; that is done from Ready to Import.
* crash between sendRequestXML and receiveResponseXML → probe ``VendorQuery`` by FullName (``adds``:
  found → recovered, not added twice).

There is no vendor update kind: "Changes made to a Company in Procore will NOT update the synced Vendor
in QuickBooks Desktop" (seed 001), so a ``create_vendor`` for a company that is already synced is refused
(``VendorAlreadySynced``) instead of touching QuickBooks.

Refused before sending: an empty name, a name over QuickBooks' 41 characters (13.0 XSD ``VendorAdd/Name``
maxLength), phone or fax over 21, address fields over QuickBooks' lengths. A ':' in the name is left to
QuickBooks (vendors are not hierarchical; whether QuickBooks refuses it is not in our sources).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import QBXMLBuildError, Request, Response
from connector.sync import adds, codec
from connector.sync.context import SyncContext
from connector.work import NewWork, Outcome, RequestBody, WorkItemView, WorkRefused

KIND = "vendor.export"
OBJECT_TYPE = "vendor"  # id map object type
QB_VENDOR_NAME_MAX_LENGTH = 41  # qbxml130.xsd: VendorAdd/Name STRTYPE maxLength 41
QB_PHONE_MAX_LENGTH = 21  # qbxml130.xsd: CommInfo Phone/Fax maxLength 21


class VendorRejected(WorkRefused, ValueError):
    """A company the connector refuses to send as a vendor (the reason is shown to the Approver)."""

    status = "VendorRejected"

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(self.status, f"Company {name!r} cannot be exported as a vendor: {reason}")


class VendorAlreadySynced(VendorRejected):
    """A ``create_vendor`` for a company that already has its QuickBooks vendor."""

    status = "VendorAlreadySynced"

    def __init__(self, name: str, origin_id: str) -> None:
        self.origin_id = origin_id
        super().__init__(
            name,
            f"it is already synced with the QuickBooks vendor {origin_id}; changes made to a company in "
            "Procore do not update its QuickBooks vendor",
        )


def _fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"Name": str(payload["name"])}
    if payload.get("address"):
        fields["VendorAddress"] = dict(payload["address"])
    if payload.get("phone"):
        fields["Phone"] = str(payload["phone"])
    if payload.get("fax"):
        fields["Fax"] = str(payload["fax"])
    return fields


def check_vendor(payload: Mapping[str, Any]) -> None:
    """Refuse what QuickBooks would refuse, before anything is sent."""
    name = str(payload.get("name") or "")
    if not name.strip():
        raise VendorRejected(name, "the company name is empty")
    if len(name) > QB_VENDOR_NAME_MAX_LENGTH:
        raise VendorRejected(
            name,
            f"its name has {len(name)} characters; a QuickBooks Desktop vendor name holds at most "
            f"{QB_VENDOR_NAME_MAX_LENGTH}",
        )
    for label, key in (("business phone", "phone"), ("business fax", "fax")):
        value = str(payload.get(key) or "")
        if len(value) > QB_PHONE_MAX_LENGTH:
            raise VendorRejected(name, f"its {label} {value!r} has {len(value)} characters; QuickBooks holds "
                                       f"at most {QB_PHONE_MAX_LENGTH}")
    problem = adds.address_problem(payload.get("address"))
    if problem:
        raise VendorRejected(name, problem)
    try:
        codec.check(codec.build("VendorAdd", _fields(payload)))
    except QBXMLBuildError as exc:
        raise VendorRejected(name, f"it cannot be written as qbXML ({exc})") from exc


def work_from_request(request_data: Mapping[str, Any]) -> NewWork:
    """A ``create_vendor`` ERP Request's ``request_data`` as a ``vendor.export`` work item.

    Raises ``VendorRejected`` (``VendorAlreadySynced`` for a company that has an ``origin_id``).
    """
    vendor = request_data.get("vendor") if isinstance(request_data, Mapping) else None
    if not isinstance(vendor, Mapping):
        raise VendorRejected("", "the ERP Request carries no vendor object")
    try:
        name = adds.text(vendor, "name")
        procore_id = adds.procore_id(vendor)
        if procore_id is None:
            raise VendorRejected(name, "the ERP Request's vendor has no company id")
        if adds.text(vendor, "origin_id"):
            raise VendorAlreadySynced(name, adds.text(vendor, "origin_id"))
        payload: dict[str, Any] = {
            "name": name,
            "address": adds.procore_address(vendor),
            "phone": adds.text(vendor, "business_phone").strip() or None,
            "fax": adds.text(vendor, "fax_number").strip() or None,
        }
    except adds.NotText as exc:
        raise VendorRejected(str(vendor.get("name") or ""), str(exc)) from exc
    check_vendor(payload)
    return NewWork(KIND, payload, procore_id)


def add_request(payload: Mapping[str, Any]) -> Request:
    """VendorAddRq for one company (raises ``VendorRejected`` when it cannot be sent)."""
    check_vendor(payload)
    return codec.build("VendorAdd", _fields(payload))


class VendorExportHandler:
    """``vendor.export``: VendorAdd; 3100 fails with QuickBooks' message; probe by name after a crash."""

    kind = KIND

    def __init__(self, context: SyncContext) -> None:
        self._context = context

    def build_request(self, item: WorkItemView) -> RequestBody:
        if adds.is_probe_phase(item.result):
            return self.build_probe(item)
        return add_request(item.payload)

    def build_probe(self, item: WorkItemView) -> RequestBody:
        return codec.build("VendorQuery", {"FullName": [str(item.payload["name"])]})

    def handle_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        if adds.is_probe_phase(item.result):
            return self.handle_probe_response(item, responses)
        return adds.added(responses[0], OBJECT_TYPE, item.procore_id or "", "VendorAdd",
                          str(item.payload["name"]))

    def handle_probe_response(self, item: WorkItemView, responses: Sequence[Response]) -> Outcome:
        return adds.recovered_or_add(responses[0], OBJECT_TYPE, item.procore_id or "",
                                     str(item.payload["name"]), "VendorQuery")
