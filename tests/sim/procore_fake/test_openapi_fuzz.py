"""schemathesis from the fake's own OpenAPI: no request answers 5xx, and every response is one the document
declares (status, content type and body schema).

Every operation gets a bounded number of generated requests (valid and schema-violating: the fake must
refuse the latter with a declared 4xx), derandomized so CI runs the same requests each time. So that they
reach the routes' logic, not only the 401/404 in front of it, the harness gives each request the service
account's bearer token and the company header, a generated integer path id becomes one of the ids of its
kind in a populated company (chosen by the generated value), and ``company_id`` / ``project_id`` query
parameters are added when absent (Procore's clients send them; the fake reads them itself, so its document
does not declare them). The fake runs on a ManualClock with webhooks sent to a mock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from pcfake_helpers import Fake, build, populate_two_of_everything, shared_app
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sim.procore_fake.domain import oauth

# ~190 operations x this many requests: a couple of minutes on one core (make test runs it).
EXAMPLES_PER_OPERATION = 5
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The simulator's own controls are left out: a generated fault rule or clock jump would change what every
# later request answers, and a generated snapshot path would write files. test_sim_controls.py drives them.
CONTROLS = r"^/_sim/(faults|clock|snapshot|restore)"
schema = schemathesis.openapi.from_dict(shared_app().openapi()).exclude(path_regex=CONTROLS)
# valid requests, and requests that break the document (each must be refused with a declared 4xx)
schema.config.generation.update(modes=list(schemathesis.GenerationMode))


# a path parameter -> the kinds of record it names
KINDS = {
    "project_id": ("project",),
    "contract_id": ("work_order_contract", "purchase_order_contract"),
    "commitment_contract_id": ("work_order_contract", "purchase_order_contract"),
    "req_id": ("requisition",),
    "line_id": ("budget_line_item", "commitment_line_item"),
    "vendor_id": ("vendor",),
    "cost_id": ("direct_cost",),
    "hook_id": ("webhook_hook",),
    "trigger_id": ("webhook_trigger",),
    "code_id": ("cost_code", "standard_cost_code"),
    "list_id": ("standard_cost_code_list",),
    "type_id": ("line_item_type",),
    "mod_id": ("budget_modification",),
    "change_id": ("budget_change",),
    "cco_id": ("commitment_change_order",),
    "payment_id": ("contract_payment",),
    "period_id": ("billing_period",),
    "request_id": ("erp_request",),
    "detail_id": ("erp_request_detail",),
    "job_cost_id": ("erp_job_cost",),
    "staged_id": ("staged_record",),
    "item_id": ("vendor", "project", "work_order_contract", "requisition"),
}
ALL = {f"{method.upper()} {path}" for path, ops in schema.raw_schema["paths"].items() for method in ops}
# status class -> requests, and the operations that answered 2xx at least once (the fuzz reached their logic)
SEEN: Counter[str] = Counter()
REACHED: set[str] = set()


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[Fake]:
    f = build()
    populate_two_of_everything(f)
    yield f
    f.close()
    total = sum(SEEN.values())
    print(f"\nschemathesis: {total} requests {dict(sorted(SEEN.items()))}, {len(REACHED)} ops answered 2xx")
    # Not only 400s and 404s: the requests reach the logic of most operations (83 of 190 at 5 examples; the
    # rest are mostly writes whose generated body lacks Procore's wrapping key, {"vendor": {...}}).
    assert len(REACHED) >= 75, sorted(ALL - REACHED)


def _aim(case: schemathesis.Case, fake: Fake) -> None:
    """Point generated integer ids at records that exist (see the module docstring)."""
    store = fake.state.store
    for name, value in (case.path_parameters or {}).items():
        if name in ("company_id", "view_id") and isinstance(value, int) and value % 4:
            # one in four keeps its generated company (the one budget view's id is the company's)
            case.path_parameters[name] = fake.company_id
        elif name in KINDS and isinstance(value, int):
            pool = [r["id"] for kind in KINDS[name] for r in store.query(kind, company_id=fake.company_id)]
            if pool:
                case.path_parameters[name] = pool[value % len(pool)]
    if isinstance(case.query, dict) or case.query is None:
        query = dict(case.query or {})
        query.setdefault("company_id", fake.company_id)
        projects = store.query("project", company_id=fake.company_id)
        if projects:
            query.setdefault("project_id", projects[0]["id"])
        case.query = query


def _headers(fake: Fake) -> dict[str, str]:
    """A fresh service-account token per request: a generated call may revoke or outlive the last one."""
    client = fake.state.store.query("oauth_client", company_id=fake.company_id)[0]
    issued = oauth.token(
        fake.state.store,
        fake.clock,
        {
            "grant_type": "client_credentials",
            "client_id": client["client_id"],
            "client_secret": client["client_secret"],
        },
    )
    return {"Authorization": f"Bearer {issued['access_token']}", "Procore-Company-Id": str(fake.company_id)}


def _send(http: httpx.Client, kwargs: dict[str, Any]) -> httpx.Response:
    """schemathesis serialises a case for ``requests``; the same request through the in-process client."""
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif isinstance(kwargs.get("data"), bytes | str):
        body["content"] = kwargs["data"]
    elif kwargs.get("data") is not None:
        body["data"] = kwargs["data"]
    if kwargs.get("files"):
        body["files"] = kwargs["files"]
    headers = dict(kwargs.get("headers") or {})
    if kwargs.get("cookies"):  # httpx deprecates per-request cookies: send them as the header they become
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in kwargs["cookies"].items())
    return http.request(kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=headers, **body)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx_and_every_response_is_declared(case: schemathesis.Case, fuzzed: Fake) -> None:
    _aim(case, fuzzed)
    base_url = str(fuzzed.http.base_url).rstrip("/")  # in process, or the server in server mode
    kwargs = case.as_transport_kwargs(base_url=base_url, headers=_headers(fuzzed))
    response = _send(fuzzed.http, kwargs)
    SEEN[f"{response.status_code // 100}xx" if response.status_code < 400 else str(response.status_code)] += 1
    if response.is_success:
        REACHED.add(f"{case.method} {case.path}")
    case.validate_response(response, checks=CHECKS)
