"""Hardened XML parsing for everything that arrives from outside (SOAP envelopes, qbXML).

Entities are never resolved, no network, no DTD loading, no huge trees, a size cap, and any
document carrying a DOCTYPE is refused outright (neither QBWC nor QuickBooks ever sends one).
Optionally an element cap: a SOAP envelope of a Web Connector call holds about ten elements, but
15 MB of ``<a/>`` is four million of them (~450 MB of tree and seconds of CPU), so the envelope
parser counts elements while it parses and stops at the cap instead of building the whole tree.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

# Bytes handed to the incremental parser at a time: the most an element-capped parse can
# overshoot its cap by is one chunk's worth of elements (4,096 of the smallest, ``<a/>``).
_FEED_CHUNK = 16 * 1024

_OPTIONS: dict[str, Any] = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


class UnsafeXmlError(ValueError):
    """The document is too large, has too many elements, is not well-formed, or carries a DTD."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(**_OPTIONS)


def parse_xml(data: bytes | str, max_bytes: int, max_elements: int | None = None) -> etree._Element:
    """Parse ``data`` (at most ``max_bytes``, and at most ``max_elements`` when given) into its root."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UnsafeXmlError(f"document of {len(raw)} bytes exceeds the {max_bytes}-byte limit")
    if isinstance(data, str):
        # A str may carry an encoding declaration lxml refuses on str input; parse the UTF-8 bytes,
        # dropping a declaration that names another encoding.
        raw = _strip_declaration(data).encode("utf-8")
    try:
        root = etree.fromstring(raw, _parser()) if max_elements is None else _parse_counted(raw, max_elements)
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(f"not well-formed XML: {exc}") from exc
    if root.getroottree().docinfo.doctype:
        raise UnsafeXmlError("XML documents with a DOCTYPE are not accepted")
    return root


def _parse_counted(raw: bytes, max_elements: int) -> etree._Element:
    """Parse incrementally, refusing the document as soon as it has more than ``max_elements``."""
    parser = etree.XMLPullParser(events=("start",), **_OPTIONS)
    seen = 0
    view = memoryview(raw)
    for offset in range(0, len(raw), _FEED_CHUNK):
        parser.feed(bytes(view[offset : offset + _FEED_CHUNK]))
        seen += sum(1 for _ in parser.read_events())
        if seen > max_elements:
            raise UnsafeXmlError(f"document has more than {max_elements} elements")
    root: etree._Element = parser.close()
    return root


def _strip_declaration(text: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml ") or stripped.startswith("<?xml\t"):
        end = stripped.find("?>")
        if end != -1:
            return stripped[end + 2 :]
    return stripped
