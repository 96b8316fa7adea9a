"""The 13.0 qbXML XSD as the conformance oracle: every document exchanged must validate.

The schema files are the ones vendored with the fake company file (``sim/quickbooks_fake/schemas``,
copied from Intuit's SDK; see its PROVENANCE.md). They are loaded once per process with lxml's own
XMLSchema — not through the fake's or the codec's loaders, so a bug in either cannot hide itself.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

import sim.quickbooks_fake
from sim.once import once

SCHEMA = Path(sim.quickbooks_fake.__file__).with_name("schemas") / "qbxmlops130.xsd"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@once
def schema() -> etree.XMLSchema:
    """The 13.0 XSD (qbxmlops130.xsd includes the types and message sets), compiled once per process
    under a lock: racing compiles can fail and leave the process unable to compile."""
    return etree.XMLSchema(etree.parse(str(SCHEMA), _PARSER))


#: an XMLSchema object is not thread-safe (one error log): one validation at a time
_validate_lock = threading.Lock()


def errors(document: str) -> list[str]:
    """Why ``document`` does not validate (empty when it does)."""
    try:
        root = etree.fromstring(document.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as exc:
        return [f"not well-formed: {exc}"]
    validator = schema()
    with _validate_lock:
        if validator.validate(root):
            return []
        return [f"line {e.line}: {e.message}" for e in validator.error_log]


def invalid(documents: Iterable[str]) -> dict[int, list[str]]:
    """Index → errors for every document of ``documents`` that does not validate."""
    out: dict[int, list[str]] = {}
    for index, document in enumerate(documents):
        problems = errors(document)
        if problems:
            out[index] = problems
    return out
