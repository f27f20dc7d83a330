"""The accepted values reconciliation compares (``sync.accepted``): kept by
triggers and refreshes, always what the rule computes from scratch, whoever
wrote the listing states or lookups and however."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from saleor_amazon_feeds.models import (
    AmazonAcceptedChange,
    AmazonAcceptedValue,
    AmazonListingLookup,
    AmazonListingState,
    AmazonMarketplace,
)
from saleor_amazon_feeds.sync import accepted
from tests.fixtures.sync import accept_offers

pytestmark = pytest.mark.django_db


def from_scratch(marketplace) -> set[tuple]:
    """The rule applied to every variant of the marketplace, now."""
    rows = set()
    with connection.cursor() as cursor:
        for kind, (column, kinds) in accepted.RECONCILED.items():
            cursor.execute(
                f"WITH {accepted._listed(column, kinds, None)} "
                "SELECT variant_id, product_id, state_id, accepted FROM listed",
                {"marketplace": marketplace.pk},
            )
            rows |= {(kind.value, *row) for row in cursor.fetchall()}
    return rows


def kept(marketplace) -> set[tuple]:
    return set(
        AmazonAcceptedValue.objects.filter(marketplace=marketplace).values_list(
            "kind", "variant_id", "product_id", "state_id", "accepted"
        )
    )


def accepted_states(marketplace, variants, *, quantity=5, price="20.00"):
    accept_offers(
        marketplace,
        ((v.pk, v.product_id, v.sku, quantity, price) for v in variants),
        accepted_at=timezone.now(),
    )


def refreshed_as_the_rule(marketplace) -> set[tuple]:
    accepted.refresh(marketplace.pk)
    assert not AmazonAcceptedChange.objects.filter(marketplace_id=marketplace.pk)
    values = kept(marketplace)
    assert values == from_scratch(marketplace)
    return values


@pytest.mark.parametrize("few_variants", [accepted.FEW_VARIANTS, 0])
def test_every_kind_of_write_is_refreshed_as_the_rule_says(
    sync_marketplace, catalog_factory, monkeypatch, few_variants
):
    # Both ways of applying the rule: index lookups for the few variants
    # written, hash plans over the marketplace for many.
    monkeypatch.setattr(accepted, "FEW_VARIANTS", few_variants)
    mp = sync_marketplace
    products = catalog_factory(4, variants=1)
    v1, v2, v3, v4 = (p.variants.get() for p in products)
    accepted_states(mp, [v1, v2, v3, v4])
    values = refreshed_as_the_rule(mp)
    assert {(kind, variant) for kind, variant, *_ in values} == {
        (kind, v.pk) for kind in ("INVENTORY", "PRICES") for v in (v1, v2, v3, v4)
    }
    states = AmazonListingState.objects.filter(marketplace=mp)

    # A feed with v2's quantity pending (a queryset update): no value.
    states.filter(variant_id=v2.pk, kind="INVENTORY").update(status="PENDING")
    values = refreshed_as_the_rule(mp)
    assert ("INVENTORY", v2.pk) not in {(k, v) for k, v, *_ in values}

    # v3's listing deleted: the gate closes; a lookup that found it on
    # Amazon opens it again; the lookup's miss closes it.
    states.filter(variant_id=v3.pk, kind="LISTINGS").delete()
    assert not {v for _, v, *_ in refreshed_as_the_rule(mp)} & {v3.pk}
    lookup = AmazonListingLookup.objects.create(
        marketplace=mp,
        sku=v3.sku,
        found=True,
        product_type="SHIRT",
        checked_at=timezone.now(),
    )
    assert {("INVENTORY", v3.pk), ("PRICES", v3.pk)} <= {
        (k, v) for k, v, *_ in refreshed_as_the_rule(mp)
    }
    AmazonListingLookup.objects.filter(pk=lookup.pk).update(found=False)
    assert not {v for _, v, *_ in refreshed_as_the_rule(mp)} & {v3.pk}

    # v4's listing accepted later with another quantity (a model save): the
    # newest wins.
    listing = states.get(variant_id=v4.pk, kind="LISTINGS")
    listing.accepted_summary = {"productType": "SHIRT", "quantity": 9}
    listing.accepted_at = timezone.now() + timedelta(seconds=1)
    listing.save()
    values = refreshed_as_the_rule(mp)
    assert ("INVENTORY", v4.pk, v4.product_id, listing.pk, 9) in values

    # Raw SQL behind the ORM's back: v1's price.
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AmazonListingState._meta.db_table} "
            """SET accepted_summary = '{"price": "21.50"}'::jsonb """
            "WHERE variant_id = %s AND kind = 'PRICES'",
            [v1.pk],
        )
    assert ("PRICES", v1.pk) in {
        (k, v) for k, v, _, _, value in refreshed_as_the_rule(mp) if value == 21.5
    }

    # The SKU moved to another variant's listing: v1's offers are gated by
    # the listing that now carries it, whoever's it is.
    states.filter(variant_id=v1.pk, kind="LISTINGS").delete()
    refreshed_as_the_rule(mp)
    states.filter(variant_id=v2.pk, kind="LISTINGS").update(sku=v1.sku)
    values = refreshed_as_the_rule(mp)
    assert ("PRICES", v1.pk) in {(k, v) for k, v, *_ in values}
    assert ("PRICES", v2.pk) not in {(k, v) for k, v, *_ in values}


def test_a_marker_without_variant_or_sku_rebuilds_the_whole_marketplace(
    sync_marketplace, catalog_factory
):
    """As migration 0003 leaves each existing marketplace."""
    products = catalog_factory(3, variants=1)
    accepted_states(sync_marketplace, [p.variants.get() for p in products])
    whole = refreshed_as_the_rule(sync_marketplace)
    AmazonAcceptedValue.objects.all().delete()
    assert accepted.refresh(sync_marketplace.pk) == []
    assert kept(sync_marketplace) == set()
    accepted.rebuild_later(sync_marketplace.pk)
    assert accepted.refresh(sync_marketplace.pk) is None
    assert kept(sync_marketplace) == whole


def test_a_deleted_marketplace_leaves_nothing_behind(sync_marketplace, catalog_factory):
    products = catalog_factory(2, variants=1)
    accepted_states(sync_marketplace, [p.variants.get() for p in products])
    accepted.refresh(sync_marketplace.pk)
    assert kept(sync_marketplace)
    # Its states' deletion logs them while it goes.
    AmazonMarketplace.objects.filter(pk=sync_marketplace.pk).delete()
    assert AmazonAcceptedChange.objects.exists()
    assert not AmazonAcceptedValue.objects.exists()
    accepted.refresh_all()
    assert not AmazonAcceptedChange.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_writers_never_wait_and_a_late_commit_is_applied_next_time(
    sync_marketplace, catalog_factory
):
    mp = sync_marketplace
    (product,) = catalog_factory(1, variants=1)
    variant = product.variants.get()
    accepted_states(mp, [variant], quantity=5)
    refreshed_as_the_rule(mp)

    writer = connection.copy()
    try:
        writer.set_autocommit(False)
        with writer.cursor() as cursor:
            # A writer must not wait: a lock held by a refresh fails it.
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute(
                f"UPDATE {AmazonListingState._meta.db_table} "
                """SET accepted_summary = '{"quantity": 7}'::jsonb """
                "WHERE variant_id = %s AND kind = 'INVENTORY'",
                [variant.pk],
            )
            with transaction.atomic():
                # Not committed when the refresh takes the log: not applied.
                assert accepted.refresh(mp.pk) == []
                # The refresh's lock is still held here, until its transaction
                # ends; a second write and the commit go through regardless.
                cursor.execute(
                    f"UPDATE {AmazonListingState._meta.db_table} "
                    "SET accepted_at = accepted_at "
                    "WHERE variant_id = %s AND kind = 'PRICES'",
                    [variant.pk],
                )
                writer.commit()
        assert ("INVENTORY", variant.pk) in {
            (k, v) for k, v, _, _, value in kept(mp) if value == 5
        }
        values = refreshed_as_the_rule(mp)
        assert ("INVENTORY", variant.pk) in {
            (k, v) for k, v, _, _, value in values if value == 7
        }
    finally:
        writer.close()
