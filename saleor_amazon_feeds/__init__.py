"""Sell a Saleor catalog on Amazon through the Selling Partner API.

The Django app and Saleor plugin ``saleor.amazon_feeds``: ``plugin`` is the
adapter Saleor loads, ``endpoint`` its HTTP routes; the packages below are
layered as the README's Layout section and ``.importlinter`` describe.
"""

__version__ = "0.1.0"

default_app_config = "saleor_amazon_feeds.apps.AmazonFeedsConfig"
