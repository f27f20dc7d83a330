"""A local stand-in for Amazon's Selling Partner API, written from Amazon's models.

Pure Python, no Django: ``SandboxServer(...).start()`` serves LWA tokens,
Sellers, Feeds, Listings Items, Product Type Definitions and Orders, plus an
admin API under ``/_sandbox`` for tests.
"""

from .server import SandboxServer

__all__ = ["SandboxServer"]
