"""Serves the dashboard extension's production build at ``dashboard/<path>``.

Page paths (``app``, ``widgets/product``, ...) answer with the build's
``index.html``: revalidated on every load (``no-cache`` plus an ETag), so a new
plugin version takes effect at once, and with a strict Content-Security-Policy.
Files under ``assets/`` carry a content hash in their names and are cached for
a year. Nothing outside the build folder, no hidden file and no file of an
unknown type is ever served.

Headers the dashboard's embedding needs: no ``X-Frame-Options`` (the dashboard
frames these pages; who may is said by CSP ``frame-ancestors``), and a
``Referrer-Policy`` that sends the dashboard page's origin along (Saleor's
SecurityMiddleware would set ``same-origin``, under which the app-bridge, which
trusts only messages from ``document.referrer``'s origin, sees no referrer).
"""

import hashlib
import logging
import re
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)

from .. import conf
from ..saleor_compat import BasePlugin, build_absolute_uri
from . import dashboard_path
from .extensions import PAGES

log = logging.getLogger(__name__)

# The frontend build (gitignored; built by scripts/build_dashboard.py and by the
# wheel build). Read at request time so tests can point it elsewhere.
STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS_DIR = "assets"
INDEX = "index.html"

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
REFERRER_POLICY = "strict-origin-when-cross-origin"

# Only these types are served; anything else in the folder is a 404. The
# explicit charset keeps browsers from guessing (and nosniff from refusing).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8",
}

# A CSP source expression for an origin: scheme, host (optionally a leading
# wildcard label) or bracketed IPv6, optional port. Nothing else may reach the
# header, so a bad setting cannot add directives (``; script-src *``).
_ORIGIN = re.compile(
    r"^https?://(?:(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?:\d{1,5}|\*))?$"
)


def frame_ancestors() -> list[str]:
    """``'self'`` plus the origins of AMAZON_FEEDS_DASHBOARD_ORIGINS.

    One entry that is not an origin (or ``*``) voids the whole setting, with an
    error in the log: a value such as ``https://a.example; script-src *``
    splits into pieces one of which (``*``) would be valid on its own, so
    keeping the valid pieces of a bad value could widen the policy.
    """
    sources = ["'self'"]
    for raw in re.split(r"[\s,]+", conf.dashboard_origins().strip()):
        value = raw.rstrip("/")
        if not value or value in sources:
            continue
        if value != "*" and not _ORIGIN.match(value):
            log.error(
                "AMAZON_FEEDS_DASHBOARD_ORIGINS is ignored: %r is not an origin "
                "such as https://dashboard.example.com; only Saleor's own origin "
                "may frame the dashboard pages",
                value[:100],
            )
            return ["'self'"]
        sources.append(value)
    return sources


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    origin = f"{parts.scheme}://{parts.netloc}"
    return origin if _ORIGIN.match(origin) else None


def content_security_policy() -> str:
    """The pages' policy: only the plugin's own files run, and they talk only
    to this Saleor (the plugin's API is same-origin; Saleor's API is at
    PUBLIC_URL, which may be another host than the one the page was loaded
    from)."""
    api = _origin(build_absolute_uri("/graphql/"))
    media = _origin(getattr(settings, "MEDIA_URL", None))
    extra_img = [o for o in dict.fromkeys((api, media)) if o]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The build's CSS is one file. Style attributes React sets through the
        # DOM are not affected; <style> elements or style="" in markup would
        # be, and the browser tests record any such violation.
        "style-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "img-src": ["'self'", "data:", "blob:", *extra_img],
        "connect-src": ["'self'", *([api] if api else [])],
        "frame-ancestors": frame_ancestors(),
        "frame-src": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
    return "; ".join(
        f"{name} {' '.join(dict.fromkeys(values))}"
        for name, values in directives.items()
    )


