"""Login with Amazon (LWA) token endpoint and access-token checks."""

import json
import secrets
from urllib.parse import parse_qs

from . import clock, sellers
from .errors import unauthorized
from .routing import Request, Response
from .state import SandboxState

TOKEN_LIFETIME = 3600


def _lwa_error(error: str, description: str, status: int = 400) -> Response:
    return Response(status, {"error": error, "error_description": description})


def _form(request: Request) -> dict[str, str]:
    ctype = request.headers.get("content-type", "")
    if "json" in ctype:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    parsed = parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True)
    return {k: v[-1] for k, v in parsed.items()}


def token(state: SandboxState, request: Request) -> Response:
    form = _form(request)
    grant = form.get("grant_type")
    if grant not in ("refresh_token", "client_credentials"):
        return _lwa_error(
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
        )
    if not form.get("client_id") or not form.get("client_secret"):
        return _lwa_error("invalid_client", "Client authentication failed", 401)
    if grant == "refresh_token":
        if not form.get("refresh_token"):
            return _lwa_error(
                "invalid_request",
                "The request is missing a required parameter : refresh_token",
            )
        if state.faults.faults.revoked_refresh_token:
            return _lwa_error(
                "invalid_grant",
                "The request has an invalid grant parameter : refresh_token",
            )
    access = "Atza|" + secrets.token_urlsafe(48)
    with state.lock:
        state.data["tokens"][access] = {
            "sellerId": sellers.seller_id(),
            "expiresAt": clock.now() + TOKEN_LIFETIME,
        }
        # Expired tokens would otherwise pile up in a long-running sandbox.
        now = clock.now()
        for key in [k for k, v in state.data["tokens"].items() if v["expiresAt"] < now]:
            del state.data["tokens"][key]
        state.save()
    body = {
        "access_token": access,
        "token_type": "bearer",
        "expires_in": TOKEN_LIFETIME,
    }
    if grant == "refresh_token":
        body["refresh_token"] = form["refresh_token"]
    return Response(200, body)


def authenticate(state: SandboxState, request: Request) -> str:
    """Return the seller id the request's access token was issued for."""
    access = request.headers.get("x-amz-access-token")
    if not access:
        raise unauthorized("The request is missing the x-amz-access-token header.")
    with state.lock:
        record = state.data["tokens"].get(access)
    if record is None:
        raise unauthorized(
            "The access token you provided is revoked, malformed or invalid."
        )
    if record["expiresAt"] < clock.now():
        raise unauthorized("The access token you provided has expired.")
    return record["sellerId"]
