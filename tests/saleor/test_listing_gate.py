"""The listing gate in manual feeds, sync, reconciliation and urgent PATCH.

A product the listing gate leaves out (no Amazon product type, or a listing
its product type's schema refuses) must not reach Amazon through quantity and
price messages either: on Amazon those would create empty listings. Driven as
a client would (the plugin's GraphQL endpoint, Saleor's own GraphQL for
product edits) against the bundled sandbox over HTTP; what Amazon ends up
holding is read back from ``GET /_sandbox/listings``.
"""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone
from graphql_relay import to_global_id
from saleor.product.models import ProductVariant, ProductVariantChannelListing

from saleor_amazon_feeds.catalog.builder import iter_batches
from saleor_amazon_feeds.catalog.submission import submit_feeds
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.models import (
    AmazonFeedSubmission,
    AmazonListingLookup,
    AmazonListingProblem,
    AmazonListingState,
    AmazonSyncChange,
    AmazonSyncStatus,
)
from saleor_amazon_feeds.sync.drain import drain_marketplace
from saleor_amazon_feeds.sync.outbox import Change, record_variants
from saleor_amazon_feeds.sync.quantities import sellable_quantity_sql
from saleor_amazon_feeds.sync.reconcile import reconcile_marketplace
from saleor_amazon_feeds.sync.tasks import urgent_check_task
from saleor_amazon_feeds.sync.urgent import unsellable_listed
from tests.fixtures.catalog import set_options
from tests.fixtures.feeds import wait_for_submissions

from .graphql_utils import gql_data

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
NOT_LISTED = "Not listed on Amazon"

SUBMIT = """
mutation ($marketplaces: [ID!]!, $kinds: [AmazonFeedKind!]!) {
  amazonSubmitFeeds(marketplaceIds: $marketplaces, kinds: $kinds) {
    marketplaces { marketplaceId }
    errors { field code message }
  }
}
"""
# Only ``errors``: ``marketplaces`` is non-null, so selecting it turns any
# refusal into a top-level GraphQL error.
SUBMIT_ERRORS = """
mutation ($marketplaces: [ID!]!, $kinds: [AmazonFeedKind!]!) {
  amazonSubmitFeeds(marketplaceIds: $marketplaces, kinds: $kinds) {
    errors { field code message }
  }
}
"""
SUBMISSIONS = """
query ($marketplace: ID) {
  amazonFeedSubmissions(marketplaceId: $marketplace, first: 50) {
    edges { node {
      kind status feedId messageCount acceptedCount invalidCount skippedCount error
    } }
  }
}
"""
LISTING = """
query ($product: ID!, $marketplace: ID!) {
  amazonProductListing(productId: $product, marketplaceId: $marketplace) {
    skus { sku kind status sentValues acceptedValues }
    problems { sku kind severity reason attribute }
  }
}
"""
OPTIONS_UPDATE = """
mutation ($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonProductOptionsUpdate(productId: $id, input: $input) {
    errors { field code message }
  }
}
"""
SALEOR_PRODUCT_UPDATE = """
mutation ($id: ID!, $name: String!) {
  productUpdate(id: $id, input: {name: $name}) { errors { field message } }
}
"""


# -- helpers -------------------------------------------------------------------


def gid(type_name, pk):
    return to_global_id(type_name, pk)


def sku_of(product):
    return product.variants.get().sku


def submit(client, marketplace, kinds):
    data = gql_data(
        client,
        SUBMIT,
        {"marketplaces": [gid("AmazonMarketplace", marketplace.pk)], "kinds": kinds},
    )["amazonSubmitFeeds"]
    assert data["errors"] == []
    wait_for_submissions()


def choose_product_type(client, product, product_type):
    data = gql_data(
        client,
        OPTIONS_UPDATE,
        {
            "id": gid("Product", product.pk),
            "input": {
                "productTypes": (
                    [{"marketplaceId": "*", "productType": product_type}]
                    if product_type
                    else []
                )
            },
        },
    )["amazonProductOptionsUpdate"]
    assert data["errors"] == []


def product_listing(client, product, marketplace):
    return gql_data(
        client,
        LISTING,
        {
            "product": gid("Product", product.pk),
            "marketplace": gid("AmazonMarketplace", marketplace.pk),
        },
    )["amazonProductListing"]


def submissions(client, marketplace):
    edges = gql_data(
        client, SUBMISSIONS, {"marketplace": gid("AmazonMarketplace", marketplace.pk)}
    )["amazonFeedSubmissions"]["edges"]
    return [e["node"] for e in edges]


