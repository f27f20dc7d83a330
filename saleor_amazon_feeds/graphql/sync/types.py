import graphene

from ..account.types import AmazonMarketplace
from ..core.object_types import AmazonObjectType
from ..core.permissions import MANAGE_PRODUCTS
from .enums import AmazonSyncWaitReason


class AmazonSyncStatus(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    marketplace = graphene.Field(AmazonMarketplace, required=True)
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
