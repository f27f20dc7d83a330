import graphene
from saleor.product.models import Product

from ...core.permissions import MANAGE_PRODUCTS
from ..inputs import AmazonCatalogOptionsInput
from .base_options_update import BaseOptionsUpdate


class AmazonProductOptionsUpdate(BaseOptionsUpdate):
    model = Product
    type_name = "Product"
    id_argument = "productId"

    class Arguments:
        product_id = graphene.ID(required=True)
        input = AmazonCatalogOptionsInput(required=True)

    class Meta:
        description = (
            "Amazon product type, mappings and exclusion for one product; they win "
            "over its category's."
        )
        permissions = (MANAGE_PRODUCTS,)