def on_amazon(sandbox):
    """What Amazon holds for the marketplace: SKU -> listing."""
    return {item["sku"]: item for item in sandbox.listings(US)}


def quantity_on_amazon(listing):
    return listing["attributes"]["fulfillment_availability"][0]["quantity"]


def price_on_amazon(listing):
    offer = listing["attributes"]["purchasable_offer"][0]
    return Decimal(str(offer["our_price"][0]["schedule"][0]["value_with_tax"]))


def problems_by_kind(listing):
    by_kind = {}
    for problem in listing["problems"]:
        by_kind.setdefault(problem["kind"], []).append(problem)
    return by_kind


# -- fixtures ------------------------------------------------------------------


@pytest.fixture
def catalog_client(plugin_staff_client, permission_manage_products):
    plugin_staff_client.user.user_permissions.add(permission_manage_products)
    return plugin_staff_client


@pytest.fixture
def editor(staff_api_client, permission_manage_products):
    """A staff user on Saleor's own GraphQL API."""
    staff_api_client.user.user_permissions.add(permission_manage_products)
    return staff_api_client


@pytest.fixture
def marketplace(sync_marketplace, warehouses):
    """Amazon.com on the sandbox, scope ALL; feeds sent by hand."""
    sync_marketplace.auto_sync = False
    sync_marketplace.save(update_fields=["auto_sync"])
    sync_marketplace.warehouses.set(warehouses)
    return sync_marketplace


@pytest.fixture
def inventory_marketplace(marketplace):
    marketplace.sync_scope = "INVENTORY"
    marketplace.save(update_fields=["sync_scope"])
    return marketplace


@pytest.fixture
def quiet_sync(sync_marketplace, warehouses, settings):
    """Automatic sync on; changes stay in the outbox until drained by hand."""
    settings.AMAZON_FEEDS_SYNC_SETTLE_SECONDS = 3600
    sync_marketplace.warehouses.set(warehouses)
    return sync_marketplace


@pytest.fixture
def three_products(catalog_factory, catalog_client):
    """One product Amazon can list (LUGGAGE), one without a product type, one
    whose listing the SHIRT schema refuses (it needs far more attributes)."""
    listable, untyped, invalid = catalog_factory(3, variants=1)
    choose_product_type(catalog_client, listable, "LUGGAGE")
    choose_product_type(catalog_client, invalid, "SHIRT")
    return listable, untyped, invalid


# -- manual feeds --------------------------------------------------------------


def test_left_out_products_get_no_quantity_or_price_on_amazon(
    catalog_client, marketplace, three_products, sandbox
):
    listable, untyped, invalid = three_products

    submit(catalog_client, marketplace, ["LISTINGS", "INVENTORY", "PRICES"])

    # Only the listable product reached Amazon; nothing was created for the
    # two products that were left out.
    listings = on_amazon(sandbox)
    assert set(listings) == {sku_of(listable)}
    assert listings[sku_of(listable)]["productType"] == "LUGGAGE"
    assert quantity_on_amazon(listings[sku_of(listable)]) == 57
    by_kind = {node["kind"]: node for node in submissions(catalog_client, marketplace)}
    assert set(by_kind) == {"LISTINGS", "INVENTORY", "PRICES"}
    for node in by_kind.values():
        assert (node["status"], node["messageCount"], node["acceptedCount"]) == (
            "DONE",
            1,
            1,
        )
    # The two left-out SKUs are counted as skipped on the offer feeds too.
    assert by_kind["INVENTORY"]["skippedCount"] == 2
    assert by_kind["PRICES"]["skippedCount"] == 2

    left_out = {}
    for product in (untyped, invalid):
        listing = product_listing(catalog_client, product, marketplace)
        # Nothing was sent, so nothing shows ACCEPTED next to the reasons.
        assert listing["skus"] == []
        problems = left_out[product.pk] = problems_by_kind(listing)
        for kind in ("INVENTORY", "PRICES"):
            (problem,) = problems[kind]
            assert problem["sku"] == sku_of(product)
            assert problem["reason"].startswith(NOT_LISTED)
            assert problem["severity"] == "ERROR"
    # Next to them, why the listing itself was left out.
    (untyped_reason,) = left_out[untyped.pk]["LISTINGS"]
    assert untyped_reason["reason"].startswith("No Amazon product type chosen")
    assert "department" in {p["attribute"] for p in left_out[invalid.pk]["LISTINGS"]}

    listed = product_listing(catalog_client, listable, marketplace)
    assert {(s["kind"], s["status"]) for s in listed["skus"]} == {
        ("LISTINGS", "ACCEPTED"),
        ("INVENTORY", "ACCEPTED"),
        ("PRICES", "ACCEPTED"),
    }
    assert listed["problems"] == []


