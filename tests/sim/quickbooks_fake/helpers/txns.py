"""Shared set-up and request builders for the transaction and report tests."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from sim.quickbooks_fake import CompanyFile

VENDOR = "Acme Concrete"
OTHER_VENDOR = "Bolt Electric"
JOB = "Smith Residence:Kitchen Remodel"
OTHER_JOB = "Jones Office:Fit Out"
CONCRETE = "01-100 Concrete"
ELECTRICAL = "16-000 Electrical"
RETENTION = "Retention"
REF_TAIL = "QuickBooks error message: Invalid argument.  The specified record does not exist in the list."


def set_up(company: CompanyFile) -> CompanyFile:
    """A contractor's file as seed 000 asks for it: POs on, vendors, jobs, cost-code Service items."""
    ui = company.ui
    ui.set_inventory_active(True)
    ui.create_vendor(VENDOR)
    ui.create_vendor(OTHER_VENDOR)
    ui.create_customer("Smith Residence")
    ui.create_job("Smith Residence", "Kitchen Remodel")
    ui.create_customer("Jones Office")
    ui.create_job("Jones Office", "Fit Out")
    ui.create_service_item(CONCRETE, account="Job Expenses:Subcontractors")
    ui.create_service_item(ELECTRICAL, account="Job Expenses:Subcontractors")
    ui.create_service_item(RETENTION, account="Retainage Payable")
    return company


def ref(tag: str, name: str) -> str:
    return f"<{tag}><FullName>{name}</FullName></{tag}>"


def po_line(
    item: str,
    amount: str | None = None,
    *,
    qty: str | None = None,
    rate: str | None = None,
    desc: str | None = None,
    job: str = JOB,
    tag: str = "PurchaseOrderLineAdd",
    line_id: str | None = None,
) -> str:
    parts = [
        f"<TxnLineID>{line_id}</TxnLineID>" if line_id else "",
        ref("ItemRef", item),
        f"<Desc>{desc}</Desc>" if desc else "",
        f"<Quantity>{qty}</Quantity>" if qty else "",
        f"<Rate>{rate}</Rate>" if rate else "",
        f"<Amount>{amount}</Amount>" if amount else "",
        ref("CustomerRef", job) if job else "",
    ]
    return f"<{tag}>{''.join(parts)}</{tag}>"


def po_add(
    lines: str, *, vendor: str = VENDOR, ref_number: str = "SC-001", memo: str = "", date: str = ""
) -> str:
    head = (
        ref("VendorRef", vendor)
        + (f"<TxnDate>{date}</TxnDate>" if date else "")
        + f"<RefNumber>{ref_number}</RefNumber>"
        + (f"<Memo>{memo}</Memo>" if memo else "")
        + "<VendorMsg>Foundations and slab</VendorMsg>"
    )
    return f"<PurchaseOrderAddRq><PurchaseOrderAdd>{head}{lines}</PurchaseOrderAdd></PurchaseOrderAddRq>"


def bill_line(
    item: str,
    amount: str | None = None,
    *,
    qty: str | None = None,
    cost: str | None = None,
    job: str = JOB,
    link: tuple[str, str] | None = None,
) -> str:
    parts = [
        ref("ItemRef", item),
        f"<Quantity>{qty}</Quantity>" if qty else "",
        f"<Cost>{cost}</Cost>" if cost else "",
        f"<Amount>{amount}</Amount>" if amount else "",
        ref("CustomerRef", job) if job else "",
        f"<LinkToTxn><TxnID>{link[0]}</TxnID><TxnLineID>{link[1]}</TxnLineID></LinkToTxn>" if link else "",
    ]
    return f"<ItemLineAdd>{''.join(parts)}</ItemLineAdd>"


def bill_add(
    lines: str = "",
    *,
    vendor: str = VENDOR,
    ref_number: str = "INV-1",
    date: str = "2024-01-20",
    link_to: str = "",
    expense: str = "",
) -> str:
    head = ref("VendorRef", vendor) + f"<TxnDate>{date}</TxnDate><RefNumber>{ref_number}</RefNumber>"
    links = f"<LinkToTxnID>{link_to}</LinkToTxnID>" if link_to else ""
    return f"<BillAddRq><BillAdd>{head}{links}{expense}{lines}</BillAdd></BillAddRq>"


def payment_add(
    bill_txn_id: str,
    amount: str,
    *,
    vendor: str = VENDOR,
    bank: str = "Checking",
    check_number: str = "1001",
    date: str = "",
    memo: str = "",
) -> str:
    """A BillPaymentCheckAddRq paying ``amount`` of one bill (elements in XSD order)."""
    head = (
        ref("PayeeEntityRef", vendor)
        + (f"<TxnDate>{date}</TxnDate>" if date else "")
        + ref("BankAccountRef", bank)
        + f"<RefNumber>{check_number}</RefNumber>"
        + (f"<Memo>{memo}</Memo>" if memo else "")
    )
    applied = (
        f"<AppliedToTxnAdd><TxnID>{bill_txn_id}</TxnID><PaymentAmount>{amount}</PaymentAmount>"
        "</AppliedToTxnAdd>"
    )
    body = f"<BillPaymentCheckAdd>{head}{applied}</BillPaymentCheckAdd>"
    return f"<BillPaymentCheckAddRq>{body}</BillPaymentCheckAddRq>"


def text(el: etree._Element, path: str) -> str:
    found = el.find(path)
    assert found is not None, f"{path} missing in {etree.tostring(el)[:300]!r}"
    return found.text or ""


def money(el: etree._Element, path: str) -> Decimal:
    return Decimal(text(el, path))


def ret(root: etree._Element, index: int = 0) -> etree._Element:
    """The first child Ret of the index-th response."""
    rs = root.find("QBXMLMsgsRs")[index]
    assert rs.get("statusCode") in ("0", "500", "570"), rs.attrib
    return rs[0]
