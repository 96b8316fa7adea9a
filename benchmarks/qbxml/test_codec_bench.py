"""qbXML codec benchmarks, each side by side with a raw-lxml floor doing the same minimal work.

- build: a 500-line PurchaseOrderAdd in one batch. Floor: lxml SubElement calls in a hard-coded (already
  known) schema order with pre-formatted text, then ``tostring`` -- no validation, no ordering, no typing.
- parse: a 1000-record ItemServiceQueryRs. Floor: hardened ``etree.fromstring`` and one walk turning every
  Ret into nested dicts of raw strings -- no typing, no status handling.

Report the ratio codec/floor per group:
``pytest benchmarks/qbxml --benchmark-only --benchmark-group-by=group``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from connector.qbxml import Request, RequestBatch, parse_response

LINES = 500
RECORDS = 1000
PACIFIC = timezone(timedelta(hours=-8))


def po_fields() -> dict[str, Any]:
    lines = [
        {
            # deliberately not in schema order: the codec must sort
            "Amount": Decimal(n * 3) + Decimal("0.25"),
            "CustomerRef": {"FullName": "Riverside Holdings:Job 42 - Riverside"},
            "Rate": Decimal("80.76"),
            "Quantity": Decimal(n % 17 + 1),
            "Desc": f"Line {n}: concrete & forms <phase {n % 3}>",
            "ItemRef": {"FullName": f"03-{n:03d} Concrete"},
        }
        for n in range(LINES)
    ]
    return {"PurchaseOrderLineAdd": lines, "Memo": "Commitment SC-12", "RefNumber": "PO-12",
            "TxnDate": date(2024, 2, 1), "VendorRef": {"FullName": "Acme Concrete"}}


def build_codec(fields: dict[str, Any]) -> str:
    batch = RequestBatch("13.0")
    batch.add(Request("PurchaseOrderAdd", fields))
    return batch.to_xml()


def build_lxml_floor(fields: dict[str, Any]) -> bytes:
    root = etree.Element("QBXML")
    msgs = etree.SubElement(root, "QBXMLMsgsRq", onError="stopOnError")
    rq = etree.SubElement(msgs, "PurchaseOrderAddRq", requestID="1")
    po = etree.SubElement(rq, "PurchaseOrderAdd")
    vendor = etree.SubElement(po, "VendorRef")
    etree.SubElement(vendor, "FullName").text = fields["VendorRef"]["FullName"]
    etree.SubElement(po, "TxnDate").text = fields["TxnDate"].isoformat()
    etree.SubElement(po, "RefNumber").text = fields["RefNumber"]
    etree.SubElement(po, "Memo").text = fields["Memo"]
    sub = etree.SubElement
    for line in fields["PurchaseOrderLineAdd"]:
        el = sub(po, "PurchaseOrderLineAdd")
        sub(sub(el, "ItemRef"), "FullName").text = line["ItemRef"]["FullName"]
        sub(el, "Desc").text = line["Desc"]
        sub(el, "Quantity").text = str(line["Quantity"])
        sub(el, "Rate").text = str(line["Rate"])
        sub(el, "Amount").text = f"{line['Amount']:.2f}"
        sub(sub(el, "CustomerRef"), "FullName").text = line["CustomerRef"]["FullName"]
    return b'<?xml version="1.0" ?>\n<?qbxml version="13.0"?>\n' + etree.tostring(root)


def item_service_query_response() -> str:
    rets = []
    for n in range(RECORDS):
        created = datetime(2024, 1, 1, tzinfo=PACIFIC) + timedelta(minutes=n)
        rets.append(
            "<ItemServiceRet>"
            f"<ListID>{0x80000000 + n:X}-1700000000</ListID>"
            f"<TimeCreated>{created.isoformat()}</TimeCreated><TimeModified>{created.isoformat()}</TimeModified>"
            f"<EditSequence>{1700000000 + n}</EditSequence>"
            f"<Name>{n:05d} Cost code</Name><FullName>Cost Codes:{n:05d} Cost code</FullName>"
            f"<IsActive>{'true' if n % 7 else 'false'}</IsActive>"
            "<ParentRef><ListID>80000001-1700000000</ListID><FullName>Cost Codes</FullName></ParentRef>"
            "<Sublevel>1</Sublevel>"
            f"<SalesOrPurchase><Desc>Cost code {n} &amp; more</Desc><Price>{n}.50</Price>"
            "<AccountRef><FullName>Construction Income</FullName></AccountRef></SalesOrPurchase>"
            "<DataExtRet><OwnerID>0</OwnerID><DataExtName>Procore ID</DataExtName>"
            "<DataExtType>STR255TYPE</DataExtType>"
            f"<DataExtValue>{562949953421312 + n}</DataExtValue></DataExtRet>"
            "</ItemServiceRet>"
        )
    return (
        '<?xml version="1.0" ?>\n<QBXML><QBXMLMsgsRs><ItemServiceQueryRs requestID="1" statusCode="0" '
        'statusSeverity="Info" statusMessage="Status OK" iteratorRemainingCount="0" iteratorID="{X}">'
        + "".join(rets) + "</ItemServiceQueryRs></QBXMLMsgsRs></QBXML>"
    )


_FLOOR_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True,
                                remove_pis=True, collect_ids=False, encoding="utf-8")


def _floor_dict(elem: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in elem:
        out[child.tag] = _floor_dict(child) if len(child) else child.text
    return out


def parse_lxml_floor(xml: str) -> list[dict[str, Any]]:
    root = etree.fromstring(xml.encode("utf-8"), _FLOOR_PARSER)
    return [_floor_dict(ret) for rs in root[0] for ret in rs]


@pytest.fixture(scope="module")
def po() -> dict[str, Any]:
    return po_fields()


@pytest.fixture(scope="module")
def response_xml() -> str:
    return item_service_query_response()


@pytest.mark.benchmark(group="build PurchaseOrderAdd x500 lines")
def test_build_codec(benchmark: Any, po: dict[str, Any]) -> None:
    xml = benchmark(build_codec, po)
    assert xml.count("<PurchaseOrderLineAdd>") == LINES


@pytest.mark.benchmark(group="build PurchaseOrderAdd x500 lines")
def test_build_lxml_floor(benchmark: Any, po: dict[str, Any]) -> None:
    xml = benchmark(build_lxml_floor, po)
    assert xml.count(b"<PurchaseOrderLineAdd>") == LINES


@pytest.mark.benchmark(group="parse ItemServiceQueryRs x1000")
def test_parse_codec(benchmark: Any, response_xml: str) -> None:
    responses = benchmark(parse_response, response_xml)
    records = responses[0].records
    assert len(records) == RECORDS
    assert records[999]["SalesOrPurchase"]["Price"] == Decimal("999.50")


@pytest.mark.benchmark(group="parse ItemServiceQueryRs x1000")
def test_parse_lxml_floor(benchmark: Any, response_xml: str) -> None:
    records = benchmark(parse_lxml_floor, response_xml)
    assert len(records) == RECORDS
    assert records[999]["SalesOrPurchase"]["Price"] == "999.50"


def test_codec_and_floor_build_the_same_document(po: dict[str, Any]) -> None:
    """The floor does the same work: identical output, so the ratio compares like with like."""
    assert build_codec(po).encode("utf-8") == build_lxml_floor(po)
