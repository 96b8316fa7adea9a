"""A deliberately minimal QBWC service: it answers the Web Connector's eight calls, authenticates one user,
and never has any work ("none"). It has no Procore half at all.

It is a second, independent implementation for the conformance suite to judge by URL (standard library only,
nothing of this repository's connector): the suite must report its few passes (serverVersion,
clientVersion, "nvu", "none") and fail everything that needs work done.

    python tests/conformance/minimal_qbwc_service.py --user procore-sync   # password: QBSIM_QBWC_PASSWORD
    serving http://localhost:PORT/qbwc                                       # the first line printed

It binds a free port (0) and prints its URL, so nothing has to guess a port.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

NS = "http://developer.intuit.com/"
ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>{body}</soap:Body>'
    "</soap:Envelope>"
)
MAX_BODY = 1024 * 1024


def _field(envelope: str, name: str) -> str:
    """The text of one parameter (any namespace prefix); this service parses nothing else."""
    found = re.search(rf"<(?:[\w.-]+:)?{name}>([^<]*)</(?:[\w.-]+:)?{name}>", envelope)
    return found.group(1) if found else ""


def answer(envelope: str, user: str, password: str) -> str:
    operation = re.search(r"<(?:[\w.-]+:)?Body>\s*<(?:[\w.-]+:)?(\w+)", envelope)
    op = operation.group(1) if operation else ""
    if op == "authenticate":
        ok = _field(envelope, "strUserName") == user and _field(envelope, "strPassword") == password
        ticket = str(uuid.uuid4()) if ok else ""
        strings = "".join(f"<string>{escape(s)}</string>" for s in (ticket, "none" if ok else "nvu"))
        result = f"<authenticateResult>{strings}</authenticateResult>"
    elif op == "receiveResponseXML":
        result = "<receiveResponseXMLResult>100</receiveResponseXMLResult>"
    else:
        texts = {"serverVersion": "minimal-qbwc 0.1", "clientVersion": "", "sendRequestXML": "",
                 "connectionError": "done", "getLastError": "", "closeConnection": "OK"}
        if op not in texts:
            raise ValueError(f"unknown operation {op!r}")
        result = f"<{op}Result>{escape(texts[op])}</{op}Result>"
    return ENVELOPE.format(body=f'<{op}Response xmlns="{NS}">{result}</{op}Response>')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="procore-sync")
    args = parser.parse_args()
    password = os.environ.get("QBSIM_QBWC_PASSWORD", "")
    if not password:
        sys.exit("error: set QBSIM_QBWC_PASSWORD")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._send(200, "text/plain", b"minimal QBWC service\n")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, "text/plain", b"too large\n")
                return
            try:
                body = answer(self.rfile.read(length).decode("utf-8"), args.user, password)
            except (UnicodeDecodeError, ValueError) as exc:
                self._send(400, "text/plain", f"{exc}\n".encode())
                return
            self._send(200, "text/xml; charset=utf-8", body.encode("utf-8"))

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *values: object) -> None:
            del format, values  # quiet: the suite reports what happened

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"serving http://localhost:{server.server_address[1]}/qbwc", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.server_close()


if __name__ == "__main__":
    main()
