"""Pydantic models at the HTTP edge: request envelopes are validated here and their errors rendered in
Procore's ``{"errors": {field: [message]}}`` shape (400); response models document the wire shapes."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.procore_fake.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "base"
            errors.setdefault(field, []).append(str(err["msg"]))
        raise ValidationFailed(errors, status_code=400) from exc


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str | None = None
    created_at: int


class TokenInfo(BaseModel):
    resource_owner_id: int
    scopes: list[str]
    expires_in_seconds: int
    application: dict[str, str]
    created_at: int


class SyncRequest(BaseModel):
    """The body of every ``PATCH …/sync`` action."""

    model_config = ConfigDict(extra="allow")
    updates: list[dict[str, Any]] = Field(default_factory=list)
    company_id: int | None = None
    project_id: int | None = None


class RequestDetailUpdate(BaseModel):
    model_config = ConfigDict(extra="allow")
    status: str
    messages: list[str] = Field(default_factory=list)


class ErpRequestView(BaseModel):
    id: int
    company_id: int
    request_name: str
    request_data: Any
    created_at: str
    updated_at: str
    integration_app_name: str | None = None


class ErpItemAction(BaseModel):
    """What a person's click in the ERP Integrations tool carries."""

    model_config = ConfigDict(extra="forbid")
    as_user_id: int
    item_type: str
    item_id: int
    reason: str | None = None
    customer_origin_id: str | None = None
    origin_code: str | None = None
    income_account_origin_id: str | None = None
    expense_account_origin_id: str | None = None
