"""The catalog mutations, one per module: product and category Amazon
options, feed submission and validation of a product on Amazon."""

from .category_options_update import AmazonCategoryOptionsUpdate
from .product_options_update import AmazonProductOptionsUpdate
from .submit_feeds import AmazonSubmitFeeds
from .validate_product import AmazonValidateProduct

__all__ = [
    "AmazonCategoryOptionsUpdate",
    "AmazonProductOptionsUpdate",
    "AmazonSubmitFeeds",
    "AmazonValidateProduct",
]
