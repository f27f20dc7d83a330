"""Routes for the plugin's HTTP endpoint, /plugins/global/<PLUGIN_ID>/<path>."""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

if TYPE_CHECKING:
    from .plugin import AmazonFeedsPlugin

Handler = Callable[["AmazonFeedsPlugin", HttpRequest], HttpResponse]

_ROUTES: list[tuple[re.Pattern[str], frozenset[str], Handler]] = []

# Every body the endpoint takes (GraphQL operations, Saleor's stock webhooks)
# fits easily; anything larger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024


def route(pattern: str, methods: tuple[str, ...] = ("GET",)):
    """Register a handler for a sub-path (without leading/trailing slashes)."""

    def register(handler: Handler) -> Handler:
        _ROUTES.append((re.compile(rf"^{pattern}$"), frozenset(methods), handler))
        return handler

    return register


def dispatch(
    plugin: "AmazonFeedsPlugin", request: HttpRequest, path: str | None
) -> HttpResponse:
    normalized = (path or "").strip("/")
    # Handlers serving a tree of paths (the dashboard's files) read it back.
    request.amazon_feeds_path = normalized
    for pattern, methods, handler in _ROUTES:
        if pattern.match(normalized):
            if request.method not in methods and not (
                request.method == "OPTIONS" and "OPTIONS" in methods
            ):
                return HttpResponseNotAllowed(sorted(methods))
            if _body_too_large(request):
                return JsonResponse(
                    {
                        "error": {
                            "code": "BODY_TOO_LARGE",
                            "message": f"The body exceeds {MAX_BODY_BYTES} bytes.",
                        }
                    },
                    status=413,
                )
            return handler(plugin, request)
    return JsonResponse(
        {"error": {"code": "NOT_FOUND", "message": f"No route for '/{normalized}'."}},
        status=404,
    )


def routed_path(request: HttpRequest) -> str:
    """The sub-path ``dispatch`` matched, without leading/trailing slashes."""
    return getattr(request, "amazon_feeds_path", "")


def _body_too_large(request: HttpRequest) -> bool:
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        return True
    try:
        # Reads the body once (Django caches it); a body without a length
        # header is measured here. Django refuses beyond its own upload limit.
        return len(request.body) > MAX_BODY_BYTES
    except RequestDataTooBig:
        return True


@route("health")
def health(plugin: "AmazonFeedsPlugin", request: HttpRequest) -> HttpResponse:
    """Liveness for anyone; the exact plugin and Saleor versions for staff only.

    Exact versions tell an attacker which published vulnerabilities apply, so
    they need a staff JWT. A token that does not authenticate (expired, forged,
    revoked) is treated as no token rather than refused: probes carry whatever
    headers their proxy adds, and a health check must not fail over them.
    """
    import jwt
    import saleor
    from django.core.exceptions import PermissionDenied
    from saleor.graphql.context import get_context_value

    from . import __version__

    # Authenticated as the plugin's GraphQL view does (graphql/context.py):
    # Saleor's own context resolves staff and dashboard-extension JWTs.
    request.dataloaders = {}
    request.allow_replica = False
    try:
        user = get_context_value(request).user
        is_staff = bool(user) and user.is_active and user.is_staff
    except (jwt.PyJWTError, PermissionDenied):
        is_staff = False
    if not is_staff:
        return JsonResponse({"status": "ok"})
    return JsonResponse(
        {
            "status": "ok",
            "plugin": {
                "id": plugin.PLUGIN_ID,
                "name": plugin.PLUGIN_NAME,
                "version": __version__,
                "active": plugin.active,
            },
            "saleor": {"version": saleor.__version__},
        }
    )


# Routes defined in other modules register themselves on import.
from .dashboard import assets as _dashboard_assets  # noqa: E402, F401
from .graphql import views as _graphql_views  # noqa: E402, F401
from .sync import webhooks as _sync_webhooks  # noqa: E402, F401
