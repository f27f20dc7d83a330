import graphene

from ....models import AmazonShippingMapping as ShippingMappingModel
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError
from ...core.ids import get_all_by_global_ids
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_ORDERS


class AmazonShippingMappingBulkDelete(BaseMutation):
    count = graphene.Int(required=True, description="How many mappings were deleted.")
    error_defaults = {"count": 0}

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        description = (
            "Delete the selected shipping mappings; an unknown ID is an error and "
            "then nothing is deleted."
        )
        permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, ids):
        if not ids:
            raise InputError.single(
                "ids", AmazonFeedsErrorCode.REQUIRED.value, "Select mappings to delete."
            )
        found = get_all_by_global_ids(
            ShippingMappingModel.objects.all(), ids, "AmazonShippingMapping", "ids"
        )
        count, _ = ShippingMappingModel.objects.filter(
            pk__in=[m.pk for m in found]
        ).delete()
        return {"count": count}