def test_listing_amazon_accepted_keeps_its_offers_and_product_type(
    catalog_client, marketplace, catalog_factory, sandbox
):
    (product,) = catalog_factory(1, variants=1)
    sku = sku_of(product)
    choose_product_type(catalog_client, product, "LUGGAGE")
    submit(catalog_client, marketplace, ["LISTINGS", "INVENTORY", "PRICES"])
    assert sku in on_amazon(sandbox)

    # The merchant clears the product type: the listing can no longer be
    # built, but Amazon has it, so a new price still goes, as LUGGAGE (what
    # Amazon knows it by), never an invented type.
    choose_product_type(catalog_client, product, None)
    ProductVariantChannelListing.objects.filter(variant__product=product).update(
        price_amount=Decimal("33.30")
    )
    submit(catalog_client, marketplace, ["LISTINGS", "PRICES"])

    listing = on_amazon(sandbox)[sku]
    assert price_on_amazon(listing) == Decimal("33.30")
    assert listing["productType"] == "LUGGAGE"
    latest = {n["kind"]: n for n in submissions(catalog_client, marketplace)[:2]}
    assert latest["LISTINGS"]["status"] == "EMPTY"
    assert (latest["PRICES"]["status"], latest["PRICES"]["messageCount"]) == (
        "DONE",
        1,
    )
    state = product_listing(catalog_client, product, marketplace)
    prices = next(s for s in state["skus"] if s["kind"] == "PRICES")
    assert prices["status"] == "ACCEPTED"
    assert json.loads(prices["acceptedValues"])["price"] == "33.30"
    assert (
        "No Amazon product type chosen"
        in (problems_by_kind(state)["LISTINGS"][0]["reason"])
    )


def test_inventory_scope_refuses_listings_by_name(
    catalog_client, inventory_marketplace, catalog_factory, sandbox
):
    catalog_factory(1, variants=1)
    data = gql_data(
        catalog_client,
        SUBMIT_ERRORS,
        {
            "marketplaces": [gid("AmazonMarketplace", inventory_marketplace.pk)],
            "kinds": ["LISTINGS", "INVENTORY"],
        },
    )["amazonSubmitFeeds"]
    (error,) = data["errors"]
    assert (error["field"], error["code"]) == ("kinds", "KIND_OUT_OF_SCOPE")
    assert "LISTINGS" in error["message"]
    assert "sync scope is INVENTORY" in error["message"]
    # Refused as a whole: not even the allowed kind was queued.
    assert not AmazonFeedSubmission.objects.exists()
    assert sandbox.feeds() == []

    # A request queued before the scope changed is recorded, not dropped.
    submit_feeds(inventory_marketplace, ["LISTINGS"])
    (node,) = submissions(catalog_client, inventory_marketplace)
    assert (node["kind"], node["status"], node["feedId"]) == ("LISTINGS", "EMPTY", "")
    assert "LISTINGS cannot be sent" in node["error"]
    assert "INVENTORY" in node["error"]


