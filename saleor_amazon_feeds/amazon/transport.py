"""HTTP transport that turns every failure into an AmazonError.

python-amazon-sp-api maps JSON ``errors`` bodies to its own exceptions but
returns an empty, successful-looking response for error bodies that are not
JSON, and lets httpx exceptions escape. Swapping in this transport means the
library never sees an error response at all.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Iterable
from functools import cache

import httpx
from sp_api.base._transport_httpx import HttpxTransport

from .errors import error_from_exception, error_from_response

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@cache
def tls_context() -> ssl.SSLContext:
    """The certificate-verifying TLS context every client shares: loading
    the CA bundle costs some 20 ms, and a client makes three HTTP clients (its
    own, the library's and the token client's) per task."""
    return httpx.create_ssl_context()


class AmazonTransport(HttpxTransport):
    def __init__(
        self,
        *,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        verify: bool = True,
        client: httpx.Client | None = None,
    ) -> None:
        super().__init__(
            client=client
            or httpx.Client(
                timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
                verify=tls_context() if verify else False,
            )
        )

    def request(
        self,
        method: str,
        url: str,
        *,
        params: object = None,
        data: object = None,
        content: bytes | str | Iterable[bytes] | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        try:
            response = self._client.request(
                method, url, params=params, data=data, content=content, headers=headers
            )
        except httpx.HTTPError as exc:
            raise error_from_exception(exc) from exc
        if response.status_code >= 400:
            raise error_from_response(
                response.status_code, response.headers, response.content
            )
        return response
