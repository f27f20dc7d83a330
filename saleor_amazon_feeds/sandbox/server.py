"""HTTP front door: routing, auth, faults, quotas, and the SandboxServer handle."""

import logging
import socket
import struct
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from os import PathLike
from urllib.parse import unquote, urlsplit, urlunsplit

from . import admin, auth, feeds, listings, orders, product_types, sellers
from .errors import ApiError, quota_exceeded
from .routing import Request, Response, Route, route
from .state import SandboxState

log = logging.getLogger(__name__)
TICK_SECONDS = 0.02


def build_routes(state: SandboxState) -> list[Route]:
    s = state

    def bind(fn):
        return lambda request: fn(s, request)

    items = "/listings/2021-08-01/items/{sellerId}/{sku}"
    return [
        route("POST", "/auth/o2/token", "lwaToken", bind(auth.token), sp_api=False),
        route(
            "GET",
            "/sellers/v1/marketplaceParticipations",
            "getMarketplaceParticipations",
            sellers.get_marketplace_participations,
        ),
        route(
            "POST",
            "/feeds/2021-06-30/documents",
            "createFeedDocument",
            bind(feeds.create_feed_document),
        ),
        route(
            "GET",
            "/feeds/2021-06-30/documents/{feedDocumentId}",
            "getFeedDocument",
            bind(feeds.get_feed_document),
        ),
        route("POST", "/feeds/2021-06-30/feeds", "createFeed", bind(feeds.create_feed)),
        route("GET", "/feeds/2021-06-30/feeds", "getFeeds", bind(feeds.get_feeds)),
        route(
            "GET", "/feeds/2021-06-30/feeds/{feedId}", "getFeed", bind(feeds.get_feed)
        ),
        route(
            "DELETE",
            "/feeds/2021-06-30/feeds/{feedId}",
            "cancelFeed",
            bind(feeds.cancel_feed),
        ),
        route("GET", items, "getListingsItem", bind(listings.get_listings_item)),
        route("PUT", items, "putListingsItem", bind(listings.put_listings_item)),
        route("PATCH", items, "patchListingsItem", bind(listings.patch_listings_item)),
        route(
            "DELETE", items, "deleteListingsItem", bind(listings.delete_listings_item)
        ),
        route(
            "GET",
            "/definitions/2020-09-01/productTypes",
            "searchDefinitionsProductTypes",
            product_types.search_definitions,
        ),
        route(
            "GET",
            "/definitions/2020-09-01/productTypes/{productType}",
            "getDefinitionsProductType",
            product_types.get_definition,
        ),
        route(
            "GET",
            "/orders/2026-01-01/orders",
            "searchOrders",
            bind(orders.search_orders),
        ),
        route(
            "GET",
            "/orders/2026-01-01/orders/{orderId}",
            "getOrder",
            bind(orders.get_order),
        ),
        route(
            "POST",
            "/orders/v0/orders/{orderId}/shipmentConfirmation",
            "confirmShipment",
            bind(orders.confirm_shipment),
        ),
        # Presigned-style URLs handed out by the APIs above.
        route(
            "PUT",
            "/_sandbox/documents/{documentId}",
            "uploadFeedDocument",
            bind(feeds.upload_document),
            sp_api=False,
        ),
        route(
            "GET",
            "/_sandbox/documents/{documentId}",
            "downloadFeedDocument",
            bind(feeds.download_document),
            sp_api=False,
        ),
        route(
            "GET",
            "/_sandbox/schemas/product-types/{productType}/{marketplaceId}",
            "downloadProductTypeSchema",
            product_types.download_schema,
            sp_api=False,
        ),
        route(
            "GET",
            "/_sandbox/schemas/meta-schema/v1",
            "downloadMetaSchema",
            product_types.download_meta_schema,
            sp_api=False,
        ),
        # Admin.
        route("POST", "/_sandbox/reset", "admin", bind(admin.reset), sp_api=False),
        route("GET", "/_sandbox/faults", "admin", bind(admin.get_faults), sp_api=False),
        route("PUT", "/_sandbox/faults", "admin", bind(admin.put_faults), sp_api=False),
        route(
            "POST", "/_sandbox/orders", "admin", bind(admin.post_orders), sp_api=False
        ),
        route("GET", "/_sandbox/orders", "admin", bind(admin.get_orders), sp_api=False),
        route(
            "GET", "/_sandbox/listings", "admin", bind(admin.get_listings), sp_api=False
        ),
        route(
            "GET",
            "/_sandbox/shipments",
            "admin",
            bind(admin.get_shipments),
            sp_api=False,
        ),
        route(
            "GET", "/_sandbox/requests", "admin", bind(admin.get_requests), sp_api=False
        ),
        route("GET", "/_sandbox/feeds", "admin", bind(admin.get_feeds), sp_api=False),
        route("GET", "/_sandbox/health", "admin", bind(admin.health), sp_api=False),
    ]


