import graphene

from ..core.ids import global_id
from ..core.object_types import AmazonObjectType
from ..core.permissions import MANAGE_ORDERS, MANAGE_PRODUCTS
from ..core.types import SaleorObjectRef
from .enums import AmazonShippingServiceLevel


class AmazonFieldMapping(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    id = graphene.ID(required=True)
    amazon_attribute = graphene.String(required=True)
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Saleor sources in order; the first non-empty value wins.",
    )

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonFieldMapping", root.pk)


class AmazonShippingMapping(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_ORDERS,)

    id = graphene.ID(required=True)
    service_level = AmazonShippingServiceLevel(required=True)
    shipping_zone = graphene.Field(SaleorObjectRef, required=True)
    shipping_method = graphene.Field(SaleorObjectRef, required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonShippingMapping", root.pk)

    @staticmethod
    def resolve_shipping_zone(root, info):
        return SaleorObjectRef.of("ShippingZone", root.shipping_zone)

    @staticmethod
    def resolve_shipping_method(root, info):
        return SaleorObjectRef.of("ShippingMethodType", root.shipping_method)
