"""qbXML codec benchmarks: qbsim beside an honest floor and its peers, side by side in one run.

Each group is one job on the same input; its rows are ``floor``, ``qbsim`` and the peers (see peers.py).
``qbsim bench --json PATH`` (or ``make bench``) runs them and writes the Markdown table of every row's
ratio to ``floor`` and to the best peer. The tests after the benchmarks check that every implementation
produces the same answer, so the ratios compare like with like.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from lxml import etree

from connector.qbxml import parse_response

from . import data, peers
from .conftest import scaled

ITEMS, ORDERS, REPORT_ROWS = 10_000, 1_000, 10_000


@pytest.fixture(scope="module")
def item_service_xml(scale: float) -> bytes:
    return data.item_service_query(scaled(ITEMS, scale))


@pytest.fixture(scope="module")
def purchase_order_xml(scale: float) -> bytes:
    return data.purchase_order_query(scaled(ORDERS, scale))


@pytest.fixture(scope="module")
def job_report_xml(scale: float) -> bytes:
    return data.job_report(scaled(REPORT_ROWS, scale))


@pytest.fixture(scope="module")
def orders(scale: float) -> list[dict[str, Any]]:
    return data.purchase_orders(scaled(ORDERS, scale))


@pytest.fixture(scope="module")
def items(scale: float) -> list[dict[str, Any]]:
    return data.service_items(scaled(ITEMS, scale))


def _size(xml: bytes) -> str:
    return f"{len(xml) / 1e6:.1f} MB"


@pytest.mark.parametrize("impl", list(peers.PARSE))
def test_parse_item_service(benchmark: Any, impl: str, item_service_xml: bytes) -> None:
    count = item_service_xml.count(b"<ItemServiceRet>")
    benchmark.group = f"parse ItemServiceQueryRs x{count} ({_size(item_service_xml)})"
    benchmark(peers.PARSE[impl], item_service_xml)


@pytest.mark.parametrize("impl", list(peers.PARSE))
def test_parse_purchase_orders(benchmark: Any, impl: str, purchase_order_xml: bytes) -> None:
    count = purchase_order_xml.count(b"<PurchaseOrderRet>")
    benchmark.group = f"parse PurchaseOrderQueryRs x{count} with 10 lines ({_size(purchase_order_xml)})"
    benchmark(peers.PARSE[impl], purchase_order_xml)


@pytest.mark.parametrize("impl", list(peers.PARSE))
def test_parse_job_report(benchmark: Any, impl: str, job_report_xml: bytes) -> None:
    rows = job_report_xml.count(b"<DataRow ")
    benchmark.group = f"parse JobReport ReportRet x{rows} rows ({_size(job_report_xml)})"
    benchmark(peers.PARSE[impl], job_report_xml)


@pytest.mark.parametrize("impl", list(peers.FIELDS))
def test_read_two_fields(benchmark: Any, impl: str, item_service_xml: bytes) -> None:
    count = item_service_xml.count(b"<ItemServiceRet>")
    benchmark.group = f"field access: ListID+EditSequence of ItemServiceRet x{count}"
    benchmark(peers.FIELDS[impl], item_service_xml)


def _po_builders(orders: list[dict[str, Any]]) -> dict[str, Callable[[], Any]]:
    ready = data.as_ready_strings(orders)
    ordered = peers.prepare_po_schema_order(orders)
    return {
        "floor": lambda: peers.build_po_floor(ready),
        "qbsim": lambda: peers.build_qbsim("PurchaseOrderAdd", orders),
        "etree": lambda: peers.build_po_etree(orders),
        "xmltodict": lambda: peers.build_xmltodict("PurchaseOrderAdd", ordered),
        "qbwc-kit": lambda: peers.build_qbwc_kit("PurchaseOrder", ordered),
    }


def _item_builders(items: list[dict[str, Any]]) -> dict[str, Callable[[], Any]]:
    ready = data.as_ready_strings(items)
    return {
        "floor": lambda: peers.build_items_floor(ready),
        "qbsim": lambda: peers.build_qbsim("ItemServiceAdd", items),
        "etree": lambda: peers.build_items_etree(items),
        "xmltodict": lambda: peers.build_xmltodict("ItemServiceAdd", items),
        "qbwc-kit": lambda: peers.build_qbwc_kit("ItemService", items),
    }


BUILD_IMPLS = ["floor", "qbsim", "etree", "xmltodict", "qbwc-kit"]


@pytest.mark.parametrize("impl", BUILD_IMPLS)
def test_build_purchase_orders(benchmark: Any, impl: str, orders: list[dict[str, Any]]) -> None:
    benchmark.group = f"build PurchaseOrderAddRq x{len(orders)} with 10 lines"
    benchmark(_po_builders(orders)[impl])


@pytest.mark.parametrize("impl", BUILD_IMPLS)
def test_build_service_items(benchmark: Any, impl: str, items: list[dict[str, Any]]) -> None:
    benchmark.group = f"build ItemServiceAddRq x{len(items)}"
    benchmark(_item_builders(items)[impl])


# -- like with like ---------------------------------------------------------------------------------------

def _canonical(document: str | bytes) -> bytes:
    raw = document.encode() if isinstance(document, str) else document
    root = etree.fromstring(raw.split(b"?>", 2)[-1] if raw.startswith(b"<?xml") else raw)
    return etree.tostring(root, method="c14n")


@pytest.mark.parametrize("builders", ["orders", "items"])
def test_every_builder_writes_the_same_document(builders: str, request: pytest.FixtureRequest) -> None:
    make = _po_builders if builders == "orders" else _item_builders
    built = {impl: build()[1] for impl, build in make(request.getfixturevalue(builders)).items()}
    expected = _canonical(built["qbsim"])
    for impl in ("etree", "xmltodict", "qbwc-kit"):
        assert _canonical(built[impl]) == expected, impl
    # The floor does not escape: it is the qbsim document with the entities left raw.
    unescaped = built["qbsim"].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert built["floor"] == unescaped


def test_the_parsers_read_the_same_records(item_service_xml: bytes) -> None:
    records = parse_response(item_service_xml)[0].records
    assert len(records) == item_service_xml.count(b"<ItemServiceRet>")
    first = records[0]
    assert peers.parse_etree(item_service_xml)[1][0][0]["ListID"] == first["ListID"]
    assert peers.parse_qbwc_kit(item_service_xml)[1][0][0]["EditSequence"] == first["EditSequence"]
    assert peers.parse_qbsim(item_service_xml)[1][0] == records
    pairs = [(record["ListID"], record["EditSequence"]) for record in records]
    for impl, read in peers.FIELDS.items():
        if impl != "floor":
            assert read(item_service_xml)[1] == pairs, impl


@pytest.mark.parametrize("fixture", ["item_service_xml", "purchase_order_xml", "job_report_xml"])
def test_benchmark_documents_are_fully_known_to_the_tables(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    """No unknown or invalid element: the parse benchmarks measure the typed path, not the raw fallback."""
    response = parse_response(request.getfixturevalue(fixture))[0]
    assert response.records and response.unknown == [] and response.invalid == []
