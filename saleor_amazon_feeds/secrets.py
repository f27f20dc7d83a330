"""Django glue for :mod:`crypto`: the installation's cipher from settings."""

from functools import lru_cache

from cryptography.fernet import MultiFernet

from . import conf, crypto


@lru_cache(maxsize=4)
def _cipher(materials: tuple[str, ...]) -> MultiFernet:
    return crypto.build_cipher(materials)


def cipher() -> MultiFernet:
    return _cipher((conf.encryption_key(), *conf.old_encryption_keys()))


def encrypt(plaintext: str) -> str:
    return crypto.encrypt(cipher(), plaintext)


def decrypt(stored: str) -> str:
    return crypto.decrypt(cipher(), stored)
