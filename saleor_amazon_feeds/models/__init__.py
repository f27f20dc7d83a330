from .accounts import AmazonAccount, AmazonMarketplace
from .mappings import AmazonFieldMapping, AmazonShippingMapping

__all__ = [
    "AmazonAccount",
    "AmazonFieldMapping",
    "AmazonMarketplace",
    "AmazonShippingMapping",
]
