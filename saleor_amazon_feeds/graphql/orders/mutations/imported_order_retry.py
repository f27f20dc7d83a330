import graphene

from ....models import AmazonImportedOrder
from ....orders.importer import retry_held
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError
from ...core.ids import get_all_by_global_ids
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_ORDERS
from ..types import AmazonImportedOrderType


class AmazonImportedOrderRetry(BaseMutation):
    """Retry held orders now; ``skipAddressValidation`` accepts Amazon's address
    as it is when Saleor's address rules reject it."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)
        skip_address_validation = graphene.Boolean(default_value=False)

    imported_orders = graphene.List(graphene.NonNull(AmazonImportedOrderType))

    class Meta:
        permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, ids, skip_address_validation=False):
        if not ids:
            raise InputError.single(
                "ids", AmazonFeedsErrorCode.REQUIRED.value, "Select held orders."
            )
        records = get_all_by_global_ids(
            AmazonImportedOrder.objects.all(), ids, "AmazonImportedOrder", "ids"
        )
        not_held = [r.amazon_order_id for r in records if r.status != "HELD"]
        if not_held:
            raise InputError.single(
                "ids",
                AmazonFeedsErrorCode.INVALID.value,
                "Only held orders can be retried: " + ", ".join(not_held),
            )
        retry_held(records, skip_address_validation=skip_address_validation)
        return {
            "imported_orders": list(
                AmazonImportedOrder.objects.filter(
                    pk__in=[r.pk for r in records]
                ).order_by("pk")
            )
        }