def test_inventory_scope_sends_offers_only_to_skus_amazon_has(
    catalog_client, inventory_marketplace, catalog_factory, sandbox
):
    elsewhere, unknown = catalog_factory(2, variants=1)
    # Listed in Seller Central, not by the plugin.
    sandbox.put_listing(sku_of(elsewhere), US, product_type="PRODUCT", quantity=1)

    submit(catalog_client, inventory_marketplace, ["INVENTORY", "PRICES"])

    listings = on_amazon(sandbox)
    assert set(listings) == {sku_of(elsewhere)}
    assert quantity_on_amazon(listings[sku_of(elsewhere)]) == 57
    assert price_on_amazon(listings[sku_of(elsewhere)]) == Decimal("20.00")
    # The offer named the product type Amazon reported for the listing.
    assert listings[sku_of(elsewhere)]["productType"] == "PRODUCT"
    asked = sandbox.requests("getListingsItem")
    assert sorted(r["path"].rsplit("/", 1)[1] for r in asked) == sorted(
        [sku_of(elsewhere), sku_of(unknown)]
    )
    assert set(
        AmazonListingLookup.objects.values_list("sku", "found", "product_type")
    ) == {(sku_of(elsewhere), True, "PRODUCT"), (sku_of(unknown), False, "")}

    missing = product_listing(catalog_client, unknown, inventory_marketplace)
    assert missing["skus"] == []
    problems = problems_by_kind(missing)
    for kind in ("INVENTORY", "PRICES"):
        (problem,) = problems[kind]
        assert "getListingsItem found no listing" in problem["reason"]
        assert "sync scope ALL" in problem["reason"]
    found = product_listing(catalog_client, elsewhere, inventory_marketplace)
    assert {(s["kind"], s["status"]) for s in found["skus"]} == {
        ("INVENTORY", "ACCEPTED"),
        ("PRICES", "ACCEPTED"),
    }

    # The answers are remembered: a second run asks Amazon nothing.
    ProductVariant.objects.get(sku=sku_of(elsewhere)).stocks.update(quantity=40)
    submit(catalog_client, inventory_marketplace, ["INVENTORY", "PRICES"])
    assert len(sandbox.requests("getListingsItem")) == 2
    assert set(on_amazon(sandbox)) == {sku_of(elsewhere)}
    assert quantity_on_amazon(on_amazon(sandbox)[sku_of(elsewhere)]) == 77


def test_rejected_message_is_sent_again_only_once_it_changes(
    catalog_client, marketplace, catalog_factory, sandbox
):
    (product,) = catalog_factory(1, variants=1)
    sku = sku_of(product)
    # Written by another client: a product type Amazon does not know, so no
    # local schema can check it and Amazon's report rejects the listing.
    set_options(product, productType={"*": "NO_SUCH_TYPE"})
    submit(catalog_client, marketplace, ["LISTINGS"])
    state = AmazonListingState.objects.get(sku=sku, kind="LISTINGS")
    assert state.status == "REJECTED"
    assert state.rejected_digest == state.sent_digest
    feeds = len(sandbox.feeds())

    # Unchanged: neither the listing nor (the listing being rejected) its
    # offers go to Amazon again.
    submit(catalog_client, marketplace, ["LISTINGS", "INVENTORY", "PRICES"])
    assert len(sandbox.feeds()) == feeds
    assert on_amazon(sandbox) == {}
    latest = submissions(catalog_client, marketplace)[:3]
    assert {n["status"] for n in latest} == {"EMPTY"}
    problems = problems_by_kind(product_listing(catalog_client, product, marketplace))
    (again,) = problems["LISTINGS"]
    assert again["severity"] == "INFO"
    assert again["reason"].startswith("Not sent again: Amazon rejected this exact")
    assert problems["INVENTORY"][0]["reason"].startswith(NOT_LISTED)

    # Its inputs change: it is sent again.
    product.name = "Renamed bag"
    product.save(update_fields=["name"])
    submit(catalog_client, marketplace, ["LISTINGS"])
    assert len(sandbox.feeds()) == feeds + 1
    resent = AmazonFeedSubmission.objects.filter(kind="LISTINGS").latest("pk")
    assert (resent.status, resent.message_count, resent.invalid_count) == (
        "DONE",
        1,
        1,
    )


# -- automatic sync ------------------------------------------------------------


