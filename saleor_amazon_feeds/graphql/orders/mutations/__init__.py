"""The order mutations, one per module: start an import, retry a held
order."""

from .import_orders import AmazonImportOrders
from .imported_order_retry import AmazonImportedOrderRetry

__all__ = ["AmazonImportOrders", "AmazonImportedOrderRetry"]
