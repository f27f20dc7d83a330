import graphene

from ...orders.jobs import job_state
from ..account.types import AmazonMarketplace
from ..core.connection import CountableConnection
from ..core.ids import global_id
from ..core.object_types import AmazonObjectType
from ..core.permissions import MANAGE_ORDERS
from ..core.types import SaleorObjectRef
from .enums import (
    AmazonImportedOrderStatus,
    AmazonOrderImportJobStatus,
    AmazonOrderImportTrigger,
    AmazonShipmentStatus,
)

# -- import jobs -------------------------------------------------------------------


class AmazonOrderImportIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    amazon_order_id = graphene.String(required=True)
    status = graphene.String(required=True, description="skipped or held")
    reason = graphene.String(required=True)

    @staticmethod
    def resolve_amazon_order_id(root, info):
        return root.get("amazonOrderId", "")

    @staticmethod
    def resolve_status(root, info):
        return root.get("status", "")

    @staticmethod
    def resolve_reason(root, info):
        return root.get("reason", "")


class AmazonOrderImportError(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    marketplace_id = graphene.String(required=True)
    message = graphene.String(required=True)

    @staticmethod
    def resolve_marketplace_id(root, info):
        return root.get("marketplaceId", "")

    @staticmethod
    def resolve_message(root, info):
        return root.get("message", "")


class AmazonOrderImport(AmazonObjectType):
    """An order import job and its progress (counters move while it runs)."""

    class Meta:
        permissions = (MANAGE_ORDERS,)

    id = graphene.ID(required=True)
    status = AmazonOrderImportJobStatus(required=True)
    trigger = AmazonOrderImportTrigger(required=True)
    requested_by = graphene.String(required=True)
    marketplaces = graphene.List(graphene.NonNull(AmazonMarketplace), required=True)
    found = graphene.Int(required=True, description="Orders Amazon returned.")
    imported = graphene.Int(required=True, description="New Saleor orders.")
    updated = graphene.Int(
        required=True, description="Saleor orders changed (cancellations)."
    )
    skipped = graphene.Int(required=True)
    held = graphene.Int(required=True)
    issues = graphene.List(
        graphene.NonNull(AmazonOrderImportIssue),
        required=True,
        description="Skipped and held orders with the reason.",
    )
    errors = graphene.List(graphene.NonNull(AmazonOrderImportError), required=True)
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonOrderImport", root.pk)

    @staticmethod
    def resolve_status(root, info):
        # Saleor's JobStatus as stored, shown with "running" told apart.
        return job_state(root)

    @staticmethod
    def resolve_marketplaces(root, info):
        return root.marketplaces.select_related("account", "channel")

    @staticmethod
    def resolve_issues(root, info):
        return root.skipped_details

    @staticmethod
    def resolve_errors(root, info):
        return root.errors


class AmazonOrderImportConnection(CountableConnection):
    class Meta:
        node = AmazonOrderImport


# -- imported orders ---------------------------------------------------------------


class AmazonImportedOrderType(AmazonObjectType):
    id = graphene.ID(required=True)
    amazon_order_id = graphene.String(required=True)
    marketplace = graphene.Field(AmazonMarketplace, required=True)
    status = AmazonImportedOrderStatus(required=True)
    reason = graphene.String(required=True)
    amazon_status = graphene.String(required=True)
    fulfilled_by = graphene.String(required=True)
    order_id = graphene.ID(description="The Saleor order's ID (Saleor's API).")
    attempts = graphene.Int(required=True)
    updated_at = graphene.DateTime(required=True)

    class Meta:
        name = "AmazonImportedOrder"
        permissions = (MANAGE_ORDERS,)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonImportedOrder", root.pk)

    @staticmethod
    def resolve_order_id(root, info):
        return global_id("Order", root.order_id) if root.order_id else None


class AmazonImportedOrderConnection(CountableConnection):
    class Meta:
        node = AmazonImportedOrderType


# -- shipments ---------------------------------------------------------------------


class AmazonShipmentItem(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    order_item_id = graphene.String(required=True)
    quantity = graphene.Int(required=True)

    @staticmethod
    def resolve_order_item_id(root, info):
        return root["orderItemId"]

    @staticmethod
    def resolve_quantity(root, info):
        return root["quantity"]


class AmazonShipmentConfirmationType(AmazonObjectType):
    id = graphene.ID(required=True)
    fulfillment_id = graphene.ID(required=True)
    package_reference_id = graphene.String(required=True)
    carrier_code = graphene.String(required=True)
    carrier_name = graphene.String(required=True)
    tracking_number = graphene.String(required=True)
    items = graphene.List(graphene.NonNull(AmazonShipmentItem), required=True)
    status = AmazonShipmentStatus(required=True)
    attempts = graphene.Int(required=True)
    last_error = graphene.String(required=True)
    confirmed_at = graphene.DateTime()

    class Meta:
        name = "AmazonShipmentConfirmation"
        permissions = (MANAGE_ORDERS,)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonShipmentConfirmation", root.pk)

    @staticmethod
    def resolve_fulfillment_id(root, info):
        return global_id("Fulfillment", root.fulfillment_id)


# -- shipping zones for shipping mappings ------------------------------------------


class AmazonShippingZoneChoice(AmazonObjectType):
    """A Saleor shipping zone of the marketplace's channel and the methods
    priced there: what a shipping mapping may point at."""

    class Meta:
        permissions = (MANAGE_ORDERS,)

    id = graphene.ID(required=True, description="The Saleor shipping zone's ID.")
    name = graphene.String(required=True)
    shipping_methods = graphene.List(graphene.NonNull(SaleorObjectRef), required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("ShippingZone", root.pk)

    @staticmethod
    def resolve_shipping_methods(root, info):
        return [
            SaleorObjectRef.of("ShippingMethodType", m) for m in root.priced_methods
        ]
