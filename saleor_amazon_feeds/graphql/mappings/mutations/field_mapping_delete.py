import graphene

from ....models import AmazonFieldMapping as FieldMappingModel
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_PRODUCTS
from ..types import AmazonFieldMapping


class AmazonFieldMappingDelete(BaseMutation):
    field_mapping = graphene.Field(AmazonFieldMapping)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a marketplace field mapping."
        permissions = (MANAGE_PRODUCTS,)

    @classmethod
    def perform(cls, root, info, id):
        mapping = get_by_global_id(
            FieldMappingModel.objects.all(), id, "AmazonFieldMapping", "id"
        )
        pk = mapping.pk
        mapping.delete()
        # Deleted instances lose their pk; keep it so the response can name it.
        mapping.pk = pk
        return {"field_mapping": mapping}
