import graphene
from django.db import IntegrityError, transaction
from saleor.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingZone,
)

from ....models import AmazonShippingMapping as ShippingMappingModel
from ...account.lookups import marketplace_by_global_id
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_ORDERS
from ..inputs import AmazonShippingMappingCreateInput
from ..types import AmazonShippingMapping


class AmazonShippingMappingCreate(BaseMutation):
    shipping_mapping = graphene.Field(AmazonShippingMapping)

    class Arguments:
        input = AmazonShippingMappingCreateInput(required=True)

    class Meta:
        description = (
            "Map an Amazon shipping service level in a Saleor shipping zone to a "
            "Saleor shipping method for imported orders."
        )
        permissions = (MANAGE_ORDERS,)

    @classmethod
    def perform(cls, root, info, input):
        marketplace = marketplace_by_global_id(input["marketplace_id"])
        zone = get_by_global_id(
            ShippingZone.objects.all(),
            input["shipping_zone_id"],
            "ShippingZone",
            "shippingZoneId",
        )
        method = get_by_global_id(
            ShippingMethod.objects.all(),
            input["shipping_method_id"],
            "ShippingMethodType",
            "shippingMethodId",
        )
        channel = marketplace.channel
        if not zone.channels.filter(pk=channel.pk).exists():
            raise InputError.single(
                "shippingZoneId",
                AmazonFeedsErrorCode.SHIPPING_ZONE_NOT_IN_CHANNEL.value,
                f"Shipping zone '{zone.name}' is not available in channel "
                f"'{channel.slug}'.",
            )
        if method.shipping_zone_id != zone.pk:
            raise InputError.single(
                "shippingMethodId",
                AmazonFeedsErrorCode.SHIPPING_METHOD_NOT_IN_ZONE.value,
                f"Shipping method '{method.name}' does not belong to shipping zone "
                f"'{zone.name}'.",
            )
        if not ShippingMethodChannelListing.objects.filter(
            shipping_method=method, channel=channel
        ).exists():
            raise InputError.single(
                "shippingMethodId",
                AmazonFeedsErrorCode.SHIPPING_METHOD_NOT_IN_CHANNEL.value,
                f"Shipping method '{method.name}' has no price in channel "
                f"'{channel.slug}'.",
            )
        try:
            with transaction.atomic():
                mapping = ShippingMappingModel.objects.create(
                    marketplace=marketplace,
                    service_level=input["service_level"],
                    shipping_zone=zone,
                    shipping_method=method,
                )
        except IntegrityError as exc:
            raise InputError.single(
                "serviceLevel",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"Service level {input['service_level']} is already mapped in "
                f"shipping zone '{zone.name}' for this marketplace.",
            ) from exc
        return {"shipping_mapping": mapping}
