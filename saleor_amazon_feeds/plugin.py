"""The Saleor plugin: a thin adapter from Saleor's hooks and HTTP route to services.

Hooks only enqueue work; the heavy lifting lives in services and Celery tasks.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from saleor.plugins.base_plugin import BasePlugin

from . import __version__
from .endpoint import dispatch

PLUGIN_ID = "saleor.amazon_feeds"


class AmazonFeedsPlugin(BasePlugin):
    PLUGIN_ID = PLUGIN_ID
    PLUGIN_NAME = "Amazon Feeds"
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
        from .orders.tasks import enqueue_shipment_confirmation

        enqueue_shipment_confirmation(fulfillment)
        return previous_value

    def tracking_number_updated(
        self, fulfillment, previous_value=None, webhooks=None, **kwargs
    ):
        from .orders.tasks import enqueue_shipment_confirmation

        enqueue_shipment_confirmation(fulfillment)
        return previous_value
