"""Test helpers: a fake Procore on a ManualClock, driven through its HTTP face, and Procore-side builders.

Every test reaches the fake through HTTP. By default the HTTP face runs in process (an ASGI transport, no
sockets); with ``QBSIM_TEST_SERVER_MODE=1`` in the environment (moto's ``TEST_SERVER_MODE``) each fake is
served by uvicorn on a free port of 127.0.0.1 and the tests' client talks to it over TCP, so the whole
suite runs once more against a real server: ``QBSIM_TEST_SERVER_MODE=1 pytest tests/sim/procore_fake``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

import sim.procore_fake
from sim.asgi import asgi_client
from sim.clock import ManualClock
from sim.procore_fake.app import bind_state, create_app, create_state
from sim.procore_fake.ratelimit import RateLimitConfig
from sim.procore_fake.state import SimState
from sim.server import BackgroundServer

SERVER_MODE = os.environ.get("QBSIM_TEST_SERVER_MODE", "") not in ("", "0")

CLIENT_ID = "qbsim-client-id"
CLIENT_SECRET = "qbsim-client-secret"


@dataclass
class Session:
    """One person's (or the service account's) authenticated view of the fake."""

    http: httpx.Client
    token: str
    company_id: int
    refresh_token: str | None = None
    extra_headers: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self.token}",
            "Procore-Company-Id": str(self.company_id),
            **self.extra_headers,
        }

    def get(self, path: str, **params: Any) -> httpx.Response:
        return self.http.get(path, params=params, headers=self.headers())

    def post(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.post(path, json=body, headers=self.headers())

    def patch(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.patch(path, json=body, headers=self.headers())

    def put(self, path: str, body: Any = None) -> httpx.Response:
        return self.http.put(path, json=body, headers=self.headers())

    def delete(self, path: str, **params: Any) -> httpx.Response:
        return self.http.delete(path, params=params, headers=self.headers())


@dataclass
class Fake:
    http: httpx.Client
    clock: ManualClock
    company_id: int
    users: dict[str, int]
    service_account_id: int
    erp_list_id: int
    dmsa: Session
    transport_log: list[httpx.Request]
    state: SimState
    server: BackgroundServer | None = None

    def close(self) -> None:
        self.http.close()
        if self.server is not None:
            self.server.stop()

    def login(self, name: str) -> Session:
        """Authorization-code flow for a named person (seeded: Erin Sponsor, Pat Manager, Alex Accountant,
        Robin Viewer)."""
        return login_as(self.http, self.users[name], self.company_id)

    def sim(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return self.http.request(method, f"/_sim/companies/{self.company_id}{path}", json=body)

    def page(self, path: str, who: str = "Erin Sponsor") -> httpx.Response:
        """A web-UI page of this company (``/_sim/companies/{id}<path>``) as the named person sees it."""
        params = {"as_user_id": self.users[who]}
        return self.http.get(f"/_sim/companies/{self.company_id}{path}", params=params)

    def act(self, action: str, who: str, item_type: str, item_id: int, **extra: Any) -> httpx.Response:
        return self.sim(
            "POST",
            f"/erp/items/{action}",
            {"as_user_id": self.users[who], "item_type": item_type, "item_id": item_id, **extra},
        )

    def settings(self, **changes: Any) -> httpx.Response:
        return self.sim("PATCH", "/erp/settings", {"as_user_id": self.users["Erin Sponsor"], **changes})


def client_credentials(http: httpx.Client, company_id: int) -> Session:
    r = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    )
    assert r.status_code == 200, r.text
    return Session(http, r.json()["access_token"], company_id)


def login_as(http: httpx.Client, user_id: int, company_id: int) -> Session:
    r = http.get(
        "/oauth/authorize",
        params={
            "response_type": "code",
            "client_id": CLIENT_ID,
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
            "sim_user_id": user_id,
        },
    )
    assert r.status_code == 200, r.text
    r = http.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": r.json()["code"],
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": "urn:ietf:wg:oauth:2.0:oob",
        },
    )
    assert r.status_code == 200, r.text
    body = r.json()
    return Session(http, body["access_token"], company_id, refresh_token=body["refresh_token"])


def build(rate_limit: RateLimitConfig | None = None) -> Fake:
    clock = ManualClock()
    log: list[httpx.Request] = []

    def receiver(request: httpx.Request) -> httpx.Response:
        log.append(request)
        return httpx.Response(200)

    state = create_state(clock=clock, rate_limit=rate_limit, webhook_transport=httpx.MockTransport(receiver))
    http, server = open_client(bind_state(shared_app(), state))
    company = http.get("/_sim/state").json()["companies"][0]
    users = {u["name"]: u["id"] for u in company["users"] if not u["is_service_account"]}
    service = next(u["id"] for u in company["users"] if u["is_service_account"])
    return Fake(
        http,
        clock,
        company["id"],
        users,
        service,
        company["erp_standard_cost_code_list_id"],
        client_credentials(http, company["id"]),
        log,
        state,
        server,
    )


def open_client(app: Any) -> tuple[httpx.Client, BackgroundServer | None]:
    """A client of ``app``'s HTTP face: in process, or over TCP to uvicorn in server mode (then the server
    is returned too, for the caller to stop)."""
    if not SERVER_MODE:
        # In process (no sockets), on the same transport the Web Connector emulator uses.
        return asgi_client(app), None
    server = BackgroundServer(app).start()
    return httpx.Client(base_url=server.url), server


@contextmanager
def client_for(app: Any) -> Iterator[httpx.Client]:
    """:func:`open_client` as a context manager: the client closed (and the server stopped) after."""
    http, server = open_client(app)
    try:
        with http:
            yield http
    finally:
        if server is not None:
            server.stop()


_SHARED: list[FastAPI] = []


def shared_app() -> FastAPI:
    """One FastAPI app for the whole test session; each Fake binds its own simulated Procore to it."""
    if not _SHARED:
        _SHARED.append(create_app(clock=ManualClock()))
    return _SHARED[0]


# -- builders: the Procore-side set-up a person does, through the API ------------------------------------
def make_std_codes(f: Fake, codes: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out = []
    for code, name in codes:
        r = f.dmsa.post(
            "/rest/v1.0/standard_cost_codes",
            {
                "company_id": f.company_id,
                "standard_cost_code": {
                    "standard_cost_code_list_id": f.erp_list_id,
                    "code": code,
                    "name": name,
                },
            },
        )
        assert r.status_code == 201, r.text
        out.append(r.json())
    return out


def make_project(f: Fake, name: str = "Tower Apartments", **extra: Any) -> dict[str, Any]:
    r = f.dmsa.post(
        "/rest/v1.0/projects",
        {
            "company_id": f.company_id,
            "project": {
                "name": name,
                "address": "1 Main St",
                "city": "Austin",
                "state_code": "TX",
                "zip": "78701",
                **extra,
            },
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def make_vendor(f: Fake, name: str = "Acme Concrete") -> dict[str, Any]:
    r = f.dmsa.post("/rest/v1.0/vendors", {"company_id": f.company_id, "vendor": {"name": name}})
    assert r.status_code == 201, r.text
    return r.json()


def cost_codes_of(f: Fake, project_id: int) -> list[dict[str, Any]]:
    r = f.dmsa.get("/rest/v1.0/cost_codes", project_id=project_id)
    assert r.status_code == 200, r.text
    return r.json()


def mark_synced(f: Fake, item_type: str, item_id: int, origin_id: str) -> None:
    r = f.dmsa.patch(
        f"/rest/v1.0/companies/{f.company_id}/external_data/sync",
        {"updates": [{"item_type": item_type, "item_id": item_id, "origin_id": origin_id}]},
    )
    assert r.status_code == 200 and not r.json()["errors"], r.text


def add_budget_line(f: Fake, pid: int, cost_code_id: int, amount: str) -> dict[str, Any]:
    r = f.dmsa.post(
        "/rest/v1.0/budget_line_items",
        {"project_id": pid, "budget_line_item": {"cost_code_id": cost_code_id, "amount": amount}},
    )
    assert r.status_code == 201, r.text
    return r.json()


def edit_budget_line(f: Fake, pid: int, line_id: int, amount: str) -> dict[str, Any]:
    """An edit of the line's original budget amount."""
    r = f.dmsa.patch(
        f"/rest/v1.0/budget_line_items/{line_id}", {"project_id": pid, "budget_line_item": {"amount": amount}}
    )
    assert r.status_code == 200, r.text
    return r.json()


