"""Hardened XML parsing for everything that arrives from outside (SOAP envelopes, qbXML).

Entities are never resolved, no network, no DTD loading, no huge trees, a size cap, and any
document carrying a DOCTYPE is refused outright (neither QBWC nor QuickBooks ever sends one).
"""

from __future__ import annotations

from lxml import etree


class UnsafeXmlError(ValueError):
    """The document is too large, not well-formed, or carries a DTD."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes | str, max_bytes: int) -> etree._Element:
    """Parse ``data`` (at most ``max_bytes``) into its root element."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if len(raw) > max_bytes:
        raise UnsafeXmlError(f"document of {len(raw)} bytes exceeds the {max_bytes}-byte limit")
    if isinstance(data, str):
        # A str may carry an encoding declaration lxml refuses on str input; parse the UTF-8 bytes,
        # dropping a declaration that names another encoding.
        raw = _strip_declaration(data).encode("utf-8")
    try:
        tree = etree.ElementTree(etree.fromstring(raw, _parser()))
    except etree.XMLSyntaxError as exc:
        raise UnsafeXmlError(f"not well-formed XML: {exc}") from exc
    if tree.docinfo.doctype:
        raise UnsafeXmlError("XML documents with a DOCTYPE are not accepted")
    return tree.getroot()


def _strip_declaration(text: str) -> str:
    stripped = text.lstrip("\ufeff \t\r\n")
    if stripped.startswith("<?xml ") or stripped.startswith("<?xml\t"):
        end = stripped.find("?>")
        if end != -1:
            return stripped[end + 2 :]
    return stripped
