"""GraphQL object types. Secrets have no field: they are write-only."""

import graphene
from saleor.permission.enums import OrderPermissions, ProductPermissions

from ..models import accounts, mappings
from .core import CountableConnection, global_id, permission_required


def _enum(name: str, choices, description: str) -> type[graphene.Enum]:
    return graphene.Enum(
        name, [(m.name, m.value) for m in choices], description=description
    )


AmazonRegion = _enum("AmazonRegion", accounts.Region, "SP-API region.")
AmazonEnvironment = _enum(
    "AmazonEnvironment", accounts.Environment, "Which Amazon the account talks to."
)
AmazonMarketplaceStatus = _enum(
    "AmazonMarketplaceStatus",
    accounts.MarketplaceStatus,
    "NEW until checked; CONFIGURED once Amazon accepted the credentials; ERROR "
    "with Amazon's reason otherwise.",
)
AmazonSyncScope = _enum(
    "AmazonSyncScope",
    accounts.SyncScope,
    "ALL: full listing data; INVENTORY: quantity and price only.",
)
AmazonShippingServiceLevel = _enum(
    "AmazonShippingServiceLevel",
    mappings.ShippingServiceLevel,
    "Amazon's ShipServiceLevelCategory of an order.",
)


class SaleorObjectRef(graphene.ObjectType):
    """A Saleor object referenced by the plugin: its Saleor global ID and name."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)


def _ref(type_name: str, obj) -> SaleorObjectRef:
    return SaleorObjectRef(id=global_id(type_name, obj.pk), name=obj.name)


class AmazonAccount(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    seller_id = graphene.String(required=True)
    region = AmazonRegion(required=True)
    environment = AmazonEnvironment(required=True)
    lwa_client_id = graphene.String(required=True)
    has_client_secret = graphene.Boolean(
        required=True, description="Whether a client secret is stored (write-only)."
    )
    has_refresh_token = graphene.Boolean(
        required=True, description="Whether a refresh token is stored (write-only)."
    )
    marketplaces = graphene.List(
        graphene.NonNull(lambda: AmazonMarketplace), required=True
    )
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonAccount", root.pk)

    @staticmethod
    def resolve_has_client_secret(root, info):
        return bool(root.lwa_client_secret_encrypted)

    @staticmethod
    def resolve_has_refresh_token(root, info):
        return bool(root.refresh_token_encrypted)

    @staticmethod
    def resolve_marketplaces(root, info):
        return root.marketplaces.all()


class AmazonFieldMapping(graphene.ObjectType):
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


class AmazonShippingMapping(graphene.ObjectType):
    id = graphene.ID(required=True)
    service_level = AmazonShippingServiceLevel(required=True)
    shipping_zone = graphene.Field(SaleorObjectRef, required=True)
    shipping_method = graphene.Field(SaleorObjectRef, required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonShippingMapping", root.pk)

    @staticmethod
    def resolve_shipping_zone(root, info):
        return _ref("ShippingZone", root.shipping_zone)

    @staticmethod
    def resolve_shipping_method(root, info):
        return _ref("ShippingMethodType", root.shipping_method)


class AmazonMarketplace(graphene.ObjectType):
    id = graphene.ID(required=True)
    account = graphene.Field(AmazonAccount, required=True)
    marketplace_id = graphene.String(required=True, description="Amazon's ID.")
    country = graphene.String(required=True)
    currency = graphene.String(required=True)
    channel = graphene.Field(SaleorObjectRef, required=True)
    warehouses = graphene.List(graphene.NonNull(SaleorObjectRef), required=True)
    stock_buffer = graphene.Int(required=True)
    max_quantity = graphene.Int()
    handling_time = graphene.Int()
    status = AmazonMarketplaceStatus(required=True)
    last_error = graphene.String(
        required=True, description="Amazon's reason when status is ERROR."
    )
    checked_at = graphene.DateTime()
    auto_sync = graphene.Boolean(required=True)
    sync_scope = AmazonSyncScope(required=True)
    auto_import_orders = graphene.Boolean(required=True)
    field_mappings = graphene.List(
        graphene.NonNull(AmazonFieldMapping),
        required=True,
        description="Requires MANAGE_PRODUCTS.",
    )
    shipping_mappings = graphene.List(
        graphene.NonNull(AmazonShippingMapping),
        required=True,
        description="Requires MANAGE_ORDERS.",
    )
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonMarketplace", root.pk)

    @staticmethod
    def resolve_channel(root, info):
        return _ref("Channel", root.channel)

    @staticmethod
    def resolve_warehouses(root, info):
        return [_ref("Warehouse", w) for w in root.warehouses.all()]

    @staticmethod
    @permission_required(ProductPermissions.MANAGE_PRODUCTS)
    def resolve_field_mappings(root, info):
        return root.field_mappings.all()

    @staticmethod
    @permission_required(OrderPermissions.MANAGE_ORDERS)
    def resolve_shipping_mappings(root, info):
        return root.shipping_mappings.select_related("shipping_zone", "shipping_method")


class AmazonAvailableMarketplace(graphene.ObjectType):
    id = graphene.String(required=True, description="Amazon marketplace ID.")
    name = graphene.String(required=True)
    country = graphene.String(required=True)
    currency = graphene.String(required=True)
    language = graphene.String(required=True)
    domain = graphene.String(required=True)
    participating = graphene.Boolean(required=True)
    has_suspended_listings = graphene.Boolean(required=True)
    supported = graphene.Boolean(
        required=True, description="Whether the plugin knows this marketplace."
    )
    configured = graphene.Boolean(
        required=True, description="Whether it is already set up for this account."
    )


class AmazonAccountConnection(CountableConnection):
    class Meta:
        node = AmazonAccount


class AmazonMarketplaceConnection(CountableConnection):
    class Meta:
        node = AmazonMarketplace
