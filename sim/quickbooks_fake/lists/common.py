"""What every QuickBooks list shares: Add / Mod / Del rules, references, hierarchy, name spaces.

A family is described by a :class:`ListFamily`; the generic functions here do the rest:

* Add copies the request's fields that the family's Ret declares (the Add and Ret share names),
  resolves every reference (``…Ref`` with ListID/FullName) to ``{ListID, FullName}``
  (unknown → 3140), resolves ``ParentRef`` inside the family (unknown → 3130), derives ``FullName``
  (``Parent:Child``) and ``Sublevel``, checks the name space (duplicate → 3100), stamps ListID,
  TimeCreated/TimeModified and EditSequence.
* Mod needs ListID (unknown → 3120) and the current EditSequence (stale → 3200 carrying the current
  record); only the fields sent change, an empty element clears a field, ``…Mod`` aggregates
  (``SalesOrPurchaseMod``) merge into their Ret counterparts; a rename or re-parent rewrites the
  FullName of every descendant, as QuickBooks does. Every modification gets a new EditSequence.
* Name spaces: Customer, Vendor, Employee and OtherName share one (QuickBooks' "names must be unique
  across Customers, Vendors, Employees and Other Names"); all item types share one; accounts have
  their own. Names compare case-insensitively on FullName (jobs under different customers may repeat).

Inactivating a parent inactivates its descendants; ListDel refuses elements that have sub-elements
or are used by other records. A Name with ':' (the FullName separator) or a blank Name is refused
(3210, code and text chosen). Not yet faithful: the 5-level depth limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from ..balances import ret_doc
from ..errors import (
    EditSequenceOutOfDate,
    FeatureNotEnabled,
    InvalidFieldValue,
    InvalidParent,
    InvalidReference,
    ListElementInUse,
    NameNotUnique,
    ObjectNotFound,
    StringTooLong,
)
from ..qbxml_io import Doc, as_list
from ..schema import ElementDecl, element_decl
from ..store import Record, name_key

if TYPE_CHECKING:
    from ..company_api import Company

ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")
ITEM_KINDS = (
    "ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory", "ItemInventoryAssembly",
    "ItemFixedAsset", "ItemSubtotal", "ItemDiscount", "ItemPayment", "ItemSalesTax", "ItemSalesTaxGroup",
    "ItemGroup",
)
ACCOUNT_KINDS = ("Account",)

#: Reference element → (kinds it may point at, how QuickBooks names that list in 3140 messages).
#: Anything else ending in "Ref" points at the list named by the prefix (``ClassRef`` → Class).
REF_TARGETS: dict[str, tuple[tuple[str, ...], str]] = {
    "AccountRef": (ACCOUNT_KINDS, "Account"),
    "IncomeAccountRef": (ACCOUNT_KINDS, "Account"),
    "ExpenseAccountRef": (ACCOUNT_KINDS, "Account"),
    "COGSAccountRef": (ACCOUNT_KINDS, "Account"),
    "AssetAccountRef": (ACCOUNT_KINDS, "Account"),
    "APAccountRef": (ACCOUNT_KINDS, "Account"),
    "ARAccountRef": (ACCOUNT_KINDS, "Account"),
    "BankAccountRef": (ACCOUNT_KINDS, "Account"),
    "DepositToAccountRef": (ACCOUNT_KINDS, "Account"),
    "TaxOnPurchasesAccountRef": (ACCOUNT_KINDS, "Account"),
    "TaxOnSalesAccountRef": (ACCOUNT_KINDS, "Account"),
    "PrefillAccountRef": (ACCOUNT_KINDS, "Account"),
    "ItemRef": (ITEM_KINDS, "Item"),
    "CustomerRef": (("Customer",), "Customer"),
    "VendorRef": (("Vendor",), "Vendor"),
    "PrefVendorRef": (("Vendor",), "Vendor"),
    "EmployeeRef": (("Employee",), "Employee"),
    "SupervisorRef": (("Employee",), "Employee"),
    "EntityRef": (ENTITY_KINDS, "Entity"),
    "PayeeEntityRef": (ENTITY_KINDS, "Entity"),
    "SalesTaxCodeRef": (("SalesTaxCode",), "SalesTaxCode"),
    "PurchaseTaxCodeRef": (("SalesTaxCode",), "SalesTaxCode"),
    "ItemSalesTaxRef": (("ItemSalesTax", "ItemSalesTaxGroup"), "ItemSalesTax"),
    "TermsRef": (("StandardTerms", "DateDrivenTerms"), "Terms"),
}
#: Elements that end in "Ref" but are not references to list elements.
NOT_REFS = frozenset({"AdditionalContactRef"})
MONEY_FIELDS = frozenset({"Price", "SalesPrice", "PurchaseCost", "Balance", "TotalBalance", "CreditLimit",
                          "OpenBalance", "AverageCost", "Amount"})


@dataclass(frozen=True)
class ListFamily:
    """How one list behaves; the generic Add/Mod/Del/Query functions read it."""

    kind: str
    name_space: str
    hierarchical: bool = False
    list_label: str = ""  # 3130's "in the <label> list" (hotglue capture: "Customers")
    requires_inventory: bool = False
    #: fields a new record gets (Balance "0.00" …); called with (company, new doc)
    on_add: Callable[[Company, Doc, Doc], None] | None = None
    #: extra family rules, called with (company, doc, request doc, is_add)
    check: Callable[[Company, Doc, Doc, bool], None] | None = None
    drop_fields: frozenset[str] = field(default_factory=frozenset)

    @property
    def ret_name(self) -> str:
        return f"{self.kind}Ret"


def is_ref(key: str, value: Any) -> bool:
    return (key.endswith("Ref") and key not in NOT_REFS and isinstance(value, dict)
            and set(value) <= {"ListID", "FullName"})


def ref_target(key: str) -> tuple[tuple[str, ...], str]:
    if key in REF_TARGETS:
        return REF_TARGETS[key]
    kind = key[:-3]
    return (kind,), kind


def find_ref(company: Company, ref: Doc, kinds: tuple[str, ...]) -> Record | None:
    """The record a ``{ListID|FullName}`` reference names among ``kinds`` (ListID wins if both)."""
    if ref.get("ListID"):
        return company.store.by_list_id(str(ref["ListID"]), kinds)
    if ref.get("FullName"):
        return company.store.by_full_name(str(ref["FullName"]), kinds)
    return None


def ref_doc(rec: Record) -> Doc:
    return {"ListID": rec.list_id, "FullName": rec.full_name}


def resolve_ref(company: Company, key: str, ref: Doc, in_object: str) -> Doc:
    """Resolve one reference or raise 3140 naming it the way QuickBooks does."""
    kinds, label = ref_target(key)
    rec = find_ref(company, ref, kinds)
    if rec is None:
        raise InvalidReference(label, str(ref.get("FullName") or ref.get("ListID") or ""), in_object)
    return ref_doc(rec)


def resolve_refs(company: Company, doc: Doc, in_object: str) -> Doc:
    """Resolve every reference in ``doc`` (recursively, except ParentRef which the family resolves)."""
    out: Doc = {}
    for key, value in doc.items():
        if key == "ParentRef":
            out[key] = value
        elif is_ref(key, value):
            out[key] = resolve_ref(company, key, value, in_object)
        elif isinstance(value, dict):
            out[key] = resolve_refs(company, value, in_object)
        elif isinstance(value, list):
            out[key] = [resolve_refs(company, v, in_object) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def money(value: str) -> str:
    """QuickBooks answers amounts with two decimals ("100" → "100.00")."""
    try:
        amount = Decimal(value)
    except InvalidOperation:
        return value
    cents = amount.quantize(Decimal("0.01"))
    return str(cents) if amount == cents else str(amount)


def normalise_money(doc: Doc) -> Doc:
    out: Doc = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            out[key] = normalise_money(value)
        elif isinstance(value, list):
            out[key] = [normalise_money(v) if isinstance(v, dict) else v for v in value]
        elif key in MONEY_FIELDS and isinstance(value, str):
            out[key] = money(value)
        else:
            out[key] = value
    return out


def conform(request: Doc, decl: ElementDecl, drop: frozenset[str] = frozenset()) -> Doc:
    """The request's fields that the Ret declares, recursively (``…Mod`` aggregates mapped to their
    Ret names; Add/Mod-only fields such as OpenBalance or ApplyAccountRefToExistingTxns left out;
    ``BarCode/BarCodeValue`` becomes ``BarCodeValue``). What is stored is therefore always writable
    as a schema-valid Ret."""
    out: Doc = {}
    for key, value in request.items():
        if key in drop:
            continue
        if key == "BarCode" and isinstance(value, dict) and decl.child("BarCodeValue") is not None:
            out["BarCodeValue"] = value.get("BarCodeValue", "")
            continue
        target = key
        if decl.child(key) is None and key.endswith("Mod") and decl.child(key[:-3]) is not None:
            target = key[:-3]
        child = decl.child(target)
        if child is None:
            continue
        if child.is_complex:
            # an empty aggregate changes nothing (``<SalesOrPurchaseMod/>``); an empty reference stays,
            # so that resolving it answers 3140/3130 instead of silently storing nothing
            items = [conform(v, child) for v in as_list(value)
                     if isinstance(v, dict) and (v or is_ref(target, v))]
            if not items:
                continue
            out[target] = items if isinstance(value, list) else items[0]
        elif not isinstance(value, dict | list):
            if child.max_length is not None and len(str(value)) > child.max_length:
                # the Add may declare no limit where the Ret does (EmployeeAdd Name vs EmployeeRet's 41):
                # QuickBooks' field limit is the stored one, answered like any too-long value (3070)
                raise StringTooLong(str(value), target)
            out[target] = value
    return out


def _map_request_fields(family: ListFamily, request: Doc) -> Doc:
    return conform(request, element_decl(family.ret_name), family.drop_fields)


def check_unique(company: Company, family: ListFamily, full_name: str,
                 exclude_seq: int | None = None) -> None:
    clash = company.store.name_taken(family.name_space, full_name, other_than=exclude_seq or -1)
    if clash is not None:
        raise NameNotUnique(full_name)


def _parent(company: Company, family: ListFamily, ref: Doc) -> Record:
    parent = find_ref(company, ref, (family.kind,))
    if parent is None:
        raise InvalidParent(str(ref.get("FullName") or ref.get("ListID") or ""), family.list_label)
    return parent


def _place(company: Company, family: ListFamily, doc: Doc) -> None:
    """Set FullName/Sublevel/ParentRef from Name and the (resolved) parent."""
    if not family.hierarchical:
        return
    parent_ref = doc.get("ParentRef")
    if parent_ref:
        parent = _parent(company, family, parent_ref)
        doc["ParentRef"] = ref_doc(parent)
        doc["FullName"] = f"{parent.full_name}:{doc['Name']}"
        doc["Sublevel"] = str(int(parent.doc.get("Sublevel", "0")) + 1)
    else:
        doc.pop("ParentRef", None)
        doc["FullName"] = doc["Name"]
        doc["Sublevel"] = "0"


#: 3210 reasons for a refused Name. QuickBooks refuses both (':' separates the levels of a FullName, and
#: every list element needs a name), but its SDK code and text for them are not in the stored sources:
#: 3210 "invalid field value" (OSR) in its captured frame and these sentences are the fake's choice.
NAME_HAS_COLON = "A name cannot contain a colon (:); QuickBooks uses it to separate the levels of a name."
NAME_REQUIRED = "A name is required."


def check_name(name: Any) -> None:
    """A list element's own Name: not blank, no ':' (3210, see :data:`NAME_HAS_COLON`)."""
    text = "" if name is None else str(name)
    if not text.strip():
        raise InvalidFieldValue("Name", text, NAME_REQUIRED)
    if ":" in text:
        raise InvalidFieldValue("Name", text, NAME_HAS_COLON)


