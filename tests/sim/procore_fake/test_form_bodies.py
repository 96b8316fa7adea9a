"""Rails-style form-encoded and multipart/form-data request bodies (ProPyCore's direct costs; attachments)."""

from __future__ import annotations

import asyncio
import email.parser
import json
import socket
from collections.abc import Callable
from typing import Any

import pytest
from pcfake_helpers import CLIENT_ID, CLIENT_SECRET, Fake, make_project, synced_world
from starlette.requests import Request

from sim.procore_fake import bodies
from sim.procore_fake.bodies import MAX_BODY_BYTES
from sim.procore_fake.errors import BadRequest
from sim.procore_fake.formdata import parse_form
from sim.procore_fake.multipart import MAX_PARTS, MalformedMultipart, Upload, parse_multipart
from sim.procore_fake.routers.common import json_body


def test_parse_form_nests_like_rails() -> None:
    body = (
        b"project_id=7&direct_cost%5Binvoice_number%5D=A+1&direct_cost%5Bvendor%5D%5Bid%5D=3"
        b"&tags[]=x&tags[]=y&items[][amount]=1&items[][code]=a&items[][amount]=2&blank="
    )
    assert parse_form(body) == {
        "project_id": "7",
        "direct_cost": {"invoice_number": "A 1", "vendor": {"id": "3"}},
        "tags": ["x", "y"],
        "items": [{"amount": "1", "code": "a"}, {"amount": "2"}],
        "blank": "",
    }


@pytest.mark.parametrize("body", [b"a=1&a[b]=2", b"a[b]=1&a[]=2", b"a]b=1"])
def test_parse_form_refuses_clashing_or_malformed_keys(body: bytes) -> None:
    with pytest.raises(ValueError):
        parse_form(body)


