"""The public error names and how Procore's error bodies become their messages."""

from __future__ import annotations

import pytest

import connector.procore
from connector.procore import errors
from connector.procore.errors import (
    ProcoreAuthError,
    ProcoreError,
    ProcoreForbidden,
    ProcoreNotFound,
    ProcoreRateLimited,
    ProcoreUnavailable,
    ProcoreValidationError,
    error_for,
    procore_text,
)


def test_public_error_names_are_pinned() -> None:
    assert errors.__all__ == [
        "ProcoreAuthError",
        "ProcoreError",
        "ProcoreForbidden",
        "ProcoreNotFound",
        "ProcoreRateLimited",
        "ProcoreUnavailable",
        "ProcoreValidationError",
    ]
    for name in errors.__all__:
        assert issubclass(getattr(errors, name), ProcoreError)
        assert getattr(connector.procore, name) is getattr(errors, name)


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (400, ProcoreError),
        (401, ProcoreAuthError),
        (403, ProcoreForbidden),
        (404, ProcoreNotFound),
        (409, ProcoreError),
        (422, ProcoreValidationError),
        (429, ProcoreRateLimited),
        (500, ProcoreUnavailable),
        (503, ProcoreUnavailable),
    ],
)
def test_each_status_has_its_named_error(status: int, kind: type[ProcoreError]) -> None:
    err = error_for(status, method="GET", path="/rest/v1.0/x", body={"errors": "nope"})
    assert type(err) is kind
    assert (err.status_code, err.method, err.path, err.body) == (
        status,
        "GET",
        "/rest/v1.0/x",
        {"errors": "nope"},
    )
    assert str(err) == f"Procore answered {status} to GET /rest/v1.0/x: nope"


@pytest.mark.parametrize(
    ("body", "text"),
    [
        ({"errors": "The access token is invalid"}, "The access token is invalid"),
        ({"errors": {"name": ["can't be blank"], "base": ["Locked"]}}, "name can't be blank; Locked"),
        (
            {"errors": {"origin_id": ["has already been taken", "is invalid"]}},
            "origin_id has already been taken, is invalid",
        ),
        ({"error": "invalid_grant", "error_description": "The grant is invalid"}, "The grant is invalid"),
        (
            {"error": {"code": "unprocessable_entity", "message": "Validation failed: Name can't be blank"}},
            "Validation failed: Name can't be blank",
        ),
        ({"error": "Locked", "message": "Budget is locked"}, "Budget is locked"),
        (
            {"exception": "ActiveRecord::RecordNotFound", "message": "Couldn't find BillingPeriod"},
            "Couldn't find BillingPeriod",
        ),
        (
            "You have surpassed the max number of requests for an hour.",
            "You have surpassed the max number of requests for an hour.",
        ),
        (None, ""),
    ],
)
def test_procores_error_shapes_reduce_to_their_sentence(body: object, text: str) -> None:
    assert procore_text(body) == text


def test_validation_error_exposes_rails_errors_and_others_an_empty_dict() -> None:
    err = error_for(422, method="POST", path="/p", body={"errors": {"name": ["can't be blank"]}})
    assert isinstance(err, ProcoreValidationError) and err.errors == {"name": ["can't be blank"]}
    assert error_for(404, method="GET", path="/p", body={"errors": "x"}).errors == {}


def test_rate_limited_and_unavailable_carry_the_wait_procore_asked_for() -> None:
    limited = error_for(429, method="GET", path="/p", body="slow down", retry_after=12.0)
    assert isinstance(limited, ProcoreRateLimited) and limited.retry_after == 12.0
    down = error_for(503, method="GET", path="/p", body=None, retry_after=None)
    assert isinstance(down, ProcoreUnavailable) and down.retry_after is None
    assert str(down) == "Procore answered 503 to GET /p"
