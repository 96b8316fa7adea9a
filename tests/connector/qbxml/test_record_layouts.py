"""Records read through a compiled layout are exactly what the generic walk makes, notes included.

Each document's first record seeds the layout; every later record differs from it in one way a layout
must notice (a missing or extra element, a leaf with a child, a duplicate, an unconvertible or padded
value, a different line count, an element nested elsewhere, ...). The same document is then typed with
no layout at all, and records (``repr``: key order too), ``unknown`` and ``invalid`` must be equal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from benchmarks.qbxml import data
from connector.qbxml import convert, parse_response, record_layout

FIRST_LINE = "<PurchaseOrderLineRet>"
PO_MUTATIONS = [
    ("nothing", lambda po: po),
    ("a line without its Desc", lambda po: po.replace("<Desc>Line 1: concrete</Desc>", "", 1)),
    ("a leaf with a child", lambda po: po.replace("<Memo>", "<Memo>x<Foo>y</Foo>", 1)),
    ("a leaf with a known child",
     lambda po: po.replace("<RefNumber>", "<RefNumber><TotalAmount>1.00</TotalAmount>", 1)),
    ("an unknown element", lambda po: po.replace("<Memo>", "<Sparkle>1</Sparkle><Memo>", 1)),
    ("a duplicated single element",
     lambda po: po.replace("<TxnNumber>", "<TxnNumber>7</TxnNumber><TxnNumber>", 1)),
    ("an amount that is no number", lambda po: po.replace("<TotalAmount>", "<TotalAmount>abc", 1)),
    ("a padded amount", lambda po: po.replace("<Rate>80.76</Rate>", "<Rate> 80.76 </Rate>", 1)),
    ("empty leaves", lambda po: po.replace("<TxnDate>2024-02-01</TxnDate>", "<TxnDate/>", 1)
     .replace("<Memo>Commitment SC-1</Memo>", "<Memo></Memo>", 1)),
    ("an empty string leaf", lambda po: po.replace("<RefNumber>PO-1</RefNumber>", "<RefNumber/>", 1)),
    ("one line only",
     lambda po: po[: po.index(FIRST_LINE, po.index(FIRST_LINE) + 1)] + "</PurchaseOrderRet>"),
    ("a ref split", lambda po: po.replace("<VendorRef><ListID>", "<ListID>", 1)
     .replace("</ListID><FullName>Acme", "</ListID><VendorRef><FullName>Acme", 1)),
    ("attributes on a leaf", lambda po: po.replace("<Memo>", '<Memo note="x">', 1)),
    ("a comment and CDATA", lambda po: po.replace("<Memo>", "<!-- c --><Memo><![CDATA[a & <b>]]>", 1)),
    ("a trailing element",
     lambda po: po.replace("</PurchaseOrderRet>", "<Other>1</Other></PurchaseOrderRet>", 1)),
    ("lines not in one run",
     lambda po: po.replace(FIRST_LINE, "<ExchangeRate>1</ExchangeRate>" + FIRST_LINE, 2)
     .replace("<ExchangeRate>1</ExchangeRate>", "", 1)),
    ("a namespaced element", lambda po: po.replace("<Memo>", '<q:Memo xmlns:q="urn:x">', 1)
     .replace("</Memo>", "</q:Memo>", 1)),
    ("a missing last element", lambda po: po.replace(
        "<IsManuallyClosed>false</IsManuallyClosed></PurchaseOrderLineRet></PurchaseOrderRet>",
        "</PurchaseOrderLineRet></PurchaseOrderRet>", 1)),
]


@pytest.fixture
def no_layouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every plan without layouts and refusing new ones, for the reference parse."""
    saved = {id(p): (p, p.layouts, p.refusals) for p in convert._PLANS.values()}
    for p in convert._PLANS.values():
        p.layouts, p.refusals = [], record_layout.MAX_REFUSALS
    monkeypatch.setattr(record_layout, "MAX_LAYOUTS", 0)
    yield
    for p, layouts, refusals in saved.values():
        p.layouts, p.refusals = layouts, refusals


def _typed(xml: str | bytes) -> tuple[str, list[str], list[str]]:
    response = parse_response(xml)[0]
    return repr(response.records), response.unknown, response.invalid


def _document_with(mutation: Any) -> str:
    base = data.purchase_order_query(3).decode()
    head, _, rest = base.partition("<PurchaseOrderRet>")
    records = ["<PurchaseOrderRet>" + part for part in rest.split("<PurchaseOrderRet>")]
    tail = records[-1][records[-1].index("</PurchaseOrderRet>") + len("</PurchaseOrderRet>"):]
    records[-1] = records[-1][: len(records[-1]) - len(tail)]
    # record 0 seeds the layout, record 1 is mutated, record 2 is plain again (the layout still reads it)
    assert mutation is PO_MUTATIONS[0][1] or mutation(records[1]) != records[1]
    return head + records[0] + mutation(records[1]) + records[2] + tail


