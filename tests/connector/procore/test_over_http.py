"""The same client over a real socket: the fake Procore served by uvicorn on a free port, absolute
``Link`` URLs naming that host and port, OAuth and the ERP calls unchanged."""

from __future__ import annotations

import random

import httpx

from connector.procore.auth import ClientCredentialsAuth
from connector.procore.client import ProcoreClient
from connector.procore.erp import ErpApi
from sim.clock import ManualClock
from sim.procore_fake.app import create_app
from sim.server import BackgroundServer


def test_client_against_the_fake_on_a_socket() -> None:
    clock = ManualClock()
    waits: list[float] = []
    with BackgroundServer(create_app(clock=clock)) as server:
        company_id = _company_id(server.url)
        auth = ClientCredentialsAuth("qbsim-client-id", "qbsim-client-secret", client_auth="form")
        with ProcoreClient(
            server.url,
            company_id,
            auth,
            clock=clock.now,
            sleep=waits.append,
            rng=random.Random(0),
            timeout=10,
        ) as client:
            erp = ErpApi(client)
            for i in range(3):
                client.post("/rest/v1.0/vendors", {"company_id": company_id, "vendor": {"name": f"V{i}"}})
            assert [
                v["name"]
                for v in client.get_all("/rest/v1.0/vendors", {"company_id": company_id}, per_page=1)
            ] == [
                "V0",
                "V1",
                "V2",
            ]
            first = erp.register_webhook("https://connector.example/hooks")
            assert first.created and not erp.register_webhook("https://connector.example/hooks").created
    assert waits == []


def _company_id(url: str) -> int:
    with httpx.Client(base_url=url) as http:
        return int(http.get("/_sim/state").json()["companies"][0]["id"])
