"""Property: random schema-valid Add/Mod sequences on every list and transaction type the fake implements
answer with a per-request status and a response the 13.0 XSD accepts.

Requests are drawn field by field (names from a small alphabet, so duplicates and re-uses happen; text up
to the XSD's maxLength; references to records that exist, or occasionally not; both branches of every
``xs:choice``, Mods that switch branches; line Mods that keep, change, drop and append lines), written in
schema order by the fake's own writer, and checked against the XSD before they are sent. The autouse
``validate_every_response`` fixture checks every response; this test adds that no request raises (a
schema-valid request never earns 0x80040402 or a Python error) and that each one gets its status.

Bounded and reproducible in CI: ``derandomize=True`` (a fixed seed) and ``max_examples`` below.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.qbxml_io import write_element
from sim.quickbooks_fake.schema import element_decl
from tests.sim.quickbooks_fake.helpers import populated_company, request, xsd

Draw = Callable[..., Any]
Doc = dict[str, Any]

NAMES = st.text(alphabet="ABCDEFabcdef 0123-&'", min_size=1, max_size=8).filter(lambda s: s.strip() != "")
TEXT_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x85\u2028\u2029")
AMOUNTS = st.decimals(min_value=-500, max_value=20_000, places=2).map(str)
POSITIVE = st.decimals(min_value=0, max_value=5_000, places=2).map(str)
QUANTITIES = st.decimals(min_value=1, max_value=40, places=0).map(str)
PERCENTS = st.decimals(min_value=-50, max_value=100, places=1).map(str)
BOOLS = st.sampled_from(["true", "false"])
ACCOUNT_TYPES = ["Bank", "Expense", "Income", "CostOfGoodsSold", "OtherCurrentAsset", "OtherCurrentLiability",
                 "Equity", "FixedAsset", "OtherExpense"]
ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemOtherCharge", "ItemInventory")
ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")


def _max_len(element: str, field: str) -> int:
    decl = element_decl(element).child(field)
    return min(decl.max_length or 40, 40) if decl is not None else 40


def _text(draw: Draw, element: str, field: str) -> str:
    return draw(st.text(TEXT_CHARS, min_size=1, max_size=_max_len(element, field)))


def _names(company: CompanyFile, kinds: tuple[str, ...]) -> list[str]:
    return [r["FullName"] if "FullName" in r else r["Name"] for k in kinds for r in company.list_records(k)]


def _ref(draw: Draw, company: CompanyFile, kinds: tuple[str, ...]) -> Doc:
    """A reference to a record of ``kinds`` (by FullName or ListID), or now and then to none."""
    records = [r for k in kinds for r in company.list_records(k)]
    if not records or draw(st.integers(0, 19)) == 0:
        return {"FullName": draw(NAMES)}
    rec = draw(st.sampled_from(records))
    if draw(st.booleans()):
        return {"ListID": rec["ListID"]}
    return {"FullName": rec.get("FullName", rec.get("Name"))}


def _some(draw: Draw, fields: dict[str, Callable[[], Any]], at_least: int = 0) -> Doc:
    """A random subset of ``fields`` (each value built only when picked)."""
    picked = draw(st.lists(st.sampled_from(sorted(fields)), unique=True, min_size=at_least,
                           max_size=len(fields)))
    return {name: fields[name]() for name in picked}


# -- lists ------------------------------------------------------------------------------------------
def account_fields(draw: Draw, company: CompanyFile, mod: bool) -> Doc:
    el = "AccountMod" if mod else "AccountAdd"
    doc = _some(draw, {
        "Name": lambda: draw(NAMES),
        "IsActive": lambda: draw(BOOLS),
        "ParentRef": lambda: _ref(draw, company, ("Account",)),
        "AccountNumber": lambda: draw(st.text("0123456789", min_size=1, max_size=7)),
        "Desc": lambda: _text(draw, el, "Desc"),
    })
    if not mod:
        doc.setdefault("Name", draw(NAMES))
        doc["AccountType"] = draw(st.sampled_from(ACCOUNT_TYPES))
    return doc


def _sales_or_purchase(draw: Draw, company: CompanyFile, el: str) -> Doc:
    doc = _some(draw, {"Desc": lambda: _text(draw, el, "Desc"),
                       "AccountRef": lambda: _ref(draw, company, ("Account",))})
    price = draw(st.sampled_from(["", "Price", "PricePercent"]))
    if price:
        doc[price] = draw(POSITIVE if price == "Price" else PERCENTS)
    return doc


def _sales_and_purchase(draw: Draw, company: CompanyFile, el: str, mod: bool) -> Doc:
    doc = _some(draw, {
        "SalesDesc": lambda: _text(draw, el, "SalesDesc"),
        "SalesPrice": lambda: draw(POSITIVE),
        "PurchaseDesc": lambda: _text(draw, el, "PurchaseDesc"),
        "PurchaseCost": lambda: draw(POSITIVE),
        "PrefVendorRef": lambda: _ref(draw, company, ("Vendor",)),
        "IncomeAccountRef": lambda: _ref(draw, company, ("Account",)),
        "ExpenseAccountRef": lambda: _ref(draw, company, ("Account",)),
    })
    if not mod:  # SalesAndPurchase on an Add requires both accounts
        doc.setdefault("IncomeAccountRef", _ref(draw, company, ("Account",)))
        doc.setdefault("ExpenseAccountRef", _ref(draw, company, ("Account",)))
    return doc


def item_fields(kind: str) -> Callable[[Draw, CompanyFile, bool], Doc]:
    def build(draw: Draw, company: CompanyFile, mod: bool) -> Doc:
        el = f"{kind}Mod" if mod else f"{kind}Add"
        doc = _some(draw, {"Name": lambda: draw(NAMES), "IsActive": lambda: draw(BOOLS),
                           "ParentRef": lambda: _ref(draw, company, (kind,))})
        if not mod:
            doc.setdefault("Name", draw(NAMES))
        if kind == "ItemInventory":
            doc.update(_some(draw, {
                "SalesDesc": lambda: _text(draw, el, "SalesDesc"),
                "SalesPrice": lambda: draw(POSITIVE),
                "IncomeAccountRef": lambda: _ref(draw, company, ("Account",)),
                "PurchaseDesc": lambda: _text(draw, el, "PurchaseDesc"),
                "PurchaseCost": lambda: draw(POSITIVE),
                "COGSAccountRef": lambda: _ref(draw, company, ("Account",)),
                "PrefVendorRef": lambda: _ref(draw, company, ("Vendor",)),
                "AssetAccountRef": lambda: _ref(draw, company, ("Account",)),
                "ReorderPoint": lambda: draw(QUANTITIES),
            }))
            return doc
        side = draw(st.sampled_from((["", ] if mod else []) + ["SalesOrPurchase", "SalesAndPurchase"]))
        if side == "SalesOrPurchase":
            doc[side + ("Mod" if mod else "")] = _sales_or_purchase(draw, company, el)
        elif side == "SalesAndPurchase":
            doc[side + ("Mod" if mod else "")] = _sales_and_purchase(draw, company, el, mod)
        return doc

    return build


def _address(draw: Draw) -> Doc:
    return _some(draw, {"Addr1": lambda: draw(st.text(TEXT_CHARS, min_size=1, max_size=41)),
                        "City": lambda: draw(st.text(TEXT_CHARS, min_size=1, max_size=31)),
                        "State": lambda: draw(st.sampled_from(["TX", "CA", "NY"])),
                        "PostalCode": lambda: draw(st.text("0123456789", min_size=5, max_size=5))},
                 at_least=1)


def entity_fields(kind: str) -> Callable[[Draw, CompanyFile, bool], Doc]:
    address = {"Customer": "BillAddress", "Vendor": "VendorAddress", "Employee": "EmployeeAddress",
               "OtherName": "OtherNameAddress"}[kind]

    def build(draw: Draw, company: CompanyFile, mod: bool) -> Doc:
        el = f"{kind}Mod" if mod else f"{kind}Add"
        fields: dict[str, Callable[[], Any]] = {
            "IsActive": lambda: draw(BOOLS),
            "FirstName": lambda: _text(draw, el, "FirstName"),
            "LastName": lambda: _text(draw, el, "LastName"),
            "Phone": lambda: _text(draw, el, "Phone"),
            "Email": lambda: _text(draw, el, "Email"),
            address: lambda: _address(draw),
        }
        if kind != "Employee":
            fields["Name"] = lambda: draw(NAMES)
            fields["CompanyName"] = lambda: _text(draw, el, "CompanyName")
        if kind == "Customer":
            fields["ParentRef"] = lambda: _ref(draw, company, ("Customer",))
            fields["JobStatus"] = lambda: draw(st.sampled_from(["Awarded", "InProgress", "Closed", "None"]))
        if kind == "Vendor":
            fields["AccountNumber"] = lambda: _text(draw, el, "AccountNumber")
            fields["NameOnCheck"] = lambda: _text(draw, el, "NameOnCheck")
            fields["IsVendorEligibleFor1099"] = lambda: draw(BOOLS)
        doc = _some(draw, fields)
        if not mod and kind != "Employee":
            doc.setdefault("Name", draw(NAMES))
        return doc

    return build


# -- transactions -----------------------------------------------------------------------------------
def _txn_line(draw: Draw, company: CompanyFile, kind: str, line: str) -> Doc:
    jobs = ("Customer",)
    if line in ("ExpenseLineAdd", "ExpenseLineMod"):
        return {"AccountRef": _ref(draw, company, ("Account",)), "Amount": draw(AMOUNTS),
                **_some(draw, {"Memo": lambda: _text(draw, "ExpenseLineAdd", "Memo"),
                               "CustomerRef": lambda: _ref(draw, company, jobs)})}
    doc: Doc = {"ItemRef": _ref(draw, company, ITEM_KINDS)}
    rate = {"Bill": "Cost", "Check": "Cost"}.get(kind, "Rate")
    fields: dict[str, Callable[[], Any]] = {
        "Desc": lambda: draw(st.text(TEXT_CHARS, min_size=1, max_size=40)),
        "Quantity": lambda: draw(QUANTITIES),
        "Amount": lambda: draw(AMOUNTS),
    }
    if kind != "Estimate":  # an estimate's lines are all for its own Customer:Job
        fields["CustomerRef"] = lambda: _ref(draw, company, jobs)
    doc.update(_some(draw, fields))
    if kind == "Estimate":
        pick = draw(st.sampled_from(["", "Rate", "RatePercent"]))
        if pick:
            doc[pick] = draw(POSITIVE if pick == "Rate" else PERCENTS)
        markup = draw(st.sampled_from(["", "MarkupRate", "MarkupRatePercent"]))
        if markup:
            doc[markup] = draw(POSITIVE if markup == "MarkupRate" else PERCENTS)
    elif draw(st.booleans()):
        doc[rate] = draw(POSITIVE)
    return doc


EXPENSE_LINES = ("ExpenseLineAdd", "ExpenseLineMod", "ExpenseLineRet")
ITEM_LINES = ("ItemLineAdd", "ItemLineMod", "ItemLineRet")
TXN_LINES = {
    "PurchaseOrder": [("PurchaseOrderLineAdd", "PurchaseOrderLineMod", "PurchaseOrderLineRet")],
    "Bill": [EXPENSE_LINES, ITEM_LINES],
    "Check": [EXPENSE_LINES, ITEM_LINES],
    "Estimate": [("EstimateLineAdd", "EstimateLineMod", "EstimateLineRet")],
}


def txn_fields(kind: str) -> Callable[[Draw, CompanyFile, bool, Doc | None], Doc]:
    def build(draw: Draw, company: CompanyFile, mod: bool, current: Doc | None) -> Doc:
        el = f"{kind}Mod" if mod else f"{kind}Add"
        head: dict[str, Callable[[], Any]] = {
            "TxnDate": lambda: draw(st.dates().map(lambda d: d.replace(year=2020 + d.year % 8).isoformat())),
            "RefNumber": lambda: _text(draw, el, "RefNumber"),
            "Memo": lambda: _text(draw, el, "Memo"),
        }
        doc: Doc = {}
        if kind in ("PurchaseOrder", "Bill"):
            head["VendorRef"] = lambda: _ref(draw, company, ("Vendor",))
            if not mod:
                doc["VendorRef"] = _ref(draw, company, ("Vendor",))
        if kind == "Estimate":
            head["CustomerRef"] = lambda: _ref(draw, company, ("Customer",))
            if not mod:
                doc["CustomerRef"] = _ref(draw, company, ("Customer",))
        if kind == "Check":
            doc["AccountRef"] = _ref(draw, company, ("Account",))
            head["PayeeEntityRef"] = lambda: _ref(draw, company, ENTITY_KINDS)
        if kind == "PurchaseOrder" and mod:
            head["IsManuallyClosed"] = lambda: draw(BOOLS)
        doc.update(_some(draw, head))
        for add, mod_name, ret in TXN_LINES[kind]:
            if not mod:
                least = 1 if kind in ("Estimate", "PurchaseOrder") else 0  # their Adds require a line
                lines = [_txn_line(draw, company, kind, add) for _ in range(draw(st.integers(least, 3)))]
                if lines:
                    doc[add] = lines
                continue
            existing = [ln["TxnLineID"] for ln in (current or {}).get(ret, [])]
            kept = draw(st.lists(st.sampled_from(existing), unique=True)) if existing else []
            kept_fields: dict[str, Callable[[], Any]] = {"Amount": lambda: draw(AMOUNTS)}
            if mod_name != "ExpenseLineMod":  # an expense line has no Quantity (qbXML 13.0 ExpenseLineMod)
                kept_fields["Quantity"] = lambda: draw(QUANTITIES)
            lines = [{"TxnLineID": line_id, **_some(draw, kept_fields)} for line_id in kept]
            lines += [{"TxnLineID": "-1", **_txn_line(draw, company, kind, add)}
                      for _ in range(draw(st.integers(0, 2)))]
            if lines and draw(st.booleans()):
                doc[mod_name] = lines
        return doc

    return build


def journal_fields(draw: Draw, company: CompanyFile, mod: bool, current: Doc | None) -> Doc:
    amount = draw(POSITIVE)
    line = {"AccountRef": _ref(draw, company, ("Account",)), "Amount": amount}
    other = {"AccountRef": _ref(draw, company, ("Account",)), "Amount": amount,
             **_some(draw, {"Memo": lambda: _text(draw, "JournalEntryAdd", "RefNumber"),
                            "EntityRef": lambda: _ref(draw, company, ENTITY_KINDS)})}
    return {"JournalDebitLine": [line], "JournalCreditLine": [other]}


def bill_payment_fields(draw: Draw, company: CompanyFile, mod: bool, current: Doc | None) -> Doc:
    bills = company.list_records("Bill")
    doc: Doc = {"PayeeEntityRef": _ref(draw, company, ("Vendor",)),
                "BankAccountRef": _ref(draw, company, ("Account",))}
    if draw(st.booleans()):
        doc["IsToBePrinted"] = "true"
    else:
        doc["RefNumber"] = _text(draw, "BillPaymentCheckAdd", "RefNumber")
    if bills:
        bill = draw(st.sampled_from(bills))
        doc["AppliedToTxnAdd"] = {"TxnID": bill["TxnID"], "PaymentAmount": draw(POSITIVE)}
    else:
        doc["AppliedToTxnAdd"] = {"TxnID": "1A-1", "PaymentAmount": "1.00"}
    return doc


LIST_BUILDERS: dict[str, Callable[[Draw, CompanyFile, bool], Doc]] = {
    "Account": account_fields,
    **{kind: item_fields(kind) for kind in ITEM_KINDS},
    **{kind: entity_fields(kind) for kind in ENTITY_KINDS},
}
TXN_BUILDERS: dict[str, tuple[Callable[[Draw, CompanyFile, bool, Doc | None], Doc], bool]] = {
    # kind → (builder, has a Mod the fake implements)
    "PurchaseOrder": (txn_fields("PurchaseOrder"), True),
    "Bill": (txn_fields("Bill"), True),
    "Estimate": (txn_fields("Estimate"), True),
    "Check": (txn_fields("Check"), False),
    "JournalEntry": (journal_fields, False),
    "BillPaymentCheck": (bill_payment_fields, False),
}


def _render(element: str, doc: Doc) -> str:
    out: list[str] = []
    write_element(element, doc, element_decl(element), out)
    return f"<{element}Rq>{''.join(out)}</{element}Rq>"


def _step(draw: Draw, company: CompanyFile) -> str:
    kind = draw(st.sampled_from(sorted(LIST_BUILDERS) + sorted(TXN_BUILDERS)))
    if kind in LIST_BUILDERS:
        records = company.list_records(kind)
        if records and draw(st.integers(0, 2)):  # two in three: a Mod
            target = draw(st.sampled_from(records))
            fields = LIST_BUILDERS[kind](draw, company, True)
            return _render(f"{kind}Mod", {"ListID": target["ListID"], "EditSequence": target["EditSequence"],
                                          **fields})
        return _render(f"{kind}Add", LIST_BUILDERS[kind](draw, company, False))
    builder, has_mod = TXN_BUILDERS[kind]
    records = company.list_records(kind)
    if has_mod and records and draw(st.integers(0, 2)):
        target = draw(st.sampled_from(records))
        fields = builder(draw, company, True, target)
        return _render(f"{kind}Mod", {"TxnID": target["TxnID"], "EditSequence": target["EditSequence"],
                                      **fields})
    return _render(f"{kind}Add", builder(draw, company, False, None))


@settings(derandomize=True, max_examples=100, deadline=None, database=None,
          phases=(Phase.explicit, Phase.generate, Phase.shrink),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_random_add_mod_sequences_answer_schema_valid_responses(data: st.DataObject) -> None:
    company = populated_company()
    for _ in range(data.draw(st.integers(4, 16), label="steps")):
        body = _step(data.draw, company)
        text = request(body, "13.0", "continueOnError")
        sent = etree.fromstring(text.encode())
        assert xsd().validate(sent), f"the generator built an invalid request: {xsd().error_log}\n{body}"
        answer = company.process_request(text)  # the autouse fixture checks it against the XSD
        rs = etree.fromstring(answer.encode()).find("QBXMLMsgsRs")[0]
        assert rs.tag == etree.QName(sent.find("QBXMLMsgsRq")[0]).localname[:-2] + "Rs"
        assert rs.get("statusCode", "").isdigit() and rs.get("statusMessage")
        assert rs.get("statusCode") != "1000", "a handler failed on a schema-valid request (see the log)"
