"""The compiled render plans write exactly what the generic walker writes, and refuse what it refuses.

The walker (``render_request_generic``) is the reference: for every request type, both versions, shuffled
keys, with and without attributes and odd request IDs, ``render_request`` (plan first, walker on anything
unusual) must give the same bytes.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

import pytest

from connector.qbxml import InvalidCharacterError, Request, RequestBatch, schema_version
from connector.qbxml import render_plan as plans
from connector.qbxml.request import _REQUEST_PLANS, _request_plan, render_request, render_request_generic

from .sample_values import sample_request_fields


def _without_attributes(value: Any) -> Any:
    if isinstance(value, dict):
        if "#text" in value:
            return value["#text"]
        return {key: _without_attributes(item) for key, item in value.items() if key[:1] != "@"}
    if isinstance(value, list):
        return [_without_attributes(item) for item in value]
    return value


@pytest.mark.parametrize("version", ["13.0", "16.0"])
def test_plans_render_every_request_type_like_the_generic_walker(version: str) -> None:
    planned = 0
    names = sorted(schema_version(version).request_names())
    for seed in (1, 2):
        rng = random.Random(seed)
        for name in names:
            sampled = sample_request_fields(name, version, rng)
            for fields in (sampled, _without_attributes(sampled)):
                for request_id in (None, "7", 'id "&<x>'):
                    request = Request(name, fields)
                    assert render_request(request, version, request_id) == render_request_generic(
                        request, version, request_id), name
            try:
                plans.render_rq(_REQUEST_PLANS[version][name], _without_attributes(sampled), "1")
                planned += 1
            except plans.Fallback:
                pass
    # Most types render through their plan (the rest have a required attribute or a rarer leaf form).
    assert planned > 0.8 * 2 * len(names)


def _po(lines: int, desc: str = "Line: forms") -> dict[str, Any]:
    return {"PurchaseOrderLineAdd": [{"Amount": Decimal("161.52"), "Desc": desc, "Quantity": Decimal(2),
                                      "ItemRef": {"FullName": "03-100 Concrete"}, "Rate": Decimal("80.76")}
                                     for _ in range(lines)],
            "VendorRef": {"FullName": "Acme & Sons"}, "RefNumber": "PO-1"}


def test_a_realistic_purchase_order_needs_no_fallback() -> None:
    request_plan = _request_plan("13.0", "PurchaseOrderAdd")
    assert request_plan is not None
    text = plans.render_rq(request_plan, _po(3, "concrete & forms <phase 2>"), "1")
    assert "<VendorRef><FullName>Acme &amp; Sons</FullName></VendorRef>" in text
    assert text.count("<Desc>concrete &amp; forms &lt;phase 2&gt;</Desc>") == 3
    assert text == render_request_generic(Request("PurchaseOrderAdd", _po(3, "concrete & forms <phase 2>")),
                                          "13.0", "1")


@pytest.mark.parametrize("text", ["plain", "a & b", "<x>", "quote \" and ' apostrophe", "cr\rlf\n", "tab\t",
                                  "Ünïcode ✓", "\x7f del", "&amp; already"])
def test_escaping_matches_the_walker_for_any_text(text: str) -> None:
    request = Request("PurchaseOrderAdd", _po(2, text))
    assert render_request(request, "13.0", "1") == render_request_generic(request, "13.0", "1")


@pytest.mark.parametrize("bad", ["nul\x00inside", "bell\x07", "\ud800 lone surrogate", "\ufffe"])
def test_a_forbidden_character_is_refused_with_its_path(bad: str) -> None:
    batch = RequestBatch()
    with pytest.raises(InvalidCharacterError) as caught:
        batch.add(Request("PurchaseOrderAdd", _po(2, bad)))
    assert caught.value.path == "PurchaseOrderAddRq/PurchaseOrderAdd/PurchaseOrderLineAdd/Desc"
    assert len(batch) == 0


def test_many_key_orders_beyond_the_generated_ones_still_render_in_schema_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plans, "_MAX_ORDERS", 0)  # every new key order takes the interpreted loop
    rng = random.Random(5)
    for _ in range(20):
        line = dict(_po(1)["PurchaseOrderLineAdd"][0])
        keys = list(line)
        rng.shuffle(keys)
        fields = {"VendorRef": {"FullName": "V"}, "PurchaseOrderLineAdd": [{key: line[key] for key in keys}]}
        request = Request("PurchaseOrderAdd", fields)
        assert render_request(request, "13.0", "1") == render_request_generic(request, "13.0", "1")


def test_none_values_are_left_out_and_structure_rechecked() -> None:
    fields = {"Name": "01-100", "ParentRef": None, "SalesOrPurchase": {"Desc": None, "Price": Decimal("1.50"),
                                                                      "AccountRef": {"FullName": "Income"}}}
    request = Request("ItemServiceAdd", fields)
    assert render_request(request, "13.0", "1") == render_request_generic(request, "13.0", "1")
    assert "<ParentRef>" not in render_request(request, "13.0", "1")