class Dispatcher:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.routes = build_routes(state)

    def _match(
        self, method: str, path: str
    ) -> tuple[Route | None, dict[str, str], bool]:
        path_known = False
        for r in self.routes:
            m = r.pattern.match(path)
            if m:
                path_known = True
                if r.method == method:
                    return r, {k: unquote(v) for k, v in m.groupdict().items()}, True
        return None, {}, path_known

    def dispatch(self, request: Request) -> Response:
        state = self.state
        r, params, path_known = self._match(request.method, request.path)
        operation = r.operation if r else ""
        headers = {"x-amzn-RequestId": str(uuid.uuid4())}
        try:
            if r is None:
                if path_known:
                    raise ApiError(
                        405,
                        "MethodNotAllowed",
                        f"{request.method} is not allowed here.",
                    )
                raise ApiError(404, "NotFound", "Resource not found.")
            request.path_params = params
            request.operation = operation
            if operation != "admin":
                delay = state.faults.slow_seconds
                if delay > 0:
                    time.sleep(delay)
            if r.sp_api:
                request.seller_id = auth.authenticate(state, request)
                state.faults.check(operation, sp_api=True)
                if not state.quotas.take(request.seller_id, operation):
                    raise quota_exceeded()
            elif operation != "admin":
                state.faults.check(operation, sp_api=False)
            response = r.handler(request)
            # After the handler: Amazon did act, only the answer is lost.
            response.drop = operation != "admin" and state.faults.drop_response(
                operation
            )
        except ApiError as exc:
            response = Response(exc.status, exc.body(), headers=dict(exc.headers))
        except Exception:  # a sandbox bug must still answer like a server would
            log.error("sandbox handler failed:\n%s", traceback.format_exc())
            response = Response(
                500,
                {
                    "errors": [
                        {
                            "code": "InternalFailure",
                            "message": "We encountered an internal error. "
                            "Please try again.",
                        }
                    ]
                },
            )
        response.headers.update(headers)
        if r is not None and r.sp_api and response.status != 429:
            limit = state.quotas.rate_header(operation)
            if limit:
                response.headers["x-amzn-RateLimit-Limit"] = limit
        if operation != "admin":
            raw_query = "&".join(
                f"{k}={v}" for k, vs in request.query.items() for v in vs
            )
            state.log_request(
                request.method, request.path, raw_query, operation, response.status
            )
        return response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; without this, Nagle plus
    # delayed ACKs add ~40 ms to every keep-alive response.
    disable_nagle_algorithm = True
    server: "_HTTPServer"

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - " + format, self.address_string(), *args)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _handle(self) -> None:
        body = self._body()
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = Request.build(self.command, self.path, headers, body)
        # Never from the Host header: python-amazon-sp-api sends
        # `Host: endpoint[8:]`, which for http://127.0.0.1:PORT is
        # "27.0.0.1:PORT", and presigned upload URLs would point at that
        # foreign address with the feed's content.
        request.base_url = self.server.public_url
        response = self.server.dispatcher.dispatch(request)
        payload = response.payload()
        self.send_response(response.status)
        if payload or response.status not in (204,):
            self.send_header("Content-Type", response.content_type)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if response.drop:
            self._reset(payload[: len(payload) // 2])
            return
        if payload and self.command != "HEAD":
            self.wfile.write(payload)

    def _reset(self, partial: bytes) -> None:
        """Write part of the body, then abort the connection with a RST."""
        if partial:
            self.wfile.write(partial)
        self.wfile.flush()
        # SO_LINGER 0: close() sends RST instead of a clean FIN.
        self.connection.setsockopt(
            socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
        )
        self.close_connection = True
        self.connection.close()

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    dispatcher: Dispatcher
    public_url: str


def _bound_url(server_address: tuple) -> str:
    host, port = server_address[:2]
    # A wildcard bind is reachable on loopback, the one address the sandbox
    # knows is its own; --public-url names any other.
    if host == "0.0.0.0":
        host = "127.0.0.1"
    return f"http://{host}:{port}"


def normalize_public_url(url: str) -> str:
    """``url`` as a base for the URLs the sandbox hands out; ValueError if unusable."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # ValueError when out of range
    except ValueError as exc:
        raise ValueError(f"not a URL: {url!r}") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname or port == 0:
        raise ValueError(f"not an http(s) URL with a host: {url!r}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"a base URL has no query, fragment or credentials: {url!r}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


class SandboxServer:
    """A local SP-API emulator serving in background threads.

    ``port=0`` picks a free port; read it back from ``base_url``.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: str | PathLike[str] | None = None,
        time_scale: float = 1.0,
        seed: bool = True,
        public_url: str | None = None,
    ) -> None:
        """``public_url``: the base of the document and schema URLs the sandbox
        hands out, when clients reach it by another address than the one it
        binds (a proxy, a container); by default the bound address."""
        self.host = host
        self.port = port
        self.public_url = normalize_public_url(public_url) if public_url else None
        self.state = SandboxState(
            time_scale=time_scale, state_file=state_file, seed=seed
        )
        self._httpd: _HTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()

    @property
    def base_url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("SandboxServer is not started")
        return _bound_url(self._httpd.server_address)

    def start(self) -> "SandboxServer":
        if self._httpd is not None:
            return self
        self._httpd = _HTTPServer((self.host, self.port), _Handler)
        self._httpd.dispatcher = Dispatcher(self.state)
        self._httpd.public_url = self.public_url or _bound_url(
            self._httpd.server_address
        )
        self._stop.clear()
        serve = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="sp-api-sandbox-http",
            daemon=True,
        )
        tick = threading.Thread(
            target=self._tick, name="sp-api-sandbox-feeds", daemon=True
        )
        self._threads = [serve, tick]
        for t in self._threads:
            t.start()
        return self

    def _tick(self) -> None:
        while not self._stop.wait(TICK_SECONDS):
            try:
                feeds.advance(self.state)
            except Exception:  # keep ticking; the failure shows in the log
                log.error("feed processing failed:\n%s", traceback.format_exc())

    def serve_forever(self) -> None:
        """Run in the foreground until interrupted (used by the CLI)."""
        self.start()
        try:
            while not self._stop.wait(0.5):
                pass
        finally:
            self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        for t in self._threads:
            t.join(timeout=5)
        self._threads = []
        self.state.save()

    def __enter__(self) -> "SandboxServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
