"""Listing reconciliation: queue the product changes no hook recorded.

Saleor calls product, variant and category hooks after its transaction has
committed, so a process that dies in between loses the outbox row, and the
quantity/price reconciliation (``reconcile.py``) never repairs a title, an
attribute or a description. This pass queues every product Saleor changed
since the last pass, read from ``Product.updated_at`` and
``ProductVariant.updated_at`` (bumped by Saleor's product and variant create,
update and bulk mutations, including their attribute assignments), exactly
as the lost hook would have (``outbox.record_variants``). The drain builds
them and sends only the messages whose digest differs from what Amazon
accepted (``catalog.submission``), so a product that changed nothing Amazon
shows costs a build, never a feed.

What updated_at does not show: renaming an attribute value
(``attributeValueUpdate``) bumps no product, and media mutations only call
``product_updated``; the plugin's ``attribute_value_updated`` and
``product_updated`` hooks record those, and a crash in that window is the one
loss this pass cannot see (documented in docs/reliability.md).
"""

from datetime import timedelta

from django.db.models import Exists, Min, OuterRef, Q
from django.utils import timezone
from saleor.product.models import Product, ProductVariant

from ..models import AmazonListingState, AmazonMarketplace, AmazonSyncStatus
from .outbox import Change, record_variants

# Saleor stamps updated_at when it saves, and commits later: a pass must look
# back this far so a transaction still open at the last pass is not skipped.
COMMIT_LAG = timedelta(minutes=2)
BATCH = 5000


def reconcile_listings() -> int:
    """Queue products changed since the last pass; returns outbox rows written."""
    marketplaces = list(AmazonMarketplace.objects.filter(auto_sync=True))
    if not marketplaces:
        return 0
    started = timezone.now()
    since = _last_pass(marketplaces)
    changed_variants = ProductVariant.objects.filter(
        product_id=OuterRef("pk"), updated_at__gt=since - COMMIT_LAG
    )
    product_ids = list(
        Product.objects.filter(
            Q(updated_at__gt=since - COMMIT_LAG) | Exists(changed_variants)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    written = 0
    for start in range(0, len(product_ids), BATCH):
        written += record_variants(
            Change.CONTENT, product_ids=product_ids[start : start + BATCH]
        )
    for marketplace in marketplaces:
        AmazonSyncStatus.objects.update_or_create(
            marketplace=marketplace, defaults={"listings_checked_at": started}
        )
    return written


def _last_pass(marketplaces: list[AmazonMarketplace]):
    """Where the oldest marketplace's last pass ended; before the first pass,
    when the plugin first sent anything (or the marketplace was created)."""
    checked = AmazonSyncStatus.objects.filter(marketplace__in=marketplaces).values_list(
        "marketplace_id", "listings_checked_at"
    )
    last = dict(checked)
    if all(last.get(m.pk) for m in marketplaces):
        return min(last[m.pk] for m in marketplaces)
    first_sent = AmazonListingState.objects.filter(
        marketplace__in=marketplaces
    ).aggregate(first=Min("sent_at"))["first"]
    created = min(m.created_at for m in marketplaces)
    return min(first_sent, created) if first_sent else created
