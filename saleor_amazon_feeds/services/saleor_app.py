"""Provisioning of the plugin's Saleor App: the one place that registers the
plugin with Saleor beyond its plugin configuration.

Activating the plugin (``activate``) makes the App (``plugin_app``, which
order import runs as) what Saleor and its dashboard need:

* a webhook for the stock events, pointing back at the plugin's endpoint
  (``sync/stock``, handled by ``sync.webhooks``), with no secret key so that
  Saleor signs each payload with its own key;
* what Saleor's own installer leaves behind for a third-party app, which the
  dashboard needs to render an App's extensions: ``type="thirdparty"`` (else
  Saleor issues no token for the App's page), an absolute ``app_url`` without
  a trailing slash (relative extension URLs are appended to it), installed
  and active, with the extensions of ``dashboard/extensions.py``.

Deactivating (``deactivate``) stops the webhook and removes the extensions and
``app_url`` (the App stays, active, because order import runs as it); the
periodic ``repair`` restores whatever a merchant or a changed ``PUBLIC_URL``
broke. Everything here is idempotent.
"""

from django.db import transaction
from saleor.app.models import App, AppExtension
from saleor.permission.enums import (
    ChannelPermissions,
    OrderPermissions,
    ProductPermissions,
)
from saleor.plugins.models import PluginConfiguration
from saleor.webhook.models import Webhook, WebhookEvent

from .. import __version__
from ..constants import (
    APP_IDENTIFIER,
    PLUGIN_ID,
    STOCK_PATH,
    STOCK_WEBHOOK_NAME,
    endpoint_path,
)
from ..dashboard import dashboard_path
from ..dashboard.extensions import EXTENSIONS, Extension
from ..plugin_app import get_or_create_plugin_app
from ..saleor_compat import AppType, build_absolute_uri, get_permissions
from ..sync.webhooks import STOCK_EVENTS

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


def activate() -> App:
    """Everything the active plugin needs of its App (``pluginUpdate``)."""
    # Stock changes only reach the plugin through its App's webhook.
    ensure_stock_webhook()
    # The dashboard shows the Amazon pages through the same App.
    return provision_dashboard_app()


def deactivate() -> None:
    """Withdraw what an inactive plugin must not offer (its endpoint answers
    404 then)."""
    deactivate_stock_webhook()
    hide_dashboard_app()


def repair() -> None:
    """The periodic repair: a webhook a merchant deleted, a changed public URL,
    extensions edited by hand."""
    ensure_stock_webhook()
    if plugin_is_active():
        provision_dashboard_app()


def plugin_is_active() -> bool:
    """Whether a merchant has the plugin switched on (read from the database,
    so Celery tasks, which have no plugin manager at hand, can ask too)."""
    return PluginConfiguration.objects.filter(
        identifier=PLUGIN_ID, active=True
    ).exists()


# -- the stock webhook ---------------------------------------------------------


def stock_webhook_url() -> str:
    return build_absolute_uri(endpoint_path(STOCK_PATH) + "/")


def ensure_stock_webhook() -> Webhook:
    """The plugin App's stock webhook, created or repaired (idempotent)."""
    app = get_or_create_plugin_app()
    url = stock_webhook_url()
    with transaction.atomic():
        webhook = (
            Webhook.objects.select_for_update()
            .filter(app=app, name=STOCK_WEBHOOK_NAME)
            .order_by("pk")
            .first()
        )
        if webhook is None:
            webhook = Webhook.objects.create(
                app=app, name=STOCK_WEBHOOK_NAME, target_url=url, is_active=True
            )
        elif webhook.target_url != url or not webhook.is_active or webhook.secret_key:
            # A secret key would switch Saleor to HMAC signatures, which the
            # handler rejects; the payload must be signed with Saleor's key.
            webhook.target_url, webhook.is_active, webhook.secret_key = url, True, None
            webhook.save(update_fields=["target_url", "is_active", "secret_key"])
        have = set(webhook.events.values_list("event_type", flat=True))
        WebhookEvent.objects.bulk_create(
            WebhookEvent(webhook=webhook, event_type=event)
            for event in STOCK_EVENTS
            if event not in have
        )
    return webhook


def deactivate_stock_webhook() -> int:
    """Stop Saleor sending stock events while the plugin is inactive (its
    endpoint answers 404 then, and Saleor would retry each delivery)."""
    return Webhook.objects.filter(
        app__identifier=APP_IDENTIFIER, name=STOCK_WEBHOOK_NAME, is_active=True
    ).update(is_active=False)


# -- the dashboard's App page and extensions -----------------------------------


def app_url() -> str:
    """Absolute (from PUBLIC_URL or the site's domain), no trailing slash."""
    return build_absolute_uri(dashboard_path()).rstrip("/")


def extension_url(extension: Extension) -> str:
    if extension.absolute_url:
        return build_absolute_uri(dashboard_path(extension.page))
    return "/" + extension.page


def provision_dashboard_app() -> App:
    """The App and its extensions as the dashboard needs them (idempotent)."""
    app = get_or_create_plugin_app()
    url = app_url()
    with transaction.atomic():
        # Serialises concurrent activations (two pluginUpdate calls, the
        # periodic repair) on the App row.
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