def _not_found(what: str) -> JsonResponse:
    response = JsonResponse(
        {"error": {"code": "NOT_FOUND", "message": f"No dashboard file '{what}'."}},
        status=404,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _safe_file(relative: str) -> Path | None:
    """The build file at ``relative``, or None for anything that is not one.

    Refuses before touching the disk: empty or dot segments (``..``, ``.``,
    hidden files), backslashes and NULs; then checks the resolved path (which
    follows symlinks) is still inside the build folder.
    """
    if not relative or "\\" in relative or "\x00" in relative:
        return None
    segments = relative.split("/")
    if any(not s or s.startswith(".") for s in segments):
        return None
    if PurePosixPath(relative).suffix.lower() not in CONTENT_TYPES:
        return None
    root = STATIC_DIR.resolve()
    try:
        candidate = root.joinpath(*segments).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _accepts_gzip(request: HttpRequest) -> bool:
    for item in request.headers.get("Accept-Encoding", "").split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = params.strip().lower().removeprefix("q=")
            try:
                return not params or float(quality) > 0
            except ValueError:
                return False
    return False


def _common_headers(response: HttpResponse) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _not_built() -> HttpResponse:
    response = HttpResponse(
        "<!doctype html><meta charset=utf-8><title>Amazon</title>"
        "<p>The Amazon dashboard pages are not built. Install the plugin from a "
        "wheel, or build them in a checkout with <code>make dashboard</code>.</p>",
        status=503,
        content_type="text/html; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = content_security_policy()
    return _common_headers(response)


def _page(request: HttpRequest) -> HttpResponse:
    index = STATIC_DIR / INDEX
    try:
        body = index.read_bytes()
    except FileNotFoundError:
        return _not_built()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    matches = request.headers.get("If-None-Match", "")
    if etag in [tag.strip() for tag in matches.split(",")]:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            b"" if request.method == "HEAD" else body,
            content_type=CONTENT_TYPES[".html"],
        )
        response["Content-Length"] = str(len(body))
    response["ETag"] = etag
    response["Cache-Control"] = REVALIDATE
    response["Content-Security-Policy"] = content_security_policy()
    return _common_headers(response)


def _file(request: HttpRequest, relative: str) -> HttpResponse:
    path = _safe_file(relative)
    if path is None:
        return _not_found(relative[:200])
    content_type = CONTENT_TYPES[path.suffix.lower()]
    # The build stores a gzip copy beside large text files (the main script
    # shrinks from ~670 kB to ~170 kB); served to clients that accept it.
    compressed = path.with_name(path.name + ".gz")
    has_gzip = compressed.is_file() and compressed.resolve().is_relative_to(
        STATIC_DIR.resolve()
    )
    send = compressed if has_gzip and _accepts_gzip(request) else path
    size = send.stat().st_size
    # Read whole (the largest file is under 1 MB) rather than streamed: under
    # ASGI, which Saleor is served with, Django would consume a file iterator
    # synchronously anyway and warn on every request.
    body = b"" if request.method == "HEAD" else send.read_bytes()
    response = HttpResponse(body, content_type=content_type)
    response["Content-Length"] = str(size)
    if send is compressed:
        response["Content-Encoding"] = "gzip"
    if has_gzip:
        response["Vary"] = "Accept-Encoding"
    # Vite names every file under assets/ after its content: a changed file is
    # a new URL, so these never need revalidating. Anything else might change
    # under the same name.
    hashed = relative.startswith(ASSETS_DIR + "/")
    response["Cache-Control"] = IMMUTABLE if hashed else REVALIDATE
    # Assets are fetched by the pages (same origin) only; an SVG opened on its
    # own still gets the pages' policy, so it cannot run script.
    response["Content-Security-Policy"] = content_security_policy()
    return _common_headers(response)


def dashboard(
    plugin: BasePlugin, request: HttpRequest, page: str | None = None
) -> HttpResponse:
    """``dashboard/<page>``: ``page`` is what the route matched after the folder."""
    sub = (page or "").strip("/")
    if not sub:
        # The App's appUrl is the folder itself (the dashboard frames it when
        # the App is opened from the Apps list): go to the Amazon page, with
        # the dashboard's query string.
        query = request.META.get("QUERY_STRING", "")
        return HttpResponseRedirect(
            dashboard_path("app") + (f"?{query}" if query else "")
        )
    if sub in PAGES:
        return _page(request)
    if sub == INDEX:
        # Only under a page's name: the frontend picks the page from the path.
        return _not_found(sub)
    return _file(request, sub)
