"""Account credentials, and keeping their secrets out of every log line.

python-amazon-sp-api logs request headers (with the access token) at DEBUG on
``sp_api.base.client``; httpx and httpcore log URLs and connection events.
A filter on those loggers redacts every secret this module has seen, plus
anything shaped like an LWA token or client secret.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MASK = "***"
# LWA secrets are long (client secrets 64+ characters); shorter registered values
# would mask ordinary words in log lines.
MIN_SECRET_LENGTH = 12

# Shapes of LWA secrets: refresh tokens start "Atzr|", access tokens "Atza|",
# client secrets "amzn1.oa2-cs.v1.".
_SECRET_SHAPES = re.compile(
    r"(Atz[ar]\|[A-Za-z0-9_\-+/=|.%]+|amzn1\.oa2-cs\.v1\.[A-Za-z0-9]+)"
)
_REDACTED_LOGGERS = (
    "sp_api",
    "sp_api.base.client",
    "sp_api.auth.access_token_client",
    "httpx",
    "httpcore",
    "httpcore.http11",
    "httpcore.connection",
    "saleor_amazon_feeds.amazon",
    "saleor_amazon_feeds.amazon.core",
    "saleor_amazon_feeds.amazon.lwa",
)


class _SecretRegistry:
    """The secret strings currently in use, newest last, bounded in size."""

    def __init__(self, maxsize: int = 2048) -> None:
        self._items: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._maxsize = maxsize

    def add(self, *secrets: str | None) -> None:
        with self._lock:
            for secret in secrets:
                # Very short values would redact innocent text; they are not
                # real LWA secrets anyway.
                if secret and len(secret) >= MIN_SECRET_LENGTH:
                    self._items[secret] = None
                    self._items.move_to_end(secret)
            while len(self._items) > self._maxsize:
                self._items.popitem(last=False)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._items, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, MASK)
        return _SECRET_SHAPES.sub(MASK, text)


SECRETS = _SecretRegistry()


def redact(text: str) -> str:
    """``text`` with every known secret replaced by ``***``."""
    return SECRETS.redact(text)


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken log call must not break the request
            return True
        cleaned = SECRETS.redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        return True


_FILTER = RedactSecretsFilter()
_installed = False
_install_lock = threading.Lock()


def install_log_redaction() -> None:
    """Attach the redacting filter to the library loggers (idempotent)."""
    global _installed
    with _install_lock:
        if _installed:
            return
        for name in _REDACTED_LOGGERS:
            logger = logging.getLogger(name)
            if _FILTER not in logger.filters:
                logger.addFilter(_FILTER)
        _installed = True


def _mask(value: str) -> str:
    return f"{value[:4]}{MASK}" if len(value) > 12 else MASK


@dataclass(frozen=True)
class Credentials:
    """One seller account as the plugin stores it.

    repr/str never show the client secret or the refresh token.
    """

    lwa_client_id: str
    lwa_client_secret: str = field(repr=False)
    refresh_token: str = field(repr=False)
    seller_id: str

    def __post_init__(self) -> None:
        missing = [
            name
            for name in (
                "lwa_client_id",
                "lwa_client_secret",
                "refresh_token",
                "seller_id",
            )
            if not getattr(self, name)
        ]
        if missing:
            raise ValueError(f"missing Amazon credentials: {', '.join(missing)}")
        SECRETS.add(self.lwa_client_secret, self.refresh_token)

    @classmethod
    def coerce(
        cls, value: Credentials | Sequence[str] | Mapping[str, str]
    ) -> Credentials:
        """Accept a Credentials, a 4-tuple or a dict with the field names."""
        if isinstance(value, Credentials):
            return value
        if isinstance(value, Mapping):
            return cls(**value)
        if isinstance(value, tuple | list) and len(value) == 4:
            return cls(*value)
        raise TypeError(
            "credentials must be Credentials, (lwa_client_id, lwa_client_secret, "
            "refresh_token, seller_id) or a dict of those"
        )

    def __repr__(self) -> str:
        return (
            f"Credentials(lwa_client_id={self.lwa_client_id!r}, "
            f"lwa_client_secret={_mask(self.lwa_client_secret)!r}, "
            f"refresh_token={_mask(self.refresh_token)!r}, "
            f"seller_id={self.seller_id!r})"
        )

    __str__ = __repr__
