"""The shape-compiled renderers write what the generic walker writes, and decline what they were not made for.

A request type's shapes are compiled on first sight; the renderer used last is tried first. Each case
below renders a request the last renderer does not fit (another leaf type, a list item of another shape,
a value over its maxLength, a None) right after one it does, and compares the bytes (or the error) with
the generic walker's.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from connector.qbxml import (
    FieldTooLongError,
    InvalidCharacterError,
    InvalidValueError,
    Request,
    RequestBatch,
    render_request,
)
from connector.qbxml import shape_plan as shapes
from connector.qbxml.request import _REQUEST_PLANS, _request_plan, render_request_generic


def _line(**changes: Any) -> dict[str, Any]:
    line = {"ItemRef": {"FullName": "Cost Codes:03-100"}, "Desc": "concrete", "Quantity": Decimal(2),
            "Rate": Decimal("80.76"), "Amount": Decimal("161.52"), "CustomerRef": {"FullName": "Job 1"}}
    line.update(changes)
    return line


def _po(lines: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    po = {"VendorRef": {"FullName": "Acme"}, "RefNumber": "PO-1", "TxnDate": date(2024, 2, 1),
          "Memo": "SC-1", "PurchaseOrderLineAdd": lines}
    po.update(changes)
    return po


def _same_as_walker(name: str, fields: dict[str, Any]) -> str:
    request = Request(name, fields)
    text = render_request(request, "13.0", "1")
    assert text == render_request_generic(request, "13.0", "1")
    return text


def test_a_purchase_order_renders_through_one_compiled_shape() -> None:
    request_plan = _request_plan("13.0", "PurchaseOrderAdd")
    assert request_plan is not None
    text = _same_as_walker("PurchaseOrderAdd", _po([_line(), _line(Desc="a & b <c>")]))
    assert request_plan.shapes.last is not None
    assert request_plan.shapes.function_for(_po([_line()])) is request_plan.shapes.last
    assert "<Desc>a &amp; b &lt;c&gt;</Desc>" in text


@pytest.mark.parametrize("odd", [
    _po([_line(), _line(Quantity="2")]),  # a qbXML string for a typed field, second item only
    _po([_line(), {**_line(), "Desc": None}]),  # an item with a None
    _po([_line(), {"ItemRef": {"ListID": "80000001-1"}, "Amount": Decimal("1.00")}]),  # another item shape
    _po([_line(Rate=Decimal("1E+2"))]),  # a number not in its plain form
    _po([_line(Amount=Decimal("12.5"))]),  # one decimal for an amount
    # texts shorter than the "x.yy" the inline checks index into: declined, never an IndexError
    _po([_line(Quantity=Decimal("-1"), Rate=Decimal(".5"), Amount=Decimal("-2"))]),
    _po([_line(Amount=Decimal("5"))]),
    _po([_line()], Memo=None),  # a None at the top
    _po([_line()], TxnDate="2024-02-01"),
    _po([_line(ItemRef={"FullName": "X", "ListID": "80000001-1"})]),  # both ref branches: an error
    _po([]),
    _po((_line(), _line())),  # a tuple, not a list
])
def test_what_the_last_shape_does_not_fit_renders_as_the_walker_does(odd: dict[str, Any]) -> None:
    _same_as_walker("PurchaseOrderAdd", _po([_line()]))  # the shape the next request is tried with
    request = Request("PurchaseOrderAdd", odd)
    try:
        expected = render_request_generic(request, "13.0", "1")
    except Exception as error:  # the walker's exact error, class and message
        with pytest.raises(type(error)) as caught:
            render_request(request, "13.0", "1")
        assert str(caught.value) == str(error)
    else:
        assert render_request(request, "13.0", "1") == expected


def test_too_long_and_wrong_typed_values_fail_as_in_the_walker_after_a_good_shape() -> None:
    batch = RequestBatch()
    batch.add(Request("PurchaseOrderAdd", _po([_line()])))
    with pytest.raises(FieldTooLongError) as too_long:
        batch.add(Request("PurchaseOrderAdd", _po([_line()], RefNumber="PO-123456789")))
    assert str(too_long.value) == (
        "PurchaseOrderAddRq/PurchaseOrderAdd/RefNumber: 12 characters exceed the maximum length 11")
    with pytest.raises(InvalidValueError) as wrong:
        batch.add(Request("PurchaseOrderAdd", _po([_line(Rate=1.5)])))
    assert wrong.value.path == "PurchaseOrderAddRq/PurchaseOrderAdd/PurchaseOrderLineAdd/Rate"
    with pytest.raises(InvalidCharacterError):
        batch.add(Request("PurchaseOrderAdd", _po([_line(), _line(Desc="bell\x07")])))
    assert len(batch) == 1
    assert batch.add(Request("PurchaseOrderAdd", _po([_line()]))) == "2"  # refused adds used no id


def test_booleans_and_bounded_integers_are_inlined_and_checked() -> None:
    query = {"MaxReturned": 100, "ActiveStatus": "All", "NameFilter": {"MatchCriterion": "StartsWith",
                                                                       "Name": "03-"}}
    _same_as_walker("ItemServiceQuery", query)
    assert "<MaxReturned>100</MaxReturned>" in _same_as_walker("ItemServiceQuery", query)
    with pytest.raises(InvalidValueError) as caught:
        render_request(Request("ItemServiceQuery", {**query, "MaxReturned": 0}), "13.0", "1")
    assert "outside the allowed range" in str(caught.value)
    customer = {"Name": "Job 1", "IsActive": False, "JobStatus": "InProgress"}
    assert "<IsActive>false</IsActive>" in _same_as_walker("CustomerAdd", customer)
    assert "<IsActive>true</IsActive>" in _same_as_walker("CustomerAdd", {**customer, "IsActive": True})
    with pytest.raises(InvalidValueError) as not_bool:  # an int is no bool: declined, the walker's error
        render_request(Request("CustomerAdd", {**customer, "IsActive": 1}), "13.0", "1")
    assert str(not_bool.value) == (
        "CustomerAddRq/CustomerAdd/IsActive: int 1 is not a valid BOOLTYPE: expected bool")
    for name in ("ItemServiceQuery", "CustomerAdd"):
        assert _REQUEST_PLANS["13.0"][name].shapes.functions, name  # compiled, not declined


def test_beyond_the_compiled_shapes_the_per_model_plans_render(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shapes, "_MAX_SHAPES", 0)
    request_plan = _request_plan("13.0", "VendorAdd")
    assert request_plan is not None
    assert request_plan.shapes.function_for({"Name": "Acme"}) is None
    _same_as_walker("VendorAdd", {"Name": "Acme", "CompanyName": "Acme & Sons"})


def test_a_batch_escapes_every_value_once_whenever_it_is_written() -> None:
    batch = RequestBatch()
    batch.add(Request("PurchaseOrderAdd", _po([_line(Desc="a & b")])))
    first = batch.to_xml()
    assert first.count("a &amp; b") == 1
    batch.add(Request("PurchaseOrderAdd", _po([_line(Desc="<c> \"d\" 'e'\r")], Memo="Ünïcode & ✓")))
    second = batch.to_xml()
    assert second.startswith(first[: first.index("</QBXMLMsgsRq>")])
    assert "<Desc>&lt;c&gt; &quot;d&quot; &apos;e&apos;&#13;</Desc>" in second
    assert "<Memo>Ünïcode &amp; ✓</Memo>" in second
    assert batch.to_xml() == second
