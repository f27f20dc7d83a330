"""The client callers use: every SP-API operation of one seller account.

:class:`AmazonClient` is composed from the per-API operation classes of
:mod:`.api` (Sellers, Feeds, Listings Items, Product Type Definitions,
Orders) on top of the client core (:mod:`.core`: construction, rate limiting,
retries), which calls python-amazon-sp-api through the workarounds of
:mod:`.spapi_library`.
"""

from __future__ import annotations

from .api import FeedsApi, ListingsApi, OrdersApi, ProductTypesApi, SellersApi


class AmazonClient(SellersApi, FeedsApi, ListingsApi, ProductTypesApi, OrdersApi):
    """SP-API for one seller account in one region.

    The operations are those of the per-API classes it is made of (callers
    use ``client.get_feed(...)``, ``client.search_orders(...)`` and so on);
    the constructor's options (credentials, endpoint, limiter, retries) are
    documented on :class:`~.core.SpApiCore`.
    """
