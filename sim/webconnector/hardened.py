"""A hardened lxml parser for everything that comes back from a web service (hostile input).

Entities are not resolved, no network, no DTD, no huge trees, and a size cap before parsing.
"""

from __future__ import annotations

from lxml import etree

#: Replies bigger than this are refused before parsing. QBWC itself has no documented cap; 64 MiB is
#: far above any qbXML request a connector should send in one sendRequestXML.
MAX_REPLY_BYTES = 64 * 1024 * 1024


class ReplyTooLargeError(ValueError):
    """A reply above :data:`MAX_REPLY_BYTES`."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=False,
    )


def parse_xml(data: bytes, *, cap: int = MAX_REPLY_BYTES) -> etree._Element:
    """Parse ``data`` safely; raises ``lxml.etree.XMLSyntaxError`` or :class:`ReplyTooLargeError`.

    A document with a DOCTYPE is refused outright: no SOAP reply or qbXML document needs one, and it is
    the vehicle for entity-expansion attacks.
    """
    if len(data) > cap:
        raise ReplyTooLargeError(f"reply is {len(data)} bytes; the cap is {cap} bytes")
    root = etree.fromstring(data, parser=_parser())
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("DOCTYPE is not allowed", 0, 0, 0, "<reply>")
    return root
