"""The benchmark documents and build inputs, made deterministically (no randomness, no clock).

Responses are written in the 13.0 schema order QuickBooks uses, with the text a construction company has
(cost codes, jobs, vendors; some names with ``&``), so every peer parses the same realistic bytes. Build
inputs are the typed values a sync holds (Decimal, date, str) plus, for the floor, the same fields as
ready strings. ``scale`` shrinks everything for the untimed run in ``make test`` and for ``--quick``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

PACIFIC = timezone(timedelta(hours=-8))
ENVELOPE = ('<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs><{rs} requestID="1" statusCode="0" '
            'statusSeverity="Info" statusMessage="Status OK"{extra}>')


def _stamp(n: int) -> str:
    return (datetime(2024, 1, 1, 8, tzinfo=PACIFIC) + timedelta(minutes=n)).isoformat()


def item_service_query(count: int) -> bytes:
    """An ItemServiceQueryRs of ``count`` cost codes (about 500 bytes each)."""
    rets = []
    for n in range(count):
        amp = " &amp; Forms" if n % 10 == 0 else ""
        rets.append(
            f"<ItemServiceRet><ListID>{0x80000000 + n:X}-1700000000</ListID>"
            f"<TimeCreated>{_stamp(n)}</TimeCreated><TimeModified>{_stamp(n + 7)}</TimeModified>"
            f"<EditSequence>{1700000000 + n}</EditSequence><Name>{n // 100:02d}-{n % 100:03d}</Name>"
            f"<FullName>Cost Codes:{n // 100:02d}-{n % 100:03d}</FullName>"
            f"<IsActive>{'true' if n % 7 else 'false'}</IsActive>"
            "<ParentRef><ListID>80000001-1700000000</ListID><FullName>Cost Codes</FullName></ParentRef>"
            "<Sublevel>1</Sublevel>"
            f"<SalesOrPurchase><Desc>Concrete{amp} {n}</Desc><Price>{n % 500}.50</Price>"
            "<AccountRef><ListID>80000031-1700000000</ListID><FullName>Construction Income</FullName>"
            "</AccountRef></SalesOrPurchase>"
            "<DataExtRet><OwnerID>0</OwnerID><DataExtName>Procore ID</DataExtName>"
            f"<DataExtType>STR255TYPE</DataExtType><DataExtValue>{562949953421312 + n}</DataExtValue>"
            "</DataExtRet></ItemServiceRet>"
        )
    head = ENVELOPE.format(rs="ItemServiceQueryRs", extra=' iteratorRemainingCount="0" iteratorID="{X}"')
    return (head + "".join(rets) + "</ItemServiceQueryRs></QBXMLMsgsRs></QBXML>").encode()


def purchase_order_query(count: int, lines: int = 10) -> bytes:
    """A PurchaseOrderQueryRs of ``count`` commitments with ``lines`` lines each."""
    rets = []
    for n in range(count):
        body = []
        for k in range(lines):
            quantity = k + 1
            body.append(
                f"<PurchaseOrderLineRet><TxnLineID>{n * 100 + k:X}-1700000000</TxnLineID>"
                f"<ItemRef><ListID>{0x80000000 + k:X}-1700000000</ListID><FullName>Cost Codes:03-{k:03d}"
                "</FullName></ItemRef>"
                f"<Desc>Line {k}: concrete{' &amp; forms' if k == 3 else ''}</Desc>"
                f"<Quantity>{quantity}</Quantity>"
                f"<Rate>80.76</Rate><Amount>{Decimal('80.76') * quantity}</Amount>"
                f"<CustomerRef><ListID>8000{n % 90 + 10:04d}-1700000000</ListID><FullName>Riverside Holdings:"
                f"Job {n % 90 + 10}</FullName></CustomerRef>"
                f"<ReceivedQuantity>0</ReceivedQuantity><IsBilled>false</IsBilled>"
                f"<IsManuallyClosed>false</IsManuallyClosed></PurchaseOrderLineRet>"
            )
        total = sum(Decimal("80.76") * (k + 1) for k in range(lines))
        rets.append(
            f"<PurchaseOrderRet><TxnID>{0x1000 + n:X}-1700000000</TxnID>"
            f"<TimeCreated>{_stamp(n)}</TimeCreated>"
            f"<TimeModified>{_stamp(n + 3)}</TimeModified><EditSequence>{1700000000 + n}</EditSequence>"
            f"<TxnNumber>{n + 1}</TxnNumber><VendorRef><ListID>8000{n % 50 + 10:04d}-1700000000</ListID>"
            f"<FullName>Acme Concrete {n % 50}</FullName></VendorRef><TxnDate>2024-02-01</TxnDate>"
            f"<RefNumber>PO-{n}</RefNumber><TotalAmount>{total}</TotalAmount>"
            "<IsManuallyClosed>false</IsManuallyClosed><IsFullyReceived>false</IsFullyReceived>"
            f"<Memo>Commitment SC-{n}</Memo>{''.join(body)}</PurchaseOrderRet>"
        )
    head = ENVELOPE.format(rs="PurchaseOrderQueryRs", extra="")
    return (head + "".join(rets) + "</PurchaseOrderQueryRs></QBXMLMsgsRs></QBXML>").encode()


def job_report(rows: int, columns: int = 8) -> bytes:
    """A JobReportQueryRs: one ReportRet (job profitability detail) with ``rows`` DataRows."""
    titles = "".join(
        f'<ColDesc colID="{c}" dataType="{"STRTYPE" if c == 1 else "AMTTYPE"}">'
        f'<ColTitle titleRow="1" value="{"Job" if c == 1 else f"Col {c}"}" /><ColType>'
        f'{"Blank" if c == 1 else "Amount"}</ColType></ColDesc>' for c in range(1, columns + 1))
    data = []
    for r in range(rows):
        cells = f'<ColData colID="1" value="Riverside Holdings:Job {r % 90} &amp; Sons" />' + "".join(
            f'<ColData colID="{c}" value="{(r * 37 + c * 11) % 100000}.{c:02d}" />'
            for c in range(2, columns + 1))
        data.append(f'<DataRow rowNumber="{r + 1}"><RowData rowType="item" value="03-{r % 1000:03d}" />'
                    f"{cells}</DataRow>")
    total = "".join(f'<ColData colID="{c}" value="{c}.00" />' for c in range(2, columns + 1))
    report = (
        "<ReportRet><ReportTitle>Job Profitability Detail</ReportTitle>"
        "<ReportSubtitle>All Dates</ReportSubtitle>"
        f"<ReportBasis>Accrual</ReportBasis><NumRows>{rows + 1}</NumRows><NumColumns>{columns}</NumColumns>"
        f"<NumColTitleRows>1</NumColTitleRows>{titles}<ReportData>{''.join(data)}"
        f'<TotalRow rowNumber="{rows + 1}"><RowData rowType="label" value="TOTAL" />{total}</TotalRow>'
        "</ReportData></ReportRet>"
    )
    head = ENVELOPE.format(rs="JobReportQueryRs", extra="")
    return (head + report + "</JobReportQueryRs></QBXMLMsgsRs></QBXML>").encode()


def purchase_orders(count: int, lines: int = 10) -> list[dict[str, Any]]:
    """Typed PurchaseOrderAdd fields as a sync builds them (keys not in schema order; one line in ten with
    markup characters, so escaping is exercised)."""
    orders = []
    for n in range(count):
        order_lines = [
            {
                "ItemRef": {"FullName": f"Cost Codes:03-{k:03d}"},
                "Desc": f"Line {k}: concrete & forms <phase {n % 3}>" if k == 3 else f"Line {k}: concrete",
                "Quantity": Decimal(k + 1),
                "Rate": Decimal("80.76"),
                "Amount": Decimal("80.76") * (k + 1),
                "CustomerRef": {"FullName": f"Riverside Holdings:Job {n % 90 + 10}"},
            }
            for k in range(lines)
        ]
        orders.append({"VendorRef": {"FullName": f"Acme Concrete {n % 50}"}, "RefNumber": f"PO-{n}",
                       "TxnDate": date(2024, 2, 1) + timedelta(days=n % 28), "Memo": f"Commitment SC-{n}",
                       "PurchaseOrderLineAdd": order_lines})
    return orders


def service_items(count: int) -> list[dict[str, Any]]:
    """Typed ItemServiceAdd fields: Procore cost codes exported as QuickBooks Service items."""
    return [
        {
            "Name": f"{n // 100:02d}-{n % 100:03d}",
            "ParentRef": {"FullName": "Cost Codes"},
            "SalesOrPurchase": {"Desc": f"Concrete{' & Forms' if n % 10 == 0 else ''} {n}",
                                "Price": Decimal(n % 500) + Decimal("0.50"),
                                "AccountRef": {"FullName": "Construction Income"}},
        }
        for n in range(count)
    ]


def as_ready_strings(value: Any) -> Any:
    """The same fields with every leaf already in its qbXML text (the floor's input): no work left."""
    if isinstance(value, dict):
        return {key: as_ready_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_ready_strings(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
