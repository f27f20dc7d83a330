"""The plugin's own GraphQL schema (graphene 2, as pinned by Saleor).

Saleor's schema cannot be extended by a plugin, so this one is served at
/plugins/global/<PLUGIN_ID>/graphql/ and authenticates with Saleor's tokens.
"""

import graphene

from ..models import accounts as models
from ..services.marketplaces import available_marketplaces
from .catalog import CatalogMutations, CatalogQueries
from .core import connection_args, get_by_global_id, paginate
from .mutations.accounts import (
    AmazonAccountCreate,
    AmazonAccountDelete,
    AmazonAccountUpdate,
)
from .mutations.mappings import (
    AmazonFieldMappingCreate,
    AmazonFieldMappingDelete,
    AmazonFieldMappingUpdate,
    AmazonShippingMappingBulkDelete,
    AmazonShippingMappingCreate,
)
from .mutations.marketplaces import (
    AmazonMarketplaceCheck,
    AmazonMarketplaceCreate,
    AmazonMarketplaceDelete,
    AmazonMarketplaceUpdate,
)
from .orders import OrderMutations, OrderQueries
from .permissions import ANY_PLUGIN_PERMISSION, MANAGE_CHANNELS, permission_required
from .sync import SyncQueries
from .types import (
    AmazonAccountConnection,
    AmazonAvailableMarketplace,
    AmazonMarketplace,
    AmazonMarketplaceConnection,
)


class AccountQueries(graphene.ObjectType):
    amazon_accounts = graphene.Field(
        graphene.NonNull(AmazonAccountConnection),
        description="Registered Amazon seller accounts (MANAGE_CHANNELS).",
        **connection_args(),
    )
    amazon_marketplaces = graphene.Field(
        graphene.NonNull(AmazonMarketplaceConnection),
        account_id=graphene.ID(description="Only this account's marketplaces."),
        description=(
            "Configured Amazon marketplaces (any of MANAGE_CHANNELS, MANAGE_PRODUCTS, "
            "MANAGE_ORDERS; each field says who may read it)."
        ),
        **connection_args(),
    )
    amazon_marketplace = graphene.Field(
        AmazonMarketplace,
        id=graphene.ID(required=True),
        description=(
            "One marketplace (any of MANAGE_CHANNELS, MANAGE_PRODUCTS, MANAGE_ORDERS)."
        ),
    )
    amazon_available_marketplaces = graphene.List(
        graphene.NonNull(AmazonAvailableMarketplace),
        required=True,
        account_id=graphene.ID(required=True),
        refresh=graphene.Boolean(
            default_value=False,
            description="Ask Amazon now instead of reusing a recent answer.",
        ),
        description=(
            "Marketplaces the account sells on, live from Amazon's Sellers API "
            "(MANAGE_CHANNELS)."
        ),
    )

    @staticmethod
    @permission_required(MANAGE_CHANNELS)
    def resolve_amazon_accounts(root, info, first=None, after=None):
        return paginate(
            AmazonAccountConnection, models.AmazonAccount.objects.all(), first, after
        )

    @staticmethod
    @permission_required(*ANY_PLUGIN_PERMISSION)
    def resolve_amazon_marketplaces(
        root, info, first=None, after=None, account_id=None
    ):
        queryset = models.AmazonMarketplace.objects.select_related("account", "channel")
        if account_id:
            account = get_by_global_id(
                models.AmazonAccount.objects.all(),
                account_id,
                "AmazonAccount",
                "accountId",
            )
            queryset = queryset.filter(account=account)
        return paginate(AmazonMarketplaceConnection, queryset, first, after)

    @staticmethod
    @permission_required(*ANY_PLUGIN_PERMISSION)
    def resolve_amazon_marketplace(root, info, id):
        return get_by_global_id(
            models.AmazonMarketplace.objects.select_related("account", "channel"),
            id,
            "AmazonMarketplace",
            "id",
        )

    @staticmethod
    @permission_required(MANAGE_CHANNELS)
    def resolve_amazon_available_marketplaces(root, info, account_id, refresh=False):
        account = get_by_global_id(
            models.AmazonAccount.objects.all(), account_id, "AmazonAccount", "accountId"
        )
        configured = set(account.marketplaces.values_list("marketplace_id", flat=True))
        return [
            AmazonAvailableMarketplace(
                **vars(market), configured=market.id in configured
            )
            for market in available_marketplaces(account, force=refresh)
        ]


class AccountMutations(graphene.ObjectType):
    amazon_account_create = AmazonAccountCreate.Field()
    amazon_account_update = AmazonAccountUpdate.Field()
    amazon_account_delete = AmazonAccountDelete.Field()
    amazon_marketplace_create = AmazonMarketplaceCreate.Field()
    amazon_marketplace_update = AmazonMarketplaceUpdate.Field()
    amazon_marketplace_delete = AmazonMarketplaceDelete.Field()
    amazon_marketplace_check = AmazonMarketplaceCheck.Field()
    amazon_field_mapping_create = AmazonFieldMappingCreate.Field()
    amazon_field_mapping_update = AmazonFieldMappingUpdate.Field()
    amazon_field_mapping_delete = AmazonFieldMappingDelete.Field()
    amazon_shipping_mapping_create = AmazonShippingMappingCreate.Field()
    amazon_shipping_mapping_bulk_delete = AmazonShippingMappingBulkDelete.Field()


# Each feature contributes a Query and a Mutation mixin.
class Query(
    AccountQueries, CatalogQueries, OrderQueries, SyncQueries, graphene.ObjectType
):
    pass


class Mutation(AccountMutations, CatalogMutations, OrderMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
