"""Hostile-XML-safe parsing of request documents.

Requests come from outside (a Web Connector, an HTTP client). The parser resolves no entities, loads
no DTD, touches no network, refuses huge trees, and the raw text is size-capped before parsing. A
document with a DOCTYPE is refused outright: QuickBooks' own parser rejects DTDs as a parse error.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import QBXMLParseError, RequestTooLargeError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # 5 MiB: far above any real Web Connector batch
_QBXML_PI = re.compile(r"<\?qbxml\s+version\s*=\s*[\"']([^\"']*)[\"']\s*\?>")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=False,
    )


def parse_request(text: str | bytes,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[etree._ElementTree, str | None]:
    """Parse a qbXML request; return the tree and the ``<?qbxml version?>`` value (None if absent)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > max_bytes:
        raise RequestTooLargeError(len(raw), max_bytes)
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise QBXMLParseError("DTDs and entity declarations are not accepted")
    if isinstance(text, str):
        # lxml refuses str input carrying an encoding declaration; feed bytes instead.
        raw = re.sub(rb"^(\s*<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']", rb"\1", raw, count=1)
    try:
        tree = etree.ElementTree(etree.fromstring(raw, _parser()))
    except etree.XMLSyntaxError as exc:
        raise QBXMLParseError(f"not well-formed: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # the byte check above cannot see a DOCTYPE in UTF-16 text; the parsed tree can
        raise QBXMLParseError("DTDs and entity declarations are not accepted")
    return tree, _qbxml_version(tree)


def _qbxml_version(tree: etree._ElementTree) -> str | None:
    """The ``<?qbxml version="…"?>`` before the root element (read from the tree: any encoding)."""
    for node in tree.getroot().itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            match = _QBXML_PI.search(f"<?qbxml {node.text or ''}?>")
            return match.group(1).strip() if match else None
    return None
