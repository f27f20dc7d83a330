from .import_orders import AmazonImportOrders
from .imported_order_retry import AmazonImportedOrderRetry

__all__ = ["AmazonImportOrders", "AmazonImportedOrderRetry"]
