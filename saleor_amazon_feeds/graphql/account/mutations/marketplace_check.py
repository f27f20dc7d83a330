import graphene

from ....services import marketplaces as services
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..lookups import marketplace_by_global_id
from ..types import AmazonMarketplace


class AmazonMarketplaceCheck(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Re-verify the marketplace's credentials with Amazon now."
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, id):
        marketplace = marketplace_by_global_id(id, "id")
        services.verify_marketplace(marketplace)
        return {"marketplace": marketplace}
