import graphene
from django.db import transaction

from ....services import marketplaces as services
from ...core.errors import ErrorCollector
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_CHANNELS
from ..inputs import AmazonMarketplaceInput
from ..lookups import marketplace_by_global_id
from ..types import AmazonMarketplace
from .marketplace_settings import apply_settings


class AmazonMarketplaceUpdate(BaseMutation):
    marketplace = graphene.Field(AmazonMarketplace)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonMarketplaceInput(required=True)

    class Meta:
        description = (
            "Change a marketplace's channel, warehouses or options; re-verifies it "
            "with Amazon."
        )
        permissions = (MANAGE_CHANNELS,)

    @classmethod
    def perform(cls, root, info, id, input):
        marketplace = marketplace_by_global_id(id, "id")
        data = dict(input)
        errors = ErrorCollector()
        warehouses = apply_settings(info, marketplace, data, errors)
        errors.raise_if_any()
        participations, error = services.check_credentials(marketplace.account)
        services.apply_check_result(marketplace, participations, error)
        with transaction.atomic():
            marketplace.save()
            if warehouses is not None:
                marketplace.warehouses.set(warehouses)
        return {"marketplace": marketplace}
