import graphene

from ..core.fields import ConnectionField, PermissionsField
from ..core.permissions import ANY_PLUGIN_PERMISSION, MANAGE_CHANNELS
from .mutations import (
    AmazonAccountCreate,
    AmazonAccountDelete,
    AmazonAccountUpdate,
    AmazonMarketplaceCheck,
    AmazonMarketplaceCreate,
    AmazonMarketplaceDelete,
    AmazonMarketplaceUpdate,
)
from .resolvers import (
    resolve_accounts,
    resolve_available_marketplaces,
    resolve_marketplace,
    resolve_marketplaces,
)
from .types import (
    AmazonAccountConnection,
    AmazonAvailableMarketplace,
    AmazonMarketplace,
    AmazonMarketplaceConnection,
)


class AccountQueries(graphene.ObjectType):
    amazon_accounts = ConnectionField(
        AmazonAccountConnection,
        description="Registered Amazon seller accounts.",
        permissions=(MANAGE_CHANNELS,),
    )
    amazon_marketplaces = ConnectionField(
        AmazonMarketplaceConnection,
        account_id=graphene.ID(description="Only this account's marketplaces."),
        description=(
            "Configured Amazon marketplaces; fields that need more say which "
            "permissions they need."
        ),
        permissions=ANY_PLUGIN_PERMISSION,
    )
    amazon_marketplace = PermissionsField(
        AmazonMarketplace,
        id=graphene.ID(required=True),
        description="One marketplace.",
        permissions=ANY_PLUGIN_PERMISSION,
    )
    amazon_available_marketplaces = PermissionsField(
        graphene.List(graphene.NonNull(AmazonAvailableMarketplace)),
        required=True,
        account_id=graphene.ID(required=True),
        refresh=graphene.Boolean(
            default_value=False,
            description="Ask Amazon now instead of reusing a recent answer.",
        ),
        description=(
            "Marketplaces the account sells on, live from Amazon's Sellers API."
        ),
        permissions=(MANAGE_CHANNELS,),
    )

    @staticmethod
    def resolve_amazon_accounts(root, info, first=None, after=None):
        return resolve_accounts(first, after)

    @staticmethod
    def resolve_amazon_marketplaces(
        root, info, first=None, after=None, account_id=None
    ):
        return resolve_marketplaces(first, after, account_id)

    @staticmethod
    def resolve_amazon_marketplace(root, info, id):
        return resolve_marketplace(id)

    @staticmethod
    def resolve_amazon_available_marketplaces(root, info, account_id, refresh=False):
        return resolve_available_marketplaces(account_id, refresh)


class AccountMutations(graphene.ObjectType):
    amazon_account_create = AmazonAccountCreate.Field()
    amazon_account_update = AmazonAccountUpdate.Field()
    amazon_account_delete = AmazonAccountDelete.Field()
    amazon_marketplace_create = AmazonMarketplaceCreate.Field()
    amazon_marketplace_update = AmazonMarketplaceUpdate.Field()
    amazon_marketplace_delete = AmazonMarketplaceDelete.Field()
    amazon_marketplace_check = AmazonMarketplaceCheck.Field()
