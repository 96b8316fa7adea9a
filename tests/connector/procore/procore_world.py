"""A fake Procore (``sim.procore_fake``) on a ManualClock, reached in process through
``sim.asgi.AsgiTransport``, and ``ProcoreClient``s built against it.

Waits the client asks for are recorded in ``World.waits`` and move the fake's clock instead of sleeping, so
a ``Retry-After`` honoured really lets the fake's rate-limit window roll over.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from connector.procore.auth import AuthorizationCodeAuth, ClientCredentialsAuth, TokenStore
from connector.procore.client import ProcoreClient
from connector.procore.erp import ErpApi
from sim.asgi import AsgiTransport
from sim.clock import ManualClock
from sim.procore_fake.app import bind_state, create_app, create_state
from sim.procore_fake.ratelimit import RateLimitConfig
from sim.procore_fake.state import SimState

CLIENT_ID = "qbsim-client-id"
CLIENT_SECRET = "qbsim-client-secret"
BASE_URL = "http://testserver"

_SHARED: list[FastAPI] = []


def shared_app() -> FastAPI:
    """One FastAPI app per test session; each World binds its own simulated Procore to it."""
    if not _SHARED:
        _SHARED.append(create_app(clock=ManualClock()))
    return _SHARED[0]


@dataclass
class World:
    clock: ManualClock
    state: SimState
    asgi: Any
    company_id: int
    users: dict[str, int]
    erp_list_id: int
    http: httpx.Client  # the test's own view: set-up through the fake's HTTP face, /_sim included
    webhooks_sent: list[httpx.Request]
    waits: list[float] = field(default_factory=list)
    clients: list[ProcoreClient] = field(default_factory=list)

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.http.close()

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.advance(seconds)

    def transport(self) -> AsgiTransport:
        return AsgiTransport(self.asgi)

    def client(self, auth: Any = None, **options: Any) -> ProcoreClient:
        made = ProcoreClient(
            BASE_URL,
            self.company_id,
            auth or ClientCredentialsAuth(CLIENT_ID, CLIENT_SECRET),
            transport=options.pop("transport", None) or self.transport(),
            clock=options.pop("clock", self.clock.now),
            sleep=self.sleep,
            rng=random.Random(7),
            **options,
        )
        self.clients.append(made)
        return made

    def erp(self, **options: Any) -> ErpApi:
        return ErpApi(self.client(**options))

    def code_for(self, name: str) -> str:
        """What a person signing in produces: an authorization code (out-of-band redirect)."""
        r = self.http.get(
            "/oauth/authorize",
            params={
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
                "sim_user_id": self.users[name],
            },
        )
        assert r.status_code == 200, r.text
        return str(r.json()["code"])

    def person(self, name: str, store: TokenStore, **options: Any) -> ProcoreClient:
        """A client acting as a named person (authorization-code grant), already authorised."""
        client = self.client(AuthorizationCodeAuth(CLIENT_ID, CLIENT_SECRET, store), **options)
        client.authorize(self.code_for(name))
        return client

    def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        r = self.http.request(method, f"/_sim/companies/{self.company_id}{path}", json=body)
        assert r.status_code < 400, r.text
        return r

    def act(self, action: str, who: str, item_type: str, item_id: int, **extra: Any) -> httpx.Response:
        """A person's click in the ERP Integrations tool (send, accept, ...)."""
        return self.sim(
            "POST",
            f"/erp/items/{action}",
            {"as_user_id": self.users[who], "item_type": item_type, "item_id": item_id, **extra},
        )


def new_world(rate_limit: RateLimitConfig | None = None) -> World:
    clock = ManualClock()
    sent: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200)

    state = create_state(clock=clock, rate_limit=rate_limit, webhook_transport=httpx.MockTransport(receiver))
    asgi = bind_state(shared_app(), state)
    http = httpx.Client(transport=AsgiTransport(asgi), base_url=BASE_URL)
    company = http.get("/_sim/state").json()["companies"][0]
    users = {u["name"]: u["id"] for u in company["users"] if not u["is_service_account"]}
    return World(
        clock=clock,
        state=state,
        asgi=asgi,
        company_id=company["id"],
        users=users,
        erp_list_id=company["erp_standard_cost_code_list_id"],
        http=http,
        webhooks_sent=sent,
    )
