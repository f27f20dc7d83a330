"""Automatic sync status: outbox size, last/next submission, why it waits."""

import graphene

from ..models import AmazonMarketplace
from ..models.sync import SyncWaitReason
from ..sync.status import sync_statuses
from .core import get_by_global_id
from .permissions import MANAGE_PRODUCTS, AmazonObjectType, permission_required
from .types import AmazonMarketplace as AmazonMarketplaceType

AmazonSyncWaitReason = graphene.Enum(
    "AmazonSyncWaitReason",
    [(r.value, r.value) for r in SyncWaitReason],
    description="Why the automatic sync is not sending right now.",
)


class AmazonSyncStatus(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    marketplace = graphene.Field(AmazonMarketplaceType, required=True)
    pending_changes = graphene.Int(
        required=True, description="Changes waiting in the outbox."
    )
    last_submission_at = graphene.DateTime(
        description="When the automatic sync last submitted a feed."
    )
    next_submission_at = graphene.DateTime(
        description="Earliest time the next feed will be submitted."
    )
    waiting_reason = graphene.Field(AmazonSyncWaitReason, required=True)
    last_error = graphene.String(required=True)
    last_reconciled_at = graphene.DateTime()


class SyncQueries(graphene.ObjectType):
    amazon_sync_status = graphene.List(
        graphene.NonNull(AmazonSyncStatus),
        required=True,
        marketplace_id=graphene.ID(description="Only this marketplace."),
        description="Automatic sync status per marketplace (MANAGE_PRODUCTS).",
    )

    @staticmethod
    @permission_required(MANAGE_PRODUCTS)
    def resolve_amazon_sync_status(root, info, marketplace_id=None):
        marketplaces = AmazonMarketplace.objects.select_related("account", "channel")
        if marketplace_id:
            marketplaces = [
                get_by_global_id(
                    marketplaces, marketplace_id, "AmazonMarketplace", "marketplaceId"
                )
            ]
        return sync_statuses(list(marketplaces))
