"""The plugin's own tables: Amazon accounts and marketplaces (``accounts``),
feed submissions, issues and listing states (``feeds``), field and shipping
mappings (``mappings``), imported orders, import jobs and shipment
confirmations (``orders``) and the sync's outbox, status and the accepted
values reconciliation compares (``sync``). The enums they store are defined
once in the pure packages (``choices``).
"""

from .accounts import AmazonAccount, AmazonMarketplace
from .feeds import (
    AmazonFeedIssue,
    AmazonFeedSlice,
    AmazonFeedSliceChunk,
    AmazonFeedSubmission,
    AmazonListingLookup,
    AmazonListingProblem,
    AmazonListingState,
    AmazonProductFingerprint,
    AmazonProductTypeDefinition,
)
from .mappings import AmazonFieldMapping, AmazonShippingMapping
from .orders import (
    AmazonImportedOrder,
    AmazonOrderCursor,
    AmazonOrderImportJob,
    AmazonShipmentConfirmation,
)
from .sync import (
    AmazonAcceptedChange,
    AmazonAcceptedValue,
    AmazonPriceChange,
    AmazonSellableQuantity,
    AmazonStockChange,
    AmazonSyncChange,
    AmazonSyncStatus,
)

__all__ = [
    "AmazonAcceptedChange",
    "AmazonAcceptedValue",
    "AmazonAccount",
    "AmazonFeedIssue",
    "AmazonFeedSlice",
    "AmazonFeedSliceChunk",
    "AmazonFeedSubmission",
    "AmazonListingLookup",
    "AmazonListingProblem",
    "AmazonListingState",
    "AmazonProductFingerprint",
    "AmazonProductTypeDefinition",
    "AmazonFieldMapping",
    "AmazonMarketplace",
    "AmazonPriceChange",
    "AmazonSellableQuantity",
    "AmazonShippingMapping",
    "AmazonStockChange",
    "AmazonImportedOrder",
    "AmazonOrderCursor",
    "AmazonOrderImportJob",
    "AmazonShipmentConfirmation",
    "AmazonSyncChange",
    "AmazonSyncStatus",
]
