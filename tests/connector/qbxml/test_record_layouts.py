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
