import graphene
from django.db import IntegrityError, transaction

from ....mapping.field_mapping_input import check_field_mapping
from ....models import AmazonFieldMapping as FieldMappingModel
from ...account.lookups import marketplace_by_global_id
from ...core.enums import AmazonFeedsErrorCode
from ...core.errors import InputError, raise_for_problems
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_PRODUCTS
from ..inputs import AmazonFieldMappingCreateInput
from ..saleor_attributes import existing_attribute_slugs
from ..types import AmazonFieldMapping


class AmazonFieldMappingCreate(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)

    class Arguments:
        input = AmazonFieldMappingCreateInput(required=True)

    class Meta:
        description = "Map an Amazon attribute for a marketplace."
        permissions = (MANAGE_PRODUCTS,)

    @classmethod
    def perform(cls, root, info, input):
        marketplace = marketplace_by_global_id(input["marketplace_id"])
        attribute, sources, problems = check_field_mapping(
            input.get("amazon_attribute") or "",
            input.get("sources") or [],
            existing_attribute_slugs,
        )
        raise_for_problems(problems)
        try:
            with transaction.atomic():
                mapping = FieldMappingModel.objects.create(
                    marketplace=marketplace,
                    amazon_attribute=attribute,
                    sources=list(sources),
                )
        except IntegrityError as exc:
            raise InputError.single(
                "amazonAttribute",
                AmazonFeedsErrorCode.UNIQUE.value,
                f"'{attribute}' is already mapped for this marketplace; delete that "
                "mapping first.",
            ) from exc
        return {"field_mapping": mapping}
