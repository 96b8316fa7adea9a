"""What every QuickBooks transaction shares: ids, stamps, EditSequence, references, lines.

Real semantics imitated:

* Add stamps ``TxnID`` (``1A-1700000000``), ``TimeCreated``/``TimeModified``, ``EditSequence`` and a
  ``TxnNumber`` (one sequential counter per company file, across transaction types, as QuickBooks
  numbers every transaction). ``TxnDate`` defaults to today on the file's clock.
* Mod needs ``TxnID`` (unknown → 3120) and the current ``EditSequence`` (stale → 3200 carrying the
  current record); only the header fields sent change.
* Line Mods follow the OSR: when a request carries any ``…LineMod`` of a kind, the lines of that kind
  it does not mention are **deleted**; ``TxnLineID`` ``-1`` adds a line; an unknown ``TxnLineID``
  → 3120. With no ``…LineMod`` at all the lines stay as they are.
* References resolve or fail with 3140 ("… in the Bill." / "… in the Bill line."), on the header and
  on every line.
* Amounts: a line without ``Amount`` is ``Quantity × Rate`` (or ``Rate`` alone); with ``Amount`` and
  ``Quantity`` but no rate, the rate is ``Amount ÷ Quantity``. When all three are sent, ``Amount``
  wins (QuickBooks keeps the typed amount; chosen where the OSR is silent).
* A line's ``Desc`` defaults to the item's purchase description, as the forms fill it in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..dates import parse_date
from ..errors import EditSequenceOutOfDate, ObjectNotFound
from ..lists.account import ACCOUNT
from ..lists.common import add_record, find_ref, keep_one_branch, ref_doc, resolve_refs
from ..qbxml_io import Doc, as_list
from ..schema import ElementDecl, element_decl
from ..store import Record
from .errors import TxnSaveError
from .money import ZERO, amt, dec, opt_dec, price, qty

if TYPE_CHECKING:
    from ..company_api import Company

NEW_LINE = "-1"


@dataclass(frozen=True)
class LineSpec:
    """One kind of line on a transaction (``ItemLineAdd`` → ``ItemLineRet``)."""

    add: str  # request element of an Add
    mod: str  # request element of a Mod
    ret: str  # element in the Ret
    price_field: str | None = "Rate"  # Rate (sales/PO forms) or Cost (bills, checks); None: amount only


@dataclass(frozen=True)
class TxnSpec:
    """How one transaction type is stored and named."""

    kind: str  # "Bill"
    label: str  # how QuickBooks names it in messages ("Bill", "PurchaseOrder")
    lines: tuple[LineSpec, ...] = ()

    @property
    def ret_name(self) -> str:
        return f"{self.kind}Ret"

    def line_decl(self, line: LineSpec) -> ElementDecl:
        decl = element_decl(self.ret_name).child(line.ret)
        if decl is None:
            raise KeyError(f"{line.ret} is not in {self.ret_name}")
        return decl


# -- ids and stamps --------------------------------------------------------------------------------
def next_txn_number(company: Company) -> str:
    """QuickBooks' TxnNumber: one sequential number per company file across transaction types."""
    value = int(company.store.meta_get("counter.txnnumber", 1))
    company.store.meta_set("counter.txnnumber", value + 1)
    return str(value)


def today(company: Company) -> str:
    return company.clock.now().date().isoformat()


def add_days(day: str, days: int) -> str:
    """``day`` (a request or stored DATETYPE value) plus ``days``, as QuickBooks writes a date."""
    start = parse_date(day)
    if start is None:
        raise ValueError("add_days needs a date")  # formats.py turns an empty request date into none
    try:
        return (start + timedelta(days=days)).isoformat()
    except OverflowError:
        # a bill dated 9999-12-31 is due on the calendar's last day (chosen: QuickBooks' own upper
        # date limit is not in our sources; the XSD allows the date)
        return date.max.isoformat()


def stamp_new(company: Company) -> Doc:
    now = company.now_text()
    return {
        "TxnID": company.ids.txn_id(),
        "TimeCreated": now,
        "TimeModified": now,
        "EditSequence": company.ids.edit_sequence(),
        "TxnNumber": next_txn_number(company),
    }


def touch(company: Company, rec: Record) -> Record:
    """A modification: new TimeModified and EditSequence, then saved."""
    rec.doc["EditSequence"], rec.doc["TimeModified"] = company.ids.modification(rec.edit_sequence)
    company.store.update(rec)
    return rec


