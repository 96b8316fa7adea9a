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
from connector.sync import codec
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


def find_named(records: Sequence[Record], full_name: str) -> Record | None:
    """The record whose FullName is ``full_name`` (QuickBooks compares names case-insensitively)."""
    for record in records:
        if str(record.get("FullName", record.get("Name", ""))).casefold() == full_name.casefold():
            return record
    return None


def mapping(object_type: str, procore_id: str, ret: Mapping[str, Any]) -> IdMapUpdate:
    name = ret.get("FullName", ret.get("Name"))
    return IdMapUpdate(
        object_type, procore_id, str(ret["ListID"]), ret.get("EditSequence"), str(name) if name else None
    )


def ids(action: str, ret: Mapping[str, Any]) -> dict[str, Any]:
    """The result the write-back reads: ``action`` and the QuickBooks ids."""
    return {"action": action, "ListID": str(ret["ListID"]), "EditSequence": ret.get("EditSequence")}


def added(rs: Response, object_type: str, procore_id: str) -> Outcome:
    """An ``…AddRs``: created (ids recorded), or failed with QuickBooks' own status — 3100 included."""
    records = [] if codec.is_error(rs) else codec.records(rs)
    if not records:
        return Outcome.failed(rs, result={"action": "failed"})
    ret = records[0]
    return Outcome.done(rs, result=ids("created", ret), id_map=(mapping(object_type, procore_id, ret),))


def recovered_or_add(rs: Response, object_type: str, procore_id: str, full_name: str) -> Outcome:
    """A query by FullName after a lost response: found → recovered (see module docstring), else add."""
    if codec.is_error(rs):
        return Outcome.failed(rs, result={"action": "failed"})
    found = find_named(codec.records(rs), full_name)
    if found is None:
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"phase": "add"})
    return Outcome.done(
        status_code=str(rs.status_code),
        message=f'Found "{found.get("FullName", full_name)}" (ListID {found["ListID"]}) after an '
        "interrupted session; not added again.",
        result=ids("recovered", found),
        id_map=(mapping(object_type, procore_id, found),),
    )
