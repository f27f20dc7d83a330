"""``GET health/``: is the plugin up, and (for staff) which versions run."""

import jwt
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse

from . import __version__
from .saleor_compat import SALEOR_VERSION, BasePlugin, get_context_value


def health(plugin: BasePlugin, request: HttpRequest) -> HttpResponse:
    """Liveness for anyone; the exact plugin and Saleor versions for staff only.

    Exact versions tell an attacker which published vulnerabilities apply, so
    they need a staff JWT. A token that does not authenticate (expired, forged,
    revoked) is treated as no token rather than refused: probes carry whatever
    headers their proxy adds, and a health check must not fail over them.
    """
    # Authenticated as the plugin's GraphQL view does (graphql/core/context.py):
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
            "saleor": {"version": SALEOR_VERSION},
        }
    )
