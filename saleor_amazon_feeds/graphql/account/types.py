"""Accounts and marketplaces as clients read them.

Secrets have no field: they are write-only.
"""

import graphene

from ..core.connection import CountableConnection
from ..core.fields import PermissionsField
from ..core.ids import global_id
from ..core.object_types import AmazonObjectType
from ..core.permissions import (
    ANY_PLUGIN_PERMISSION,
    MANAGE_CHANNELS,
    MANAGE_ORDERS,
    MANAGE_PRODUCTS,
)
from ..core.types import SaleorObjectRef
from ..mappings.types import AmazonFieldMapping, AmazonShippingMapping
from .enums import (
    AmazonEnvironment,
    AmazonMarketplaceStatus,
    AmazonRegion,
    AmazonSyncScope,
)

# Who sees what of a marketplace: every page of the plugin may see which
# marketplaces exist and their state; stock and sync settings are for those who
# configure marketplaces or products, automatic order import for those who
# configure marketplaces or handle orders, the account and the state of its
# credentials only for those who configure marketplaces, and each kind of
# mapping for its own side.
STOCK_AND_SYNC_SETTINGS = (MANAGE_CHANNELS, MANAGE_PRODUCTS)
ORDER_IMPORT_SETTINGS = (MANAGE_CHANNELS, MANAGE_ORDERS)
CREDENTIAL_STATE = (MANAGE_CHANNELS,)


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


class AmazonMarketplace(AmazonObjectType):
    """A marketplace an account sells on: the Saleor channel and warehouses it
    sells from, its stock and sync settings, and Amazon's verdict on the
    account's credentials for it."""

    class Meta:
        permissions = ANY_PLUGIN_PERMISSION

    id = graphene.ID(required=True)
    account = PermissionsField(AmazonAccount, permissions=CREDENTIAL_STATE)
    marketplace_id = graphene.String(required=True, description="Amazon's ID.")
    country = graphene.String(required=True)
    currency = graphene.String(required=True)
    channel = graphene.Field(SaleorObjectRef, required=True)
    warehouses = PermissionsField(
        graphene.List(graphene.NonNull(SaleorObjectRef)),
        permissions=STOCK_AND_SYNC_SETTINGS,
    )
    stock_buffer = PermissionsField(graphene.Int, permissions=STOCK_AND_SYNC_SETTINGS)
    max_quantity = PermissionsField(graphene.Int, permissions=STOCK_AND_SYNC_SETTINGS)
    untracked_quantity = PermissionsField(
        graphene.Int,
        permissions=STOCK_AND_SYNC_SETTINGS,
        description=(
            "Offered for variants whose inventory Saleor does not track (never "
            "more than maxQuantity)."
        ),
    )
    handling_time = PermissionsField(graphene.Int, permissions=STOCK_AND_SYNC_SETTINGS)
    status = AmazonMarketplaceStatus(required=True)
    last_error = PermissionsField(
        graphene.String,
        permissions=CREDENTIAL_STATE,
        description="Amazon's reason when status is ERROR.",
    )
    checked_at = PermissionsField(graphene.DateTime, permissions=CREDENTIAL_STATE)
    auto_sync = PermissionsField(graphene.Boolean, permissions=STOCK_AND_SYNC_SETTINGS)
    sync_scope = PermissionsField(AmazonSyncScope, permissions=STOCK_AND_SYNC_SETTINGS)
    auto_import_orders = PermissionsField(
        graphene.Boolean, permissions=ORDER_IMPORT_SETTINGS
    )
    field_mappings = PermissionsField(
        graphene.List(graphene.NonNull(AmazonFieldMapping)),
        permissions=(MANAGE_PRODUCTS,),
    )
    shipping_mappings = PermissionsField(
        graphene.List(graphene.NonNull(AmazonShippingMapping)),
        permissions=(MANAGE_ORDERS,),
    )
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonMarketplace", root.pk)

    @staticmethod
    def resolve_channel(root, info):
        return SaleorObjectRef.of("Channel", root.channel)

    @staticmethod
    def resolve_warehouses(root, info):
        return [SaleorObjectRef.of("Warehouse", w) for w in root.warehouses.all()]

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
