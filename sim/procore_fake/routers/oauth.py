"""``/oauth/*``: served on the login root *and* the API root (same app).

Real Procore splits hosts (login.procore.com issues tokens, api.procore.com serves /rest); ProPyCore still
POSTs /oauth/token on the API host, so both work here. A client picks the "login" base URL by pointing its
login/OAuth URL at this app's root, exactly as at its API base URL.
"""

from __future__ import annotations

import base64
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from sim.procore_fake.bodies import BodyRefused, media_type, read_params
from sim.procore_fake.deps import bearer, sim_state
from sim.procore_fake.domain import oauth
from sim.procore_fake.errors import OAuthError
from sim.procore_fake.routes import documented
from sim.procore_fake.schemas import TokenInfo, TokenResponse

router = APIRouter()


async def _form(request: Request) -> dict[str, str]:
    # Procore's docs also show JSON and curl -F (multipart) token requests; only text fields matter.
    try:
        parsed = await read_params(request, otherwise="form")
    except BodyRefused as exc:
        raise OAuthError("invalid_request", str(exc)) from exc
    if not isinstance(parsed, dict):
        parsed = {}
    if media_type(request) == "application/json":
        data = {k: str(v) for k, v in parsed.items() if v is not None}
    else:
        data = {k: v for k, v in parsed.items() if isinstance(v, str)}
    data.update({k: v for k, v in request.query_params.items() if k not in data})
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("basic "):
        try:
            cid, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError) as exc:
            raise OAuthError("invalid_client", "Malformed Basic credentials", status_code=401) from exc
        data.setdefault("client_id", cid)
        data.setdefault("client_secret", secret)
    return data


@router.post("/oauth/token", responses={200: {"model": TokenResponse}}, openapi_extra=documented())
async def post_token(request: Request) -> Response:
    sim = sim_state(request)
    form = await _form(request)
    body = TokenResponse.model_validate(oauth.token(sim.store, sim.clock, form)).model_dump(exclude_none=True)
    return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/oauth/token/info", openapi_extra=documented())
def get_token_info(request: Request) -> Response:
    sim = sim_state(request)
    info = TokenInfo.model_validate(oauth.token_info(sim.store, sim.clock, bearer(request)))
    return JSONResponse(info.model_dump())


@router.post(
    "/oauth/revoke",
    openapi_extra=documented("RFC 7009: the client authenticates; 200 even for an unknown token"),
)
async def post_revoke(request: Request) -> Response:
    sim = sim_state(request)
    form = await _form(request)
    client = oauth.authenticate_client(sim.store, form.get("client_id"), form.get("client_secret"))
    oauth.revoke(sim.store, client, form.get("token"))
    return JSONResponse({})


@router.get(
    "/oauth/authorize",
    openapi_extra=documented(
        "The sign-in page is not simulated: the code is issued for the person given by sim_user_id, else the "
        "application's owner."
    ),
)
def get_authorize(
    request: Request,
    response_type: str,
    client_id: str,
    redirect_uri: str,
    state: str | None = None,
    sim_user_id: int | None = None,
) -> Response:
    sim = sim_state(request)
    client = sim.store.find_key("oauth_client", client_id)
    if client is None:
        raise OAuthError(
            "invalid_client", "Client authentication failed due to unknown client.", status_code=401
        )
    if response_type != "code":
        raise OAuthError(
            "unsupported_response_type", "The authorization server does not support this response type."
        )
    user_id = sim_user_id or client["owner_user_id"]
    user = sim.store.get("user", user_id)
    if user is None or user["company_id"] != client["company_id"]:
        raise OAuthError("access_denied", "The resource owner or authorization server denied the request.")
    code = oauth.create_authorization_code(sim.store, sim.clock, client, user_id, redirect_uri)
    if redirect_uri == "urn:ietf:wg:oauth:2.0:oob":
        return JSONResponse({"code": code})  # Procore shows the code on a page
    query = urlencode({"code": code, **({"state": state} if state else {})})
    return RedirectResponse(f"{redirect_uri}?{query}", status_code=302)
