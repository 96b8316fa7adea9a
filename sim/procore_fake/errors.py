"""Procore's errors, one class per real error, each rendering the body Procore sends.

Known texts (api-conventions.json): the expired-token message, "Missing Procore-Company-Id header!", the
404 text observed in ruby-sdk issue #40, the 429 text, the sync-action "Entity with this ID not found" and
the record-locking texts. The exact *shape* of Procore's 401/403/404 bodies is not published; we send
``{"errors": "<text>"}`` (a Rails ``render json: {errors: ...}``), which is what the OAS's most common error
schema reduces to for a single message.

Validation errors are Rails-style ``{"errors": {"field": ["msg"]}}`` listing every failing attribute (the
shape the OAS gives tax_codes; ``domain/validation.py``), except budget line items, whose lock and
duplicate 422s are ``{"error": ..., "message": ...}`` per the OAS, and ``/rest/v2.0`` paths, whose errors
the OAS wraps as ``{"error": {"code", "message", "details": [...]}}`` (``ValidationFailed.v2_body``).
The OAS's generic ``{code, message, fields, reason, error}`` schema, attached to nearly every v1.0
operation, is a catch-all default (no example, lossy reconstruction); it is not used.
"""

from __future__ import annotations

from typing import Any

EXPIRED_TOKEN = "Your access token has expired, please use your refresh token to obtain a fresh token."
INVALID_TOKEN = "The access token is invalid"
INVALID_GRANT = (
    "The provided authorization grant is invalid, expired, revoked, does not match the redirection URI "
    "used in the authorization request, or was issued to another client."
)
INVALID_CLIENT = (
    "Client authentication failed due to unknown client, no client authentication included, "
    "or unsupported authentication method."
)
# Doorkeeper's revoke of a token issued to another client (doorkeeper.errors.messages.revoke.unauthorized).
REVOKE_UNAUTHORIZED = "You are not authorized to revoke this token"
MISSING_COMPANY_HEADER = "Missing Procore-Company-Id header!"
NOT_FOUND = "The URI requested is invalid or the resource requested does not exist."
RATE_LIMITED = (
    "You have surpassed the max number of requests for an hour. Please wait until your limit resets."
)
# Not published verbatim by Procore; chosen to read like Procore's other messages.
FORBIDDEN = "You do not have access to perform this action."
ENTITY_NOT_FOUND = "Entity with this ID not found"
INVOICE_LOCKED = "The invoice is not editable because it has been synced with ERP"
PAYMENT_LOCKED = "The Contract Payment cannot be edited or deleted because it is synced with an ERP system"


class ProcoreError(Exception):
    """Base: an HTTP status, a JSON body (or text) and extra headers."""

    status_code: int = 400

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}

    def body(self) -> Any:
        return {"errors": self.message}


class Unauthorized(ProcoreError):
    """401 with a Doorkeeper-style ``WWW-Authenticate`` challenge."""

    status_code = 401

    def __init__(self, message: str = INVALID_TOKEN) -> None:
        super().__init__(
            message,
            headers={
                "WWW-Authenticate": 'Bearer realm="Doorkeeper", error="invalid_token", '
                f'error_description="{message}"'
            },
        )


class Forbidden(ProcoreError):
    status_code = 403

    def __init__(self, message: str = FORBIDDEN) -> None:
        super().__init__(message)


class NotFound(ProcoreError):
    status_code = 404

    def __init__(self, message: str = NOT_FOUND) -> None:
        super().__init__(message)


class MissingCompanyHeader(ProcoreError):
    """Unknown status in the docs; 400 chosen (the header is a required request parameter)."""

    status_code = 400

    def __init__(self) -> None:
        super().__init__(MISSING_COMPANY_HEADER)


class ValidationFailed(ProcoreError):
    """422 with Rails-style field errors."""

    status_code = 422

    def __init__(self, errors: dict[str, list[str]], *, status_code: int = 422) -> None:
        self.errors = errors
        self.status_code = status_code
        super().__init__("; ".join(f"{k} {', '.join(v)}" for k, v in errors.items()))

    def body(self) -> Any:
        return {"errors": self.errors}

    def v2_body(self) -> Any:
        """The v2.0 error envelope of the OAS: ``{"error": {code, message, details: [{reason_code, message,
        source}]}}``, one detail per failing attribute and message. The envelope is documented; the values
        of ``code`` and ``reason_code`` are not (inferred: the HTTP reason and Rails' error type)."""
        details = [
            {"reason_code": _reason_code(message), "message": _full_message(field, message), "source": field}
            for field, messages in self.errors.items()
            for message in messages
        ]
        return {
            "error": {
                "code": "unprocessable_entity" if self.status_code == 422 else "bad_request",
                "message": "Validation failed: " + ", ".join(d["message"] for d in details),
                "details": details,
            }
        }


# Rails' error types (``errors.details``) behind its default messages.
_REASON_CODES = {
    "can't be blank": "blank",
    "has already been taken": "taken",
    "is not a number": "not_a_number",
    "is invalid": "invalid",
}


def _reason_code(message: str) -> str:
    if message.startswith("is not included in the list"):
        return "inclusion"
    if message.startswith("is too long"):
        return "too_long"
    return _REASON_CODES.get(message, "invalid")


def _full_message(field: str, message: str) -> str:
    """Rails' ``full_messages``: "Due date is not a valid date" (``base`` messages stand alone)."""
    if field == "base":
        return message
    return f"{field.split('.')[-1].replace('_', ' ').capitalize()} {message}"


class BadRequest(ProcoreError):
    status_code = 400


class UnprocessableMessage(ProcoreError):
    """422 ``{"error": ..., "message": ...}`` (budget line items in the OAS)."""

    status_code = 422

    def __init__(self, error: str, message: str) -> None:
        self.error = error
        super().__init__(message)

    def body(self) -> Any:
        return {"error": self.error, "message": self.message}


class Locked(ProcoreError):
    """Editing a record Procore locks (synced with ERP, or pending accounting acceptance)."""

    status_code = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)

    def body(self) -> Any:
        return {"errors": {"base": [self.message]}}


class RateLimited(ProcoreError):
    """429: Procore's body is a sentence of text; the rate-limit headers are still present."""

    status_code = 429

    def body(self) -> Any:
        return self.message


class OAuthError(ProcoreError):
    """RFC 6749 token-endpoint error: ``{"error": code, "error_description": text}``."""

    def __init__(self, error: str, description: str, *, status_code: int = 400) -> None:
        self.error = error
        self.status_code = status_code
        super().__init__(description)

    def body(self) -> Any:
        return {"error": self.error, "error_description": self.message}


class ErpRuleViolation(ProcoreError):
    """A rule of the ERP Integrations tool refused an action (what the web UI shows as a banner)."""

    status_code = 422

    def body(self) -> Any:
        return {"errors": {"base": [self.message]}}


class BillingPeriodNotFound(NotFound):
    """Billing periods answer 404 with ``{"exception": ..., "message": ...}`` (their OAS error schema)."""

    def __init__(self) -> None:
        super().__init__("Couldn't find BillingPeriod")

    def body(self) -> Any:
        return {"exception": "ActiveRecord::RecordNotFound", "message": self.message}
