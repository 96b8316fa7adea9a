"""The builder's bytes are pinned: for a fixed corpus of inputs the documents hash to committed digests.

The corpus is every request type of both versions filled maximally (``sample_values``) under fixed seeds,
with and without attributes, with the request IDs a batch gives and odd ones; plus whole batches of the
benchmark inputs (cost codes, purchase orders with markup in their text, non-ASCII, ``ascii_only``). Any
change to the renderer that changes one byte of any of them fails here, so speed work cannot move output.
Regenerate the digests (only for an intended change of output) with
``python -m tests.connector.qbxml.test_canonical_output``.
"""

from __future__ import annotations

import hashlib
import json
import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from benchmarks.qbxml import data
from connector.qbxml import QBXMLBuildError, Request, RequestBatch, render_request, schema_version

from .sample_values import sample_request_fields

DIGESTS = Path(__file__).resolve().parent / "fixtures" / "canonical_digests.json"
SEEDS = (1, 2, 3)


def _without_attributes(value: Any) -> Any:
    if isinstance(value, dict):
        if "#text" in value:
            return value["#text"]
        return {key: _without_attributes(item) for key, item in value.items() if key[:1] != "@"}
    if isinstance(value, list):
        return [_without_attributes(item) for item in value]
    return value


def _request_type_corpus(version: str, name: str) -> bytes:
    """Everything one request type renders in the corpus, errors included (as their messages)."""
    pieces: list[str] = []
    for seed in SEEDS:
        sampled = sample_request_fields(name, version, random.Random(f"{version}/{name}/{seed}"))
        for fields in (sampled, _without_attributes(sampled)):
            for request_id in (None, "1", "workitem-17", 'id "&<x>\t'):
                try:
                    pieces.append(render_request(Request(name, fields), version, request_id))
                except QBXMLBuildError as error:
                    pieces.append(f"{type(error).__name__}: {error}")
            batch = RequestBatch(version, "continueOnError")
            batch.add(Request(name, fields))
            batch.add(Request(name, fields), request_id="second")
            pieces.append(batch.to_xml())
    return "\n".join(pieces).encode("utf-8")


def _batches() -> dict[str, str]:
    def batch_of(name: str, many: list[dict[str, Any]], **options: Any) -> str:
        batch = RequestBatch("13.0", **options)
        for fields in many:
            batch.add(Request(name, fields))
        return batch.to_xml()

    orders = data.purchase_orders(40)
    orders[5]["Memo"] = "Ünïcode ✓ quote \" apostrophe ' cr\r tab\t"
    orders[6]["PurchaseOrderLineAdd"][0]["Desc"] = "a & b <c> &amp; d"
    orders[7]["PurchaseOrderLineAdd"][1]["Quantity"] = Decimal("2.125")
    orders[8]["PurchaseOrderLineAdd"][2]["Rate"] = Decimal("1E+2")
    return {
        "items": batch_of("ItemServiceAdd", data.service_items(200)),
        "orders": batch_of("PurchaseOrderAdd", orders),
        "orders_ascii": batch_of("PurchaseOrderAdd", orders, ascii_only=True, on_error="continueOnError"),
    }


def corpus_digests() -> dict[str, str]:
    digests = {}
    for version in ("13.0", "16.0"):
        for name in sorted(schema_version(version).request_names()):
            digests[f"{version}/{name}"] = hashlib.sha256(_request_type_corpus(version, name)).hexdigest()
    for label, document in _batches().items():
        digests[f"batch/{label}"] = hashlib.sha256(document.encode("utf-8")).hexdigest()
    return digests


@pytest.fixture(scope="module")
def pinned() -> dict[str, str]:
    return json.loads(DIGESTS.read_text(encoding="utf-8"))


def test_every_request_type_renders_the_pinned_bytes(pinned: dict[str, str]) -> None:
    current = corpus_digests()
    assert current.keys() == pinned.keys()
    changed = [key for key, digest in current.items() if digest != pinned[key]]
    assert changed == []


def test_the_corpus_covers_both_versions_and_the_batches(pinned: dict[str, str]) -> None:
    assert sum(key.startswith("13.0/") for key in pinned) == len(schema_version("13.0").request_names())
    assert sum(key.startswith("16.0/") for key in pinned) == len(schema_version("16.0").request_names())
    assert {"batch/items", "batch/orders", "batch/orders_ascii"} <= pinned.keys()


if __name__ == "__main__":
    DIGESTS.write_text(json.dumps(corpus_digests(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
