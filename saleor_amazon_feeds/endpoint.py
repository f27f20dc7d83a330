"""The plugin's HTTP endpoint, /plugins/global/<PLUGIN_ID>/<path>: one table of
routes and the dispatch over it.

Handlers live with what they serve and know nothing of this module: the table
imports them, so the endpoint depends on the handlers and never the other way
round. A handler is called as ``handler(plugin, request, **groups)``, with the
named groups of its pattern.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse

from .constants import DASHBOARD_PATH, GRAPHQL_PATH, HEALTH_PATH, STOCK_PATH
from .dashboard.assets import dashboard
from .graphql.views import graphql_view
from .health import health
from .saleor_compat import BasePlugin
from .sync.webhooks import stock_webhook

Handler = Callable[..., HttpResponse]

# Every body the endpoint takes (GraphQL operations, Saleor's stock webhooks)
# fits easily; anything larger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Route:
    pattern: re.Pattern[str]
    methods: frozenset[str]
    handler: Handler


def _route(pattern: str, handler: Handler, methods: tuple[str, ...]) -> Route:
    """A route for a sub-path (without leading/trailing slashes)."""
    return Route(re.compile(rf"^{pattern}$"), frozenset(methods), handler)


ROUTES: tuple[Route, ...] = (
    _route(HEALTH_PATH, health, ("GET",)),
    _route(rf"{DASHBOARD_PATH}(?:/(?P<page>.*))?", dashboard, ("GET", "HEAD")),
    _route(GRAPHQL_PATH, graphql_view, ("POST", "OPTIONS")),
    _route(STOCK_PATH, stock_webhook, ("POST",)),
)


def dispatch(
    plugin: BasePlugin, request: HttpRequest, path: str | None
) -> HttpResponse:
    normalized = (path or "").strip("/")
    for route in ROUTES:
        match = route.pattern.match(normalized)
        if match is None:
            continue
        if request.method not in route.methods and not (
            request.method == "OPTIONS" and "OPTIONS" in route.methods
        ):
            return HttpResponseNotAllowed(sorted(route.methods))
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
        return route.handler(plugin, request, **match.groupdict())
    return JsonResponse(
        {"error": {"code": "NOT_FOUND", "message": f"No route for '/{normalized}'."}},
        status=404,
    )


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
