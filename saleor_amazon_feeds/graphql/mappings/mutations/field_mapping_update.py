import graphene

from ....mapping.field_mapping_input import check_sources
from ....models import AmazonFieldMapping as FieldMappingModel
from ...core.errors import raise_for_problems
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_PRODUCTS
from ..inputs import AmazonFieldMappingUpdateInput
from ..saleor_attributes import existing_attribute_slugs
from ..types import AmazonFieldMapping


class AmazonFieldMappingUpdate(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)

    class Arguments:
        id = graphene.ID(required=True)
        input = AmazonFieldMappingUpdateInput(required=True)

    class Meta:
        description = "Replace a marketplace field mapping's sources, e.g. reordered."
        permissions = (MANAGE_PRODUCTS,)

    @classmethod
    def perform(cls, root, info, id, input):
        mapping = get_by_global_id(
            FieldMappingModel.objects.all(), id, "AmazonFieldMapping", "id"
        )
        sources, problems = check_sources(
            input.get("sources") or [], existing_attribute_slugs
        )
        raise_for_problems(problems)
        mapping.sources = list(sources)
        mapping.save(update_fields=["sources"])
        return {"field_mapping": mapping}
