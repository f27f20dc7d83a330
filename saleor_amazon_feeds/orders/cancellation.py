"""An order cancelled on Amazon cancels its Saleor order and frees its stock."""

from saleor.site.models import Site

from ..models import AmazonImportedOrder
from ..saleor_compat import OrderStatus, cancel_order, get_plugins_manager

CANCELLABLE = frozenset(
    {OrderStatus.UNCONFIRMED, OrderStatus.UNFULFILLED, OrderStatus.DRAFT}
)


def cancel_imported_order(record: AmazonImportedOrder, app) -> tuple[bool, str]:
    """(changed, reason). Runs inside the caller's transaction, under its row lock.

    Saleor's ``cancel_order`` releases the allocations (our reservations) and
    sends the usual ORDER_CANCELLED events.
    """
    order = record.order
    if order is None:
        return False, ""
    if order.status == OrderStatus.CANCELED:
        return False, "Cancelled on Amazon; the Saleor order was already cancelled."
    if order.status not in CANCELLABLE:
        return False, (
            f"Cancelled on Amazon, but the Saleor order is {order.status} and "
            "cannot be cancelled automatically: check it."
        )
    manager = get_plugins_manager(allow_replica=False)
    site_settings = Site.objects.get_current().settings
    cancel_order(order, None, app, manager, site_settings)
    return True, "Cancelled on Amazon; the Saleor order was cancelled."
