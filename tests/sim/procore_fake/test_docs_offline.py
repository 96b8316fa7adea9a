"""The fake Procore's /docs and /redoc work with no network: every asset they load is served by the fake
itself, and the document they show carries request bodies, descriptions and Procore's OAuth scheme."""

from __future__ import annotations

import re

import httpx
import pytest

from sim.asgi import AsgiTransport
from sim.procore_fake.app import create_app


@pytest.fixture(scope="module")
def client() -> httpx.Client:
    return httpx.Client(transport=AsgiTransport(create_app()), base_url="http://procore.local")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_each_page_loads_only_what_the_fake_serves(client: httpx.Client, page: str) -> None:
    html = client.get(page)
    assert html.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html.text)
    assert assets and all(a.startswith("/_docs-assets/") for a in assets), assets
    assert "cdn" not in html.text and "fonts.googleapis" not in html.text
    for asset in assets:
        answer = client.get(asset)
        assert answer.status_code == 200 and len(answer.content) > 1000, asset
    assert "'/openapi.json'" in html.text or '"/openapi.json"' in html.text


def test_the_document_has_the_oauth_scheme_bodies_and_descriptions(client: httpx.Client) -> None:
    doc = client.get("/openapi.json").json()
    scheme = doc["components"]["securitySchemes"]["procoreOAuth"]
    assert scheme["type"] == "oauth2"
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token"
    assert scheme["flows"]["authorizationCode"]["authorizationUrl"] == "/oauth/authorize"
    operations = [(p, m, op) for p, ops in doc["paths"].items() for m, op in ops.items()]
    assert all(op.get("description") for _, _, op in operations)
    writes = [(p, m) for p, m, op in operations if m in ("post", "patch", "put") and "requestBody" not in op]
    assert writes == []
    rest = [op for p, _, op in operations if p.startswith("/rest/")]
    assert rest and all(op["security"] == [{"procoreOAuth": []}] for op in rest)
    assert "security" not in doc["paths"]["/oauth/token"]["post"]
    assert doc["paths"]["/rest/v1.0/vendors"]["post"]["description"].startswith("Create Vendor. Documented")