def test_sync_sends_offers_only_for_listed_products(
    editor,
    quiet_sync,
    catalog_factory,
    sandbox,
    django_capture_on_commit_callbacks,
):
    listable, untyped = catalog_factory(2, variants=1)
    set_options(listable, productType={"*": "LUGGAGE"})
    # Saleor's own productUpdate: the plugin's hooks queue every kind for
    # both products.
    for product in (listable, untyped):
        with django_capture_on_commit_callbacks(execute=True):
            response = editor.post_graphql(
                SALEOR_PRODUCT_UPDATE,
                {"id": gid("Product", product.pk), "name": f"{product.name} v2"},
            )
        assert response.json()["data"]["productUpdate"]["errors"] == []
    queued = set(AmazonSyncChange.objects.values_list("kind", "product_id"))
    assert {("INVENTORY", untyped.pk), ("PRICES", untyped.pk)} <= queued

    drain_marketplace(quiet_sync, force=True)
    wait_for_submissions()

    assert set(on_amazon(sandbox)) == {sku_of(listable)}
    sent = AmazonFeedSubmission.objects.filter(trigger="AUTO", feed_id__gt="")
    assert {(s.kind, s.message_count, s.status) for s in sent} == {
        ("LISTINGS", 1, "DONE"),
        ("INVENTORY", 1, "DONE"),
        ("PRICES", 1, "DONE"),
    }
    assert not AmazonListingState.objects.filter(product_id=untyped.pk).exists()
    gated = AmazonListingProblem.objects.filter(
        product_id=untyped.pk, kind__in=["INVENTORY", "PRICES"]
    )
    assert {p.kind for p in gated} == {"INVENTORY", "PRICES"}
    assert all(p.reason.startswith(NOT_LISTED) for p in gated)
    # Handled, not stuck: the outbox is empty and the sync is not in error.
    assert not AmazonSyncChange.objects.exists()
    assert AmazonSyncStatus.objects.get(marketplace=quiet_sync).waiting_reason in (
        "IDLE",
        "SETTLING",
    )

    # A stock change of the left-out product later: still nothing for it.
    ProductVariant.objects.get(sku=sku_of(untyped)).stocks.update(quantity=3)
    record_variants(Change.STOCK, product_ids=[untyped.pk])
    drain_marketplace(quiet_sync, force=True)
    wait_for_submissions()
    assert set(on_amazon(sandbox)) == {sku_of(listable)}
    assert not AmazonListingState.objects.filter(product_id=untyped.pk).exists()


# -- reconciliation and urgent PATCH --------------------------------------------


def _broken_offer_states(marketplace, product, quantity=5):
    """What the builder left before the gate: offers Amazon "accepted" for a
    SKU whose listing was never sent."""
    variant = product.variants.get()
    for kind, summary in (
        ("INVENTORY", {"quantity": quantity}),
        ("PRICES", {"price": "1.00", "currency": "USD"}),
    ):
        AmazonListingState.objects.create(
            marketplace=marketplace,
            sku=variant.sku,
            kind=kind,
            product_id=product.pk,
            variant_id=variant.pk,
            status="ACCEPTED",
            sent_digest="old",
            accepted_digest="old",
            sent_summary=summary,
            accepted_summary=summary,
            accepted_at=timezone.now(),
        )
    return variant


def _initial_sync(marketplace, product):
    record_variants(Change.CONTENT, product_ids=[product.pk])
    drain_marketplace(marketplace, force=True)
    wait_for_submissions()
    assert not AmazonSyncChange.objects.exists()


def test_reconciliation_compares_only_skus_that_pass_the_gate(
    quiet_sync, catalog_factory, sandbox
):
    listable, unlisted = catalog_factory(2, variants=1)
    set_options(listable, productType={"*": "LUGGAGE"})
    _initial_sync(quiet_sync, listable)
    broken = _broken_offer_states(quiet_sync, unlisted)
    assert reconcile_marketplace(quiet_sync) == {"INVENTORY": 0, "PRICES": 0}

    # Behind Saleor's back (bulk SQL) both change.
    listed_variant = listable.variants.get()
    listed_variant.stocks.update(quantity=20)
    broken.stocks.update(quantity=20)
    ProductVariantChannelListing.objects.filter(
        variant__in=[listed_variant, broken]
    ).update(price_amount=Decimal("44.00"))

    assert reconcile_marketplace(quiet_sync) == {"INVENTORY": 1, "PRICES": 1}
    assert set(AmazonSyncChange.objects.values_list("kind", "variant_id")) == {
        ("INVENTORY", listed_variant.pk),
        ("PRICES", listed_variant.pk),
    }
    drain_marketplace(quiet_sync, force=True)
    wait_for_submissions()
    listings = on_amazon(sandbox)
    assert set(listings) == {listed_variant.sku}
    assert price_on_amazon(listings[listed_variant.sku]) == Decimal("44.00")
    assert reconcile_marketplace(quiet_sync) == {"INVENTORY": 0, "PRICES": 0}


