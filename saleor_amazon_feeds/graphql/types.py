"""GraphQL object types of accounts and marketplaces.

Secrets have no field: they are write-only. Who may read each field is
declared on the type (see ``permissions``).
"""

import graphene

from ..models import accounts, mappings
from .core import CountableConnection, global_id
from .permissions import (
    ANY_PLUGIN_PERMISSION,
    MANAGE_CHANNELS,
    MANAGE_ORDERS,
    MANAGE_PRODUCTS,
    AmazonObjectType,
)


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


class SaleorObjectRef(AmazonObjectType):
    """A Saleor object referenced by the plugin: its Saleor global ID and name."""

    id = graphene.ID(required=True)
    name = graphene.String(required=True)

    class Meta:
        # Only reachable through fields that are checked themselves.
        inherit_permissions = True


def _ref(type_name: str, obj) -> SaleorObjectRef:
    return SaleorObjectRef(id=global_id(type_name, obj.pk), name=obj.name)


class AmazonAccount(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_CHANNELS,)

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
        return _ref("ShippingZone", root.shipping_zone)

    @staticmethod
    def resolve_shipping_method(root, info):
        return _ref("ShippingMethodType", root.shipping_method)


class AmazonMarketplace(AmazonObjectType):
    """A marketplace. Who sees what: any of the plugin's permissions sees which
    marketplaces exist and their state; stock and sync settings are for those
    who configure marketplaces or products; the account, Amazon's last error
    and the check time only for MANAGE_CHANNELS; mappings for their side."""

    class Meta:
        permissions = ANY_PLUGIN_PERMISSION
        field_permissions = {
            "account": (MANAGE_CHANNELS,),
            "last_error": (MANAGE_CHANNELS,),
            "checked_at": (MANAGE_CHANNELS,),
            "warehouses": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "stock_buffer": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "max_quantity": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "untracked_quantity": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "handling_time": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "auto_sync": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "sync_scope": (MANAGE_CHANNELS, MANAGE_PRODUCTS),
            "auto_import_orders": (MANAGE_CHANNELS, MANAGE_ORDERS),
            "field_mappings": (MANAGE_PRODUCTS,),
            "shipping_mappings": (MANAGE_ORDERS,),
        }

    id = graphene.ID(required=True)
    account = graphene.Field(AmazonAccount, description="Requires MANAGE_CHANNELS.")
    marketplace_id = graphene.String(required=True, description="Amazon's ID.")
    country = graphene.String(required=True)
    currency = graphene.String(required=True)
    channel = graphene.Field(SaleorObjectRef, required=True)
    warehouses = graphene.List(graphene.NonNull(SaleorObjectRef))
    stock_buffer = graphene.Int()
    max_quantity = graphene.Int()
    untracked_quantity = graphene.Int(
        description=(
            "Offered for variants whose inventory Saleor does not track (never "
            "more than maxQuantity)."
        )
    )
    handling_time = graphene.Int()
    status = AmazonMarketplaceStatus(required=True)
    last_error = graphene.String(
        description="Amazon's reason when status is ERROR (MANAGE_CHANNELS)."
    )
    checked_at = graphene.DateTime()
    auto_sync = graphene.Boolean()
    sync_scope = AmazonSyncScope()
    auto_import_orders = graphene.Boolean(
        description="MANAGE_CHANNELS or MANAGE_ORDERS."
    )
    field_mappings = graphene.List(
        graphene.NonNull(AmazonFieldMapping), description="Requires MANAGE_PRODUCTS."
    )
    shipping_mappings = graphene.List(
        graphene.NonNull(AmazonShippingMapping), description="Requires MANAGE_ORDERS."
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
    def resolve_field_mappings(root, info):
        return root.field_mappings.all()

    @staticmethod
    def resolve_shipping_mappings(root, info):
        return root.shipping_mappings.select_related("shipping_zone", "shipping_method")


class AmazonAvailableMarketplace(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_CHANNELS,)

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