@pytest.mark.parametrize(("label", "mutation"), PO_MUTATIONS, ids=[label for label, _ in PO_MUTATIONS])
def test_a_record_unlike_the_layout_is_typed_as_the_generic_walk_types_it(
    label: str, mutation: Any, request: pytest.FixtureRequest
) -> None:
    xml = _document_with(mutation)
    with_layouts = _typed(xml)
    request.getfixturevalue("no_layouts")
    assert with_layouts == _typed(xml), label


REPORT_MUTATIONS = [
    ("nothing", lambda report: report),
    ("a cell with one more attribute",
     lambda report: report.replace('<ColData colID="2"', '<ColData x="1" colID="2"', 1)),
    ("attributes in another order",
     lambda report: report.replace('<ColData colID="3" value="', '<ColData value="0" colID="3" v="', 1)),
    ("a row without its number", lambda report: report.replace('<DataRow rowNumber="2">', "<DataRow>", 1)),
    ("a cell with a child", lambda report: report.replace('value="Riverside Holdings:Job 1 &amp; Sons" />',
                                                          'value="R"><Foo/></ColData>', 1)),
    ("a row with fewer cells", lambda report: report.replace('<ColData colID="8" value="125.08" />', "", 1)),
    ("a text row", lambda report: report.replace('<DataRow rowNumber="3">', '<TextRow rowNumber="3">', 1)
     .replace("</DataRow><DataRow rowNumber=\"4\">", "</TextRow><DataRow rowNumber=\"4\">", 1)),
]


@pytest.mark.parametrize(("label", "mutation"), REPORT_MUTATIONS,
                         ids=[label for label, _ in REPORT_MUTATIONS])
def test_a_report_unlike_the_layout_is_typed_as_the_generic_walk_types_it(
    label: str, mutation: Any, request: pytest.FixtureRequest
) -> None:
    plain = data.job_report(5).decode()
    assert parse_response(plain)[0].records  # seeds the ReportRet layout
    xml = mutation(plain)
    assert label == "nothing" or xml != plain
    with_layouts = _typed(xml)
    request.getfixturevalue("no_layouts")
    assert with_layouts == _typed(xml), label


@pytest.mark.parametrize("make", [data.item_service_query, data.purchase_order_query, data.job_report])
def test_benchmark_documents_type_the_same_with_and_without_layouts(
    make: Any, request: pytest.FixtureRequest
) -> None:
    xml = make(30)
    with_layouts = _typed(xml)
    request.getfixturevalue("no_layouts")
    assert with_layouts == _typed(xml)


def test_records_of_a_query_are_read_through_a_compiled_layout() -> None:
    response = parse_response(data.item_service_query(5))[0]
    assert len(response.records) == 5
    ret_plan = response._kids["ItemServiceRet"][2]
    assert ret_plan.layouts  # compiled from the first record, used for the rest
    record = ret_plan.layouts[0](response._element[3])
    assert record == response.records[3] and record.tag == "ItemServiceRet"


def test_a_layout_python_cannot_compile_leaves_records_to_the_generic_walk(
    monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    request.getfixturevalue("no_layouts")
    monkeypatch.setattr(record_layout, "MAX_LAYOUTS", 4)
    for each in convert._PLANS.values():
        each.refusals = 0  # the fixture restores them

    def too_deep(*args: Any) -> Any:
        raise SyntaxError("too many statically nested blocks")

    monkeypatch.setattr(record_layout, "compile_layout", too_deep)
    response = parse_response(data.purchase_order_query(3))[0]
    assert [record["RefNumber"] for record in response.records] == ["PO-0", "PO-1", "PO-2"]
    ret_plan = response._kids["PurchaseOrderRet"][2]
    assert ret_plan.layouts == [] and ret_plan.refusals == 3


def test_records_written_two_ways_alternate_between_two_layouts(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = data.item_service_query(6).decode()
    ret_plan = parse_response(base)[0]._kids["ItemServiceRet"][2]
    monkeypatch.setattr(ret_plan, "layouts", [])  # none compiled by earlier tests
    monkeypatch.setattr(ret_plan, "refusals", 0)
    parent = "<ParentRef><ListID>80000001-1700000000</ListID><FullName>Cost Codes</FullName></ParentRef>"
    records = base.split("<ItemServiceRet>")
    for index in range(2, len(records), 2):  # every other record without its ParentRef
        records[index] = records[index].replace(parent, "")
    xml = "<ItemServiceRet>".join(records)
    with_layouts = _typed(xml)
    response = parse_response(xml)[0]
    assert len(response.records) == 6
    assert len(ret_plan.layouts) == 2
    assert sum("ParentRef" in record for record in response.records) == 3
    request.getfixturevalue("no_layouts")
    assert with_layouts == _typed(xml)
