"""The plugin's only door to Amazon's Selling Partner API.

Pure Python on purpose: nothing here imports Django, so the code that talks to
Amazon is tested without Saleor. Callers pass settings and credentials in as
plain values.
"""

from .client import AmazonClient
from .credentials import Credentials
from .errors import AmazonError
from .marketplaces import (
    MARKETPLACES,
    Marketplace,
    get_marketplace,
    get_marketplace_by_country,
    region_endpoint,
)
from .ratelimit import RateLimiter

__all__ = [
    "MARKETPLACES",
    "AmazonClient",
    "AmazonError",
    "Credentials",
    "Marketplace",
    "RateLimiter",
    "get_marketplace",
    "get_marketplace_by_country",
    "region_endpoint",
]
