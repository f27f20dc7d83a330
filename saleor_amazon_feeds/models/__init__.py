from .accounts import AmazonAccount, AmazonMarketplace
from .feeds import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonListingProblem,
    AmazonListingState,
    AmazonProductTypeDefinition,
)
from .mappings import AmazonFieldMapping, AmazonShippingMapping
from .orders import (
    AmazonImportedOrder,
    AmazonOrderCursor,
    AmazonOrderImportJob,
    AmazonShipmentConfirmation,
)

__all__ = [
    "AmazonAccount",
    "AmazonFeedIssue",
    "AmazonFeedSubmission",
    "AmazonListingProblem",
    "AmazonListingState",
    "AmazonProductTypeDefinition",
    "AmazonFieldMapping",
    "AmazonMarketplace",
    "AmazonShippingMapping",
    "AmazonImportedOrder",
    "AmazonOrderCursor",
    "AmazonOrderImportJob",
    "AmazonShipmentConfirmation",
]
