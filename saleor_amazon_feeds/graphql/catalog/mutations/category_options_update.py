import graphene
from saleor.product.models import Category

from ...core.permissions import MANAGE_PRODUCTS
from ..inputs import AmazonCatalogOptionsInput
from .base_options_update import BaseOptionsUpdate


class AmazonCategoryOptionsUpdate(BaseOptionsUpdate):
    model = Category
    type_name = "Category"
    id_argument = "categoryId"

    class Arguments:
        category_id = graphene.ID(required=True)
        input = AmazonCatalogOptionsInput(required=True)

    class Meta:
        description = (
            "Amazon product type, mappings and exclusion for a category's products."
        )
        permissions = (MANAGE_PRODUCTS,)
