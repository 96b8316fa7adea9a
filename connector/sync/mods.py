"""What list updates share: a ``…Mod`` with the EditSequence last seen; on 3200, re-read and retry once.

QuickBooks refuses a Mod whose EditSequence is not the record's current one with 3200 ("The provided
edit sequence … is out-of-date."): someone edited the record in QuickBooks since it was last read.
QuickBooks usually returns the current record with the 3200; its EditSequence goes into the id map and
the Mod is retried. Without a record (a 3200 that carries none) the id map's EditSequence is forgotten,
so the handler's next request is a query by ListID (the re-read), then the Mod. One retry only
(``STALE_RETRIES``): a record that keeps changing fails with QuickBooks' own status.
"""

from __future__ import annotations

from connector.qbxml import Response
from connector.sync import adds, codec
from connector.work import IdMapUpdate, Outcome

STALE_EDIT_SEQUENCE = 3200
STALE_RETRIES = 1


def mod_outcome(rs: Response, *, object_type: str, procore_id: str, list_id: str, spent: int) -> Outcome:
    """The outcome of a Mod's (or its re-read's) answer; ``spent`` = 3200 retries already used."""
    if rs.name.endswith("QueryRs"):
        found = [] if codec.is_error(rs) else codec.records(rs)
        if not found:
            return Outcome.failed(rs, result={"action": "failed", "stale_retries": spent})
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"stale_retries": spent},
                              id_map=(adds.mapping(object_type, procore_id, found[0]),))
    if rs.status_code == 0 and not codec.is_error(rs):
        ret = codec.records(rs)[0]
        return Outcome.done(rs, result={**adds.ids("updated", ret), "stale_retries": spent},
                            id_map=(adds.mapping(object_type, procore_id, ret),))
    if rs.status_code == STALE_EDIT_SEQUENCE and spent < STALE_RETRIES:
        current = codec.records(rs)
        qb_id = str(current[0]["ListID"]) if current else list_id
        edit_sequence = current[0].get("EditSequence") if current else None  # None → re-read first
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"stale_retries": spent + 1},
                              id_map=(IdMapUpdate(object_type, procore_id, qb_id, edit_sequence),))
    return Outcome.failed(rs, result={"action": "failed", "stale_retries": spent})