def test_reconciliation_follows_lookups_on_an_inventory_scope_marketplace(
    quiet_sync, catalog_factory, sandbox
):
    quiet_sync.sync_scope = "INVENTORY"
    quiet_sync.save(update_fields=["sync_scope"])
    elsewhere, unknown = catalog_factory(2, variants=1)
    sandbox.put_listing(sku_of(elsewhere), US)
    record_variants(Change.STOCK, product_ids=[elsewhere.pk, unknown.pk])
    drain_marketplace(quiet_sync, force=True)
    wait_for_submissions()
    assert set(on_amazon(sandbox)) == {sku_of(elsewhere)}
    _broken_offer_states(quiet_sync, unknown, quantity=1)

    for product in (elsewhere, unknown):
        product.variants.get().stocks.update(quantity=0)
    # Found by getListingsItem: compared and queued. Never found: left alone.
    assert reconcile_marketplace(quiet_sync)["INVENTORY"] == 1
    assert set(AmazonSyncChange.objects.values_list("variant_id", flat=True)) == {
        elsewhere.variants.get().pk
    }


def test_urgent_patch_only_for_listed_skus_with_their_product_type(
    quiet_sync, catalog_factory, sandbox
):
    listable, unlisted = catalog_factory(2, variants=1)
    set_options(listable, productType={"*": "LUGGAGE"})
    _initial_sync(quiet_sync, listable)
    broken = _broken_offer_states(quiet_sync, unlisted)
    # The product type option is gone since (the urgent path used to fall back
    # to Amazon's generic PRODUCT then).
    set_options(listable, productType={})
    listed_variant = listable.variants.get()
    for variant in (listed_variant, broken):
        variant.stocks.update(quantity=0)

    patches = unsellable_listed([listed_variant.pk, broken.pk])
    assert [(p.sku, p.product_type) for p in patches] == [
        (listed_variant.sku, "LUGGAGE")
    ]
    # The Celery path a stock webhook takes (eager here).
    urgent_check_task.delay([listed_variant.pk, broken.pk])

    requests = sandbox.requests("patchListingsItem")
    assert [r["path"].rsplit("/", 1)[1] for r in requests] == [listed_variant.sku]
    listings = on_amazon(sandbox)
    assert set(listings) == {listed_variant.sku}
    assert quantity_on_amazon(listings[listed_variant.sku]) == 0
    assert listings[listed_variant.sku]["productType"] == "LUGGAGE"


# -- quantity of variants that do not track inventory --------------------------


def _sql_quantities(marketplace, variant_ids):
    with connection.cursor() as cursor:
        cursor.execute(
            sellable_quantity_sql(),
            {"marketplace": marketplace.pk, "variants": list(variant_ids)},
        )
        return dict(cursor.fetchall())


def _builder_quantities(marketplace):
    quantities = {}
    for batch in iter_batches(marketplace, [FeedKind.LISTINGS]):
        for built in batch.messages:
            if built.variant_id:
                quantities[built.variant_id] = built.summary["quantity"]
    return quantities


@pytest.mark.parametrize(
    ("settings_", "untracked_expected"),
    [
        ({}, 100),
        ({"untracked_quantity": 7, "stock_buffer": 3}, 7),
        ({"max_quantity": 5, "stock_buffer": 60}, 5),
        ({"untracked_quantity": 0}, 0),
    ],
)
def test_feed_and_sql_agree_on_sellable_quantity(
    marketplace, catalog_factory, category, settings_, untracked_expected
):
    for field, value in settings_.items():
        setattr(marketplace, field, value)
    marketplace.save()
    products = catalog_factory(4, variants=2)
    set_options(category, productType="LUGGAGE")
    untracked = [p.variants.order_by("pk").first() for p in products[:2]]
    ProductVariant.objects.filter(pk__in=[v.pk for v in untracked]).update(
        track_inventory=False
    )

    built = _builder_quantities(marketplace)
    assert len(built) == 8
    assert _sql_quantities(marketplace, built) == built
    assert {built[v.pk] for v in untracked} == {untracked_expected}
    tracked = [q for pk, q in built.items() if pk not in {v.pk for v in untracked}]
    expected_tracked = max(57 - marketplace.stock_buffer, 0)
    if marketplace.max_quantity is not None:
        expected_tracked = min(expected_tracked, marketplace.max_quantity)
    assert set(tracked) == {expected_tracked}


def test_untracked_variant_reaches_amazon_with_the_marketplace_quantity(
    catalog_client, marketplace, catalog_factory, sandbox
):
    (product,) = catalog_factory(1, variants=1)
    product.variants.update(track_inventory=False)
    choose_product_type(catalog_client, product, "LUGGAGE")
    marketplace.untracked_quantity = 25
    marketplace.save(update_fields=["untracked_quantity"])
    submit(catalog_client, marketplace, ["LISTINGS", "INVENTORY"])
    assert quantity_on_amazon(on_amazon(sandbox)[sku_of(product)]) == 25
