import graphene

from ..core.fields import ConnectionField, PermissionsField
from ..core.permissions import MANAGE_ORDERS
from .enums import AmazonImportedOrderStatus
from .mutations import AmazonImportedOrderRetry, AmazonImportOrders
from .resolvers import (
    resolve_imported_orders,
    resolve_order_import,
    resolve_order_imports,
    resolve_shipment_confirmations,
    resolve_shipping_zones,
)
from .types import (
    AmazonImportedOrderConnection,
    AmazonOrderImport,
    AmazonOrderImportConnection,
    AmazonShipmentConfirmationType,
    AmazonShippingZoneChoice,
)


class OrderQueries(graphene.ObjectType):
    amazon_order_imports = ConnectionField(
        AmazonOrderImportConnection,
        description="Order import jobs with progress and outcome.",
        permissions=(MANAGE_ORDERS,),
    )
    amazon_order_import = PermissionsField(
        AmazonOrderImport,
        id=graphene.ID(required=True),
        description="One import job.",
        permissions=(MANAGE_ORDERS,),
    )
    amazon_imported_orders = ConnectionField(
        AmazonImportedOrderConnection,
        status=AmazonImportedOrderStatus(description="Only orders in this status."),
        marketplace_id=graphene.ID(description="Only this marketplace's orders."),
        order_id=graphene.ID(description="Only the record of this Saleor order."),
        description="Amazon orders the plugin has seen, held ones with the reason.",
        permissions=(MANAGE_ORDERS,),
    )
    amazon_shipping_zones = PermissionsField(
        graphene.List(graphene.NonNull(AmazonShippingZoneChoice)),
        required=True,
        marketplace_id=graphene.ID(required=True),
        description=(
            "Shipping zones of the marketplace's channel with the methods priced "
            "there, for shipping mappings."
        ),
        permissions=(MANAGE_ORDERS,),
    )
    amazon_shipment_confirmations = PermissionsField(
        graphene.List(graphene.NonNull(AmazonShipmentConfirmationType)),
        required=True,
        order_id=graphene.ID(required=True, description="A Saleor order's ID."),
        description="Shipments of a Saleor order confirmed to Amazon.",
        permissions=(MANAGE_ORDERS,),
    )

    @staticmethod
    def resolve_amazon_order_imports(root, info, first=None, after=None):
        return resolve_order_imports(first, after)

    @staticmethod
    def resolve_amazon_order_import(root, info, id):
        return resolve_order_import(id)

    @staticmethod
    def resolve_amazon_imported_orders(
        root,
        info,
        first=None,
        after=None,
        status=None,
        marketplace_id=None,
        order_id=None,
    ):
        return resolve_imported_orders(first, after, status, marketplace_id, order_id)

    @staticmethod
    def resolve_amazon_shipping_zones(root, info, marketplace_id):
        return resolve_shipping_zones(marketplace_id)

    @staticmethod
    def resolve_amazon_shipment_confirmations(root, info, order_id):
        return resolve_shipment_confirmations(order_id)


class OrderMutations(graphene.ObjectType):
    amazon_import_orders = AmazonImportOrders.Field()
    amazon_imported_order_retry = AmazonImportedOrderRetry.Field()
