"""Makes the plugin's Saleor App show the Amazon pages in the dashboard.

The dashboard renders an App's extensions only when the App is what Saleor's
own installer leaves behind for a third-party app: ``type="thirdparty"`` (else
Saleor issues no token for the App's page), an absolute ``app_url`` without a
trailing slash (relative extension URLs are appended to it), installed and
active. Activating the plugin provisions that, with the extensions of
``dashboard/extensions.py``; deactivating removes the extensions (the App
stays, active, because order import runs as it) and clears ``app_url``.
"""

from django.db import transaction
from saleor.app.models import App, AppExtension
from saleor.app.types import AppType
from saleor.permission.enums import (
    ChannelPermissions,
    OrderPermissions,
    ProductPermissions,
    get_permissions,
)

from .. import __version__
from ..dashboard import dashboard_path
from ..dashboard.extensions import EXTENSIONS, Extension
from .saleor_app import APP_IDENTIFIER, get_or_create_plugin_app

# The App page's token carries the App's permissions narrowed to the user's:
# the App needs every permission some page uses. MANAGE_CHANNELS for accounts
# and marketplaces, MANAGE_PRODUCTS and MANAGE_ORDERS for the catalog and
# order tabs and widgets. (MANAGE_ORDERS_IMPORT, which order import needs, is
# the App's already; the shipping mapping form reads zones from the plugin's
# API, so no MANAGE_SHIPPING.)
DASHBOARD_PERMISSIONS = (
    ChannelPermissions.MANAGE_CHANNELS,
    ProductPermissions.MANAGE_PRODUCTS,
    OrderPermissions.MANAGE_ORDERS,
)


def app_url() -> str:
    """Absolute (from PUBLIC_URL or the site's domain), no trailing slash."""
    from saleor.core.utils import build_absolute_uri

    return build_absolute_uri(dashboard_path()).rstrip("/")


def extension_url(extension: Extension) -> str:
    from saleor.core.utils import build_absolute_uri

    if extension.absolute_url:
        return build_absolute_uri(dashboard_path(extension.page))
    return "/" + extension.page


def provision_dashboard_app() -> App:
    """The App and its extensions as the dashboard needs them (idempotent)."""
    app = get_or_create_plugin_app()
    url = app_url()
    with transaction.atomic():
        # Serialises concurrent activations (two pluginUpdate calls, the
        # reconciliation task) on the App row.
        app = App.objects.select_for_update().get(pk=app.pk)
        wanted = {
            "type": AppType.THIRDPARTY,
            "app_url": url,
            "is_installed": True,
            "is_active": True,
            "version": __version__,
        }
        changed = [
            name for name, value in wanted.items() if getattr(app, name) != value
        ]
        for name in changed:
            setattr(app, name, wanted[name])
        if changed:
            app.save(update_fields=changed)
        app.permissions.add(
            *get_permissions([permission.value for permission in DASHBOARD_PERMISSIONS])
        )
        for extension in EXTENSIONS:
            _upsert(app, extension)
        # Extensions a previous version registered and this one no longer has.
        AppExtension.objects.filter(app=app).exclude(
            identifier__in=[extension.identifier for extension in EXTENSIONS]
        ).delete()
    return app


def _upsert(app: App, extension: Extension) -> AppExtension:
    row, _ = AppExtension.objects.update_or_create(
        app=app,
        identifier=extension.identifier,
        defaults={
            "label": extension.label,
            "url": extension_url(extension),
            "mount": extension.mount,
            "target": extension.target,
            "settings": extension.settings,
            "http_target_method": extension.http_target_method,
        },
    )
    row.permissions.set(
        get_permissions([permission.value for permission in extension.permissions])
    )
    return row


def hide_dashboard_app() -> int:
    """Remove the extensions and the App page while the plugin is inactive
    (its endpoint answers 404 then). Returns how many extensions went."""
    with transaction.atomic():
        apps = App.objects.filter(identifier=APP_IDENTIFIER, removed_at__isnull=True)
        _, per_model = AppExtension.objects.filter(app__in=apps).delete()
        apps.exclude(app_url=None).update(app_url=None)
    return per_model.get(AppExtension._meta.label, 0)
