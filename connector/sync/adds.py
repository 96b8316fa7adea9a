"""What the list exports share: the outcome of an ``…Add``, and the probe by name after a crash.

An export whose session died between sendRequestXML and receiveResponseXML is probed with a query by
FullName (``connector.work``: "query before add"). Finding a record under that name is taken as
"QuickBooks applied our add": it is recorded as ``recovered`` (ids into the id map), not added again.
That is an assumption: a record someone else created under the same name in the same minutes would be
taken for ours. QuickBooks gives nothing to tell them apart (the add carries no id of ours that
QuickBooks keeps), and the work item does not record when it was sent, so ``TimeCreated`` cannot be
compared with it either; the alternative — adding again — would answer 3100 for our own record and
fail an export that succeeded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from connector.qbxml import Record, Response
from connector.sync import answers, codec
from connector.work import IdMapUpdate, Outcome

#: qbxml130.xsd AddressData maxLengths (Addr1…Addr5 41, City 31, State 21, PostalCode 13)
ADDRESS_LIMITS = {"Addr1": 41, "Addr2": 41, "Addr3": 41, "Addr4": 41, "Addr5": 41, "City": 31, "State": 21,
                  "PostalCode": 13}
STREET_LINES = ("Addr1", "Addr2", "Addr3", "Addr4", "Addr5")

#: QuickBooks' answer when the name of a new list element is taken ("The name … of the list element is
#: already in use."). List exports never link on it: seed 001 links existing records from Ready to Import.
NAME_IN_USE = 3100


class NotText(ValueError):
    """A field of a Procore payload that should be text (or a number) and is not."""

    def __init__(self, field: str, value: Any) -> None:
        self.field, self.value = field, value
        super().__init__(f"its {field} {value!r} is not text")


def text(record: Mapping[str, Any], key: str) -> str:
    """``record[key]`` as text: absent/None is empty, numbers are written out (a ZIP sent as 78701)."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise NotText(key, value)
    return str(value)


def procore_id(record: Mapping[str, Any]) -> str | None:
    """A Procore record's ``id`` (an integer, or its digits as text), or None when it has none."""
    value = record.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        return None
    return str(value)


def procore_address(record: Mapping[str, Any]) -> dict[str, str] | None:
    """A Procore record's ``address``/``city``/``state_code``/``zip`` as a qbXML address aggregate.

    A multi-line Procore address fills Addr1… one line each. None when every field is empty. Raises
    ``NotText`` for a field that is not text.
    """
    lines = [line.strip() for line in text(record, "address").splitlines() if line.strip()]
    out: dict[str, str] = {f"Addr{n}": line for n, line in enumerate(lines, start=1)}
    for field, key in (("City", "city"), ("State", "state_code"), ("PostalCode", "zip")):
        value = text(record, key).strip()
        if value:
            out[field] = value
    return out or None


def address_problem(address: Mapping[str, str] | None) -> str | None:
    """Why QuickBooks cannot hold ``address`` (too many lines, a field too long), or None."""
    if not address:
        return None
    lines = [k for k in address if k.startswith("Addr")]
    if len(lines) > len(STREET_LINES):
        return f"its address has {len(lines)} lines; QuickBooks holds at most {len(STREET_LINES)}"
    for field, value in address.items():
        if len(value) > ADDRESS_LIMITS[field]:
            return (f"its address field {value!r} ({field}) has {len(value)} characters; QuickBooks holds "
                    f"at most {ADDRESS_LIMITS[field]}")
    return None


def find_named(rs: Response, records: Sequence[Record], full_name: str) -> Record | None:
    """The record whose FullName (else Name) is ``full_name`` (QuickBooks compares names case-insensitively).

    A record whose name is repeated or not a value raises ``answers.UnexpectedAnswer``.
    """
    for record in records:
        if answers.is_named(rs, record, full_name):
            return record
    return None


