import graphene

from ...models.sync import SyncWaitReason

AmazonSyncWaitReason = graphene.Enum(
    "AmazonSyncWaitReason",
    [(r.value, r.value) for r in SyncWaitReason],
    description="Why the automatic sync is not sending right now.",
)
