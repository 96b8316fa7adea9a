"""Rails-style form-encoded and multipart/form-data request bodies (ProPyCore's direct costs; attachments)."""

from __future__ import annotations

import pytest
from pcfake_helpers import CLIENT_ID, CLIENT_SECRET, Fake, make_project, synced_world

from sim.procore_fake.formdata import parse_form
from sim.procore_fake.multipart import MAX_PARTS, MalformedMultipart, Upload, parse_multipart


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