def mark_transactions_synced(f: Fake, budget_export: dict[str, Any], *txn_ids: int) -> None:
    """The integrator's last step after writing a budget export (create_budget's required actions): mark
    the transactions synced through ``erp_transactions/sync``; all of the export's when no ids are given."""
    ids = txn_ids or tuple(t["id"] for t in budget_export["transactions"])
    r = f.dmsa.patch(
        "/rest/v1.0/erp_transactions/sync",
        {
            "project_id": budget_export["budget"]["project_id"],
            "updates": [{"id": i, "origin_id": f"EST-TXN-{i}", "synced": True} for i in ids],
        },
    )
    assert r.status_code == 200 and not r.json()["errors"], r.text


def make_commitment(
    f: Fake,
    project: dict[str, Any],
    vendor: dict[str, Any],
    cost_code_id: int,
    kind: str = "work_order_contract",
    amount: str = "1000.00",
    status: str = "Approved",
) -> dict[str, Any]:
    r = f.dmsa.post(
        f"/rest/v1.0/{kind}s",
        {
            "project_id": project["id"],
            kind: {
                "title": "Concrete package",
                "vendor_id": vendor["id"],
                "status": status,
                "line_items": [{"cost_code_id": cost_code_id, "amount": amount, "description": "Footings"}],
            },
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def make_invoice(
    fake: Fake, pid: int, woc: dict[str, Any], work: str = "400", pct: str = "10"
) -> dict[str, Any]:
    """A subcontractor invoice (v1.1 requisition) billing ``work`` on the contract's first SOV line."""
    sov = fake.dmsa.get(f"/rest/v1.0/work_order_contracts/{woc['id']}/line_items", project_id=pid).json()[0]
    r = fake.dmsa.post(
        "/rest/v1.1/requisitions",
        {
            "project_id": pid,
            "commitment_id": woc["id"],
            "requisition": {
                "billing_date": "2024-01-31",
                "payment_date": "2024-02-29",
                "invoice_number": "INV-9348",
                "items": [
                    {
                        "commitment_line_item_id": sov["id"],
                        "work_completed_this_period": work,
                        "work_completed_retainage_percent": pct,
                    }
                ],
            },
        },
    )
    assert r.status_code == 201, r.text
    return r.json()


def synced_world(f: Fake) -> dict[str, Any]:
    """A project, vendor and cost codes already synced with QuickBooks (origin ids as QBD ListIDs)."""
    make_std_codes(f, [("01-100", "Site Work"), ("03-300", "Concrete")])
    project = make_project(f)
    vendor = make_vendor(f)
    codes = cost_codes_of(f, project["id"])
    mark_synced(f, "project", project["id"], "800003DD-1600977189")
    mark_synced(f, "vendor", vendor["id"], "800000CD-1389650341")
    for n, cc in enumerate(codes):
        mark_synced(f, "cost_code", cc["id"], f"800003DD-1600977189|80000{n}FA-1477351439")
    return {"project": project, "vendor": vendor, "codes": cost_codes_of(f, project["id"])}


# -- ERP events: webhook delivery and the documented request_data shape ------------------------------------
EVENTS: dict[str, Any] = json.loads(
    (Path(sim.procore_fake.__file__).parent / "data" / "erp-events.json").read_text()
)["events"]


def subscribe_erp_requests(f: Fake) -> None:
    """What the connector does once: a hook + trigger for ERP Requests / create."""
    hook = f.dmsa.post(
        "/rest/v1.0/webhooks/hooks",
        {"company_id": f.company_id, "hook": {"destination_url": "https://connector.example/h"}},
    ).json()
    r = f.dmsa.post(
        f"/rest/v1.0/webhooks/hooks/{hook['id']}/triggers",
        {"company_id": f.company_id, "trigger": {"resource_name": "ERP Requests", "event_type": "create"}},
    )
    assert r.status_code == 201, r.text


def delivered_erp_requests(f: Fake) -> list[dict[str, Any]]:
    """Deliver due webhooks; read each delivered ERP Request by the id the webhook carries."""
    out = []
    for d in f.http.post("/_sim/webhooks/deliver").json():
        assert d["status"] == "successful"
        payload = d["payload"]
        assert (payload["resource_name"], payload["event_type"]) == ("ERP Requests", "create")
        r = f.dmsa.get(f"/rest/v1.0/companies/{f.company_id}/erp_requests/{payload['resource_id']}")
        assert r.status_code == 200, r.text
        out.append(r.json())
    return out


def documented_request_data(name: str) -> Any:
    event = EVENTS[name]
    if "payload" in event:
        return event["payload"]["request_data"]
    # A few doc examples are not strict JSON (a stray brace): take the first JSON value.
    return json.JSONDecoder().raw_decode(event["payload_raw"].strip())[0]["request_data"]


def assert_documented_shape(
    name: str, emitted: Any, nullable: tuple[str, ...] = (), extra: tuple[str, ...] = ()
) -> None:
    """``emitted`` has exactly the documented keys, recursively, with the documented JSON types (the
    first element stands for a list). A documented null accepts any value; paths in ``nullable`` (dotted,
    e.g. ``sub_job``) may be null where the example shows a value; top-level keys in ``extra`` may be added
    (a request_detail_id the required actions ask to close but the example omits)."""

    def walk(doc: Any, got: Any, path: str) -> None:
        where = f"{name}: {path or 'request_data'}"
        if doc is None or (got is None and path in nullable):
            return
        if isinstance(doc, dict):
            assert isinstance(got, dict), f"{where} is {got!r}, documented an object"
            allowed = set(extra) if not path else set()
            assert set(got) - allowed == set(doc), f"{where} keys {sorted(got)} != documented {sorted(doc)}"
            for key in doc:
                walk(doc[key], got[key], f"{path}.{key}" if path else key)
        elif isinstance(doc, list):
            assert isinstance(got, list) and got, f"{where} is {got!r}, documented a non-empty array"
            for element in got:
                walk(doc[0], element, f"{path}[]")
        else:
            kind = bool if isinstance(doc, bool) else (int, float) if isinstance(doc, int | float) else str
            assert isinstance(got, kind) and not (kind is not bool and isinstance(got, bool)), (
                f"{where} is {got!r}, documented like {doc!r}"
            )

    walk(documented_request_data(name), emitted, "")


def populate_two_of_everything(f: Fake) -> dict[str, Any]:
    """Two of everything listable."""
    w = synced_world(f)
    pid, cc = w["project"]["id"], w["codes"]
    make_vendor(f, "Second Vendor")
    wocs = [make_commitment(f, w["project"], w["vendor"], cc[0]["id"]) for _ in range(2)]
    for kind in ("purchase_order_contract", "purchase_order_contract"):
        make_commitment(f, w["project"], w["vendor"], cc[1]["id"], kind=kind)
    for c in cc:
        f.dmsa.post(
            "/rest/v1.0/budget_line_items",
            {"project_id": pid, "budget_line_item": {"cost_code_id": c["id"], "amount": "10"}},
        )
    for _ in range(2):
        f.dmsa.post(
            f"/rest/v1.0/projects/{pid}/commitment_change_orders",
            {"commitment_change_order": {"contract_id": wocs[0]["id"], "title": "CO"}},
        )
        f.dmsa.post(
            "/rest/v1.1/requisitions", {"project_id": pid, "commitment_id": wocs[0]["id"], "requisition": {}}
        )
        f.dmsa.post(
            "/rest/v1.0/contract_payments",
            {
                "project_id": pid,
                "contract_id": wocs[0]["id"],
                "contract_payment": {"amount": "1", "date": "2024-01-01"},
            },
        )
        f.dmsa.post(
            f"/rest/v1.0/projects/{pid}/direct_costs", {"direct_cost": {"direct_cost_date": "2024-01-01"}}
        )
    lines = f.page(f"/projects/{pid}/budget_line_items").json()
    for _ in range(2):
        f.dmsa.post(
            f"/rest/v1.0/projects/{pid}/budget_modifications",
            {
                "budget_modification": {
                    "from_budget_line_item_id": lines[0]["id"],
                    "to_budget_line_item_id": lines[1]["id"],
                    "transfer_amount": "1",
                }
            },
        )
    f.dmsa.post(
        f"/rest/v1.0/work_order_contracts/{wocs[0]['id']}/line_items",
        {"project_id": pid, "line_item": {"cost_code_id": cc[1]["id"], "amount": "5"}},
    )
    make_project(f, "Second Project")
    for vendor in f.dmsa.get("/rest/v1.0/vendors", company_id=f.company_id).json():
        if not vendor["origin_id"]:
            f.act("send", "Erin Sponsor", "vendor", vendor["id"])
            f.act("accept", "Alex Accountant", "vendor", vendor["id"])
    f.settings(direct_export_enabled=True)
    f.act("direct_export", "Alex Accountant", "vendor", make_vendor(f, "Fourth")["id"])
    mark_synced(f, "work_order_contract", wocs[0]["id"], "PO-X")
    return {"pid": pid, "woc": wocs[0]["id"], "cid": f.company_id}
