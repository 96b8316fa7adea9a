"""The HTTP face caps the request body before reading it whole, and 422 says why (``reason``).

Driven through the ASGI interface directly, so the test can count how much of the body the app
pulled in (a client library would read/send it all regardless).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from sim.quickbooks_fake import CompanyFile
from sim.quickbooks_fake.errors import HRESULT_MESSAGES
from sim.quickbooks_fake.http import create_app
from tests.sim.quickbooks_fake.helpers import request

PARSE = "0x80040400"
CAP = 2000


def post(company: CompanyFile, chunks: list[bytes], headers: dict[str, str]) -> tuple[int, Any, int]:
    """POST /qbxml with ``chunks`` as the body; (status, JSON/text, how many chunks the app read)."""
    app = create_app(company)
    pending = list(chunks)
    read = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal read
        if not pending:
            return {"type": "http.disconnect"}
        read += 1
        chunk = pending.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(pending)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/qbxml", "raw_path": b"/qbxml", "query_string": b"",
             "root_path": "", "server": ("test", 80), "client": ("test", 1),
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    is_json = (b"content-type", b"application/json") in start["headers"]
    return start["status"], json.loads(body) if is_json else body.decode(), read


def big_request() -> bytes:
    return request("<HostQueryRq/>" + "<!--" + "x" * 5000 + "-->").encode()


def test_a_declared_length_over_the_cap_is_refused_unread() -> None:
    company = CompanyFile.create()
    company.max_request_bytes = CAP
    raw = big_request()
    code, answer, read = post(company, [raw[:1000], raw[1000:]],
                              {"content-type": "text/xml", "content-length": str(len(raw))})
    assert (code, read) == (422, 0)
    assert answer == {"error": "QBXMLError", "hresult": PARSE, "message": HRESULT_MESSAGES[PARSE],
                      "reason": f"request is {len(raw)} bytes; the size cap is {CAP} bytes"}


def test_a_streamed_body_is_cut_off_at_the_cap() -> None:
    company = CompanyFile.create()
    company.max_request_bytes = CAP
    raw = big_request()
    chunks = [raw[i:i + 500] for i in range(0, len(raw), 500)]
    code, answer, read = post(company, chunks, {"content-type": "text/xml", "transfer-encoding": "chunked"})
    assert code == 422
    assert read == CAP // 500 + 1 < len(chunks)  # stopped at the first chunk past the cap
    assert answer == {"error": "QBXMLError", "hresult": PARSE, "message": HRESULT_MESSAGES[PARSE],
                      "reason": f"request body is larger than the cap; the size cap is {CAP} bytes"}


def test_a_body_under_the_cap_is_answered_and_a_parse_error_says_why() -> None:
    company = CompanyFile.create()
    ok = request("<HostQueryRq/>").encode()
    code, answer, _ = post(company, [ok], {"content-type": "text/xml", "content-length": str(len(ok))})
    assert code == 200 and "<HostQueryRs" in answer
    bad = request("<NoSuchRq/>").encode()
    code, answer, _ = post(company, [bad], {"content-type": "text/xml", "content-length": str(len(bad))})
    assert code == 422
    assert (answer["hresult"], answer["message"]) == (PARSE, HRESULT_MESSAGES[PARSE])
    assert "NoSuchRq" in answer["reason"]
