import graphene

from ....models import AmazonMarketplace as MarketplaceModel
from ....orders.tasks import start_import_job
from ...core.context import requestor
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError
from ...core.ids import get_all_by_global_ids
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_ORDERS
from ..types import AmazonOrderImport


class AmazonImportOrders(BaseMutation):
    """Start an order import for marketplaces; follow it with amazonOrderImport."""

    class Arguments:
        marketplace_ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    order_import = graphene.Field(AmazonOrderImport)

    class Meta:
        permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, marketplace_ids):
        if not marketplace_ids:
            raise InputError.single(
                "marketplaceIds",
                AmazonFeedsErrorCode.REQUIRED.value,
                "Select at least one marketplace.",
            )
        marketplaces = get_all_by_global_ids(
            MarketplaceModel.objects.all(),
            marketplace_ids,
            "AmazonMarketplace",
            "marketplaceIds",
        )
        who = requestor(info.context)
        label = getattr(who, "email", None) or getattr(who, "name", "") or ""
        job = start_import_job(marketplaces, requested_by=label)
        return {"order_import": job}
