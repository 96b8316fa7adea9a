"""Which paths Procore documents and which we inferred (erp-api-reference.json says which).

Every route carries ``openapi_extra={"x-procore-source": ...}``: ``documented`` (path, method and payload in
Procore's public docs or OAS), ``inferred`` (only a reference anchor or a path suffix is public; the exact
path is our guess and says so), or ``sim`` (``/_sim/...``: what a person does in Procore's web UI, with no
public API). ``tests/sim/procore_fake/test_routes.py`` checks every route is tagged.
"""

from __future__ import annotations

from typing import Any

SOURCE_KEY = "x-procore-source"


def documented(note: str = "") -> dict[str, Any]:
    return {SOURCE_KEY: "documented", **({"x-procore-note": note} if note else {})}


def inferred(note: str) -> dict[str, Any]:
    return {SOURCE_KEY: "inferred", "x-procore-note": note}


def sim_only(note: str = "") -> dict[str, Any]:
    return {SOURCE_KEY: "sim", **({"x-procore-note": note} if note else {})}
