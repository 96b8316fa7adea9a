"""The simulators' one hardened XML parser: everything they parse came from outside and may be hostile.

qbXML requests (from a connector, over HTTP or a Web Connector), SOAP replies and HCP responses (to the
Web Connector emulator), .qwc files (from a user): the parser resolves no entities, loads no DTD,
touches no network, refuses huge trees, and the raw bytes are size-capped before parsing. A document
with a DOCTYPE is refused outright: none of these documents needs one, it is the vehicle for
entity-expansion attacks, and QuickBooks' own parser rejects DTDs as a parse error.

Each caller turns :class:`XMLTooLarge` and :class:`DoctypeRefused` (both ``ValueError``) and lxml's
``XMLSyntaxError`` into its own real-world answer (QuickBooks' HRESULT, a QBWC error, a .qwc error).
"""

from __future__ import annotations

from lxml import etree


class XMLTooLarge(ValueError):
    """The document is ``size`` bytes; the cap is ``cap``."""

    def __init__(self, size: int, cap: int) -> None:
        super().__init__(f"the document is {size} bytes; the cap is {cap} bytes")
        self.size = size
        self.cap = cap


class DoctypeRefused(ValueError):
    """The document carries a DOCTYPE or an entity declaration."""

    def __init__(self) -> None:
        super().__init__("DOCTYPE is not allowed")


def _parser(*, remove_comments: bool) -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=False,
    )


def parse_xml(data: bytes, *, cap: int, remove_comments: bool = False) -> etree._Element:
    """The root element of ``data``; raises :class:`XMLTooLarge`, :class:`DoctypeRefused` or
    ``lxml.etree.XMLSyntaxError`` (not well-formed)."""
    if len(data) > cap:
        raise XMLTooLarge(len(data), cap)
    root = etree.fromstring(data, parser=_parser(remove_comments=remove_comments))
    docinfo = root.getroottree().docinfo
    # checked on the parsed tree, so a DOCTYPE in UTF-16 (invisible to a byte search) is caught too
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise DoctypeRefused()
    return root
