import graphene

from ..core.fields import PermissionsField
from ..core.permissions import MANAGE_PRODUCTS
from .resolvers import resolve_sync_statuses
from .types import AmazonSyncStatus


class SyncQueries(graphene.ObjectType):
    amazon_sync_status = PermissionsField(
        graphene.List(graphene.NonNull(AmazonSyncStatus)),
        required=True,
        marketplace_id=graphene.ID(description="Only this marketplace."),
        description="Automatic sync status per marketplace.",
        permissions=(MANAGE_PRODUCTS,),
    )

    @staticmethod
    def resolve_amazon_sync_status(root, info, marketplace_id=None):
        return resolve_sync_statuses(marketplace_id)
