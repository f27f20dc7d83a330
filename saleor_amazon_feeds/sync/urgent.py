"""Urgent stock: a listed variant that can no longer be sold on the shop is
PATCHed to quantity 0 through the Listings Items API within seconds, instead
of waiting for the next feed.

Never both paths at once for a SKU: the PATCH is marked in Redis while in
flight (the drainer leaves that product for the next feed), and it waits
while a feed that carries the SKU's quantity is still open at Amazon, since a
feed built earlier could otherwise overwrite the 0 with an older quantity.

Only SKUs the listing gate lets through are patched, with the product type
Amazon knows the listing by (``catalog.gate``): a PATCH to a SKU Amazon does
not have would create an empty listing there.
"""

import logging
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from ..amazon.client import AmazonClient
from ..catalog.gate import known_listings_sql
from ..catalog.types import FeedKind
from ..crashpoints import crash_point
from ..listings.messages import fulfillment_availability
from ..models import AmazonFeedSubmission, AmazonListingState, AmazonMarketplace
from ..models.feeds import OPEN_STATUSES, ListingStatus
from . import locks
from .quantities import sellable_quantity_sql

log = logging.getLogger(__name__)

QUANTITY_KINDS = (FeedKind.INVENTORY.value, FeedKind.LISTINGS.value)


@dataclass(frozen=True)
class UrgentPatch:
    marketplace_pk: int
    variant_id: int
    product_id: int
    sku: str
    # The product type Amazon knows the listing by, from the listing gate.
    product_type: str = ""


def unsellable_listed(variant_ids: list[int]) -> list[UrgentPatch]:
    """Listed variants whose sellable quantity is now 0 on a marketplace that
    Amazon may still believe has them in stock."""
    if not variant_ids:
        return []
    found: list[UrgentPatch] = []
    state = AmazonListingState._meta.db_table
    marketplaces = AmazonMarketplace.objects.filter(
        auto_sync=True,
        listing_states__variant_id__in=variant_ids,
    ).distinct()
    for marketplace in marketplaces:
        skus = f"""ARRAY(SELECT v.sku FROM {state} v
                         WHERE v.marketplace_id = %(marketplace)s
                           AND v.variant_id = ANY(%(variants)s::int[]))"""
        sql = f"""
            WITH current AS ({sellable_quantity_sql()}),
            known AS ({known_listings_sql(skus)})
            SELECT DISTINCT ON (s.sku) s.variant_id, s.product_id, s.sku,
                   k.product_type
            FROM {state} s JOIN current c ON c.variant_id = s.variant_id
            JOIN known k ON k.sku = s.sku
            WHERE s.marketplace_id = %(marketplace)s
              AND s.kind = ANY(%(kinds)s::text[])
              AND s.status <> %(deleted)s
              AND c.quantity = 0
              AND COALESCE((CASE WHEN s.status = %(pending)s
                                 THEN s.sent_summary
                                 ELSE s.accepted_summary END)->>'quantity',
                           '0')::int > 0
            ORDER BY s.sku, k.preference
        """
        with connection.cursor() as cursor:
            cursor.execute(
                sql,
                {
                    "marketplace": marketplace.pk,
                    "variants": list(variant_ids),
                    "kinds": list(QUANTITY_KINDS),
                    "deleted": ListingStatus.DELETED.value,
                    "pending": ListingStatus.PENDING.value,
                },
            )
            for variant_id, product_id, sku, product_type in cursor.fetchall():
                found.append(
                    UrgentPatch(
                        marketplace.pk, variant_id, product_id, sku, product_type
                    )
                )
    return found


def open_feed_for(marketplace_pk: int, sku: str) -> AmazonFeedSubmission | None:
    """An open feed that carries this SKU's quantity, if any."""
    return (
        AmazonFeedSubmission.objects.filter(
            marketplace_id=marketplace_pk,
            status__in=OPEN_STATUSES,
            pk__in=AmazonListingState.objects.filter(
                marketplace_id=marketplace_pk, sku=sku, kind__in=QUANTITY_KINDS
            ).values("last_submission_id"),
        )
        .order_by("pk")
        .first()
    )


def patch_to_zero(
    client: AmazonClient, marketplace: AmazonMarketplace, patch: UrgentPatch
) -> bool:
    """PATCH quantity 0 now unless a feed for the SKU is open.

    True when done (by this call, or found unnecessary or handled by another
    worker); False means "retry later".
    """
    if not locks.claim_urgent(marketplace.pk, patch.product_id, patch.sku):
        return True
    try:
        if open_feed_for(marketplace.pk, patch.sku) is not None:
            return False
        # Asked again now, through the gate: the SKU may have been deleted
        # or restocked since the check, and the product type comes from it.
        current = next(
            (
                p
                for p in unsellable_listed([patch.variant_id])
                if p.sku == patch.sku and p.marketplace_pk == marketplace.pk
            ),
            None,
        )
        if current is None:
            return True
        client.patch_listings_item(
            patch.sku,
            marketplace.marketplace_id,
            {
                "productType": current.product_type,
                "patches": [
                    {
                        "op": "replace",
                        "path": "/attributes/fulfillment_availability",
                        "value": fulfillment_availability(
                            0, handling_time_days=marketplace.handling_time
                        ),
                    }
                ],
            },
        )
        crash_point("urgent.after_patch")
        # Amazon now holds 0: a reconciliation must not see the older value.
        now = timezone.now()
        for state in AmazonListingState.objects.filter(
            marketplace=marketplace,
            sku=patch.sku,
            kind__in=QUANTITY_KINDS,
            status=ListingStatus.ACCEPTED,
        ):
            state.accepted_summary = {**state.accepted_summary, "quantity": 0}
            state.accepted_at = now
            state.save(update_fields=["accepted_summary", "accepted_at"])
        log.info(
            "Patched %s to quantity 0 on %s", patch.sku, marketplace.marketplace_id
        )
        return True
    finally:
        locks.clear_urgent(marketplace.pk, patch.sku)
