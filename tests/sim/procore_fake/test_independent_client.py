"""An independently written Procore client (ProPyCore 0.8.0 from PyPI) against the fake over real HTTP.

The fake is served by uvicorn on 127.0.0.1 (ephemeral port, background thread, stopped at teardown).
ProPyCore is pointed at it exactly as at Procore: ``base_url`` and ``oauth_url`` set to the fake's root;
nothing else changes. It authenticates with client credentials over HTTP Basic on the API root.

ProPyCore omits ``Procore-Company-Id`` on some calls (client-wire-traces.json); with the documented
("strict") header rules those calls get Procore's 400, with the "lenient" mode they work. Both are shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# A hard import: ProPyCore is a declared dev dependency, so a missing install must fail, not skip.
import ProPyCore.exceptions as exceptions
import ProPyCore.procore as procore_module
import pytest
from pcfake_helpers import CLIENT_ID, CLIENT_SECRET, client_credentials, open_client

from sim.clock import ManualClock
from sim.procore_fake.app import create_app
from sim.server import BackgroundServer


def _served(mode: str) -> Iterator[dict[str, Any]]:
    app = create_app(clock=ManualClock(), company_header_mode=mode)
    http, served = open_client(app)
    company_id = http.get("/_sim/state").json()["companies"][0]["id"]
    dmsa = client_credentials(http, company_id)
    lists = dmsa.get("/rest/v1.0/standard_cost_code_lists", company_id=company_id).json()
    plain = next(x for x in lists if not x["is_erp_list"])
    project = dmsa.post(
        "/rest/v1.0/projects",
        {
            "company_id": company_id,
            "project": {"name": "Client Test Project", "standard_cost_code_list_id": plain["id"]},
        },
    ).json()
    for n in range(3):
        dmsa.post("/rest/v1.0/vendors", {"company_id": company_id, "vendor": {"name": f"Vendor {n}"}})
    with BackgroundServer(app) as server:
        client = procore_module.Procore(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri="",
            base_url=server.url,
            oauth_url=server.url,
        )
        yield {"client": client, "company_id": company_id, "project": project, "http": http, "dmsa": dmsa}
    http.close()
    if served is not None:
        served.stop()


@pytest.fixture(scope="module")
def strict() -> Iterator[dict[str, Any]]:
    yield from _served("strict")


@pytest.fixture(scope="module")
def lenient() -> Iterator[dict[str, Any]]:
    yield from _served("lenient")


def test_write_then_read_cost_codes_and_vendors(strict: dict[str, Any]) -> None:
    client, company_id, project = strict["client"], strict["company_id"], strict["project"]
    made = client.cost_codes.create(company_id, project["id"], name="Concrete", code="03-300")
    assert made["full_code"] == "03-300" and made["name"] == "Concrete"
    # ProPyCore reads cost codes without the header (refused in strict mode): read the write back directly
    stored = strict["dmsa"].get("/rest/v1.0/cost_codes", project_id=project["id"]).json()
    assert [(c["id"], c["full_code"], c["name"]) for c in stored] == [(made["id"], "03-300", "Concrete")]
    vendors = client.directory.vendors.get(company_id=company_id)  # loops page++ until an empty page
    assert sorted(v["name"] for v in vendors) == ["Vendor 0", "Vendor 1", "Vendor 2"]
    assert client.direct_costs.get(company_id, project["id"]) == []
    views = client.budgets.views.get(company_id, project["id"])
    assert [v["name"] for v in views] == ["Procore Standard Budget"]


def test_calls_without_company_header_follow_the_documented_rule(strict: dict[str, Any]) -> None:
    client, company_id = strict["client"], strict["company_id"]
    with pytest.raises(exceptions.ProcoreException) as info:
        client.projects.get(company_id=company_id)
    assert info.value.message == "Error: 400"
    assert info.value.response == '{"errors":"Missing Procore-Company-Id header!"}'
    with pytest.raises(exceptions.ProcoreException):
        client.companies.get()  # a service account must send the header even here


def test_lenient_mode_serves_every_propycore_call(lenient: dict[str, Any]) -> None:
    client, company_id, project = lenient["client"], lenient["company_id"], lenient["project"]
    assert [c["id"] for c in client.companies.get()] == [company_id]
    projects = client.projects.get(company_id=company_id)
    assert [p["name"] for p in projects] == ["Client Test Project"]
    client.cost_codes.create(company_id, project["id"], name="Steel", code="05-100")
    assert [c["full_code"] for c in client.cost_codes.get(company_id, project["id"])] == ["05-100"]


def test_form_encoded_direct_cost_write_then_read(strict: dict[str, Any]) -> None:
    """ProPyCore posts direct costs as a Rails form body (``direct_cost[key]=value``), not JSON."""
    client, company_id, project = strict["client"], strict["company_id"], strict["project"]
    fields = {
        "direct_cost_date": "2024-01-05",
        "direct_cost_type": "Invoice",
        "invoice_number": "INV-77",
        "description": "Lumber",
    }
    made = client.direct_costs.create(company_id, project["id"], fields, line_items=[])
    assert {k: made[k] for k in fields} == fields and made["status"] == "draft"
    found = client.direct_costs.find(company_id, project["id"], "INV-77")  # reads v1.1 list, all pages
    assert found["id"] == made["id"] and found["description"] == "Lumber"
    shown = client.direct_costs.show(company_id, project["id"], made["id"])
    assert shown["invoice_number"] == "INV-77"
    with pytest.raises(exceptions.ProcoreException) as info:  # a form body is validated like JSON
        bad = {"direct_cost_date": "2024-01-05", "direct_cost_type": "Gift"}
        client.direct_costs.create(company_id, project["id"], bad, line_items=[])
    assert info.value.response == (
        '{"errors":{"direct_cost_type":["is not included in the list '
        '(Invoice, Expense, Payroll, Subcontractor Invoice)"]}}'
    )
