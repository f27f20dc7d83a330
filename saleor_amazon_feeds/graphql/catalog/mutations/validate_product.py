import graphene
from saleor.product.models import Product

from ....catalog.validation import validate_product
from ....listings.severity import Severity
from ...account.lookups import marketplace_by_global_id
from ...core.ids import get_by_global_id
from ...core.mutations import BaseMutation
from ...core.permissions import MANAGE_PRODUCTS
from ..types import AmazonValidationIssue


class AmazonValidateProduct(BaseMutation):
    status = graphene.String(
        description="VALID when Amazon found no errors for any SKU, else INVALID."
    )
    issues = graphene.List(graphene.NonNull(AmazonValidationIssue), required=True)
    error_defaults = {"issues": []}

    class Arguments:
        product_id = graphene.ID(required=True)
        marketplace_id = graphene.ID(required=True)

    class Meta:
        description = (
            "Ask Amazon to validate the product's listings without saving them "
            "(Listings Items VALIDATION_PREVIEW), one SKU at a time."
        )
        permissions = (MANAGE_PRODUCTS,)

    @classmethod
    def perform(cls, root, info, product_id, marketplace_id):
        product = get_by_global_id(
            Product.objects.all(), product_id, "Product", "productId"
        )
        marketplace = marketplace_by_global_id(marketplace_id)
        issues = validate_product(product, marketplace)
        errors = any(i["severity"] == Severity.ERROR for i in issues)
        return {
            "status": "INVALID" if errors else "VALID",
            "issues": [AmazonValidationIssue(**i) for i in issues],
        }
