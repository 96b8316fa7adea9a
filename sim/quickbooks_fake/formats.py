"""Field formats QuickBooks checks per request, after the schema: dates and object ids.

The XSD lets through values QuickBooks still refuses — not the whole document (0x80040400) but the
one request, with a status, while the rest of the message set runs per ``onError``:

* a date the schema grammar allows but no calendar has (``<FromModifiedDate>2024-13-45``) → 3020
  (:class:`~.errors.InvalidDate`); every valid date is rewritten in QuickBooks' own form
  (``2024-1-5`` → ``2024-01-05``, ``T9:00:00`` → ``T09:00:00``, ``+5:00`` → ``+05:00``) so handlers
  and stored records only ever see one shape (:mod:`.dates`);
* an empty date is no date: a filter bound that is not there, a TxnDate/DueDate that takes its
  default. Chosen for Mods (QuickBooks' own rule is not documented): an empty date clears a list
  element's date like any empty field, but TxnDate cannot be cleared, so an empty TxnDate is ignored;
* an IDTYPE ``ListID``/``TxnID`` (also ``ListIDWithChildren``, ``LinkToTxnID``) that is not of
  QuickBooks' id form — a hexadecimal counter, a dash, a decimal number (``80000001-1405768916``,
  ``1A-1405768916``) — or is empty → 3000 (:class:`~.errors.InvalidObjectId`) before any lookup; a
  well-formed id that names nothing still gets 3120 / 500 from the handler. A ``TxnID`` that uses a
  macro (``useMacro``) and ``TxnLineID`` (``-1`` adds a line) are not checked.
"""

from __future__ import annotations

import re

from lxml import etree

from .dates import BadDate, canonical
from .errors import InvalidDate, InvalidObjectId, StatusError
from .schema import date_elements

#: How QuickBooks names each id field in 3000 ("list id" captured; "txn id" by analogy).
ID_FIELDS = {"ListID": "list id", "ListIDWithChildren": "list id", "TxnID": "txn id", "LinkToTxnID": "txn id"}
ID_FORM = re.compile(r"[0-9A-Fa-f]{1,8}-[0-9]{1,10}")


def _check_date(node: etree._Element, is_mod: bool) -> StatusError | None:
    text = node.text or ""
    if not text.strip():
        if not is_mod or node.tag == "TxnDate":
            node.getparent().remove(node)
        else:
            node.text = ""
        return None
    try:
        node.text = canonical(text)
    except BadDate:
        return InvalidDate(text, node.tag)
    return None


def _check_id(node: etree._Element) -> StatusError | None:
    if node.get("useMacro") is not None:
        return None
    value = node.text or ""
    if ID_FORM.fullmatch(value) is None:
        return InvalidObjectId(value, ID_FIELDS[node.tag])
    return None


def check_request(el: etree._Element) -> StatusError | None:
    """Normalise one request's dates in place; the first bad date or id (document order), if any."""
    dates = date_elements()
    is_mod = el.tag.endswith("ModRq")
    for node in list(el.iter()):
        if not isinstance(node.tag, str) or len(node):
            continue
        if node.tag in dates:
            error = _check_date(node, is_mod)
        elif node.tag in ID_FIELDS:
            error = _check_id(node)
        else:
            continue
        if error is not None:
            return error
    return None


def check_requests(msgs: etree._Element) -> dict[int, StatusError]:
    """Per request (by position in the message set): the format error QuickBooks would answer."""
    out: dict[int, StatusError] = {}
    for index, el in enumerate(e for e in msgs if isinstance(e.tag, str)):
        error = check_request(el)
        if error is not None:
            out[index] = error
    return out