def test_form_body_creates_a_direct_cost_through_the_http_face(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        data={"direct_cost[direct_cost_date]": "2024-02-01", "direct_cost[invoice_number]": "F-1"},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 201, r.text
    assert (r.json()["invoice_number"], r.json()["direct_cost_date"]) == ("F-1", "2024-02-01")
    bad = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=b"a=1&a[b]=2",
        headers={**fake.dmsa.headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad.status_code == 400 and bad.json() == {"errors": "The request body is not a valid form"}


def _multipart(boundary: str, parts: list[tuple[str, str | None, str | None, bytes]]) -> bytes:
    """A hand-built multipart/form-data body: (name, filename, content type, bytes) per part."""
    out = b""
    for name, filename, content_type, data in parts:
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        if content_type:
            out += f"Content-Type: {content_type}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def test_parse_multipart_nests_like_rails_and_keeps_uploads() -> None:
    body = _multipart(
        "XyZ",
        [
            ("project_id", None, None, b"7"),
            ("direct_cost[invoice_number]", None, "text/plain; charset=utf-8", "F-\u00e9".encode()),
            ("direct_cost[line_items][][amount]", None, None, b"1"),
            ("direct_cost[line_items][][amount]", None, None, b"2"),
            ("attachments[]", "scan.pdf", "application/pdf", b"%PDF\r\n\x00\xff\n"),
            ("attachments[]", "note.txt", None, b""),
            ("empty", "", None, b""),  # filename="" (an empty file input): dropped
        ],
    )
    assert parse_multipart(body, "multipart/form-data; boundary=XyZ") == {
        "project_id": "7",
        "direct_cost": {"invoice_number": "F-\u00e9", "line_items": [{"amount": "1"}, {"amount": "2"}]},
        "attachments": [
            Upload("scan.pdf", "application/pdf", 9),
            Upload("note.txt", "application/octet-stream", 0),  # RFC 7578 default for a file part
        ],
    }


@pytest.mark.parametrize(
    ("content_type", "body", "reason"),
    [
        ("multipart/form-data", b"--b\r\n", "the boundary parameter is missing or invalid"),
        ("multipart/form-data; boundary=" + "b" * 71, b"", "the boundary parameter is missing or invalid"),
        (
            "multipart/mixed; boundary=b",
            _multipart("b", [("a", None, None, b"1")]),
            "only multipart/form-data is accepted",
        ),
        ("multipart/form-data; boundary=b", b"no boundary at all", "the body does not match its boundary"),
        (
            "multipart/form-data; boundary=b",
            _multipart("b", [("a", None, None, b"1")]).removesuffix(b"--b--\r\n"),
            "the body does not match its boundary",
        ),
        (
            "multipart/form-data; boundary=b",
            b'--b\r\nContent-Disposition: attachment; name="a"\r\n\r\n1\r\n--b--\r\n',
            "every part needs Content-Disposition: form-data with a name",
        ),
        (
            "multipart/form-data; boundary=b",
            b"--b\r\nContent-Disposition: form-data\r\n\r\n1\r\n--b--\r\n",
            "every part needs Content-Disposition: form-data with a name",
        ),
        (
            "multipart/form-data; boundary=b",
            _multipart("b", [("a" + "[x]" * 100, None, None, b"1")]),
            "malformed parameter name 'a" + "[x]" * 100 + "'",
        ),
        (
            "multipart/form-data; boundary=b",
            _multipart("b", [("a", None, None, b"1"), ("a[b]", None, None, b"2")]),
            "parameter 'a[b]' clashes with another",
        ),
        (
            "multipart/form-data; boundary=b",
            _multipart("b", [("a", None, "text/plain; charset=utf-8", b"\xff")]),
            "a text part is not valid in its charset",
        ),
    ],
)
def test_parse_multipart_refuses_malformed_bodies(content_type: str, body: bytes, reason: str) -> None:
    with pytest.raises(MalformedMultipart) as caught:
        parse_multipart(body, content_type)
    assert str(caught.value) == reason


def test_parse_multipart_caps_the_part_count() -> None:
    body = _multipart("b", [(f"f{n}", None, None, b"") for n in range(MAX_PARTS + 1)])
    with pytest.raises(MalformedMultipart, match="more than 1000 parts"):
        parse_multipart(body, "multipart/form-data; boundary=b")


def _attachments(fake: Fake, holder_type: str, holder_id: int) -> list[tuple[str, str, int]]:
    kept = fake.state.store.query("attachment", company_id=fake.company_id)
    return [
        (a["filename"], a["content_type"], a["size"])
        for a in kept
        if (a["holder_type"], a["holder_id"]) == (holder_type, holder_id)
    ]


def test_multipart_direct_cost_keeps_its_attachments(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        files=[
            ("attachments[]", ("receipt.pdf", b"%PDF-1.4\r\n\x00", "application/pdf")),
            ("attachments[]", ("photo.jpg", b"\xff\xd8\xff", "image/jpeg")),
        ],
        data={"direct_cost[direct_cost_date]": "2024-02-01", "direct_cost[invoice_number]": "M-1"},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["invoice_number"] == "M-1"
    assert [(a["filename"], a["content_type"], a["url"]) for a in body["attachments"]] == [
        ("receipt.pdf", "application/pdf", None),
        ("photo.jpg", "image/jpeg", None),
    ]
    assert _attachments(fake, "direct_cost", body["id"]) == [
        ("receipt.pdf", "application/pdf", 11),
        ("photo.jpg", "image/jpeg", 3),
    ]
    shown = fake.dmsa.get(f"/rest/v1.0/projects/{project['id']}/direct_costs/{body['id']}").json()
    assert shown["attachments"] == body["attachments"]


def test_multipart_commitment_with_lines_requisition_and_synced_payment(fake: Fake) -> None:
    w = synced_world(fake)
    pid = w["project"]["id"]
    r = fake.http.post(
        "/rest/v1.0/work_order_contracts",
        data={
            "project_id": str(pid),
            "work_order_contract[title]": "Concrete package",
            "work_order_contract[vendor_id]": str(w["vendor"]["id"]),
            "work_order_contract[line_items][][cost_code_id]": str(w["codes"][0]["id"]),
            "work_order_contract[line_items][][amount]": "1000",
        },
        files={"attachments[]": ("contract.pdf", b"signed", "application/pdf")},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 201, r.text
    woc = r.json()
    assert woc["grand_total"] == "1000.0" and woc["attachments"][0]["filename"] == "contract.pdf"
    req = fake.dmsa.post(
        "/rest/v1.1/requisitions", {"project_id": pid, "commitment_id": woc["id"], "requisition": {}}
    ).json()
    r = fake.http.patch(
        f"/rest/v1.1/requisitions/{req['id']}",
        data={"project_id": str(pid), "requisition[invoice_number]": "INV-9"},
        files={"attachments[]": ("invoice.pdf", b"12345", "application/pdf")},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["invoice_number"] == "INV-9"
    assert _attachments(fake, "requisition", req["id"]) == [("invoice.pdf", "application/pdf", 5)]
    payment = fake.dmsa.post(
        "/rest/v1.0/contract_payments",
        {
            "project_id": pid,
            "contract_id": woc["id"],
            "contract_payment": {"amount": "10", "date": "2024-03-01", "origin_id": "QB-PAY-1"},
        },
    ).json()
    # seed 003: a synced payment still takes attachments and a payment number
    r = fake.http.patch(
        f"/rest/v1.0/contract_payments/{payment['id']}",
        data={"project_id": str(pid), "contract_payment[payment_number]": "7"},
        files={"attachments[]": ("stub.png", b"png", "image/png")},
        headers=fake.dmsa.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["payment_number"] == "7" and r.json()["attachments"][0]["filename"] == "stub.png"


def test_malformed_multipart_is_a_clear_400(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=b'--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n1\r\n',  # no close boundary
        headers={**fake.dmsa.headers(), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 400
    assert r.json() == {
        "errors": "The request body is not valid multipart/form-data: the body does not match its boundary"
    }


def test_multipart_token_request_like_curl_dash_f(fake: Fake) -> None:
    fields = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    r = fake.http.post("/oauth/token", files={k: (None, v) for k, v in fields.items()})
    assert r.status_code == 200, r.text
    assert r.json()["expires_in"] == 5400
    bad = fake.http.post(
        "/oauth/token", content=b"garbage", headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert bad.status_code == 400
    assert bad.json() == {
        "error": "invalid_request",
        "error_description": "The request body is not valid multipart/form-data: "
        "the body does not match its boundary",
    }


# -- hostile bodies -----------------------------------------------------------------------------------------
MANY_PARTS = b'--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n\r\n' * 5000 + b"--b--\r\n"
TOO_MANY_PARTS = "The request body is not valid multipart/form-data: more than 1000 parts"


@pytest.fixture
def no_email_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the ``email`` parser is run: building thousands of parts is what stalled the fake."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the email parser was run on a body that should have been refused first")

    monkeypatch.setattr(email.parser.BytesParser, "parsebytes", refuse)


@pytest.mark.usefixtures("no_email_parser")
def test_thousands_of_parts_are_refused_before_the_email_parser_runs(fake: Fake) -> None:
    with pytest.raises(MalformedMultipart) as caught:
        parse_multipart(MANY_PARTS, "multipart/form-data; boundary=b")
    assert str(caught.value) == "more than 1000 parts"
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=MANY_PARTS,
        headers={**fake.dmsa.headers(), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 400 and r.json() == {"errors": TOO_MANY_PARTS}
    # no login needed to reach the parser: the token endpoint refuses it the same way
    r = fake.http.post(
        "/oauth/token", content=MANY_PARTS, headers={"Content-Type": "multipart/form-data; boundary=b"}
    )
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": TOO_MANY_PARTS,
    }


def test_form_and_multipart_bodies_are_parsed_off_the_event_loop(
    fake: Fake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow parse must not stall every company's requests: it runs in a worker thread (no running loop)."""
    where: list[str] = []

    def spy(parse: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any) -> Any:
            try:
                asyncio.get_running_loop()
                where.append(f"{parse.__name__} on the event loop")
            except RuntimeError:
                where.append(f"{parse.__name__} in a worker thread")
            return parse(*args)

        return run

    monkeypatch.setattr(bodies, "parse_form", spy(bodies.parse_form))
    monkeypatch.setattr(bodies, "parse_multipart", spy(bodies.parse_multipart))
    project = make_project(fake)
    url = f"/rest/v1.0/projects/{project['id']}/direct_costs"
    form = {"direct_cost[direct_cost_date]": "2024-02-01"}
    assert fake.http.post(url, data=form, headers=fake.dmsa.headers()).status_code == 201
    files = {"attachments[]": ("a.pdf", b"%PDF", "application/pdf")}
    assert fake.http.post(url, data=form, files=files, headers=fake.dmsa.headers()).status_code == 201
    fields = {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}
    assert fake.http.post("/oauth/token", data=fields).status_code == 200
    assert where == [
        "parse_form in a worker thread",
        "parse_multipart in a worker thread",
        "parse_form in a worker thread",
    ]


def test_multipart_file_names_keep_their_basename_like_rack() -> None:
    body = _multipart(
        "b",
        [
            ("attachments[]", "C:\\Users\\me\\inv.pdf", "application/pdf", b"1"),
            ("attachments[]", "../../etc/passwd", None, b"22"),
            ("attachments[]", "scans/", None, b""),  # Ruby's split drops the trailing empty field
            ("attachments[]", "/", None, b""),  # nothing left: an empty file input, dropped
        ],
    )
    assert parse_multipart(body, "multipart/form-data; boundary=b") == {
        "attachments": [
            Upload("inv.pdf", "application/pdf", 1),
            Upload("passwd", "application/octet-stream", 2),
            Upload("scans", "application/octet-stream", 0),
        ]
    }
    # a quoted name holding ";filename=" is the name, not a file name
    quoted = b'--b\r\nContent-Disposition: form-data; name="a;filename=x"\r\n\r\nv\r\n--b--\r\n'
    assert parse_multipart(quoted, "multipart/form-data; boundary=b") == {"a;filename=x": "v"}


def test_multipart_attachment_from_windows_keeps_its_basename(fake: Fake) -> None:
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=_multipart(
            "b",
            [
                ("direct_cost[direct_cost_date]", None, None, b"2024-02-01"),
                ("attachments[]", "C:\\Users\\me\\inv.pdf", "application/pdf", b"%PDF"),
            ],
        ),
        headers={**fake.dmsa.headers(), "Content-Type": "multipart/form-data; boundary=b"},
    )
    assert r.status_code == 201, r.text
    assert [a["filename"] for a in r.json()["attachments"]] == ["inv.pdf"]


def test_parse_form_refuses_a_percent_escape_that_is_not_utf8(fake: Fake) -> None:
    with pytest.raises(UnicodeDecodeError):
        parse_form(b"a=%ff")
    project = make_project(fake)
    r = fake.http.post(
        f"/rest/v1.0/projects/{project['id']}/direct_costs",
        content=b"direct_cost[invoice_number]=%ff",
        headers={**fake.dmsa.headers(), "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and r.json() == {"errors": "The request body is not a valid form"}


def test_token_form_is_parsed_like_every_form(fake: Fake) -> None:
    """The token endpoint shares the REST bodies' parser: a bad escape is a 400, not a U+FFFD client id."""
    r = fake.http.post(
        "/oauth/token",
        content=f"grant_type=client_credentials&client_id=%ff&client_secret={CLIENT_SECRET}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": "The request body is not a valid form",
    }


def test_token_request_with_invalid_json_is_an_oauth_400(fake: Fake) -> None:
    r = fake.http.post("/oauth/token", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json() == {
        "error": "invalid_request",
        "error_description": "The request body is not valid JSON",
    }


def _post_declaring(fake: Fake, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
    """A POST whose Content-Length promises more than ``body``: through the in-process client, or (server
    mode) written to the socket by hand, since an HTTP client refuses to send a body shorter than declared.
    The answer must come before the rest of the body, which never does."""
    if fake.server is None:
        r = fake.http.post(path, content=body, headers=headers)
        return r.status_code, r.json()
    with socket.create_connection((fake.server.host, fake.server.port), timeout=10) as sock:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        sock.sendall(f"POST {path} HTTP/1.1\r\nHost: fake\r\n{head}\r\n".encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), json.loads(rest.partition(b"\r\n\r\n")[2])


def test_a_declared_oversized_body_is_refused_before_it_is_read(fake: Fake) -> None:
    project = make_project(fake)
    too_big = {"Content-Length": str(MAX_BODY_BYTES + 1), "Content-Type": "application/json"}
    answer = _post_declaring(
        fake, f"/rest/v1.0/projects/{project['id']}/direct_costs", {**fake.dmsa.headers(), **too_big}, b"{}"
    )
    assert answer == (400, {"errors": "Request body too large"})
    answer = _post_declaring(fake, "/oauth/token", too_big, b"{}")
    assert answer == (400, {"error": "invalid_request", "error_description": "Request body too large"})


def test_an_undeclared_oversized_body_is_read_only_up_to_the_cap() -> None:
    """A chunked (or lying) body: reading stops at the first chunk past the cap."""
    chunk = b" " * (1024 * 1024)
    pulled: list[int] = []

    async def receive() -> dict[str, Any]:
        pulled.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": len(pulled) < 20}

    request = Request(
        {"type": "http", "method": "POST", "headers": [], "path": "/", "query_string": b""}, receive
    )
    with pytest.raises(BadRequest) as caught:
        asyncio.run(json_body(request))
    assert (caught.value.status_code, caught.value.body()) == (400, {"errors": "Request body too large"})
    assert len(pulled) == MAX_BODY_BYTES // len(chunk) + 1
