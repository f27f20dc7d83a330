"""Verify Saleor's ``Saleor-Signature``: a detached JWS (RS256) over the body.

The key is Saleor's own, as it publishes it at ``/.well-known/jwks.json``;
the plugin runs inside Saleor, so it reads the same JWKS in-process rather
than over HTTP. Anything else (HMAC signatures of webhooks with a secret, a
missing header, another algorithm, a key id Saleor does not publish) fails.
"""

import json

import jwt
from jwt.exceptions import InvalidTokenError


def saleor_jwks() -> dict:
    from saleor.core.jwt_manager import get_jwt_manager

    return get_jwt_manager().get_jwks()


def verify_saleor_signature(body: bytes, signature: str | None) -> bool:
    if not signature or signature.count(".") != 2:
        return False
    try:
        header = jwt.get_unverified_header(signature)
    except InvalidTokenError:
        return False
    if header.get("alg") != "RS256":
        return False
    keys = [
        key
        for key in saleor_jwks().get("keys", [])
        if key.get("kid") == header.get("kid")
    ]
    if not keys:
        return False
    try:
        public_key = jwt.PyJWK(keys[0], algorithm="RS256").key
        jwt.api_jws.decode_complete(
            signature,
            key=public_key,
            algorithms=["RS256"],
            detached_payload=body,
        )
    except (InvalidTokenError, ValueError, json.JSONDecodeError):
        return False
    return True