def mapping(object_type: str, procore_id: str, rs: Response, ret: Mapping[str, Any]) -> IdMapUpdate:
    """The id map entry for ``ret`` (ids read through ``answers``: a repeated or missing one raises)."""
    list_id, edit_sequence = answers.list_ids(rs, ret)
    return IdMapUpdate(object_type, procore_id, list_id, edit_sequence, answers.name_of(rs, ret))


def ids(action: str, rs: Response, ret: Mapping[str, Any]) -> dict[str, Any]:
    """The result the write-back reads: ``action`` and the QuickBooks ids."""
    list_id, edit_sequence = answers.list_ids(rs, ret)
    return {"action": action, "ListID": list_id, "EditSequence": edit_sequence}


#: The phase an export goes into when an answer cannot be taken for its object: its next request is its
#: probe (the query by name the handler sends after a crash), answered by ``handle_probe_response``.
PROBE_PHASE = {"phase": "probe"}


def look_up(code: str, why: str) -> Outcome:
    """Send the item's probe next: an answer did not show that our object was (or was not) created."""
    return Outcome.resend(status_code=code, message=f"{why}; looking the object up by name",
                          result=dict(PROBE_PHASE))


def is_probe_phase(result: Mapping[str, Any]) -> bool:
    return result.get("phase") == PROBE_PHASE["phase"]


def created(rs: Response, request: str, name: str, *, under_parent: bool = False
            ) -> tuple[Record, Outcome | None]:
    """Read an ``…AddRs`` (not an error) as the Ret of the object named ``name``.

    Returns the Ret and None, or what to do instead: the answer is another request's (another Rs, another
    object: requestIDs crossed) or unreadable (no Ret, a repeated or missing id) — the add may or may not
    have created our object, so it is looked up by name (``look_up``); nothing is recorded from it.
    """
    empty = Record()
    if rs.name != f"{request}Rs":
        return empty, look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to an {request}Rq")
    try:
        ret = answers.the_ret(rs, (request.removesuffix("Add") + "Ret",))
        answers.list_ids(rs, ret)
        if not answers.is_named(rs, ret, name, under_parent=under_parent):
            return empty, look_up("WrongObject", answers.wrong_object(rs, ret, name))
    except answers.UnexpectedAnswer as unexpected:
        return empty, look_up(unexpected.status_code, unexpected.message)
    return ret, None


def added(rs: Response, object_type: str, procore_id: str, request: str, name: str, *,
          under_parent: bool = False) -> Outcome:
    """An ``…AddRs``: created (ids recorded), or failed with QuickBooks' own status — 3100 included.

    An answer that is not our object's (see :func:`created`) sends the item to its probe instead.
    ``under_parent``: ``name`` is the Name of an object added under a parent (a job).
    """
    if rs.name == f"{request}Rs" and codec.is_error(rs):
        return Outcome.failed(rs, result={"action": "failed"})
    ret, instead = created(rs, request, name, under_parent=under_parent)
    if instead is not None:
        return instead
    update = mapping(object_type, procore_id, rs, ret)
    return Outcome.done(rs, result=ids("created", rs, ret), id_map=(update,))


def recovered_or_add(rs: Response, object_type: str, procore_id: str, full_name: str, query: str) -> Outcome:
    """A query by FullName after a lost response: found → recovered (see module docstring), else add.

    Another request's answer (requestIDs crossed) sends the query again; a found record whose ids cannot be
    read fails the item (``answers.UnexpectedAnswer``).
    """
    if rs.name != f"{query}Rs":
        return look_up("UnexpectedAnswer", f"QuickBooks answered {rs.name} to a {query}Rq")
    if codec.is_error(rs):
        return Outcome.failed(rs, result={"action": "failed"})
    found = find_named(rs, codec.records(rs), full_name)
    if found is None:
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"phase": "add"})
    list_id, _ = answers.list_ids(rs, found)
    return Outcome.done(
        status_code=str(rs.status_code),
        message=f'Found "{answers.name_of(rs, found) or full_name}" (ListID {list_id}) after an '
        "interrupted session; not added again.",
        result=ids("recovered", rs, found),
        id_map=(mapping(object_type, procore_id, rs, found),),
    )
