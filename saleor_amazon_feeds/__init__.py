"""Sell a Saleor catalog on Amazon through the Selling Partner API."""

__version__ = "0.1.0"

default_app_config = "saleor_amazon_feeds.apps.AmazonFeedsConfig"
