from .accounts import AmazonAccount, AmazonMarketplace
from .feeds import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonListingLookup,
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
from .sync import AmazonSyncChange, AmazonSyncStatus

__all__ = [
    "AmazonAccount",
    "AmazonFeedIssue",
    "AmazonFeedSubmission",
    "AmazonListingLookup",
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
    "AmazonSyncChange",
    "AmazonSyncStatus",
]
