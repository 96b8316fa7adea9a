"""The connector's webhook endpoint: Procore's ERP Request deliveries recorded once, everything else
refused with a status and a message that say why (never a 500), nothing recorded for a refused one."""

from __future__ import annotations

import json

import httpx
import pytest

from conformance.procore_stack import WEBHOOK_SECRET, ProcoreStack
from sim.asgi import asgi_client


@pytest.fixture
def stack() -> ProcoreStack:
    return ProcoreStack.create()


def _post(
    stack: ProcoreStack, body: object, *, secret: str | None = WEBHOOK_SECRET, raw: bytes | None = None
) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["Authorization"] = f"Bearer {secret}"
    with asgi_client(stack.connector_app) as client:
        return client.post(
            "/procore/webhooks", content=raw if raw is not None else json.dumps(body), headers=headers
        )


def _delivery(stack: ProcoreStack, resource_id: object = 4242, **extra: object) -> dict[str, object]:
    return {
        "resource_name": "ERP Requests",
        "event_type": "create",
        "resource_id": resource_id,
        "company_id": stack.company_id,
        **extra,
    }


def _known(stack: ProcoreStack) -> list[int]:
    return [r.request_id for r in stack.side.connections[stack.company_key]._store.all(stack.company_key)]


def test_a_delivery_is_recorded_once_and_a_duplicate_acknowledged(stack: ProcoreStack) -> None:
    first = _post(stack, _delivery(stack))
    assert (first.status_code, first.json()) == (200, {"erp_request_id": 4242, "duplicate": False})
    again = _post(stack, _delivery(stack))
    assert (again.status_code, again.json()) == (200, {"erp_request_id": 4242, "duplicate": True})
    assert _known(stack) == [4242]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([1, 2], "the webhook body is not a JSON object"),
        (
            {"resource_name": "Projects", "event_type": "create", "resource_id": 1},
            "resource_name is 'Projects', not 'ERP Requests'",
        ),
        (
            {"resource_name": "ERP Requests", "event_type": "update", "resource_id": 1},
            "event_type is 'update', not 'create'",
        ),
        (
            {"resource_name": "ERP Requests", "event_type": "create", "resource_id": "7"},
            "resource_id '7' is not an ERP Request id",
        ),
        (
            {"resource_name": "ERP Requests", "event_type": "create", "resource_id": True},
            "resource_id True is not an ERP Request id",
        ),
    ],
)
def test_a_delivery_that_is_not_an_erp_request_is_refused_and_nothing_recorded(
    stack: ProcoreStack, body: object, message: str
) -> None:
    answer = _post(stack, body)
    assert (answer.status_code, answer.json()) == (400, {"error": message})
    assert _known(stack) == []


def test_malformed_json_and_deep_nesting_are_400(stack: ProcoreStack) -> None:
    assert _post(stack, None, raw=b"{not json").json() == {"error": "The webhook body is not valid JSON."}
    deep = _post(
        stack, None, raw=b"[" * 30_000 + b"]" * 30_000
    )  # under the size cap, past the recursion limit
    assert (deep.status_code, deep.json()) == (400, {"error": "The webhook body is not valid JSON."})
    assert _known(stack) == []


def test_an_oversized_body_is_413(stack: ProcoreStack) -> None:
    answer = _post(stack, None, raw=b'{"x": "' + b"a" * 70_000 + b'"}')
    assert answer.status_code == 413
    assert answer.json() == {"error": "A webhook body is at most 65536 bytes."}


def test_a_wrong_or_missing_secret_is_401(stack: ProcoreStack) -> None:
    for secret in ("guess", None):
        answer = _post(stack, _delivery(stack), secret=secret)
        assert answer.status_code == 401
        assert answer.json() == {
            "error": "The webhook's Authorization header does not match this connector's secret."
        }
    assert _known(stack) == []


def test_another_companys_delivery_is_404(stack: ProcoreStack) -> None:
    answer = _post(stack, _delivery(stack, company_id=999_999))
    assert (answer.status_code, answer.json()) == (
        404,
        {"error": "This connector does not sync Procore company 999999."},
    )


def test_procore_answers_an_unknown_erp_request_with_404_and_it_is_closed_with_a_note(
    stack: ProcoreStack,
) -> None:
    _post(stack, _delivery(stack, resource_id=987_654))
    report = stack.tick()
    assert report.error == ""
    request = stack.side.connections[stack.company_key]._store.get(stack.company_key, 987_654)
    assert request is not None and request.state == "closed"
    assert request.note.startswith("Procore no longer has this ERP Request: ")


def test_a_stranger_learns_nothing_not_even_which_companies_are_synced(stack: ProcoreStack) -> None:
    answer = _post(stack, _delivery(stack, company_id=999_999), secret="guess")
    assert answer.status_code == 401


def test_an_id_beyond_64_bits_is_refused(stack: ProcoreStack) -> None:
    answer = _post(stack, _delivery(stack, resource_id=2**63))
    assert (answer.status_code, answer.json()) == (
        400, {"error": f"resource_id {2**63} is not an ERP Request id"}
    )
    assert _known(stack) == []
