from collections.abc import Mapping
from typing import Any

import graphene

from ...mapping.options import options_from_metadata
from ..account.types import AmazonMarketplace
from ..core.connection import CountableConnection
from ..core.ids import global_id
from ..core.object_types import AmazonObjectType
from ..core.permissions import MANAGE_PRODUCTS
from .enums import AmazonFeedKind

# -- options stored in Saleor private metadata -----------------------------------


class AmazonProductTypeChoice(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    marketplace_id = graphene.String(
        required=True, description="Amazon marketplace ID, or '*' for all."
    )
    product_type = graphene.String(required=True)


class AmazonAttributeMapping(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    amazon_attribute = graphene.String(required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True)


class AmazonOptionsIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    field = graphene.String(required=True)
    message = graphene.String(required=True)


class AmazonCatalogOptions(AmazonObjectType):
    """Amazon options of a category or product (stored in its private metadata)."""

    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    product_types = graphene.List(
        graphene.NonNull(AmazonProductTypeChoice), required=True
    )
    mappings = graphene.List(graphene.NonNull(AmazonAttributeMapping), required=True)
    exclude = graphene.Boolean(required=True)
    issues = graphene.List(
        graphene.NonNull(AmazonOptionsIssue),
        required=True,
        description="Problems with what another client wrote into the metadata.",
    )

    @staticmethod
    def from_metadata(
        private_metadata: Mapping[str, Any] | None,
    ) -> "AmazonCatalogOptions":
        options, issues = options_from_metadata(private_metadata)
        return AmazonCatalogOptions(
            product_types=[
                AmazonProductTypeChoice(marketplace_id=k, product_type=v)
                for k, v in sorted(options.product_type.items())
            ],
            mappings=[
                AmazonAttributeMapping(amazon_attribute=k, sources=list(v))
                for k, v in sorted(options.mappings.items())
            ],
            exclude=options.exclude,
            issues=[
                AmazonOptionsIssue(field=i.field, message=i.message) for i in issues
            ],
        )


# -- Amazon's product types --------------------------------------------------------


class AmazonProductType(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    name = graphene.String(required=True)
    display_name = graphene.String(required=True)


# -- feeds ----------------------------------------------------------------------


class AmazonFeedIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    message_id = graphene.Int()
    code = graphene.String(required=True)
    severity = graphene.String(required=True)
    message = graphene.String(required=True)
    attribute = graphene.String(required=True)
    sent_value = graphene.JSONString(
        description=(
            "What was sent for the attributes the issue names (or the offer's "
            "quantity and price); null when unknown."
        )
    )


class AmazonFeedSubmissionType(AmazonObjectType):
    class Meta:
        name = "AmazonFeedSubmission"
        permissions = (MANAGE_PRODUCTS,)

    id = graphene.ID(required=True)
    marketplace = graphene.Field(AmazonMarketplace, required=True)
    kind = AmazonFeedKind(required=True)
    trigger = graphene.String(required=True)
    status = graphene.String(required=True)
    feed_id = graphene.String(required=True, description="Amazon's feed ID.")
    message_count = graphene.Int(required=True)
    accepted_count = graphene.Int(required=True)
    invalid_count = graphene.Int(required=True)
    error_count = graphene.Int(required=True)
    warning_count = graphene.Int(required=True)
    skipped_count = graphene.Int(
        required=True, description="Products or variants left out, with reasons."
    )
    error = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    submitted_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    issues = graphene.List(
        graphene.NonNull(AmazonFeedIssue),
        required=True,
        first=graphene.Int(default_value=100),
        description="Per-SKU issues from Amazon's processing report ('View details').",
    )

    @staticmethod
    def resolve_id(root, info):
        return global_id("AmazonFeedSubmission", root.pk)

    @staticmethod
    def resolve_issues(root, info, first=100):
        return root.issues.all()[: max(0, min(first, 1000))]


class AmazonFeedSubmissionConnection(CountableConnection):
    class Meta:
        node = AmazonFeedSubmissionType


# -- listing state ---------------------------------------------------------------


class AmazonListingSku(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    kind = AmazonFeedKind(required=True)
    variant_id = graphene.ID(description="Saleor variant; null for a parent.")
    status = graphene.String(required=True)
    sent_values = graphene.JSONString(required=True)
    sent_at = graphene.DateTime()
    accepted_values = graphene.JSONString(required=True)
    accepted_at = graphene.DateTime()
    issues = graphene.List(graphene.NonNull(AmazonFeedIssue), required=True)


class AmazonListingProblemType(AmazonObjectType):
    class Meta:
        name = "AmazonListingProblem"
        permissions = (MANAGE_PRODUCTS,)

    variant_id = graphene.ID()
    sku = graphene.String(required=True)
    kind = AmazonFeedKind(required=True)
    severity = graphene.String(required=True)
    reason = graphene.String(required=True)
    attribute = graphene.String(required=True)


class AmazonProductListing(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    product_id = graphene.ID(required=True)
    marketplace = graphene.Field(AmazonMarketplace, required=True)
    skus = graphene.List(graphene.NonNull(AmazonListingSku), required=True)
    problems = graphene.List(
        graphene.NonNull(AmazonListingProblemType),
        required=True,
        description="Why parts of the product were left out of the last feed.",
    )


# -- validation preview ------------------------------------------------------------


class AmazonValidationIssue(AmazonObjectType):
    class Meta:
        permissions = (MANAGE_PRODUCTS,)

    sku = graphene.String(required=True)
    code = graphene.String(required=True)
    severity = graphene.String(required=True)
    message = graphene.String(required=True)
    attributes = graphene.List(graphene.NonNull(graphene.String), required=True)
