"""Encryption at rest for account secrets (Fernet, key derived per installation).

The key comes from the ``AMAZON_FEEDS_ENCRYPTION_KEY`` setting when given, else it
is derived from ``SECRET_KEY`` with HKDF so the raw SECRET_KEY is never the cipher
key and rotating the dedicated setting does not require touching SECRET_KEY.
Older keys listed in ``AMAZON_FEEDS_OLD_ENCRYPTION_KEYS`` still decrypt.
"""

import base64
from collections.abc import Iterable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "fernet:"
_INFO = b"saleor-amazon-feeds/account-secrets/v1"


class SecretDecryptionError(Exception):
    """The stored secret cannot be decrypted with the configured keys."""


def derive_key(material: str) -> bytes:
    """Turn any key material into a Fernet key (urlsafe base64 of 32 bytes)."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        material.encode("utf-8")
    )
    return base64.urlsafe_b64encode(raw)


def build_cipher(materials: Iterable[str]) -> MultiFernet:
    keys = [Fernet(derive_key(m)) for m in materials if m]
    if not keys:
        raise ValueError("no encryption key material configured")
    return MultiFernet(keys)


def encrypt(cipher: MultiFernet, plaintext: str) -> str:
    return PREFIX + cipher.encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(cipher: MultiFernet, stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise SecretDecryptionError("stored secret is not in the expected format")
    try:
        return cipher.decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise SecretDecryptionError(
            "stored secret cannot be decrypted: was the encryption key changed?"
        ) from exc