def get_txn(company: Company, kinds: str | tuple[str, ...], txn_id: str) -> Record:
    """The live transaction ``txn_id`` of one of ``kinds`` or 3120."""
    kinds = (kinds,) if isinstance(kinds, str) else kinds
    rec = company.store.by_txn_id(txn_id, kinds)
    if rec is None:
        raise ObjectNotFound(txn_id)
    return rec


def check_edit_sequence(spec: TxnSpec, rec: Record, given: str) -> None:
    if given != rec.edit_sequence:
        raise EditSequenceOutOfDate(given, rec.doc, spec.ret_name)


#: Special accounts QuickBooks creates by itself the first time a form needs one (an A/P account when a
#: bill is entered in a file that has none), named as QuickBooks names them.
AUTO_CREATED_ACCOUNTS = {"AccountsPayable": "Accounts Payable"}


def special_account(company: Company, account_type: str) -> Doc:
    """The first account of a type (Accounts Payable, the first Bank account …) as a reference.

    A missing Accounts Payable account is created, as QuickBooks does; a missing bank account is a
    3180 save error (QuickBooks never creates a bank account itself; its exact text for a form without
    one is not in our sources — the fake's wording).
    """
    for rec in company.store.of_kinds("Account"):
        if rec.doc.get("AccountType") == account_type:
            return ref_doc(rec)
    name = AUTO_CREATED_ACCOUNTS.get(account_type)
    if name is not None:
        return ref_doc(add_record(company, ACCOUNT, {"Name": name, "AccountType": account_type}))
    raise TxnSaveError("transaction", f"The company file has no {account_type} account to use.")


def require_bank_account(company: Company, ref: Doc, label: str) -> None:
    """A check (Write Checks, Pay Bills) is drawn on a Bank account; QuickBooks' forms offer no other.

    QuickBooks refuses another account type here; its exact SDK status and text are not in our sources,
    so the fake answers 3180 with its own wording.
    """
    rec = find_ref(company, ref, ("Account",))
    if rec is not None and rec.doc.get("AccountType") != "Bank":
        raise TxnSaveError(label, f'The account "{rec.full_name}" is not a bank account.')


# -- header fields ---------------------------------------------------------------------------------
def header_fields(spec: TxnSpec, request: Doc, skip: tuple[str, ...] = ()) -> Doc:
    """Request fields that the Ret also has (lines and link elements excluded)."""
    known = set(element_decl(spec.ret_name).child_names())
    line_names = {n for ln in spec.lines for n in (ln.add, ln.mod, ln.ret)}
    return {
        k: v
        for k, v in request.items()
        if k in known and k not in line_names and k not in skip and k not in ("TxnID", "EditSequence")
    }


def resolve_header(company: Company, spec: TxnSpec, fields: Doc) -> Doc:
    return resolve_refs(company, fields, spec.label)


