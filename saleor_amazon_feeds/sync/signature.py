"""Verify Saleor's ``Saleor-Signature``: a detached JWS (RFC 7797) over the body.

Saleor signs a webhook without a secret key with
``JWTManager.jws_encode(body)``: RS256 with its own key, header
``{"alg": "RS256", "b64": false, "crit": ["b64"], "kid": ..., "typ": "JWT"}``
and an empty payload part, the body travelling as the request body. The key
is the one Saleor publishes at ``/.well-known/jwks.json``; the plugin runs
inside Saleor, so it reads the same JWKS in-process rather than over HTTP.

Only that exact form is accepted. The same key also signs every access and
refresh token Saleor hands to customers and staff: a verifier that let PyJWT
decide whether the payload is detached would accept any such token (its
payload embedded, ``b64`` absent) as a signature of any body. Hence the header
is checked here before any cryptography, and anything else fails: HMAC
signatures of webhooks with a secret, another algorithm, a key id Saleor does
not publish, an embedded payload, ``b64`` missing or true, unknown ``crit``.
"""

import base64
import binascii
import json
import re
from typing import Any

import jwt
from jwt.exceptions import InvalidTokenError

from ..saleor_compat import get_jwt_manager

ALGORITHM = "RS256"
# RFC 7515 section 2: base64url without padding; anything else means the token
# was not produced by Saleor's signer, and lenient decoders differ on it.
_B64URL = re.compile(r"^[A-Za-z0-9_-]+$")
# A header of Saleor's is ~150 bytes; refuse to parse a huge one.
_MAX_HEADER_SEGMENT = 2048


def saleor_jwks() -> dict[str, Any]:
    return get_jwt_manager().get_jwks()


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Parsers disagree on which duplicate wins ({"b64":true,"b64":false}).
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in JWS header")
    return dict(pairs)


def _decode_header(segment: str) -> dict[str, Any] | None:
    if len(segment) > _MAX_HEADER_SEGMENT or not _B64URL.match(segment):
        return None
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        header = json.loads(raw, object_pairs_hook=_reject_duplicate_keys)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return header if isinstance(header, dict) else None


def _is_saleor_detached_header(header: dict[str, Any]) -> bool:
    return (
        header.get("alg") == ALGORITHM
        # `is False`: 0, null or "false" are not the boolean RFC 7797 requires.
        and header.get("b64") is False
        # "b64" is the only critical extension understood here; RFC 7515
        # requires rejecting a JWS that lists any other.
        and header.get("crit") == ["b64"]
        and isinstance(header.get("kid"), str)
        and header.get("typ", "JWT") == "JWT"
    )


def verify_saleor_signature(body: bytes, signature: str | None) -> bool:
    """True only for a detached RS256 JWS by Saleor's published key over ``body``."""
    if not signature or not signature.isascii():
        return False
    parts = signature.split(".")
    if len(parts) != 3:
        return False
    header_segment, payload_segment, signature_segment = parts
    # A non-empty payload part is an ordinary JWS/JWT, whatever its header says.
    if payload_segment or not _B64URL.match(signature_segment):
        return False
    header = _decode_header(header_segment)
    if header is None or not _is_saleor_detached_header(header):
        return False
    keys = [
        key for key in saleor_jwks().get("keys", []) if key.get("kid") == header["kid"]
    ]
    if len(keys) != 1:
        return False
    try:
        public_key = jwt.PyJWK(keys[0], algorithm=ALGORITHM).key
        jwt.api_jws.decode_complete(
            signature,
            key=public_key,
            algorithms=[ALGORITHM],
            detached_payload=body,
        )
    except (InvalidTokenError, ValueError, TypeError):
        return False
    return True
