"""The one dependency of every ``/_sim/companies/{company_id}/...`` web-UI route.

A person acts in one company's web UI: :class:`UiCtx` carries the simulated Procore, the company (404 when
there is none), the request's data (its JSON body on writes, its query parameters on the GET pages) and
names the acting person from ``as_user_id``. :meth:`UiCtx.acting` takes the company's lock, resolves that
person and checks their permission on a tool, so a route states only what is particular to it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from sim.clock import Clock
from sim.procore_fake.deps import sim_state
from sim.procore_fake.domain.permissions import require
from sim.procore_fake.errors import NotFound, ValidationFailed
from sim.procore_fake.routers.common import json_body
from sim.procore_fake.state import SimState
from sim.procore_fake.store import Record, Store

SimDep = Annotated[SimState, Depends(sim_state)]
"""The simulated Procore a ``/_sim`` control acts on."""


@dataclass
class UiCtx:
    sim: SimState
    company_id: int
    data: dict[str, Any]

    @property
    def store(self) -> Store:
        return self.sim.store

    @property
    def clock(self) -> Clock:
        return self.sim.clock

    def actor(self) -> Record:
        """The person named by ``as_user_id``: a member of this company, or a 422 naming the field."""
        return self.member(self.data.get("as_user_id"), "as_user_id")

    def member(self, user_id: Any, field: str) -> Record:
        """The user ``user_id`` names if they belong to this company, else a 422 on ``field``."""
        # A JSON body gives an int; a query string (the GET pages) a string of digits; else it names no one.
        if isinstance(user_id, str) and user_id.isascii() and user_id.isdigit():
            user_id = int(user_id)
        user = self.store.get("user", user_id) if _is_id(user_id) else None
        if user is None or user["company_id"] != self.company_id:
            raise ValidationFailed({field: ["is not a user of this company"]})
        return user

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One lock per Procore company, held for a whole web-UI action."""
        with self.store.company_lock(self.company_id):
            yield

    @contextmanager
    def acting(self, tool: str | None = None, level: str = "read_only") -> Iterator[Record]:
        """Under the company's lock: the acting person, holding ``level`` on ``tool`` when one is named."""
        with self.locked():
            actor = self.actor()
            if tool is not None:
                require(actor, tool, level)
            yield actor

    def owned(self, kind: str, record_id: Any, *, field: str | None = None) -> Record:
        """A record of this company: else a 404, or a 422 on ``field`` when the id came in the body."""
        owner = self.store.owner(kind, record_id) if _is_id(record_id) else None
        if owner is None or owner[0] != self.company_id:
            if field is None:
                raise NotFound()
            raise ValidationFailed({field: ["is invalid"]})
        return self.store.get(kind, record_id)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


async def ui_ctx(company_id: int, request: Request) -> UiCtx:
    sim = sim_state(request)
    data = dict(request.query_params) if request.method == "GET" else await json_body(request)
    if sim.store.get("company", company_id) is None:
        raise NotFound()
    return UiCtx(sim, company_id, data)


UiDep = Annotated[UiCtx, Depends(ui_ctx)]
