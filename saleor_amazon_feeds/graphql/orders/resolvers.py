from django.db.models import Prefetch
from saleor.order.models import Order
from saleor.shipping.models import ShippingMethod, ShippingZone

from ...models import (
    AmazonImportedOrder,
    AmazonMarketplace,
    AmazonOrderImportJob,
    AmazonShipmentConfirmation,
)
from ..account.lookups import marketplace_by_global_id
from ..core.connection import paginate
from ..core.ids import get_by_global_id, resolve_global_id
from .types import AmazonImportedOrderConnection, AmazonOrderImportConnection


def resolve_order_imports(
    first: int | None, after: str | None
) -> AmazonOrderImportConnection:
    return paginate(
        AmazonOrderImportConnection, AmazonOrderImportJob.objects.all(), first, after
    )


def resolve_order_import(id: str) -> AmazonOrderImportJob:
    return get_by_global_id(
        AmazonOrderImportJob.objects.all(), id, "AmazonOrderImport", "id"
    )


def resolve_imported_orders(
    first: int | None,
    after: str | None,
    status: str | None,
    marketplace_id: str | None,
    order_id: str | None,
) -> AmazonImportedOrderConnection:
    queryset = AmazonImportedOrder.objects.select_related(
        "marketplace__account", "marketplace__channel"
    )
    if status:
        queryset = queryset.filter(status=status)
    if marketplace_id:
        # By key alone: an unknown marketplace lists nothing, no lookup needed.
        pk = resolve_global_id(
            marketplace_id, "AmazonMarketplace", "marketplaceId", AmazonMarketplace
        )
        queryset = queryset.filter(marketplace_id=pk)
    if order_id:
        pk = resolve_global_id(order_id, "Order", "orderId", Order)
        queryset = queryset.filter(order_id=pk)
    return paginate(AmazonImportedOrderConnection, queryset, first, after)


def resolve_shipping_zones(marketplace_id: str) -> list[ShippingZone]:
    """The zones of the marketplace's channel, each with the methods priced in
    that channel (``priced_methods``)."""
    marketplace = marketplace_by_global_id(marketplace_id)
    methods = ShippingMethod.objects.filter(
        channel_listings__channel_id=marketplace.channel_id
    ).order_by("name", "pk")
    return list(
        ShippingZone.objects.filter(channels=marketplace.channel_id)
        .prefetch_related(
            Prefetch("shipping_methods", queryset=methods, to_attr="priced_methods")
        )
        .order_by("name", "pk")
    )


def resolve_shipment_confirmations(order_id: str) -> list[AmazonShipmentConfirmation]:
    pk = resolve_global_id(order_id, "Order", "orderId", Order)
    return list(
        AmazonShipmentConfirmation.objects.filter(imported_order__order_id=pk).order_by(
            "pk"
        )
    )
