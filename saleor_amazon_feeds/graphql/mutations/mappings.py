import graphene
from django.db import IntegrityError, transaction
from saleor.attribute.models import Attribute
from saleor.shipping.models import (
    ShippingMethod,
    ShippingMethodChannelListing,
    ShippingZone,
)

from ...mapping.amazon_attributes import attribute_problem
from ...mapping.sources import ATTRIBUTE_KINDS, SourceError, parse_sources
from ...models import accounts, mappings
from ..core import BaseMutation, get_all_by_global_ids, get_by_global_id
from ..errors import AmazonFeedsErrorCode, InputError
from ..permissions import MANAGE_ORDERS, MANAGE_PRODUCTS
from ..types import (
    AmazonFieldMapping,
    AmazonShippingMapping,
    AmazonShippingServiceLevel,
)


def _marketplace(value: str) -> accounts.AmazonMarketplace:
    return get_by_global_id(
        accounts.AmazonMarketplace.objects.select_related("channel"),
        value,
        "AmazonMarketplace",
        "marketplaceId",
    )


def validate_sources(expressions: list[str], field: str = "sources") -> list[str]:
    """Parsed, normalised sources; unknown ones raise an InputError naming them."""
    try:
        parsed = parse_sources(list(expressions))
    except SourceError as exc:
        raise InputError.single(
            field, AmazonFeedsErrorCode.UNKNOWN_SOURCE.value, str(exc)
        ) from exc
    slugs = {s.key for s in parsed if s.kind in ATTRIBUTE_KINDS}
    existing = set(
        Attribute.objects.filter(slug__in=slugs).values_list("slug", flat=True)
    )
    missing = sorted(slugs - existing)
    if missing:
        raise InputError.single(
            field,
            AmazonFeedsErrorCode.UNKNOWN_SOURCE.value,
            "No Saleor attribute with slug " + ", ".join(f"'{m}'" for m in missing),
        )
    return [s.expression for s in parsed]


class AmazonFieldMappingCreateInput(graphene.InputObjectType):
    marketplace_id = graphene.ID(required=True)
    amazon_attribute = graphene.String(required=True, description="e.g. item_name")
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description=(
            "Saleor sources in order of preference, e.g. ['metadata:brand', "
            "'attribute:brand', 'literal:Acme']; the first non-empty value wins."
        ),
    )


class AmazonFieldMappingCreate(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)
    permissions = (MANAGE_PRODUCTS,)

    class Arguments:
        input = AmazonFieldMappingCreateInput(required=True)

    class Meta:
        description = "Map an Amazon attribute for a marketplace (MANAGE_PRODUCTS)."

    @classmethod
    def perform(cls, root, info, input):
        marketplace = _marketplace(input["marketplace_id"])
        attribute = (input.get("amazon_attribute") or "").strip()
        problem = attribute_problem(attribute)
        if problem:
            raise InputError.single(
                "amazonAttribute", AmazonFeedsErrorCode.UNKNOWN_ATTRIBUTE.value, problem
            )
        sources = validate_sources(input.get("sources") or [])
        try:
            with transaction.atomic():
                mapping = mappings.AmazonFieldMapping.objects.create(
                    marketplace=marketplace, amazon_attribute=attribute, sources=sources
                )
        except IntegrityError as exc:
            raise InputError.single(
                "amazonAttribute",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"'{attribute}' is already mapped for this marketplace; delete that "
                "mapping first.",
            ) from exc
        return {"field_mapping": mapping}


class AmazonFieldMappingUpdateInput(graphene.InputObjectType):
    sources = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="The new ordered sources; the first non-empty value wins.",
    )


class AmazonFieldMappingUpdate(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)
    permissions = (MANAGE_PRODUCTS,)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonFieldMappingUpdateInput(required=True)

    class Meta:
        description = (
            "Replace a marketplace field mapping's sources, e.g. reordered "
            "(MANAGE_PRODUCTS)."
        )

    @classmethod
    def perform(cls, root, info, id, input):
        mapping = get_by_global_id(
            mappings.AmazonFieldMapping.objects.all(), id, "AmazonFieldMapping", "id"
        )
        mapping.sources = validate_sources(input.get("sources") or [])
        mapping.save(update_fields=["sources"])
        return {"field_mapping": mapping}


class AmazonFieldMappingDelete(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)
    permissions = (MANAGE_PRODUCTS,)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a marketplace field mapping (MANAGE_PRODUCTS)."

    @classmethod
    def perform(cls, root, info, id):
        mapping = get_by_global_id(
            mappings.AmazonFieldMapping.objects.all(), id, "AmazonFieldMapping", "id"
        )
        pk = mapping.pk
        mapping.delete()
        mapping.pk = pk
        return {"field_mapping": mapping}


class AmazonShippingMappingCreateInput(graphene.InputObjectType):
    marketplace_id = graphene.ID(required=True)
    service_level = AmazonShippingServiceLevel(required=True)
    shipping_zone_id = graphene.ID(required=True)
    shipping_method_id = graphene.ID(required=True)


class AmazonShippingMappingCreate(BaseMutation):
    shipping_mapping = graphene.Field(AmazonShippingMapping)
    permissions = (MANAGE_ORDERS,)

    class Arguments:
        input = AmazonShippingMappingCreateInput(required=True)

    class Meta:
        description = (
            "Map an Amazon shipping service level in a Saleor shipping zone to a "
            "Saleor shipping method for imported orders (MANAGE_ORDERS)."
        )

    @classmethod
    def perform(cls, root, info, input):
        marketplace = _marketplace(input["marketplace_id"])
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
                mapping = mappings.AmazonShippingMapping.objects.create(
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


class AmazonShippingMappingBulkDelete(BaseMutation):
    count = graphene.Int(required=True, description="How many mappings were deleted.")
    permissions = (MANAGE_ORDERS,)
    error_defaults = {"count": 0}

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID), required=True)

    class Meta:
        description = (
            "Delete the selected shipping mappings; an unknown ID is an error and "
            "then nothing is deleted (MANAGE_ORDERS)."
        )

    @classmethod
    def perform(cls, root, info, ids):
        if not ids:
            raise InputError.single(
                "ids", AmazonFeedsErrorCode.REQUIRED.value, "Select mappings to delete."
            )
        found = get_all_by_global_ids(
            mappings.AmazonShippingMapping.objects.all(),
            ids,
            "AmazonShippingMapping",
            "ids",
        )
        count, _ = mappings.AmazonShippingMapping.objects.filter(
            pk__in=[m.pk for m in found]
        ).delete()
        return {"count": count}
