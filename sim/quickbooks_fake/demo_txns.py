"""A scripted exchange that shows the transaction side of the fake company file.

``run_transactions_demo(company)`` plays what Procore's connector and an accountant do, in order:
the accountant turns on purchase orders (seed 000); the connector exports a budget (EstimateAdd), a
commitment (PurchaseOrderAdd), a commitment change order (PurchaseOrderMod appending a line) and a
subcontractor invoice with retainage linked to the PO (BillAdd); the accountant pays the bill in
Pay Bills (``company.ui.pay_bill``); the connector reads the payment back (BillPaymentCheckQuery)
and the job costs (JobReportQuery JobEstimatesVsActualsDetail + CustomDetailReportQuery). Every
request goes through ``process_request`` exactly as the Web Connector would send it; the returned
lines say what happened. Names it needs are created if missing, so it runs on a fresh file or on
one the list demo already filled.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from lxml import etree

from sim.hardened import parse_xml

from .hardened import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from .company_api import Company

VENDOR = "Rockridge Concrete Inc"
CUSTOMER = "Harbor View Clinic"
JOB = f"{CUSTOMER}:Phase 1"
CONCRETE = "03-300 Concrete"
SITEWORK = "31-000 Earthwork"
RETENTION = "Retention"


def _qbxml(body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="utf-8"?>\n<?qbxml version="13.0"?>\n'
        f'<QBXML><QBXMLMsgsRq onError="stopOnError">{body}</QBXMLMsgsRq></QBXML>'
    )


def _send(company: Company, body: str) -> etree._Element:
    """One request through the request processor; returns its ``…Rs`` element."""
    answer = company.process_request(_qbxml(body))
    rs = parse_xml(answer.encode(), cap=DEFAULT_MAX_BYTES).find("QBXMLMsgsRs")[0]  # the one hardened parser
    if rs.get("statusSeverity") == "Error":
        raise RuntimeError(f"{rs.tag}: {rs.get('statusCode')} {rs.get('statusMessage')}")
    return rs


def _ensure_lists(company: Company) -> None:
    def exists(kind: str, full_name: str) -> bool:
        return any(d.get("FullName", d.get("Name")) == full_name for d in company.list_records(kind))

    ui = company.ui
    if not exists("Vendor", VENDOR):
        ui.create_vendor(VENDOR, Phone="555-0142")
    if not exists("Customer", CUSTOMER):
        ui.create_customer(CUSTOMER)
    if not exists("Customer", JOB):
        ui.create_job(CUSTOMER, "Phase 1")
    for item, account in (
        (CONCRETE, "Job Expenses:Subcontractors"),
        (SITEWORK, "Job Expenses:Subcontractors"),
        (RETENTION, "Retainage Payable"),
    ):
        if not exists("ItemService", item):
            ui.create_service_item(item, account=account)


def _ref(tag: str, name: str) -> str:
    return f"<{tag}><FullName>{name}</FullName></{tag}>"


def _line(tag: str, item: str, amount: str, desc: str, *, rate: str = "Rate", job: bool = True) -> str:
    price = f"<{rate}>{amount}</{rate}>" if rate else ""
    customer = _ref("CustomerRef", JOB) if job else ""
    return (
        f"<{tag}>{_ref('ItemRef', item)}<Desc>{desc}</Desc>{price}<Amount>{amount}</Amount>{customer}</{tag}>"
    )


def _money(text: str | None) -> str:
    return f"{Decimal(text or '0'):,.2f}"


def run_transactions_demo(company: Company) -> list[str]:
    """Run the scripted exchange on ``company``; return what happened, one line per step."""
    out: list[str] = []
    _ensure_lists(company)
    company.ui.set_inventory_active(True)
    out.append('accountant: Edit > Preferences > "Inventory and purchase orders are active" turned on')

    est = _send(
        company,
        "<EstimateAddRq><EstimateAdd>"
        + _ref("CustomerRef", JOB)
        + "<RefNumber>BUD-1</RefNumber>"
        + _line("EstimateLineAdd", CONCRETE, "120000.00", "Cast-in-place concrete", job=False)
        + _line("EstimateLineAdd", SITEWORK, "30000.00", "Earthwork", job=False)
        + "</EstimateAdd></EstimateAddRq>",
    ).find("EstimateRet")
    out.append(
        f"EstimateAdd (budget) for {JOB}: {len(est.findall('EstimateLineRet'))} lines, total "
        f"{_money(est.findtext('TotalAmount'))} -> TxnID {est.findtext('TxnID')}"
    )

    po = _send(
        company,
        "<PurchaseOrderAddRq><PurchaseOrderAdd>"
        + _ref("VendorRef", VENDOR)
        + "<RefNumber>SC-1001</RefNumber><VendorMsg>Foundations and slab on grade</VendorMsg>"
        + _line("PurchaseOrderLineAdd", CONCRETE, "100000.00", "Foundations and slab")
        + "</PurchaseOrderAdd></PurchaseOrderAddRq>",
    ).find("PurchaseOrderRet")
    out.append(
        f"PurchaseOrderAdd (commitment) SC-1001 to {VENDOR}: total {_money(po.findtext('TotalAmount'))}"
    )

    keep = "".join(
        f"<PurchaseOrderLineMod><TxnLineID>{x.text}</TxnLineID></PurchaseOrderLineMod>"
        for x in po.findall("PurchaseOrderLineRet/TxnLineID")
    )
    co = _line("PurchaseOrderLineMod", CONCRETE, "8500.00", "CCO-01 thickened slab edges").replace(
        "<PurchaseOrderLineMod>", "<PurchaseOrderLineMod><TxnLineID>-1</TxnLineID>", 1
    )
    po = _send(
        company,
        f"<PurchaseOrderModRq><PurchaseOrderMod><TxnID>{po.findtext('TxnID')}</TxnID><EditSequence>"
        f"{po.findtext('EditSequence')}</EditSequence>{keep}{co}</PurchaseOrderMod></PurchaseOrderModRq>",
    ).find("PurchaseOrderRet")
    out.append(
        f"PurchaseOrderMod (change order CCO-01): {len(po.findall('PurchaseOrderLineRet'))} lines, total "
        f"{_money(po.findtext('TotalAmount'))}"
    )

    first = po.findtext("PurchaseOrderLineRet/TxnLineID")
    work = _line("ItemLineAdd", CONCRETE, "30000.00", "Progress claim 1", rate="").replace(
        "</ItemLineAdd>",
        f"<LinkToTxn><TxnID>{po.findtext('TxnID')}</TxnID><TxnLineID>{first}</TxnLineID>"
        "</LinkToTxn></ItemLineAdd>",
    )
    retain = _line("ItemLineAdd", RETENTION, "-3000.00", "Retainage 10%", rate="")
    bill = _send(
        company,
        "<BillAddRq><BillAdd>"
        + _ref("VendorRef", VENDOR)
        + "<TxnDate>"
        + company.clock.now().date().isoformat()
        + "</TxnDate><RefNumber>PC-01</RefNumber>"
        + work
        + retain
        + "</BillAdd></BillAddRq>",
    ).find("BillRet")
    out.append(
        f"BillAdd (subcontractor invoice) PC-01 linked to {bill.findtext('LinkedTxn/RefNumber')}: work "
        f"30,000.00, retainage -3,000.00 -> AmountDue {_money(bill.findtext('AmountDue'))}, "
        f"IsPaid {bill.findtext('IsPaid')}"
    )

    since = company.now_text()
    company.advance_clock(3600)
    pay = company.ui.pay_bill("PC-01", check_number="1001", memo="PC-01 net of retainage")
    out.append(
        f"accountant: Pay Bills -> check {pay['RefNumber']} for {_money(pay['Amount'])} "
        f"({pay['BankAccountRef']['FullName']})"
    )

    rs = _send(
        company,
        "<BillPaymentCheckQueryRq><ModifiedDateRangeFilter><FromModifiedDate>"
        f"{since}</FromModifiedDate></ModifiedDateRangeFilter>" + "<EntityFilter><FullName>"
        f"{VENDOR}</FullName></EntityFilter></BillPaymentCheckQueryRq>",
    )
    for ret in rs.findall("BillPaymentCheckRet"):
        out.append(
            f"BillPaymentCheckQuery: check {ret.findtext('RefNumber')} {ret.findtext('TxnDate')} "
            f"{_money(ret.findtext('Amount'))} applied to bill {ret.findtext('AppliedToTxnRet/RefNumber')} "
            f"(balance {_money(ret.findtext('AppliedToTxnRet/BalanceRemaining'))})"
        )

    report = _send(
        company,
        "<JobReportQueryRq><JobReportType>JobEstimatesVsActualsDetail</JobReportType>"
        f"<ReportEntityFilter><FullName>{JOB}</FullName></ReportEntityFilter></JobReportQueryRq>",
    ).find("ReportRet")
    out.append(f"JobReportQuery: {report.findtext('ReportTitle')} ({report.findtext('ReportSubtitle')})")
    for row in report.find("ReportData"):
        values = {c.get("colID"): c.get("value", "") for c in row.findall("ColData")}
        if row.tag in ("DataRow", "SubtotalRow", "TotalRow"):
            out.append(
                f"  {values.get('1', ''):<34} Est. Cost {values.get('2', ''):>12}  Act. Cost "
                f"{values.get('3', ''):>12}"
            )

    detail = _send(
        company,
        "<CustomDetailReportQueryRq><CustomDetailReportType>CustomTxnDetail"
        "</CustomDetailReportType><ReportEntityFilter><FullName>" + JOB + "</FullName>"
        "</ReportEntityFilter><ReportTxnTypeFilter><TxnTypeFilter>Bill</TxnTypeFilter>"
        "</ReportTxnTypeFilter><SummarizeRowsBy>TotalOnly</SummarizeRowsBy><IncludeColumn>Item"
        "</IncludeColumn><IncludeColumn>PONumber</IncludeColumn><IncludeColumn>Amount</IncludeColumn>"
        "</CustomDetailReportQueryRq>",
    ).find("ReportRet")
    invoiced = Decimal(0)
    for row in detail.find("ReportData").findall("DataRow"):
        values = {c.get("colID"): c.get("value", "") for c in row.findall("ColData")}
        if values.get("3") and values.get("2") == CONCRETE:
            invoiced += Decimal(values["4"])
    out.append(
        f"CustomDetailReportQuery: Commitment Invoiced on {CONCRETE} = {_money(str(invoiced))} "
        "(bill lines received against a PO)"
    )
    return out
