import graphene

from ..core.permissions import MANAGE_ORDERS, with_permission_message
from .enums import AmazonEnvironment, AmazonRegion, AmazonSyncScope

# Importing creates Saleor orders and reserves stock: switching it on or off is
# an order-side decision, whoever configures the marketplace.
SWITCH_AUTO_IMPORT_ORDERS = (MANAGE_ORDERS,)


class AmazonAccountInput(graphene.InputObjectType):
    name = graphene.String(description="A label for people.")
    lwa_client_id = graphene.String(description="LWA client identifier.")
    lwa_client_secret = graphene.String(
        description="LWA client secret. Write-only: never returned."
    )
    refresh_token = graphene.String(
        description="LWA refresh token of the seller. Write-only: never returned."
    )


class AmazonAccountCreateInput(AmazonAccountInput):
    seller_id = graphene.String(required=True, description="Amazon merchant token.")
    region = AmazonRegion(required=True)
    environment = AmazonEnvironment(
        description="Default PRODUCTION. LOCAL_SANDBOX needs AMAZON_FEEDS_SANDBOX_URL."
    )


class AmazonMarketplaceInput(graphene.InputObjectType):
    channel_id = graphene.ID(description="Saleor channel: currency and prices.")
    warehouse_ids = graphene.List(
        graphene.NonNull(graphene.ID),
        description="Saleor warehouses whose stock this marketplace sells.",
    )
    stock_buffer = graphene.Int(description="Units held back from Amazon.")
    max_quantity = graphene.Int(description="Never offer more than this many units.")
    untracked_quantity = graphene.Int(
        description=(
            "Units offered for variants whose inventory Saleor does not track "
            "(default 100; never more than maxQuantity)."
        )
    )
    handling_time = graphene.Int(description="Days to ship (1-30).")
    auto_sync = graphene.Boolean(description="Sync product updates automatically.")
    sync_scope = AmazonSyncScope()
    auto_import_orders = graphene.Boolean(
        description=with_permission_message(
            "Import orders automatically (default off). Changing it needs a "
            "permission of its own.",
            SWITCH_AUTO_IMPORT_ORDERS,
        )
    )


class AmazonMarketplaceCreateInput(AmazonMarketplaceInput):
    account_id = graphene.ID(required=True)
    marketplace_id = graphene.String(
        required=True, description="Amazon marketplace ID, e.g. A1PA6795UKMFR9."
    )
