"""Reading QuickBooks' answers without trusting them further than they go.

An answer comes back to a work item by its ``requestID``; nothing else ties it to the request. A Web
Connector, a proxy or a broken QuickBooks that swaps two requestIDs would hand cost code A the ListID of
cost code B, and the id map would link the wrong records for good. A response the codec parsed may also
carry a field twice (the codec keeps both as a list and lists the path in ``Response.invalid``), lack a
field, or answer status 0 without its Ret. Every handler reads Ret values through this module:

* :func:`the_ret` — the one Ret an Add/Mod answers with, of the expected tag;
* :func:`single` — one value where one id is required (a list, an aggregate, nothing → refused);
* :func:`list_ids` — ListID + EditSequence (+ the name) of a list object;
* :func:`is_named` — the Ret is the object asked for (Name / FullName, compared case-insensitively as
  QuickBooks compares names);
* :func:`sublevel` — a Customer Center / item tier as an int.

What cannot be read raises :class:`UnexpectedAnswer` (a ``WorkRefused``: the driver records its code and
message, never the anonymous ``handler-error``). Whether such an answer fails the item or sends it to be
looked up by name is the caller's choice: an Add answered status 0 may well have created the object.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from connector.qbxml import Record, Response
from connector.work import WorkRefused

#: IDTYPE / EditSequence values QuickBooks writes are short ("80000001-1767621600", "1767621600"; the
#: 13.0 XSD gives EditSequence maxLength 16). Anything longer than the id map's EditSequence column
#: (``id_map.edit_sequence`` String(40); ``qb_id`` is String(80)) is not an id of QuickBooks' and is refused
#: rather than truncated or left to a database that enforces lengths.
MAX_ID_LENGTH = 40


class UnexpectedAnswer(WorkRefused):
    """QuickBooks answered something a handler cannot take at its word (the message says what)."""

    def __init__(self, rs: Response, what: str) -> None:
        self.response_name = rs.name
        super().__init__("UnexpectedAnswer", f"QuickBooks answered {rs.name} status {rs.status_code} {what}")


def article(tag: str) -> str:
    return "an" if tag[:1] in "AEIOU" else "a"


def the_ret(rs: Response, tags: Iterable[str]) -> Record:
    """The single Ret of ``rs`` whose tag is one of ``tags`` (an Add or Mod answers with exactly one)."""
    wanted = tuple(tags)
    records = rs.records
    if not records:
        return _refuse(rs, f"without {article(wanted[0])} {wanted[0]}")
    if len(records) > 1:
        return _refuse(rs, f"with {len(records)} Ret elements ({', '.join(r.tag for r in records)})")
    ret = records[0]
    if ret.tag not in wanted:
        return _refuse(rs, f"with {article(ret.tag)} {ret.tag} instead of {article(wanted[0])} {wanted[0]}")
    return ret


def _refuse(rs: Response, what: str) -> Record:
    raise UnexpectedAnswer(rs, what)


def single(rs: Response, ret: Mapping[str, Any], field: str, *, required: bool = True) -> str | None:
    """``ret[field]`` as the one text value it must be; None only when absent and not ``required``."""
    tag = getattr(ret, "tag", "Ret")
    value = ret.get(field)
    if isinstance(value, list):
        raise UnexpectedAnswer(rs, f"with {len(value)} {field} elements in its {tag}")
    if value is None or value == "":
        if required:
            raise UnexpectedAnswer(rs, f"without a {field} in its {tag}")
        return None
    if isinstance(value, Mapping | bool):
        raise UnexpectedAnswer(rs, f"with a {field} that is not a single value in its {tag}")
    return str(value)


def identifier(rs: Response, ret: Mapping[str, Any], field: str, *, required: bool = True) -> str | None:
    """Like :func:`single`, for an id (ListID, EditSequence, TxnID): short, no whitespace around it."""
    value = single(rs, ret, field, required=required)
    if value is None:
        return None
    tag = getattr(ret, "tag", "Ret")
    if len(value) > MAX_ID_LENGTH or value != value.strip():
        shown = value if len(value) <= 40 else f"{value[:40]}… ({len(value)} characters)"
        raise UnexpectedAnswer(rs, f"with a {field} {shown!r} in its {tag} that is not a QuickBooks id")
    return value


def name_of(rs: Response, ret: Mapping[str, Any]) -> str | None:
    """The FullName (else Name) of a Ret; a repeated one is refused."""
    return single(rs, ret, "FullName", required=False) or single(rs, ret, "Name", required=False)


def list_ids(rs: Response, ret: Mapping[str, Any]) -> tuple[str, str]:
    """ListID and EditSequence of a list object's Ret (both required: QuickBooks always sends them)."""
    list_id = identifier(rs, ret, "ListID")
    edit_sequence = identifier(rs, ret, "EditSequence")
    assert list_id is not None and edit_sequence is not None  # required=True
    return list_id, edit_sequence


def is_named(rs: Response, ret: Mapping[str, Any], name: str, *, under_parent: bool = False) -> bool:
    """Whether ``ret`` is the object named ``name`` (case-insensitive, as QuickBooks compares names).

    ``name`` is a FullName ("Northside Hospital:Wing B", or a top-level "01-100"): the Ret's Name must be
    its last segment and its FullName the whole of it. ``under_parent``: ``name`` is the object's own Name
    under a parent whose FullName is not known here (a job added under a customer ListID, a Mod by
    ListID), so the FullName may be "<parent>:<name>". A Ret with neither Name nor FullName is not ours.
    """
    wanted = name.casefold()
    own = wanted.rsplit(":", 1)[-1]
    given_name = single(rs, ret, "Name", required=False)
    full_name = single(rs, ret, "FullName", required=False)
    if given_name is None and full_name is None:
        return False
    if given_name is not None and given_name.casefold() != own:
        return False
    if full_name is not None:
        full = full_name.casefold()
        return full == wanted or (under_parent and full.endswith(":" + wanted))
    return True


def wrong_object(rs: Response, ret: Mapping[str, Any], name: str) -> str:
    """Why ``ret`` is not taken for ``name`` (the message of the resend or failure)."""
    return (f"QuickBooks answered {rs.name} with the {getattr(ret, 'tag', 'Ret')} "
            f'"{name_of(rs, ret) or ""}", not "{name}"')


def flag(rs: Response, ret: Mapping[str, Any], field: str, default: bool) -> bool:
    """A BOOLTYPE field (``IsActive``) as a bool; absent is ``default``; repeated or not a boolean refused."""
    value = ret.get(field)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    shown = f"{len(value)} {field} elements" if isinstance(value, list) else f"an {field} {str(value)[:40]!r}"
    raise UnexpectedAnswer(rs, f"with {shown} in its {getattr(ret, 'tag', 'Ret')}")


def sublevel(rs: Response, ret: Mapping[str, Any]) -> int:
    """``Sublevel`` (0 = top of the list) as an int; absent is 0."""
    value = single(rs, ret, "Sublevel", required=False)
    if value is None:
        return 0
    if isinstance(ret.get("Sublevel"), int) and int(value) >= 0:
        return int(value)
    raise UnexpectedAnswer(rs, f"with a Sublevel {value[:40]!r} that is not a tier number in its "
                               f"{getattr(ret, 'tag', 'Ret')}")
