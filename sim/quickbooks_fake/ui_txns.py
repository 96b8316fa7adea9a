"""``company.ui`` transaction windows: what an accountant does to estimates, POs, bills and payments.

Mixed into :class:`~.ui.CompanyUI`. Every action goes through the same rules as qbXML (references →
3140, preferences → 3250, totals, links), stamps a new ``TimeModified``/``EditSequence`` and is
atomic, so a connector sees exactly what it would see after a person's edit in QuickBooks:

* ``enter_purchase_order`` / ``edit_purchase_order`` (append lines, change memo, close) /
  ``close_purchase_order`` / ``delete_purchase_order`` (seed 001: a synced commitment can only be
  unlinked in Procore after its PO is deleted here);
* ``enter_bill`` (item lines, expense lines, a retainage line, "Select PO" receiving a PO) /
  ``edit_bill`` / ``delete_bill``;
* ``pay_bill`` (Pay Bills → one BillPaymentCheck; partial amounts allowed) / ``delete_bill_payment``;
* ``write_check`` (direct costs on items with a Customer:Job, or expenses to accounts);
* ``make_journal_entry``; ``enter_estimate`` / ``edit_estimate``; ``delete_transaction``.

Lines are plain dicts: ``{"item", "desc", "qty", "rate"|"cost", "amount", "job"}`` for item lines,
``{"account", "amount", "job", "memo"}`` for expense lines, ``{"account", "debit"|"credit", "name",
"memo"}`` for journal lines. Money is a string or Decimal (never a float). Every method is also
``POST /_sim/ui/{name}`` with the keyword arguments as JSON (see :data:`TXN_ACTIONS`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .dates import BadDate, canonical
from .errors import ObjectNotFound
from .qbxml_io import Doc, as_list
from .schema import ElementDecl, date_elements, element_decl
from .store import Record
from .txns.bill import bill_add_doc, bill_mod_doc
from .txns.bill_payment import pay_bills
from .txns.check import check_add_doc
from .txns.estimate import estimate_add_doc, estimate_mod_doc
from .txns.journal_entry import journal_entry_add_doc
from .txns.money import dec
from .txns.purchase_order import purchase_order_add_doc, purchase_order_mod_doc
from .txns.txn_del import delete_txn

if TYPE_CHECKING:
    from .company_api import Company

TXN_ACTIONS = (
    "enter_purchase_order",
    "edit_purchase_order",
    "close_purchase_order",
    "delete_purchase_order",
    "enter_bill",
    "edit_bill",
    "delete_bill",
    "pay_bill",
    "delete_bill_payment",
    "write_check",
    "make_journal_entry",
    "enter_estimate",
    "edit_estimate",
    "delete_transaction",
    "find_transaction",
)
Money = str | int | Decimal


def _ref(name: str | None) -> Doc | None:
    return {"FullName": name} if name else None


def _num(value: Money | None) -> str | None:
    return None if value is None else str(dec(value))


def _compact(doc: dict[str, Any]) -> Doc:
    return {k: v for k, v in doc.items() if v is not None}


def _fits(element: str, request: Doc) -> Doc:
    """A window's fields hold no more than QuickBooks stores (the XSD ``maxLength``: P.O. NO. and a
    check's NO. 11 characters, a bill's REF. NO. 20 …). A person cannot type past the limit, so a
    scripted action asking for a longer value is refused (ValueError → HTTP 400) rather than silently
    stored longer than QuickBooks could hold; over qbXML the same value is a 3070 (processor)."""
    _fit_doc(element_decl(element), request)
    return request


def _ui_date(key: str, value: str | None) -> str | None:
    """A date typed into a window, stored the way QuickBooks writes it (``dates.py``); a date no
    calendar has is refused (ValueError → HTTP 400) as the window's date field refuses it."""
    if value is None or not value.strip():
        return None  # a blank date field: the window's default (today), as an empty TxnDate over qbXML
    try:
        return canonical(value)
    except BadDate:
        raise ValueError(f'{key} is not a date QuickBooks can store: "{value}"') from None


def _fit_doc(decl: ElementDecl, doc: Doc) -> None:
    dates = date_elements()
    for key, value in list(doc.items()):
        child = decl.child(key)
        if child is None:
            continue
        if key in dates and isinstance(value, str):
            typed = _ui_date(key, value)
            if typed is None:
                del doc[key]  # a blank date field: the window's default applies
            else:
                doc[key] = typed
            continue
        for one in as_list(value):
            if isinstance(one, dict):
                _fit_doc(child, one)
            elif child.max_length is not None and len(str(one)) > child.max_length:
                raise ValueError(f'{key} holds at most {child.max_length} characters in QuickBooks: "{one}"')


