"""qbXML request documents through the simulators' hardened parser (:mod:`sim.hardened`).

Requests come from outside (a Web Connector, an HTTP client), so the raw text is size-capped and parsed
with no entities, DTD or network. What is QuickBooks' own lives here: its parse error for a DTD, the
``<?qbxml version?>`` processing instruction, and comments dropped before the schema sees the tree.
"""

from __future__ import annotations

import re

from lxml import etree

from sim.hardened import DoctypeRefused, parse_xml

from .errors import QBXMLParseError, RequestTooLargeError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024  # 5 MiB: far above any real Web Connector batch
_QBXML_PI = re.compile(r"<\?qbxml\s+version\s*=\s*[\"']([^\"']*)[\"']\s*\?>")
_DTD_REFUSED = "DTDs and entity declarations are not accepted"


def parse_request(text: str | bytes,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[etree._ElementTree, str | None]:
    """Parse a qbXML request; return the tree and the ``<?qbxml version?>`` value (None if absent)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > max_bytes:
        raise RequestTooLargeError(len(raw), max_bytes)
    # refused before parsing, so a declaration in an otherwise broken document gets the DTD message
    if b"<!DOCTYPE" in raw or b"<!ENTITY" in raw:
        raise QBXMLParseError(_DTD_REFUSED)
    if isinstance(text, str):
        # lxml refuses str input carrying an encoding declaration; feed bytes instead.
        raw = re.sub(rb"^(\s*<\?xml[^>]*?)\sencoding=[\"'][^\"']*[\"']", rb"\1", raw, count=1)
    try:  # the size was checked above (removing the declaration only shrinks the bytes)
        tree = etree.ElementTree(parse_xml(raw, cap=max_bytes, remove_comments=True))
    except DoctypeRefused:
        raise QBXMLParseError(_DTD_REFUSED) from None
    except etree.XMLSyntaxError as exc:
        raise QBXMLParseError(f"not well-formed: {exc}") from None
    return tree, _qbxml_version(tree)


def _qbxml_version(tree: etree._ElementTree) -> str | None:
    """The ``<?qbxml version="…"?>`` before the root element (read from the tree: any encoding)."""
    for node in tree.getroot().itersiblings(preceding=True):
        if isinstance(node, etree._ProcessingInstruction) and node.target == "qbxml":
            match = _QBXML_PI.search(f"<?qbxml {node.text or ''}?>")
            return match.group(1).strip() if match else None
    return None
