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
from connector.sync import adds, answers, codec
from connector.work import IdMapUpdate, Outcome

STALE_EDIT_SEQUENCE = 3200
STALE_RETRIES = 1


def _reread(rs: Response, object_type: str, procore_id: str, list_id: str, spent: int, why: str) -> Outcome:
    """Forget the EditSequence (the handler's next request re-reads the record by ListID), then Mod again."""
    return Outcome.resend(status_code="UnexpectedAnswer" if rs.status_code == 0 else str(rs.status_code),
                          message=f"{why}; reading the record again", result={"stale_retries": spent},
                          id_map=(IdMapUpdate(object_type, procore_id, list_id, None),))


def mod_outcome(rs: Response, *, object_type: str, procore_id: str, list_id: str, spent: int,
                request: str, name: str) -> Outcome:
    """The outcome of a Mod's (or its re-read's) answer; ``spent`` = 3200 retries already used.

    ``request`` is the Mod (``ItemServiceMod``), ``name`` the Name it sets. An answer that is not about the
    record modified (another ListID or Name: requestIDs crossed; another Rs; a Ret that cannot be read) is
    not recorded: the record is re-read by ListID and modified again. A re-read that answers with another
    record, or with one whose ids cannot be read, fails (``answers.UnexpectedAnswer``).
    """
    ret_tag = request.removesuffix("Mod") + "Ret"
    query = request.removesuffix("Mod") + "Query"
    if rs.name == f"{query}Rs":
        found = [] if codec.is_error(rs) else codec.records(rs)
        if not found:
            return Outcome.failed(rs, result={"action": "failed", "stale_retries": spent})
        ret = answers.the_ret(rs, (ret_tag,))
        qb_id, edit_sequence = answers.list_ids(rs, ret)
        if qb_id != list_id:
            raise answers.UnexpectedAnswer(rs, f"with the {ret_tag} of ListID {qb_id}, not {list_id}")
        # Only the EditSequence is taken: the record's name may not be ours yet (the Mod sets it), and the
        # id map keeps the name it has until the Mod's answer shows the name set.
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"stale_retries": spent},
                              id_map=(IdMapUpdate(object_type, procore_id, list_id, edit_sequence),))
    if rs.name != f"{request}Rs":
        return _reread(rs, object_type, procore_id, list_id, spent,
                       f"QuickBooks answered {rs.name} to an {request}Rq")
    if rs.status_code == 0 and not codec.is_error(rs):
        try:
            ret = answers.the_ret(rs, (ret_tag,))
            update = adds.mapping(object_type, procore_id, rs, ret)
            # The ListID says which record; the Name is the one the Mod set (a job's FullName adds its
            # customer's, which the Mod does not send).
            if update.qb_id != list_id or not answers.is_named(rs, ret, name, under_parent=True):
                return _reread(rs, object_type, procore_id, list_id, spent,
                               f"{answers.wrong_object(rs, ret, name)} (ListID {update.qb_id})")
        except answers.UnexpectedAnswer as unexpected:
            return _reread(rs, object_type, procore_id, list_id, spent, unexpected.message)
        return Outcome.done(rs, result={**adds.ids("updated", rs, ret), "stale_retries": spent},
                            id_map=(update,))
    if rs.status_code == STALE_EDIT_SEQUENCE and spent < STALE_RETRIES:
        edit_sequence: str | None = None  # None → re-read first
        current = codec.records(rs)
        if len(current) == 1:
            try:
                qb_id, edit_sequence = answers.list_ids(rs, current[0])
            except answers.UnexpectedAnswer:
                qb_id = list_id
            if qb_id != list_id:  # not our record's current state: re-read ours
                edit_sequence = None
        return Outcome.resend(status_code=str(rs.status_code), message=rs.status_message,
                              result={"stale_retries": spent + 1},
                              id_map=(IdMapUpdate(object_type, procore_id, list_id, edit_sequence),))
    return Outcome.failed(rs, result={"action": "failed", "stale_retries": spent})
