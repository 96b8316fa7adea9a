"""Procore API failures as named exceptions, each carrying the status, the call and Procore's own body.

Procore's error bodies come in several shapes (api-conventions.json "error_bodies_in_oas"): Rails'
``{"errors": {"name": ["can't be blank"]}}`` on validation, ``{"errors": "<text>"}`` for 401/403/404 (the
exact shape is unpublished; the fake sends this), OAuth's ``{"error", "error_description"}`` on
``/oauth/token``, ``{"error": ..., "message": ...}`` on budget line items, the v2.0 envelope
``{"error": {"code", "message", "details"}}`` and a plain sentence on 429. :func:`procore_text` reduces any
of them to the sentence a person should read; the parsed body stays on the exception.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ProcoreAuthError",
    "ProcoreError",
    "ProcoreForbidden",
    "ProcoreNotFound",
    "ProcoreRateLimited",
    "ProcoreUnavailable",
    "ProcoreValidationError",
]


def procore_text(body: Any) -> str:
    """The human sentence inside one of Procore's error bodies ("" when there is none)."""
    if body is None:
        return ""
    if isinstance(body, str):
        return body.strip()
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, str):
            return errors
        if isinstance(errors, dict):
            return rails_sentence(errors)
        if isinstance(errors, list):
            return "; ".join(str(e) for e in errors)
        if body.get("error_description"):
            return str(body["error_description"])
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if body.get("message"):
            return str(body["message"])
        if isinstance(error, str):
            return error
    return str(body)


def rails_sentence(errors: dict[str, Any]) -> str:
    """Rails' ``{"name": ["can't be blank"]}`` as ``name can't be blank`` (``base`` messages stand alone)."""
    parts = []
    for field, messages in errors.items():
        listed = messages if isinstance(messages, list) else [messages]
        text = ", ".join(str(m) for m in listed)
        parts.append(text if field == "base" else f"{field} {text}")
    return "; ".join(parts)


class ProcoreError(Exception):
    """A call Procore refused (or could not answer): ``status_code`` (None when no response came back),
    ``method``, ``path``, the parsed ``body`` and ``procore_message``, the sentence Procore sent."""

    def __init__(
        self,
        message: str | None = None,
        *,
        status_code: int | None = None,
        method: str = "",
        path: str = "",
        body: Any = None,
    ) -> None:
        self.status_code = status_code
        self.method = method
        self.path = path
        self.body = body
        self.procore_message = procore_text(body)
        if message is None:
            where = f"{method} {path}".strip()
            status = f" answered {status_code}" if status_code is not None else " failed"
            message = f"Procore{status} to {where}" if where else f"Procore{status}"
            if self.procore_message:
                message += f": {self.procore_message}"
        super().__init__(message)
        self.message = message

    @property
    def errors(self) -> dict[str, list[str]]:
        """Rails' field errors when the body carries them (``{}`` otherwise)."""
        if isinstance(self.body, dict) and isinstance(self.body.get("errors"), dict):
            return {k: v if isinstance(v, list) else [v] for k, v in self.body["errors"].items()}
        return {}


class ProcoreAuthError(ProcoreError):
    """Procore does not accept the connector's credentials, and refreshing cannot fix it: a 401 that came
    back again after a refresh, a refresh token Procore refused (``invalid_grant``: revoked, already used,
    or issued to another client), unknown client credentials (``invalid_client``), or no stored token.
    The connector must be re-authorised; nothing is lost (queued work stays queued, the stored token is
    left as it was). ``oauth_error`` is the OAuth error code when the token endpoint sent one."""

    def __init__(self, message: str | None = None, *, oauth_error: str | None = None, **kw: Any) -> None:
        self.oauth_error = oauth_error
        super().__init__(message, **kw)


class ProcoreForbidden(ProcoreError):
    """403: the account lacks the permission (e.g. not an ERP Integrations admin) or the company."""


class ProcoreNotFound(ProcoreError):
    """404: "The URI requested is invalid or the resource requested does not exist." (also Procore's
    answer to a verb it has no route for, and to a record of another company)."""


class ProcoreValidationError(ProcoreError):
    """422: Procore refused the attributes; :attr:`errors` is Rails' ``{field: [message, ...]}``."""


class ProcoreRateLimited(ProcoreError):
    """429 still answered after the bounded retries (or a wait longer than the retry budget).
    ``retry_after`` is the number of seconds Procore asked for, when it said (None otherwise)."""

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


class ProcoreUnavailable(ProcoreError):
    """Procore could not be reached or kept failing: 5xx answers, connect errors and timeouts, after the
    bounded retries. ``status_code`` is None when no response came back. The call may be tried later."""

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw: Any) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kw)


_BY_STATUS: dict[int, type[ProcoreError]] = {
    401: ProcoreAuthError,
    403: ProcoreForbidden,
    404: ProcoreNotFound,
    422: ProcoreValidationError,
    429: ProcoreRateLimited,
}


def error_for(
    status_code: int, *, method: str, path: str, body: Any, retry_after: float | None = None
) -> ProcoreError:
    """The named exception for a final (no longer retried) error answer."""
    kind = _BY_STATUS.get(status_code)
    if kind is None:
        kind = ProcoreUnavailable if status_code >= 500 else ProcoreError
    if kind in (ProcoreRateLimited, ProcoreUnavailable):
        return kind(status_code=status_code, method=method, path=path, body=body, retry_after=retry_after)
    return kind(status_code=status_code, method=method, path=path, body=body)
