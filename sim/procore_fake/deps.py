"""Request context: bearer token -> user, Procore-Company-Id rules, rate-limit accounting.

Procore requires ``Procore-Company-Id`` on every call except ``GET /rest/v1.0/me`` and
``GET /rest/v1.0/companies``; service accounts (client_credentials) must send it even there.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from sim.procore_fake import errors
from sim.procore_fake.conventions import COMPANY_HEADER
from sim.procore_fake.domain import oauth
from sim.procore_fake.errors import Forbidden, MissingCompanyHeader, NotFound
from sim.procore_fake.state import STATE_SCOPE_KEY, SimState
from sim.procore_fake.store import Record

HEADER_EXEMPT = {("GET", "/rest/v1.0/me"), ("GET", "/rest/v1.0/companies")}


@dataclass
class Ctx:
    sim: SimState
    request: Request
    user: Record
    token: Record
    company_id: int

    @property
    def store(self) -> Any:
        return self.sim.store

    @property
    def now(self) -> Any:
        return self.sim.clock.now()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One lock per Procore company, held for a whole mutation."""
        with self.sim.store.company_lock(self.company_id):
            yield

    def emit(self, resource_name: str, event_type: str, record: Record) -> None:
        """Webhook event for a change made through the API (v2 payload; the project is the record's)."""
        from sim.procore_fake.domain import webhooks

        webhooks.notify(
            self.store,
            self.sim.clock,
            self.company_id,
            resource_name,
            event_type,
            record["id"],
            project_id=record.get("project_id"),
            user_id=self.user["id"],
        )

    def owned(self, kind: str, record_id: int, *, project_id: int | None = None) -> Record:
        """A record of this company (and project, when given), or Procore's 404."""
        owner = self.store.owner(kind, record_id)
        if (
            owner is None
            or owner[0] != self.company_id
            or (project_id is not None and owner[1] != project_id)
        ):
            raise NotFound()
        return self.store.get(kind, record_id)


def sim_state(request: Request) -> SimState:
    bound = request.scope.get(STATE_SCOPE_KEY)
    return bound if bound is not None else request.app.state.sim


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _company_id(request: Request, token: Record, user: Record, mode: str) -> int:
    raw = request.headers.get(COMPANY_HEADER)
    exempt = (request.method, request.url.path) in HEADER_EXEMPT and not user.get("is_service_account")
    if raw is None and mode == "lenient":
        raw = (
            request.query_params.get("company_id")
            or request.headers.get("company_id")
            or str(token["company_id"])
        )
    if raw is None:
        if exempt:
            return int(token["company_id"])
        raise MissingCompanyHeader()
    try:
        company_id = int(raw)
    except ValueError as exc:
        raise NotFound() from exc
    if company_id != user["company_id"]:
        # The user is not a member of that company.
        raise Forbidden(errors.FORBIDDEN)
    return company_id


def api_ctx(request: Request) -> Ctx:
    """FastAPI dependency for every ``/rest/...`` route."""
    sim = sim_state(request)
    token = oauth.resolve_access_token(sim.store, sim.clock, bearer(request))
    request.state.rate_headers = sim.limiter.hit(f"{token['client_id']}:{token['user_id']}", sim.clock.now())
    user = sim.store.get("user", token["user_id"])
    if user is None:
        raise errors.Unauthorized(errors.INVALID_TOKEN)
    company_id = _company_id(request, token, user, sim.company_header_mode)
    return Ctx(sim=sim, request=request, user=user, token=token, company_id=company_id)


CtxDep = Annotated[Ctx, Depends(api_ctx)]
