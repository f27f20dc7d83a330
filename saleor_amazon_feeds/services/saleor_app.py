"""The Saleor App the plugin acts as (order import, platform webhooks).

Saleor has no Python API for some operations (``orderBulkCreate``), so the
plugin executes Saleor's own GraphQL mutations in-process with this app as the
requestor. The app is created through the ORM on first use and found again by
its identifier; an advisory lock keeps two workers from creating two apps.
"""

from typing import Any

from django.db import connection, transaction
from django.test import RequestFactory
from saleor.app.models import App
from saleor.permission.enums import (
    OrderPermissions,
    ProductPermissions,
    get_permissions,
)

APP_IDENTIFIER = "saleor.amazon_feeds"
APP_NAME = "Amazon Feeds"
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


def execute_saleor_graphql(
    query: str, variables: dict[str, Any] | None = None, app: App | None = None
) -> dict[str, Any]:
    """Run a query against Saleor's schema in-process, as the plugin's app.

    Returns ``data``; GraphQL-level errors raise RuntimeError (they mean a bug
    in the query, not bad merchant data, which mutations report in ``errors``).
    """
    from saleor.graphql.api import schema
    from saleor.graphql.context import get_context_value

    request = RequestFactory().post("/graphql/")
    request.app = app or get_or_create_plugin_app()
    context = get_context_value(request)
    result = schema.execute(query, variables=variables or {}, context_value=context)
    if result.errors:
        raise RuntimeError(
            "Saleor GraphQL error: " + "; ".join(str(e) for e in result.errors)
        )
    return result.data


def plugin_is_active() -> bool:
    """Whether a merchant has the plugin switched on (read from the database,
    so Celery tasks, which have no plugin manager at hand, can ask too)."""
    from saleor.plugins.models import PluginConfiguration

    from ..plugin import PLUGIN_ID

    return PluginConfiguration.objects.filter(
        identifier=PLUGIN_ID, active=True
    ).exists()
