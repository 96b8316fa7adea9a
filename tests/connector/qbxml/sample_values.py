"""Maximal sample requests generated from the order tables, for schema-validation tests.

For a request type this fills every element of its content model (one randomly chosen branch per schema
choice, two items for repeatable elements, every optional attribute) with a typed Python value, and returns
the fields in a shuffled order. The XSD, not this module, is the oracle: the tests validate what the codec
renders from these fields.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from connector.qbxml.schema import ENUMS, MODELS, schema_version

_PACIFIC = timezone(timedelta(hours=-8))


def sample_leaf(code: str, max_length: int | None, enum_index: int | None,
                bounds: tuple[int | None, int | None] | None, rng: random.Random) -> Any:
    if enum_index is not None:
        return rng.choice(ENUMS[enum_index])
    if code == "STRTYPE":
        text = "Ünïcode & <markup> \"quoted\" 'single'\r\nline"
        return text[: max_length or len(text)]
    values: dict[str, Any] = {
        "IDTYPE": "80000001-1234567890",
        "UUIDTYPE": "uuid-1",
        "MACROTYPE": "TxnID:Bill1",
        "ENUMTYPE": "x",
        "AMTTYPE": Decimal("1234.5"),
        "PRICETYPE": Decimal("12.34567"),
        "QUANTYPE": Decimal("2.5"),
        "PERCENTTYPE": Decimal("-7.25"),
        "FLOATTYPE": Decimal("1.3333"),
        "BOOLTYPE": rng.choice([True, False]),
        "INTTYPE": bounds[0] if bounds and bounds[0] is not None else 7,
        "DATETYPE": date(2024, 2, 29),
        "DATETIMETYPE": datetime(2024, 3, 10, 9, 30, 15, tzinfo=_PACIFIC),
        "GUIDTYPE": uuid.UUID(int=rng.getrandbits(128)),
        "TIMEINTERVALTYPE": timedelta(hours=1, minutes=30),
    }
    return values[code]


def _chosen_names(model: tuple[Any, ...], rng: random.Random) -> list[str]:
    excluded: set[str] = set()
    for choice in model[4]:
        branches = [b for b in choice if b and not excluded.intersection(b)] or [b for b in choice if b]
        keep = rng.choice(branches)
        for branch in choice:
            if branch is not keep:
                excluded.update(branch)
    return [name for name in model[0] if name not in excluded]


def sample_fields(model_id: int, rng: random.Random, depth: int = 0) -> dict[str, Any]:
    model = MODELS[model_id]
    items: list[tuple[str, Any]] = []
    for name in _chosen_names(model, rng):
        spec = model[0][name]
        if spec[2] is not None and spec[1] is None and depth > 10:
            continue
        count = 2 if spec[3] else 1
        values = [_sample_child(spec, rng, depth) for _ in range(count)]
        items.append((name, values if spec[3] else values[0]))
    for attr, (code, enum_index, _required) in model[1].items():
        items.append(("@" + attr, sample_leaf(code, None, enum_index, None, rng)))
    rng.shuffle(items)
    return dict(items)


def _sample_child(spec: tuple[Any, ...], rng: random.Random, depth: int) -> Any:
    code, sub = spec[1], spec[2]
    if sub is None:
        return sample_leaf(code, spec[4], spec[5], spec[6], rng)
    if code is None:
        return sample_fields(sub, rng, depth + 1)
    value = {"#text": sample_leaf(code, spec[4], spec[5], spec[6], rng)}
    for attr, (attr_code, enum_index, _required) in MODELS[sub][1].items():
        value["@" + attr] = sample_leaf(attr_code, None, enum_index, None, rng)
    return value


def sample_request_fields(name: str, version: str, rng: random.Random) -> dict[str, Any]:
    """Fields for ``Request(name, fields)``: the inner aggregate for Add/Mod, the filters for queries."""
    model_id = schema_version(version).requests[name + "Rq"]
    children = MODELS[model_id][0]
    spec = children.get(name)
    if spec is not None and spec[1] is None:
        return sample_fields(spec[2], rng)
    fields = sample_fields(model_id, rng)
    fields.pop("@requestID", None)
    for attr in ("@iterator", "@iteratorID", "@metaData"):
        fields.pop(attr, None)
    return fields
