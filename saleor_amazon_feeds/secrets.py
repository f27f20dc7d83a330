"""Django glue for :mod:`crypto`: the installation's cipher from settings."""

from functools import lru_cache

from cryptography.fernet import MultiFernet
from django.conf import settings

from . import crypto


@lru_cache(maxsize=4)
def _cipher(materials: tuple[str, ...]) -> MultiFernet:
    return crypto.build_cipher(materials)


def cipher() -> MultiFernet:
    primary = (
        getattr(settings, "AMAZON_FEEDS_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    )
    old = tuple(getattr(settings, "AMAZON_FEEDS_OLD_ENCRYPTION_KEYS", ()) or ())
    return _cipher((primary, *old))


def encrypt(plaintext: str) -> str:
    return crypto.encrypt(cipher(), plaintext)


def decrypt(stored: str) -> str:
    return crypto.decrypt(cipher(), stored)
