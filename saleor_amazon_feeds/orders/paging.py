"""Which Amazon orders an import reads: searchOrders pages and the cursor.

Each marketplace keeps a ``lastUpdatedAfter`` cursor (:class:`AmazonOrderCursor`).
A run reads every order Amazon changed since it, following ``nextToken``, and
moves the cursor to the window's upper bound (Amazon's ``lastUpdatedBefore``)
only after the whole window has been processed, and only forward: a crash
reads the same window again, which the no-duplicate guarantee of
:mod:`.batches` makes harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .. import conf
from ..amazon_clients import client_for
from ..models import AmazonMarketplace, AmazonOrderCursor

# Everything the import maps, in the search answer itself (Orders API
# v2026-01-01 needs no getOrderItems call or Restricted Data Token for these).
INCLUDED_DATA = (
    "BUYER",
    "RECIPIENT",
    "PROCEEDS",
    "PROMOTION",
    "CANCELLATION",
    "FULFILLMENT",
    "PACKAGES",
    "TAX",
    "PAYMENT",
)


def window_start(marketplace: AmazonMarketplace) -> datetime:
    """The marketplace's cursor, or the initial look-back on its first run."""
    cursor = AmazonOrderCursor.objects.filter(marketplace=marketplace).first()
    return (
        cursor.last_updated_after
        if cursor
        else timezone.now() - conf.orders_initial_lookback()
    )


def fetch_orders(
    marketplace: AmazonMarketplace,
    since: datetime,
    on_page: Callable[[], None] | None = None,
) -> tuple[list[dict[str, Any]], datetime | None]:
    """Every order changed since ``since``, and the window's upper bound;
    ``on_page`` is called after each page (the job's heartbeat)."""
    client = client_for(marketplace.account)
    orders: list[dict[str, Any]] = []
    token = None
    upper = None
    try:
        while True:
            page = client.search_orders(
                [marketplace.marketplace_id],
                since,
                token,
                included_data=INCLUDED_DATA,
            )
            orders.extend(page.get("orders") or [])
            upper = page.get("lastUpdatedBefore") or upper
            token = (page.get("pagination") or {}).get("nextToken")
            if on_page is not None:
                on_page()
            if not token:
                break
    finally:
        client.close()
    return orders, (parse_datetime(upper) if isinstance(upper, str) else upper)


def advance_cursor(marketplace: AmazonMarketplace, upper: datetime) -> None:
    """Move the cursor to ``upper``, never back (a slower parallel run may
    finish after a newer one)."""
    with transaction.atomic():
        cursor, created = AmazonOrderCursor.objects.select_for_update().get_or_create(
            marketplace=marketplace, defaults={"last_updated_after": upper}
        )
        if not created and cursor.last_updated_after < upper:
            cursor.last_updated_after = upper
            cursor.save(update_fields=["last_updated_after", "updated_at"])