def add_record(company: Company, family: ListFamily, request: Doc) -> Record:
    """``<Kind>Add`` with QuickBooks' list rules; returns the stored record."""
    if family.requires_inventory and not company.inventory_enabled:
        raise FeatureNotEnabled()
    doc = _map_request_fields(family, request)
    check_name(doc.get("Name"))
    doc = resolve_refs(company, doc, family.kind)
    _place(company, family, doc)
    full_name = doc.get("FullName") or doc["Name"]
    check_unique(company, family, full_name)
    now = company.now_text()
    stamped: Doc = {
        "ListID": company.ids.list_id(),
        "TimeCreated": now,
        "TimeModified": now,
        "EditSequence": company.ids.edit_sequence(),
    }
    stamped.update(doc)
    stamped.setdefault("IsActive", "true")
    if family.on_add is not None:
        family.on_add(company, stamped, request)
    if family.check is not None:
        family.check(company, stamped, request, True)
    stamped = normalise_money(stamped)
    return company.store.insert(Record(kind=family.kind, doc=stamped, name_space=family.name_space))


def get_record(company: Company, family: ListFamily, list_id: str) -> Record:
    rec = company.store.by_list_id(list_id, (family.kind,))
    if rec is None:
        raise ObjectNotFound(list_id)
    return rec