def _need(line: dict[str, Any], *keys: str) -> None:
    """A window's grid refuses a line without these columns (ValueError → HTTP 400)."""
    if not isinstance(line, dict):
        raise ValueError(f"a line is a JSON object, not {line!r}")
    missing = [k for k in keys if line.get(k) in (None, "")]
    if missing:
        raise ValueError(f"line {line!r} needs {', '.join(missing)}")


def item_line(line: dict[str, Any], price_field: str) -> Doc:
    """A window's item line → an ``…LineAdd`` dict (``rate`` and ``cost`` are the same column)."""
    _need(line, "item")
    rate = line.get("rate", line.get("cost"))
    return _compact(
        {
            "ItemRef": _ref(line["item"]),
            "Desc": line.get("desc"),
            "Quantity": _num(line.get("qty")),
            price_field: _num(rate),
            "Amount": _num(line.get("amount")),
            "CustomerRef": _ref(line.get("job")),
        }
    )


def expense_line(line: dict[str, Any]) -> Doc:
    _need(line, "account", "amount")
    return _compact(
        {
            "AccountRef": _ref(line["account"]),
            "Amount": _num(line["amount"]),
            "Memo": line.get("memo"),
            "CustomerRef": _ref(line.get("job")),
        }
    )


class TxnActions:
    """Transaction actions of ``company.ui`` (needs ``self._company``)."""

    _company: Company

    # -- helpers ----------------------------------------------------------------------------------
    def _txn(self, kind: str, ref_or_id: str) -> Record:
        """A transaction by TxnID, else by RefNumber (the latest with that number), else 3120."""
        store = self._company.store
        rec = store.by_txn_id(ref_or_id, (kind,))
        if rec is None:
            found = store.by_ref_number(kind, ref_or_id)
            rec = found[0] if found else None
        if rec is None:
            raise ObjectNotFound(ref_or_id)
        return rec

    def _run(self, fn: Any, *args: Any) -> Any:
        with self._company.lock, self._company.store.transaction():
            return fn(*args)

    def find_transaction(self, kind: str, ref_or_id: str) -> dict[str, Any]:
        """Open a transaction (by TxnID or number) and look at it."""
        with self._company.lock:
            return self._txn(kind, ref_or_id).doc

    # -- purchase orders ---------------------------------------------------------------------------
    def enter_purchase_order(
        self,
        vendor: str,
        lines: list[dict[str, Any]],
        ref_number: str | None = None,
        date: str | None = None,
        memo: str | None = None,
        vendor_msg: str | None = None,
    ) -> dict[str, Any]:
        """Vendors > Create Purchase Orders (needs "Inventory and purchase orders are active")."""
        request = _compact(
            {
                "VendorRef": _ref(vendor),
                "TxnDate": date,
                "RefNumber": ref_number,
                "Memo": memo,
                "VendorMsg": vendor_msg,
                "PurchaseOrderLineAdd": [item_line(ln, "Rate") for ln in lines],
            }
        )
        return self._run(purchase_order_add_doc, self._company, _fits("PurchaseOrderAdd", request)).doc

    def edit_purchase_order(
        self,
        po: str,
        add_lines: list[dict[str, Any]] | None = None,
        remove_line_ids: list[str] | None = None,
        memo: str | None = None,
        vendor_msg: str | None = None,
        ref_number: str | None = None,
        close: bool | None = None,
    ) -> dict[str, Any]:
        """Edit a PO in its window: keep its lines (minus removed ones), append new ones, change fields."""

        def apply() -> Record:
            rec = self._txn("PurchaseOrder", po)
            removed = set(remove_line_ids or [])
            keep = [
                {"TxnLineID": ln["TxnLineID"]}
                for ln in as_list(rec.doc.get("PurchaseOrderLineRet"))
                if ln["TxnLineID"] not in removed
            ]
            new = [{"TxnLineID": "-1", **item_line(ln, "Rate")} for ln in add_lines or []]
            request = _compact(
                {
                    "TxnID": rec.txn_id,
                    "EditSequence": rec.edit_sequence,
                    "Memo": memo,
                    "VendorMsg": vendor_msg,
                    "RefNumber": ref_number,
                    "IsManuallyClosed": None if close is None else ("true" if close else "false"),
                }
            )
            if new or removed:
                request["PurchaseOrderLineMod"] = keep + new
            return purchase_order_mod_doc(self._company, _fits("PurchaseOrderMod", request))

        return self._run(apply).doc

    def close_purchase_order(self, po: str) -> dict[str, Any]:
        """Tick "Closed" on the PO (every line manually closed)."""
        return self.edit_purchase_order(po, close=True)

    def delete_purchase_order(self, po: str) -> dict[str, Any]:
        """Edit > Delete Purchase Order (linked bills lose the link)."""
        return self._run(
            lambda: delete_txn(self._company, "PurchaseOrder", self._txn("PurchaseOrder", po).txn_id or "")
        ).doc

    # -- bills -------------------------------------------------------------------------------------
    def enter_bill(
        self,
        vendor: str,
        lines: list[dict[str, Any]] | None = None,
        expenses: list[dict[str, Any]] | None = None,
        ref_number: str | None = None,
        date: str | None = None,
        due_date: str | None = None,
        memo: str | None = None,
        po: str | None = None,
        retainage: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Vendors > Enter Bills. ``po`` = "Select PO": receive every open line of that PO;
        ``retainage`` = ``{"item": "Retention", "amount": "-500.00", "job": …}`` (a negative line)."""

        def apply() -> Record:
            request = _compact(
                {
                    "VendorRef": _ref(vendor),
                    "TxnDate": date,
                    "DueDate": due_date,
                    "RefNumber": ref_number,
                    "Memo": memo,
                }
            )
            if po:
                request["LinkToTxnID"] = [self._txn("PurchaseOrder", po).txn_id]
            if expenses:
                request["ExpenseLineAdd"] = [expense_line(ln) for ln in expenses]
            items = [item_line(ln, "Cost") for ln in lines or []]
            if retainage:
                items.append(item_line(retainage, "Cost"))
            if items:
                request["ItemLineAdd"] = items
            rec, warning = bill_add_doc(self._company, _fits("BillAdd", request))
            if warning is not None:
                # Enter Bills' "Open POs Exist" list offers open purchase orders only: a person cannot
                # select a closed one (over qbXML the same link is a 570 warning and an unlinked bill).
                raise ValueError(f'purchase order "{po}" is closed; Select PO lists open ones only')
            return rec

        return self._run(apply).doc

    def edit_bill(
        self,
        bill: str,
        add_lines: list[dict[str, Any]] | None = None,
        remove_line_ids: list[str] | None = None,
        memo: str | None = None,
        due_date: str | None = None,
        ref_number: str | None = None,
    ) -> dict[str, Any]:
        """Edit a bill in its window (its other lines and PO links stay)."""

        def apply() -> Record:
            rec = self._txn("Bill", bill)
            removed = set(remove_line_ids or [])
            request = _compact(
                {
                    "TxnID": rec.txn_id,
                    "EditSequence": rec.edit_sequence,
                    "Memo": memo,
                    "DueDate": due_date,
                    "RefNumber": ref_number,
                }
            )
            if add_lines or removed:
                keep = [
                    {"TxnLineID": ln["TxnLineID"]}
                    for ln in as_list(rec.doc.get("ItemLineRet"))
                    if ln["TxnLineID"] not in removed
                ]
                request["ItemLineMod"] = keep + [
                    {"TxnLineID": "-1", **item_line(ln, "Cost")} for ln in add_lines or []
                ]
            return bill_mod_doc(self._company, _fits("BillMod", request))

        return self._run(apply).doc

    def delete_bill(self, bill: str) -> dict[str, Any]:
        return self._run(lambda: delete_txn(self._company, "Bill", self._txn("Bill", bill).txn_id or "")).doc

    def pay_bill(
        self,
        bill: str,
        amount: Money | None = None,
        check_number: str | None = None,
        date: str | None = None,
        memo: str | None = None,
        bank_account: str = "Checking",
    ) -> dict[str, Any]:
        """Vendors > Pay Bills for one bill: one BillPaymentCheck (``amount`` None = all that is open)."""

        def apply() -> Record:
            rec = self._txn("Bill", bill)
            _fits("BillPaymentCheckAdd", _compact({"RefNumber": check_number, "Memo": memo}))
            return pay_bills(
                self._company,
                rec.doc["VendorRef"],
                [(rec.txn_id or "", None if amount is None else dec(amount))],
                bank_account={"FullName": bank_account},
                txn_date=_ui_date("TxnDate", date),
                ref_number=check_number,
                memo=memo,
            )

        return self._run(apply).doc

    def delete_bill_payment(self, payment: str) -> dict[str, Any]:
        return self._run(
            lambda: delete_txn(
                self._company, "BillPaymentCheck", self._txn("BillPaymentCheck", payment).txn_id or ""
            )
        ).doc

    # -- checks, journal entries --------------------------------------------------------------------
    def write_check(
        self,
        payee: str,
        items: list[dict[str, Any]] | None = None,
        expenses: list[dict[str, Any]] | None = None,
        bank_account: str = "Checking",
        number: str | None = None,
        date: str | None = None,
        memo: str | None = None,
    ) -> dict[str, Any]:
        """Banking > Write Checks: item lines (direct job costs) and/or expense lines."""
        request = _compact(
            {
                "AccountRef": _ref(bank_account),
                "PayeeEntityRef": _ref(payee),
                "RefNumber": number,
                "TxnDate": date,
                "Memo": memo,
            }
        )
        if expenses:
            request["ExpenseLineAdd"] = [expense_line(ln) for ln in expenses]
        if items:
            request["ItemLineAdd"] = [item_line(ln, "Cost") for ln in items]
        return self._run(check_add_doc, self._company, _fits("CheckAdd", request)).doc

    def make_journal_entry(
        self,
        lines: list[dict[str, Any]],
        date: str | None = None,
        ref_number: str | None = None,
        memo: str | None = None,
    ) -> dict[str, Any]:
        """Company > Make General Journal Entries (debits must equal credits)."""
        request: Doc = _compact({"TxnDate": date, "RefNumber": ref_number, "Memo": memo})
        for ln in lines:
            _need(ln, "account")
            if (ln.get("debit") is None) == (ln.get("credit") is None):
                raise ValueError(f"journal line {ln!r} needs exactly one of debit or credit")
            side = "JournalDebitLine" if ln.get("debit") is not None else "JournalCreditLine"
            value = ln.get("debit") if ln.get("debit") is not None else ln.get("credit")
            request.setdefault(side, []).append(
                _compact(
                    {
                        "AccountRef": _ref(ln["account"]),
                        "Amount": _num(value),
                        "Memo": ln.get("memo"),
                        "EntityRef": _ref(ln.get("name")),
                    }
                )
            )
        return self._run(journal_entry_add_doc, self._company, _fits("JournalEntryAdd", request)).doc

    # -- estimates, any transaction -------------------------------------------------------------------
    def enter_estimate(
        self,
        job: str,
        lines: list[dict[str, Any]],
        date: str | None = None,
        ref_number: str | None = None,
        memo: str | None = None,
    ) -> dict[str, Any]:
        """Customers > Create Estimates for a Customer:Job."""
        request = _compact(
            {
                "CustomerRef": _ref(job),
                "TxnDate": date,
                "RefNumber": ref_number,
                "Memo": memo,
                "EstimateLineAdd": [item_line(ln, "Rate") for ln in lines],
            }
        )
        return self._run(estimate_add_doc, self._company, _fits("EstimateAdd", request)).doc

    def edit_estimate(
        self,
        estimate: str,
        add_lines: list[dict[str, Any]] | None = None,
        active: bool | None = None,
        memo: str | None = None,
    ) -> dict[str, Any]:
        def apply() -> Record:
            rec = self._txn("Estimate", estimate)
            request = _compact(
                {
                    "TxnID": rec.txn_id,
                    "EditSequence": rec.edit_sequence,
                    "Memo": memo,
                    "IsActive": None if active is None else ("true" if active else "false"),
                }
            )
            if add_lines:
                keep = [{"TxnLineID": ln["TxnLineID"]} for ln in as_list(rec.doc.get("EstimateLineRet"))]
                request["EstimateLineMod"] = keep + [
                    {"TxnLineID": "-1", **item_line(ln, "Rate")} for ln in add_lines
                ]
            return estimate_mod_doc(self._company, _fits("EstimateMod", request))

        return self._run(apply).doc

    def delete_transaction(self, kind: str, ref_or_id: str) -> dict[str, Any]:
        """Edit > Delete on any supported transaction (``Bill``, ``Check``, ``JournalEntry`` …)."""
        return self._run(lambda: delete_txn(self._company, kind, self._txn(kind, ref_or_id).txn_id or "")).doc
