"""The Saleor App the plugin acts as: who imports orders and receives webhooks.

Saleor has no Python API for some operations (``orderBulkCreate``), so the
plugin executes Saleor's own GraphQL mutations in-process with this App as the
requestor (``saleor_compat.execute_saleor_graphql``). The App is created
through the ORM on first use, with the permissions order import needs, and
found again by its identifier; an advisory lock keeps two workers from
creating two Apps.

Below the features, which act as the App; what the dashboard and Saleor's
webhooks need of it (type, URL, extensions, the stock webhook) is provisioned
by ``services.saleor_app``.
"""

from django.db import connection, transaction
from saleor.app.models import App
from saleor.permission.enums import OrderPermissions, ProductPermissions

from .constants import APP_IDENTIFIER, APP_NAME
from .saleor_compat import get_permissions

# MANAGE_ORDERS_IMPORT for orderBulkCreate, MANAGE_ORDERS for order changes,
# MANAGE_PRODUCTS for stock webhooks (product variant stock events).
APP_PERMISSIONS = (
    OrderPermissions.MANAGE_ORDERS_IMPORT,
    OrderPermissions.MANAGE_ORDERS,
    ProductPermissions.MANAGE_PRODUCTS,
)
_LOCK_KEY = 0x414D5A4E41505001  # "AMZNAPP" + 1: arbitrary, stable


def get_or_create_plugin_app() -> App:
    """The plugin's own active App, with the permissions it needs."""
    app = _find()
    if app is not None and _has_permissions(app):
        return app
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        app = _find()
        if app is None:
            app = App.objects.create(
                name=APP_NAME,
                identifier=APP_IDENTIFIER,
                is_active=True,
                is_installed=True,
            )
        app.permissions.add(
            *get_permissions([permission.value for permission in APP_PERMISSIONS])
        )
    return app


def _find() -> App | None:
    return (
        App.objects.filter(identifier=APP_IDENTIFIER, removed_at__isnull=True)
        .order_by("pk")
        .first()
    )


def _has_permissions(app: App) -> bool:
    codenames = set(app.permissions.values_list("codename", flat=True))
    return all(p.codename in codenames for p in APP_PERMISSIONS)
