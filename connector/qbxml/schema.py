"""Per-version views of the generated order tables (``_generated_order.py``).

A ``SchemaVersion`` answers, for one qbXML version, which ``…Rq``/``…Rs`` exist and what each content model
holds. Models are shared between versions where 16.0 did not change them (see scripts/gen_qbxml_order.py).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import cache
from typing import Any

from connector.qbxml import _generated_order as generated
from connector.qbxml.errors import UnsupportedVersionError

MODELS: tuple[Any, ...] = generated.MODELS
ENUMS: tuple[tuple[str, ...], ...] = generated.ENUMS
ENUM_SETS: tuple[frozenset[str], ...] = tuple(frozenset(values) for values in ENUMS)
MSGS_RQ_ATTRS: dict[str, tuple[str, int | None, bool]] = generated.MSGS_RQ_ATTRS
SUPPORTED_VERSIONS: tuple[str, ...] = tuple(sorted(generated.REQUESTS))

# Indexes into a child spec ``(rank, type_code, sub_model, repeat, max_length, enum_index, bounds)``.
RANK, TYPE, SUB, REPEAT, MAX_LENGTH, ENUM, BOUNDS = range(7)
# Indexes into a model ``(children, attrs, text_type, required, exclusive)``.
CHILDREN, ATTRS, TEXT, REQUIRED, EXCLUSIVE = range(5)


@dataclass(frozen=True)
class SchemaVersion:
    """The request and response models of one qbXML version."""

    version: str
    requests: dict[str, int]
    responses: dict[str, int]

    def request_names(self) -> list[str]:
        """Request names without the ``Rq`` suffix (``ItemServiceAdd``), as callers write them."""
        return [name[:-2] for name in self.requests]


@cache
def schema_version(version: str) -> SchemaVersion:
    """The tables of ``version`` ("13.0" or "16.0"); a named error for anything else."""
    if version not in generated.REQUESTS:
        raise UnsupportedVersionError(version, SUPPORTED_VERSIONS)
    return SchemaVersion(version, generated.REQUESTS[version], generated.RESPONSES[version])


def closest(name: str, candidates: Any) -> str | None:
    """A case-insensitive match, else the most similar candidate (difflib ratio >= 0.6), or None."""
    candidates = list(candidates)
    lowered = {c.lower(): c for c in candidates}
    if name.lower() in lowered:
        return lowered[name.lower()]
    matches = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return matches[0] if matches else None
