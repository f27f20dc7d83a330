"""Routes for the plugin's HTTP endpoint, /plugins/global/<PLUGIN_ID>/<path>."""

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

if TYPE_CHECKING:
    from .plugin import AmazonFeedsPlugin

Handler = Callable[["AmazonFeedsPlugin", HttpRequest], HttpResponse]

_ROUTES: list[tuple[re.Pattern[str], frozenset[str], Handler]] = []


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
    for pattern, methods, handler in _ROUTES:
        if pattern.match(normalized):
            if request.method not in methods and not (
                request.method == "OPTIONS" and "OPTIONS" in methods
            ):
                return HttpResponseNotAllowed(sorted(methods))
            return handler(plugin, request)
    return JsonResponse(
        {"error": {"code": "NOT_FOUND", "message": f"No route for '/{normalized}'."}},
        status=404,
    )


@route("health")
def health(plugin: "AmazonFeedsPlugin", request: HttpRequest) -> HttpResponse:
    import saleor

    from . import __version__

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
from .graphql import view as _graphql_view  # noqa: E402, F401
from .sync import webhooks as _sync_webhooks  # noqa: E402, F401
