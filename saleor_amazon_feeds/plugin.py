"""The Saleor plugin: a thin adapter from Saleor's hooks and HTTP route to services.

Hooks only enqueue work; the heavy lifting lives in services and Celery tasks.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound

from . import __version__
from .constants import PLUGIN_ID, PLUGIN_NAME
from .endpoint import dispatch
from .orders.tasks import enqueue_shipment_confirmation
from .saleor_compat import BasePlugin
from .services import saleor_app
from .sync import hooks as sync_hooks

__all__ = ["PLUGIN_ID", "AmazonFeedsPlugin"]


class AmazonFeedsPlugin(BasePlugin):
    PLUGIN_ID = PLUGIN_ID
    PLUGIN_NAME = PLUGIN_NAME
    PLUGIN_DESCRIPTION = (
        "Sell the Saleor catalog on Amazon: listings, prices and stock are exported "
        "to Amazon marketplaces and kept in sync, Amazon orders are imported and "
        f"shipments confirmed back (version {__version__})."
    )
    # Product, variant and category hooks are dispatched without a channel and never
    # reach per-channel plugins, so the plugin must be global.
    CONFIGURATION_PER_CHANNEL = False
    DEFAULT_ACTIVE = False
    DEFAULT_CONFIGURATION: list[dict[str, Any]] = []
    CONFIG_STRUCTURE: dict[str, Any] = {}

    def webhook(
        self, request: HttpRequest, path: str, previous_value: Any
    ) -> HttpResponse:
        # The legacy /plugins/<id>/ route calls this without checking `active`.
        if not self.active:
            return HttpResponseNotFound()
        return dispatch(self, request, path)

    # -- orders: confirm shipments of imported orders to Amazon (enqueue only) --
    def fulfillment_created(
        self,
        fulfillment,
        notify_customer=True,
        previous_value=None,
        webhooks=None,
        **kwargs,
    ):
        enqueue_shipment_confirmation(fulfillment)
        sync_hooks.fulfillment_changed(fulfillment)
        return previous_value

    def tracking_number_updated(
        self, fulfillment, previous_value=None, webhooks=None, **kwargs
    ):
        enqueue_shipment_confirmation(fulfillment)
        return previous_value

    # -- automatic sync: record changes in the outbox (the drain does the rest) --
    @classmethod
    def save_plugin_configuration(cls, plugin_configuration, cleaned_data):
        configuration = super().save_plugin_configuration(
            plugin_configuration, cleaned_data
        )
        # The plugin's Saleor App: stock webhook and dashboard pages.
        if configuration.active:
            saleor_app.activate()
        else:
            saleor_app.deactivate()
        return configuration

    def product_created(self, product, previous_value=None, webhooks=None):
        sync_hooks.product_changed(product)
        return previous_value

    def product_updated(self, product, previous_value=None, webhooks=None):
        sync_hooks.product_changed(product)
        return previous_value

    def product_deleted(self, product, variants, previous_value=None, webhooks=None):
        sync_hooks.product_deleted(product, variants)
        return previous_value

    def product_variant_created(self, variant, previous_value=None, webhooks=None):
        sync_hooks.variant_changed(variant)
        return previous_value

    def product_variant_updated(self, variant, previous_value=None, webhooks=None):
        sync_hooks.variant_changed(variant)
        return previous_value

    def product_variant_deleted(self, variant, previous_value=None, webhooks=None):
        sync_hooks.variant_deleted(variant)
        return previous_value

    def category_updated(self, category, previous_value=None, webhooks=None):
        sync_hooks.category_changed(category)
        return previous_value

    def attribute_value_updated(self, attribute_value, previous_value=None):
        sync_hooks.attribute_value_changed(attribute_value)
        return previous_value

    def order_created(self, order, previous_value=None, webhooks=None):
        sync_hooks.orders_changed([order])
        return previous_value

    def order_cancelled(self, order, previous_value=None, webhooks=None):
        sync_hooks.orders_changed([order])
        return previous_value

    def order_bulk_created(self, orders, previous_value=None, webhooks=None):
        sync_hooks.orders_changed(orders)
        return previous_value
