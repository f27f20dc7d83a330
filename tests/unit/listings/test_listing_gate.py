"""The listing gate's rule and the untracked-variant quantity, without a database."""

from datetime import UTC, datetime, timedelta

import pytest

from saleor_amazon_feeds.listings.gate import (
    Basis,
    KnownListing,
    Lookup,
    decide,
    needs_lookup,
    prefer,
    product_type_of,
)
from saleor_amazon_feeds.listings.messages import StockLevel, sellable_quantity

US = "ATVPDKIKX0DER"
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
DAY = timedelta(hours=24)


@pytest.mark.parametrize("scope", ["ALL", "INVENTORY"])
def test_nothing_known_means_no_offer_and_a_reason(scope):
    decision = decide(scope=scope, marketplace_id=US)
    assert not decision.allowed
    assert decision.product_type == ""
    assert US in decision.reason


def test_scope_all_names_the_missing_listing():
    decision = decide(scope="ALL", marketplace_id=US)
    assert decision.reason.startswith("Not listed on Amazon")
    assert "go with its listing" in decision.reason


def test_listing_built_in_this_run_lets_the_offer_through_with_its_type():
    decision = decide(scope="ALL", marketplace_id=US, listed_as="SHIRT")
    assert (decision.allowed, decision.product_type, decision.basis) == (
        True,
        "SHIRT",
        Basis.LISTED,
    )


@pytest.mark.parametrize("basis", [Basis.SENT, Basis.ACCEPTED, Basis.FOUND])
@pytest.mark.parametrize("scope", ["ALL", "INVENTORY"])
def test_known_listing_lets_the_offer_through_with_the_known_type(scope, basis):
    known = KnownListing("SKU-1", "LUGGAGE", basis)
    decision = decide(scope=scope, marketplace_id=US, known=known)
    assert (decision.product_type, decision.basis, decision.reason) == (
        "LUGGAGE",
        basis,
        "",
    )


def test_this_runs_listing_wins_over_an_older_product_type():
    known = KnownListing("SKU-1", "LUGGAGE", Basis.ACCEPTED)
    decision = decide(scope="ALL", marketplace_id=US, listed_as="SHIRT", known=known)
    assert decision.product_type == "SHIRT"


def test_known_listing_without_product_type_is_not_enough():
    known = KnownListing("SKU-1", "", Basis.ACCEPTED)
    decision = decide(scope="ALL", marketplace_id=US, known=known)
    assert not decision.allowed
    assert "no product type" in decision.reason


def test_lookup_answers_decide_inventory_scope():
    found = Lookup(found=True, product_type="PRODUCT", checked_at=NOW)
    assert decide(scope="INVENTORY", marketplace_id=US, lookup=found).product_type == (
        "PRODUCT"
    )

    missing = decide(
        scope="INVENTORY",
        marketplace_id=US,
        lookup=Lookup(found=False, checked_at=NOW),
    )
    assert not missing.allowed
    assert "getListingsItem found no listing" in missing.reason
    assert "2026-11-30T12:00:00+00:00" in missing.reason
    assert "Seller Central" in missing.reason

    failed = decide(
        scope="INVENTORY",
        marketplace_id=US,
        lookup=Lookup(found=False, error="Amazon is unavailable"),
    )
    assert not failed.allowed
    assert "Amazon is unavailable" in failed.reason
    assert "later run" in failed.reason

    not_asked = decide(scope="INVENTORY", marketplace_id=US)
    assert "was not asked" in not_asked.reason


def test_only_inventory_scope_looks_up_and_only_what_it_does_not_know():
    known = KnownListing("SKU-1", "SHIRT", Basis.ACCEPTED)
    common = {"now": NOW, "miss_max_age": DAY}
    assert needs_lookup(scope="INVENTORY", known=None, cached=None, **common)
    assert not needs_lookup(scope="ALL", known=None, cached=None, **common)
    assert not needs_lookup(scope="INVENTORY", known=known, cached=None, **common)


def test_a_miss_is_remembered_for_a_while_a_hit_for_good():
    common = {"scope": "INVENTORY", "known": None, "now": NOW, "miss_max_age": DAY}
    fresh_miss = Lookup(found=False, checked_at=NOW - timedelta(hours=1))
    old_miss = Lookup(found=False, checked_at=NOW - DAY)
    old_hit = Lookup(found=True, product_type="SHIRT", checked_at=NOW - 30 * DAY)
    old_hit_without_type = Lookup(found=True, checked_at=NOW - DAY)
    assert not needs_lookup(cached=fresh_miss, **common)
    assert needs_lookup(cached=old_miss, **common)
    assert not needs_lookup(cached=old_hit, **common)
    assert needs_lookup(cached=old_hit_without_type, **common)


def test_prefer_the_better_founded_fact():
    accepted = KnownListing("S", "SHIRT", Basis.ACCEPTED)
    found = KnownListing("S", "PRODUCT", Basis.FOUND)
    sent = KnownListing("S", "LUGGAGE", Basis.SENT)
    assert prefer(found, accepted) is accepted
    assert prefer(accepted, found) is accepted
    assert prefer(accepted, sent) is sent
    assert prefer(None, found) is found
    assert prefer(found, None) is found


def test_product_type_of_a_get_listings_item_answer():
    item = {
        "sku": "S",
        "summaries": [
            {"marketplaceId": "A1PA6795UKMFR9", "productType": "SHIRT"},
            {"marketplaceId": US, "productType": "LUGGAGE"},
        ],
    }
    assert product_type_of(item, US) == "LUGGAGE"
    assert (
        product_type_of(
            {"productTypes": [{"marketplaceId": US, "productType": "X"}]}, US
        )
        == "X"
    )
    assert product_type_of({"sku": "S"}, US) == ""


# -- quantity of a variant that does not track inventory -----------------------

STOCKS = [StockLevel(10, 3), StockLevel(2, 5)]


@pytest.mark.parametrize(
    ("untracked", "maximum", "expected"),
    [(100, None, 100), (100, 5, 5), (3, 5, 3), (0, None, 0), (100, 0, 0)],
)
def test_untracked_variant_offers_the_marketplace_quantity_capped(
    untracked, maximum, expected
):
    offered = sellable_quantity(
        STOCKS,
        buffer=50,
        maximum=maximum,
        track_inventory=False,
        untracked_quantity=untracked,
    )
    # Its stock rows and the buffer do not count: Saleor never limits its sale.
    assert offered == expected


def test_tracked_variant_is_unchanged_by_the_untracked_setting():
    assert sellable_quantity(STOCKS, buffer=2, untracked_quantity=100) == 5
    assert sellable_quantity(STOCKS, maximum=3, untracked_quantity=100) == 3


def test_an_issue_shows_what_was_sent_for_its_attributes():
    from saleor_amazon_feeds.listings.report import sent_value

    listing = {
        "productType": "SHIRT",
        "attributes": ["brand", "item_name"],
        "values": {"brand": [{"value": "Acme"}], "item_name": [{"value": "Tee"}]},
        "price": "10.00",
    }
    assert sent_value(listing, ["brand"]) == {"brand": [{"value": "Acme"}]}
    assert sent_value(listing, ["color"]) is None
    assert sent_value({"quantity": 4}, []) == {"quantity": 4}
    assert sent_value(None, ["brand"]) is None