# -- lines -------------------------------------------------------------------------------------------
def _item_desc(company: Company, item_ref: Doc | None) -> str | None:
    if not item_ref:
        return None
    rec = find_ref(company, item_ref, ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory"))
    if rec is None:
        return None
    doc = rec.doc
    for group, key in (("SalesAndPurchase", "PurchaseDesc"), ("SalesOrPurchase", "Desc")):
        value = (doc.get(group) or {}).get(key)
        if value:
            return str(value)
    return doc.get("PurchaseDesc")


def compute_amounts(line: Doc, price_field: str | None) -> None:
    """Fill Amount/rate from Quantity × rate (see module doc); format every number QuickBooks' way."""
    quantity = opt_dec(line.get("Quantity"))
    rate = opt_dec(line.get(price_field)) if price_field else None
    amount = opt_dec(line.get("Amount"))
    if amount is None:
        amount = rate * (quantity if quantity is not None else Decimal(1)) if rate is not None else ZERO
    elif rate is None and quantity and price_field and not line.get(f"{price_field}Percent"):
        # a percentage line (RatePercent, the XSD's other branch) has no rate to derive
        rate = amount / quantity
    line["Amount"] = amt(amount)
    if quantity is not None:
        line["Quantity"] = qty(quantity)
    if rate is not None and price_field:
        line[price_field] = price(rate)


def build_line(
    company: Company,
    spec: TxnSpec,
    line_spec: LineSpec,
    request_line: Doc,
    txn_line_id: str | None = None,
) -> Doc:
    """A stored line (Ret-shaped) from an ``…LineAdd``/``…LineMod`` dict."""
    known = set(spec.line_decl(line_spec).child_names())
    fields = {k: v for k, v in request_line.items() if k in known and k != "TxnLineID"}
    fields = resolve_refs(company, fields, f"{spec.label} line")
    if "ItemRef" in known and "Desc" in known and "Desc" not in fields:
        desc = _item_desc(company, fields.get("ItemRef"))
        if desc:
            fields["Desc"] = desc
    compute_amounts(fields, line_spec.price_field)
    return {"TxnLineID": txn_line_id or company.ids.txn_line_id(), **fields}


def add_lines(company: Company, spec: TxnSpec, request: Doc, doc: Doc) -> None:
    for line_spec in spec.lines:
        lines = [build_line(company, spec, line_spec, raw) for raw in as_list(request.get(line_spec.add))]
        if lines:
            doc[line_spec.ret] = lines


def mod_lines(
    company: Company, spec: TxnSpec, request: Doc, doc: Doc, clear_flags: dict[str, str] | None = None
) -> None:
    """Apply ``…LineMod`` lists with the OSR's replace semantics (see module doc)."""
    clear_flags = clear_flags or {}
    for line_spec in spec.lines:
        if request.get(clear_flags.get(line_spec.ret, "")) == "true":
            doc.pop(line_spec.ret, None)
        mods = as_list(request.get(line_spec.mod))
        if not mods:
            continue
        current = {ln["TxnLineID"]: ln for ln in as_list(doc.get(line_spec.ret))}
        new_lines: list[Doc] = []
        for raw in mods:
            line_id = str(raw.get("TxnLineID", NEW_LINE))
            if line_id == NEW_LINE:
                new_lines.append(build_line(company, spec, line_spec, raw))
                continue
            if line_id not in current:
                raise ObjectNotFound(line_id)
            changes = {k: v for k, v in raw.items() if k != "TxnLineID"}
            merged = keep_one_branch(spec.line_decl(line_spec), {**current[line_id], **changes}, changes)
            if ("Quantity" in raw or spec_price(line_spec) in raw) and "Amount" not in raw:
                merged.pop("Amount", None)  # re-derive from the new quantity/rate
            new_lines.append(build_line(company, spec, line_spec, merged, txn_line_id=line_id))
        if new_lines:
            doc[line_spec.ret] = new_lines
        else:
            doc.pop(line_spec.ret, None)


# -- the common Add / Mod sequence ---------------------------------------------------------------------
def add_txn(
    company: Company, spec: TxnSpec, request: Doc, finish: Callable[[Doc], None]
) -> Record:
    """An Add as QuickBooks saves a simple form: stamps, header refs (3140), TxnDate, lines, totals.

    ``finish`` computes the type's totals and defaults (and may refuse the save) before insertion.
    """
    doc = stamp_new(company)
    doc.update(resolve_header(company, spec, header_fields(spec, request)))
    doc.setdefault("TxnDate", today(company))
    add_lines(company, spec, request, doc)
    finish(doc)
    return company.store.insert(Record(kind=spec.kind, doc=doc))


def apply_mod(
    company: Company,
    spec: TxnSpec,
    request: Doc,
    finish: Callable[[Doc], None],
    *,
    require: Callable[[], None] | None = None,
) -> Record:
    """A Mod's checks and edits in QuickBooks' order: TxnID (3120), EditSequence (3200), ``require``
    (e.g. a preference → 3250), header fields, line replace/append; then ``finish`` (totals).

    The record is changed in memory only: the caller saves it with :func:`touch` (after any
    dependent refresh) so TimeModified/EditSequence move once.
    """
    rec = get_txn(company, spec.kind, str(request["TxnID"]))
    check_edit_sequence(spec, rec, str(request.get("EditSequence", "")))
    if require is not None:
        require()
    doc = dict(rec.doc)
    doc.update(resolve_header(company, spec, header_fields(spec, request)))
    mod_lines(company, spec, request, doc)
    finish(doc)
    rec.doc = doc
    return rec


def spec_price(line_spec: LineSpec) -> str:
    return line_spec.price_field or "Amount"


def line_total(doc: Doc, spec: TxnSpec) -> Decimal:
    total = ZERO
    for line_spec in spec.lines:
        for line in as_list(doc.get(line_spec.ret)):
            total += dec(line.get("Amount"), ZERO)
    return total


def all_lines(doc: Doc, names: tuple[str, ...]) -> list[Doc]:
    out: list[Doc] = []
    for name in names:
        out.extend(x for x in as_list(doc.get(name)) if isinstance(x, dict))
    return out


def same_ref(a: Any, b: Any) -> bool:
    return isinstance(a, dict) and isinstance(b, dict) and a.get("ListID") == b.get("ListID")
