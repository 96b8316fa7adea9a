"""``multipart/form-data`` request bodies (RFC 7578), parsed with the standard library's ``email`` package.

Procore takes the whole payload of a write with attachments as multipart: every parameter a form-data part
named Rails-style (``direct_cost[invoice_number]``), files as ``attachments[]`` parts (the OAS bodies of
direct costs, requisitions, work order/purchase order contracts and contract payments). Text parts nest like
a urlencoded form (``formdata.py``); a file part becomes an :class:`Upload` (its name, content type and size;
the bytes are not kept).

The input is hostile: the caller caps the body size and runs this off the event loop; here the part count
is capped on the raw bytes before the ``email`` parser builds anything, the key depth is capped, the
boundary must be RFC 2046's (1-70 characters), every part must be ``form-data`` with a name, nested
multiparts are refused, text must decode in its charset, and any defect the ``email`` parser records (no
start or close boundary, bad part headers) makes the whole body malformed (``MalformedMultipart``). A file
name is kept as Rack keeps it: the raw parameter's basename.
"""

from __future__ import annotations

import email.parser
import email.policy
import re
from email.message import EmailMessage, Message
from typing import Any, NamedTuple

from sim.procore_fake.formdata import assign, key_parts

MAX_PARTS = 1000
# RFC 7578 4.4: a file part without Content-Type is application/octet-stream.
DEFAULT_FILE_TYPE = "application/octet-stream"
# A Content-Disposition parameter, its value quoted (escapes kept as sent) or a bare token.
_PARAM = re.compile(r';\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]*)')


class MalformedMultipart(ValueError):
    """The body is not a well-formed multipart/form-data body; the text says why."""


class Upload(NamedTuple):
    """A file part: what Procore keeps as an attachment (name, content type, size). A tuple, so that a
    body echoed back (a sync action's failed entry) still serializes to JSON."""

    filename: str
    content_type: str
    size: int


def _refuse_many_parts(raw: bytes, content_type: str) -> None:
    """Count delimiters in the raw bytes before parsing: the ``email`` parser builds every part before the
    count could be checked, which for thousands of tiny parts takes seconds. RFC 2046 forbids the boundary
    inside a part, so each ``--boundary`` is a delimiter; N parts have N + 1 (the close delimiter)."""
    header = Message()  # the header alone: cheap, and the body is not touched
    header["Content-Type"] = content_type
    boundary = header.get_boundary()
    if boundary and raw.count(b"--" + boundary.encode("latin-1", errors="replace")) > MAX_PARTS + 1:
        raise MalformedMultipart(f"more than {MAX_PARTS} parts")


def _message(raw: bytes, content_type: str) -> EmailMessage:
    head = b"Content-Type: " + content_type.encode("latin-1", errors="replace") + b"\r\n\r\n"
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + raw)
    assert isinstance(msg, EmailMessage)
    if msg.get_content_type() != "multipart/form-data":
        raise MalformedMultipart("only multipart/form-data is accepted")
    boundary = msg.get_boundary()
    if not boundary or len(boundary) > 70:
        raise MalformedMultipart("the boundary parameter is missing or invalid")
    if msg.defects or not msg.is_multipart():
        raise MalformedMultipart("the body does not match its boundary")
    return msg


def _basename(path: str) -> str:
    r"""What follows the last ``/`` or ``\``, as Rack keeps it (``Rack::Multipart::Parser#get_filename``:
    ``filename.split(/[\/\\]/).last``; Ruby's split drops trailing empty fields, so ``dir/`` is ``dir``)."""
    fields = re.split(r"[/\\]", path)
    while fields and not fields[-1]:
        fields.pop()
    return fields[-1] if fields else ""


def _filename(part: EmailMessage) -> str | None:
    r"""The file name a browser sent, as Rack reads it: the ``filename`` parameter taken raw (the ``email``
    package unescapes backslashes, so ``C:\Users\me\inv.pdf`` would become ``C:Usersmeinv.pdf``),
    then its basename (no ``../`` survives). Other spellings (``filename*``, a Content-Type ``name``) are read
    by the ``email`` package, as before."""
    disposition = next((v for k, v in part.raw_items() if k.lower() == "content-disposition"), "")
    # scanned in order, so a quoted value (name="a;filename=b") is consumed whole, as Rack's DISPPARM scan
    raw = next((m.group(2) for m in _PARAM.finditer(disposition) if m.group(1).lower() == "filename"), None)
    if raw is not None:
        name = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    else:
        name = part.get_filename()
        if name is None:
            return None
    return _basename(name)


def _value(part: EmailMessage) -> str | Upload:
    if part.is_multipart():
        raise MalformedMultipart("nested multipart parts are not accepted")
    payload = part.get_payload(decode=True)
    data = payload if isinstance(payload, bytes) else b""
    filename = _filename(part)
    if filename is not None:
        declared = part.get("Content-Type")
        content_type = part.get_content_type() if declared else DEFAULT_FILE_TYPE
        return Upload(filename=filename, content_type=content_type, size=len(data))
    try:
        return data.decode(part.get_content_charset() or "utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise MalformedMultipart("a text part is not valid in its charset") from exc


def parse_multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    """Nest a multipart/form-data body the way Rails does; raises :class:`MalformedMultipart`."""
    if "\r" in content_type or "\n" in content_type:
        raise MalformedMultipart("the Content-Type header is malformed")
    _refuse_many_parts(raw, content_type)
    msg = _message(raw, content_type)
    out: dict[str, Any] = {}
    for count, part in enumerate(msg.iter_parts(), start=1):
        if count > MAX_PARTS:
            raise MalformedMultipart(f"more than {MAX_PARTS} parts")
        assert isinstance(part, EmailMessage)
        name = part.get_param("name", header="content-disposition")
        if part.defects or part.get_content_disposition() != "form-data" or not isinstance(name, str):
            raise MalformedMultipart("every part needs Content-Disposition: form-data with a name")
        parts = key_parts(name)
        if parts is None:
            raise MalformedMultipart(f"malformed parameter name {name!r}")
        if _filename(part) == "":
            continue  # a file input left empty; Rack drops it (Rack::Multipart::Parser, blank filename)
        try:
            assign(out, parts, _value(part))
        except ValueError as exc:
            if isinstance(exc, MalformedMultipart):
                raise
            raise MalformedMultipart(f"parameter {name!r} clashes with another") from exc
    return out
