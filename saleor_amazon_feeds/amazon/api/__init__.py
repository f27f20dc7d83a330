"""SP-API operations, one module per Amazon API (as python-amazon-sp-api has).

Each module holds a class of that API's operations on top of the client core
(:class:`..core.SpApiCore`: rate limiting, retries, errors);
:class:`..client.AmazonClient` combines them into the one client callers use.
"""

from .feeds import FeedsApi
from .listings import ListingsApi
from .orders import OrdersApi
from .product_types import ProductTypesApi
from .sellers import SellersApi

__all__ = ["FeedsApi", "ListingsApi", "OrdersApi", "ProductTypesApi", "SellersApi"]
