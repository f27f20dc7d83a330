import graphene

from ..core.fields import ConnectionField, PermissionsField
from ..core.permissions import MANAGE_PRODUCTS
from .mutations import (
    AmazonCategoryOptionsUpdate,
    AmazonProductOptionsUpdate,
    AmazonSubmitFeeds,
    AmazonValidateProduct,
)
from .resolvers import (
    resolve_category_options,
    resolve_feed_submission,
    resolve_feed_submissions,
    resolve_product_listing,
    resolve_product_options,
    resolve_product_types,
)
from .types import (
    AmazonCatalogOptions,
    AmazonFeedSubmissionConnection,
    AmazonFeedSubmissionType,
    AmazonProductListing,
    AmazonProductType,
)


class CatalogQueries(graphene.ObjectType):
    amazon_product_types = PermissionsField(
        graphene.List(graphene.NonNull(AmazonProductType)),
        required=True,
        marketplace_id=graphene.ID(required=True),
        keywords=graphene.String(),
        description="Search Amazon's product types.",
        permissions=(MANAGE_PRODUCTS,),
    )
    amazon_feed_submissions = ConnectionField(
        AmazonFeedSubmissionConnection,
        marketplace_id=graphene.ID(),
        description="Feed submissions, newest first.",
        permissions=(MANAGE_PRODUCTS,),
    )
    amazon_feed_submission = PermissionsField(
        AmazonFeedSubmissionType,
        id=graphene.ID(required=True),
        description="One feed submission with its issues.",
        permissions=(MANAGE_PRODUCTS,),
    )
    amazon_product_listing = PermissionsField(
        AmazonProductListing,
        product_id=graphene.ID(required=True),
        marketplace_id=graphene.ID(required=True),
        description="A product's listing state on one marketplace.",
        permissions=(MANAGE_PRODUCTS,),
    )
    amazon_category_options = PermissionsField(
        AmazonCatalogOptions,
        category_id=graphene.ID(required=True),
        description="Amazon options of a category.",
        permissions=(MANAGE_PRODUCTS,),
    )
    amazon_product_options = PermissionsField(
        AmazonCatalogOptions,
        product_id=graphene.ID(required=True),
        description="Amazon options of a product.",
        permissions=(MANAGE_PRODUCTS,),
    )

    @staticmethod
    def resolve_amazon_product_types(root, info, marketplace_id, keywords=None):
        return resolve_product_types(marketplace_id, keywords)

    @staticmethod
    def resolve_amazon_feed_submissions(
        root, info, first=None, after=None, marketplace_id=None
    ):
        return resolve_feed_submissions(first, after, marketplace_id)

    @staticmethod
    def resolve_amazon_feed_submission(root, info, id):
        return resolve_feed_submission(id)

    @staticmethod
    def resolve_amazon_product_listing(root, info, product_id, marketplace_id):
        return resolve_product_listing(product_id, marketplace_id)

    @staticmethod
    def resolve_amazon_category_options(root, info, category_id):
        return resolve_category_options(category_id)

    @staticmethod
    def resolve_amazon_product_options(root, info, product_id):
        return resolve_product_options(product_id)


class CatalogMutations(graphene.ObjectType):
    amazon_category_options_update = AmazonCategoryOptionsUpdate.Field()
    amazon_product_options_update = AmazonProductOptionsUpdate.Field()
    amazon_submit_feeds = AmazonSubmitFeeds.Field()
    amazon_validate_product = AmazonValidateProduct.Field()
