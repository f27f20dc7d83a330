import graphene

from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..lookups import marketplace_by_global_id
from ..types import AmazonMarketplace


class AmazonMarketplaceDelete(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Stop selling on this marketplace."
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, id):
        marketplace = marketplace_by_global_id(id, "id")
        pk = marketplace.pk
        marketplace.delete()
        # Deleted instances lose their pk; keep it so the response can name it.
        marketplace.pk = pk
        return {"marketplace": marketplace}