def _merge(current: Doc, changes: Doc) -> Doc:
    out = dict(current)
    for key, value in changes.items():
        if value == "" or value == {}:
            out.pop(key, None)
        elif isinstance(value, dict) and isinstance(out.get(key), dict) and not is_ref(key, value):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


#: What survives a switch between the two branches of an item's xs:choice. QuickBooks' item window
#: keeps the one-sided Description / Rate / Account as the sales side when "This item is used in
#: assemblies or is purchased for a specific customer:job" is ticked, and the sales side becomes the
#: one-sided fields when it is cleared; the SDK's own carry-over is not in the stored sources, so the
#: window's is the fake's choice. Fields the Mod sends win.
BRANCH_CARRY: dict[tuple[str, str], dict[str, str]] = {
    ("SalesOrPurchase", "SalesAndPurchase"): {"Desc": "SalesDesc", "Price": "SalesPrice",
                                              "AccountRef": "IncomeAccountRef"},
    ("SalesAndPurchase", "SalesOrPurchase"): {"SalesDesc": "Desc", "SalesPrice": "Price",
                                              "IncomeAccountRef": "AccountRef"},
}


def _fills(value: Any) -> bool:
    return value not in ("", {}, None)


def keep_one_branch(decl: ElementDecl, doc: Doc, changes: Doc) -> Doc:
    """``doc`` (a record with a Mod's ``changes`` merged in) with one branch per XSD choice.

    The Ret's schema allows one branch of each non-repeating ``xs:choice`` (``SalesOrPurchase`` or
    ``SalesAndPurchase``; ``Price`` or ``PricePercent``; ``Rate`` or ``RatePercent`` …). A Mod that
    fills one branch replaces the others, as QuickBooks does when a one-sided item gets both
    descriptions; the stored record never holds two (which would be a response the XSD refuses).
    Applied recursively to the aggregates the Mod changed.
    """
    out = dict(doc)
    for branches in decl.choices:
        chosen = [b for b in branches if any(_fills(changes.get(name)) for name in b)]
        if not chosen:
            continue
        keep = frozenset().union(*chosen)
        for branch in branches:
            for name in branch - keep:
                if name not in out:
                    continue
                dropped = out.pop(name)
                for target in keep:
                    carry = BRANCH_CARRY.get((name, target))
                    if carry and isinstance(dropped, dict) and isinstance(out.get(target), dict):
                        moved = {dst: dropped[src] for src, dst in carry.items() if src in dropped}
                        out[target] = {**moved, **out[target]}
    for key, value in changes.items():
        child = decl.child(key)
        nested = child is not None and child.is_complex and isinstance(out.get(key), dict)
        if nested and child is not None and isinstance(value, dict):
            out[key] = keep_one_branch(child, out[key], value)
    return out


