import graphene

from ...catalog.types import FeedKind

AmazonFeedKind = graphene.Enum(
    "AmazonFeedKind",
    [(k.value, k.value) for k in FeedKind],
    description="Which feed: full listings, inventory, prices or deletions.",
)
