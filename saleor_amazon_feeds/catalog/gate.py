"""The listing gate (``listings.gate``) fed from the database and Amazon.

``known_listings_sql`` is the one definition of the SKUs Amazon has (or is
being sent) for a marketplace. The builder reads it a page at a time through
``ListingGate`` (so manual feeds and the automatic sync, which builds through
the same submission service, decide alike); reconciliation compares only SKUs
in it and the urgent PATCH patches only those, with the product type it names.

INVENTORY-scope marketplaces learn the rest from getListingsItem: each SKU
the gate does not know is looked up once and the answer kept in
``AmazonListingLookup`` (a miss for a day, time-scaled, a hit until a DELETE
of it is accepted).
"""

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .. import conf
from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError
from ..listings import gate as rule
from ..listings.kinds import FeedKind, SyncScope
from ..models import AmazonListingLookup, AmazonListingState, AmazonMarketplace
from ..models.feeds import ListingStatus

log = logging.getLogger(__name__)

LOOKUP_MISS_MAX_AGE = timedelta(hours=24)

Lookup = Callable[[str], rule.Lookup]


def known_listings_sql(skus: str | None = None) -> str:
    """SQL for the SKUs that may get offers on ``%(marketplace)s``.

    Columns ``sku``, ``product_type``, ``basis`` (``listings.gate.Basis``)
    and ``preference`` (lower wins; a SKU can appear twice, once from our
    listing and once from a lookup). ``skus``, an SQL expression of type
    ``text[]``, restricts it to those SKUs through the unique indexes.
    """
    state = AmazonListingState._meta.db_table
    lookup = AmazonListingLookup._meta.db_table
    only_s = f"AND s.sku = ANY({skus})" if skus else ""
    only_l = f"AND l.sku = ANY({skus})" if skus else ""
    pending = ListingStatus.PENDING.value
    return f"""
        SELECT s.sku,
               (CASE WHEN s.status = '{pending}' THEN s.sent_summary
                     ELSE s.accepted_summary END)->>'productType' AS product_type,
               CASE WHEN s.status = '{pending}' THEN '{rule.Basis.SENT.value}'
                    ELSE '{rule.Basis.ACCEPTED.value}' END AS basis,
               CASE WHEN s.status = '{pending}' THEN {rule.PREFERENCE[rule.Basis.SENT]}
                    ELSE {rule.PREFERENCE[rule.Basis.ACCEPTED]} END AS preference
        FROM {state} s
        WHERE s.marketplace_id = %(marketplace)s
          AND s.kind = '{FeedKind.LISTINGS.value}'
          AND s.variant_id IS NOT NULL
          AND (s.status IN ('{ListingStatus.ACCEPTED.value}', '{pending}')
               OR (s.status = '{ListingStatus.REJECTED.value}'
                   AND s.accepted_digest <> ''))
          AND COALESCE((CASE WHEN s.status = '{pending}' THEN s.sent_summary
                             ELSE s.accepted_summary END)->>'productType', '') <> ''
          {only_s}
        UNION ALL
        SELECT l.sku, l.product_type, '{rule.Basis.FOUND.value}',
               {rule.PREFERENCE[rule.Basis.FOUND]}
        FROM {lookup} l
        WHERE l.marketplace_id = %(marketplace)s AND l.found
          AND l.product_type <> ''
          {only_l}
    """


def known_listings(
    marketplace: AmazonMarketplace, skus: Iterable[str]
) -> dict[str, rule.KnownListing]:
    skus = sorted({s for s in skus if s})
    if not skus:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            known_listings_sql("%(skus)s::text[]"),
            {"marketplace": marketplace.pk, "skus": skus},
        )
        rows = cursor.fetchall()
    known: dict[str, rule.KnownListing] = {}
    for sku, product_type, basis, _ in rows:
        fact = rule.KnownListing(sku, product_type, rule.Basis(basis))
        known[sku] = rule.prefer(known.get(sku), fact)
    return known


def amazon_lookup(client: AmazonClient, marketplace_id: str) -> Lookup:
    """Ask getListingsItem whether Amazon has a SKU in the marketplace."""

    def lookup(sku: str) -> rule.Lookup:
        now = timezone.now()
        try:
            item = client.get_listings_item(
                sku, marketplace_id, included_data=["summaries"]
            )
        except AmazonError as exc:
            if exc.status == 404:
                return rule.Lookup(found=False, checked_at=now)
            return rule.Lookup(found=False, error=exc.merchant_message)
        return rule.Lookup(
            found=True,
            product_type=rule.product_type_of(item, marketplace_id),
            checked_at=now,
        )

    return lookup


class ListingGate:
    """Offer decisions for one build, prepared a page of SKUs at a time.

    ``prepare`` costs at most one query per page, whatever its size (none
    when every listing of the page is built in the same run); an
    INVENTORY-scope marketplace adds one read, the lookups and one write.
    """

    def __init__(
        self, marketplace: AmazonMarketplace, *, lookup: Lookup | None = None
    ) -> None:
        self.marketplace = marketplace
        self.scope = str(marketplace.sync_scope)
        self.lookup = lookup
        self.miss_max_age = conf.scaled(LOOKUP_MISS_MAX_AGE)
        self._known: dict[str, rule.KnownListing] = {}
        self._lookups: dict[str, rule.Lookup] = {}

    def prepare(self, skus: Iterable[str]) -> None:
        """Read what is known about these SKUs (forgetting the last page)."""
        skus = sorted({s for s in skus if s})
        self._known = known_listings(self.marketplace, skus)
        self._lookups = {}
        unknown = [s for s in skus if s not in self._known]
        if self.scope != SyncScope.INVENTORY or not unknown:
            return
        cached = {
            row.sku: rule.Lookup(row.found, row.product_type, row.checked_at)
            for row in AmazonListingLookup.objects.filter(
                marketplace=self.marketplace, sku__in=unknown
            )
        }
        now = timezone.now()
        asked: dict[str, rule.Lookup] = {}
        for sku in unknown:
            if self.lookup is not None and rule.needs_lookup(
                scope=self.scope,
                known=None,
                cached=cached.get(sku),
                now=now,
                miss_max_age=self.miss_max_age,
            ):
                asked[sku] = self.lookup(sku)
            elif sku in cached:
                self._lookups[sku] = cached[sku]
        self._lookups.update(asked)
        self._remember({s: r for s, r in asked.items() if not r.error})

    def decide(self, sku: str, listed_as: str | None = None) -> rule.OfferDecision:
        return rule.decide(
            scope=self.scope,
            marketplace_id=self.marketplace.marketplace_id,
            listed_as=listed_as,
            known=self._known.get(sku),
            lookup=self._lookups.get(sku),
        )

    def _remember(self, answers: dict[str, rule.Lookup]) -> None:
        if not answers:
            return
        AmazonListingLookup.objects.bulk_create(
            [
                AmazonListingLookup(
                    marketplace=self.marketplace,
                    sku=sku,
                    found=answer.found,
                    product_type=answer.product_type[:128],
                    checked_at=answer.checked_at or timezone.now(),
                )
                for sku, answer in answers.items()
            ],
            update_conflicts=True,
            unique_fields=["marketplace", "sku"],
            update_fields=["found", "product_type", "checked_at"],
        )


def forget_lookups(marketplace_pk: int, skus: Iterable[str]) -> None:
    """Amazon accepted a DELETE: what a lookup found there is gone."""
    AmazonListingLookup.objects.filter(
        marketplace_id=marketplace_pk, sku__in=list(skus)
    ).delete()