def both_branches(decl: ElementDecl, doc: Doc) -> tuple[str, str] | None:
    """Two elements of ``doc`` from different branches of one XSD choice (first found), recursively.

    A qbXML Add cannot carry them (the XSD refuses the document); an accountant's window cannot either,
    so ``company.ui`` refuses such fields before storing (a record holds one branch)."""
    given = {key for key, value in doc.items() if _fills(value)}
    for branches in decl.choices:
        filled = [min(branch & given) for branch in branches if branch & given]
        if len(filled) > 1:
            return filled[0], filled[1]
    for key, value in doc.items():
        child = decl.child(key[:-3] if decl.child(key) is None and key.endswith("Mod") else key)
        if child is not None and child.children and isinstance(value, dict):
            found = both_branches(child, value)
            if found is not None:
                return found
    return None


def mod_record(company: Company, family: ListFamily, request: Doc) -> Record:
    """``<Kind>Mod``: ListID + current EditSequence, then only the fields sent change."""
    rec = get_record(company, family, str(request["ListID"]))
    given = str(request.get("EditSequence", ""))
    if given != rec.edit_sequence:
        raise EditSequenceOutOfDate(given, ret_doc(company, rec), family.ret_name)
    if family.requires_inventory and not company.inventory_enabled:
        raise FeatureNotEnabled()
    changes = _map_request_fields(family, request)
    if "Name" in request:
        check_name(request["Name"])
    changes = resolve_refs(company, changes, family.kind)
    old_full = rec.full_name or ""
    doc = keep_one_branch(element_decl(family.ret_name), _merge(rec.doc, changes), changes)
    if family.hierarchical:
        if "ParentRef" in changes:
            parent = _parent(company, family, changes["ParentRef"])
            under_itself = (parent.full_name or "").casefold().startswith(old_full.casefold() + ":")
            if parent.seq == rec.seq or under_itself:
                # a record cannot move under itself; QuickBooks refuses (exact text unknown; 3130 chosen)
                raise InvalidParent(str(changes["ParentRef"].get("FullName") or parent.full_name),
                                    family.list_label)
        _place(company, family, doc)
    new_full = doc.get("FullName") or doc["Name"]
    if name_key(new_full) != name_key(old_full) or new_full != old_full:
        check_unique(company, family, new_full, exclude_seq=rec.seq)
    if family.check is not None:
        family.check(company, doc, request, False)
    doc["EditSequence"], doc["TimeModified"] = company.ids.modification(rec.edit_sequence)
    rec.doc = normalise_money(doc)
    company.store.update(rec)
    if family.hierarchical and new_full != old_full:
        _rename_descendants(company, family, rec)
    if family.hierarchical and changes.get("IsActive") == "false":
        _inactivate_descendants(company, family, rec)
    return rec


def _inactivate_descendants(company: Company, family: ListFamily, parent: Record) -> None:
    """Making a parent inactive makes its sub-elements inactive too (QuickBooks does this in its
    windows; the fake assumes the SDK does the same). Each one gets a new EditSequence."""
    for child in company.store.children(parent.list_id or "", family.kind):
        if child.is_active:
            child.doc["IsActive"] = "false"
            stamps = company.ids.modification(child.edit_sequence)
            child.doc["EditSequence"], child.doc["TimeModified"] = stamps
            company.store.update(child)
        _inactivate_descendants(company, family, child)


def _rename_descendants(company: Company, family: ListFamily, parent: Record) -> None:
    for child in company.store.children(parent.list_id or "", family.kind):
        child.doc["ParentRef"] = ref_doc(parent)
        child.doc["FullName"] = f"{parent.full_name}:{child.doc['Name']}"
        child.doc["Sublevel"] = str(int(parent.doc.get("Sublevel", "0")) + 1)
        company.store.update(child)
        _rename_descendants(company, family, child)


def in_use(company: Company, rec: Record) -> bool:
    """True if a live record other than ``rec`` refers to it (a sub-element's ParentRef, an item's
    AccountRef, a transaction's VendorRef …): any ``"ListID": "<its id>"`` in another document."""
    return company.store.refers_to(rec.list_id or "", other_than=rec.seq)


def delete_record(company: Company, kind: str, list_id: str) -> Record:
    """ListDel: the element disappears (kept as deleted for ListDeletedQuery-style views).

    An element with sub-elements, or used by another record, is refused (:class:`ListElementInUse`)
    as QuickBooks refuses it: deleting it would leave jobs with a dangling ParentRef.
    """
    rec = company.store.by_list_id(list_id, (kind,))
    if rec is None:
        raise ObjectNotFound(list_id)
    if in_use(company, rec):
        raise ListElementInUse(kind, rec.full_name or "")
    rec.deleted = True
    rec.time_deleted = company.now_text()
    company.store.update(rec)
    return rec
