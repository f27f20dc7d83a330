"""The feed builder's core from hand-made rows: no database, no Saleor.

``catalog.build`` gets a ``Run`` (what ``builder.read_run`` reads from the
marketplace) and pages of ``catalog.rows`` (what ``loader`` reads from Saleor);
here both are written by hand, and the listing gate is its rule
(``listings.gate``) over a dict of SKUs Amazon is said to have.
"""

import json
import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from saleor_amazon_feeds.catalog.build import Run, build_batches, parent_sku
from saleor_amazon_feeds.catalog.rows import (
    CatalogPage,
    ChannelListing,
    ProductRow,
    SelectionAttribute,
    VariantRow,
)
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings import gate as rule
from saleor_amazon_feeds.listings.messages import StockLevel
from saleor_amazon_feeds.mapping.options import OPTIONS_KEY
from saleor_amazon_feeds.mapping.resolution import SourceValue

US = "ATVPDKIKX0DER"
ALL = (FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES)
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
ON_SALE = ChannelListing(True, None, datetime(2020, 1, 1, tzinfo=UTC))
APPAREL = 7
SELECTION = {
    APPAREL: [
        SelectionAttribute("colour", "Colour"),
        SelectionAttribute("garment-size", "Garment size"),
    ]
}
TAG = {"language_tag": "en_US", "marketplace_id": US}


class Gate:
    """The listing gate's rule over the SKUs Amazon accepted (sku -> type)."""

    def __init__(self, accepted: dict[str, str] | None = None) -> None:
        self.known = {
            sku: rule.KnownListing(sku, product_type, rule.Basis.ACCEPTED)
            for sku, product_type in (accepted or {}).items()
        }
        self.prepared: list[list[str]] = []

    def prepare(self, skus: Iterable[str]) -> None:
        self.prepared.append(sorted(skus))

    def decide(self, sku: str, listed_as: str | None = None) -> rule.OfferDecision:
        return rule.decide(
            scope="ALL",
            marketplace_id=US,
            listed_as=listed_as,
            known=self.known.get(sku),
        )


def make_run(*kinds: FeedKind, **settings) -> Run:
    return Run(
        marketplace_id=US,
        currency="USD",
        channel_slug="shop-us",
        kinds=frozenset(kinds or ALL),
        now=NOW,
        **settings,
    )


def options(**values) -> dict:
    """Amazon options as the dashboard stores them: one JSON string."""
    return {OPTIONS_KEY: json.dumps(values)}


def variant(
    pk: int,
    sku: str | None,
    *,
    price: str | None = "20.00",
    prior: str | None = None,
    currency: str = "USD",
    stocks: tuple[tuple[int, int], ...] = ((10, 3), (50, 0)),
    track_inventory: bool = True,
    **attributes: str,
) -> VariantRow:
    return VariantRow(
        id=pk,
        sku=sku,
        name=f"Variant {pk}",
        external_reference=None,
        weight=None,
        metadata={},
        track_inventory=track_inventory,
        price=None if price is None else Decimal(price),
        prior_price=None if prior is None else Decimal(prior),
        currency=currency,
        stocks=[StockLevel(q, a) for q, a in stocks],
        attributes={
            slug.replace("_", "-"): [SourceValue(value)]
            for slug, value in attributes.items()
        },
    )


def product(
    pk: int,
    *variants: VariantRow,
    listing: ChannelListing | None = ON_SALE,
    private_metadata: dict | None = None,
    category_private_metadata: dict | None = None,
    metadata: dict | None = None,
) -> ProductRow:
    return ProductRow(
        id=pk,
        name=f"Shirt {pk}",
        slug=f"shirt-{pk}",
        description=None,
        seo_title=None,
        seo_description=None,
        product_type_id=APPAREL,
        product_type_name="Apparel",
        category_name="T-Shirts",
        weight=None,
        metadata=metadata or {},
        private_metadata=private_metadata or {},
        category_private_metadata=category_private_metadata or {},
        listing=listing,
        attributes={"maker": [SourceValue("Acme")]},
        variants=list(variants),
    )


def build(run: Run, *pages: list[ProductRow], gate: Gate | None = None):
    batches = list(
        build_batches(
            run,
            [CatalogPage(products, SELECTION) for products in pages],
            gate or Gate(),
        )
    )
    messages = [m for b in batches for m in b.messages]
    skipped = [s for b in batches for s in b.skipped]
    return messages, skipped


def of_kind(messages, kind: FeedKind) -> dict:
    return {m.message.sku: m for m in messages if m.feed_kind == kind}


def test_standalone_listing_carries_its_offer_and_lets_the_patches_through():
    run = make_run(
        mappings={"item_name": ["product.name"], "brand": ["attribute:maker"]},
        stock_buffer=2,
        handling_time=2,
    )
    shirt = product(
        1,
        variant(11, "SHIRT-1", prior="25.00"),
        private_metadata=options(productType="SHIRT"),
    )
    gate = Gate()

    messages, skipped = build(run, [shirt], gate=gate)

    assert skipped == []
    listing = of_kind(messages, FeedKind.LISTINGS)["SHIRT-1"]
    assert (listing.product_id, listing.variant_id) == (1, 11)
    payload = listing.message.payload
    assert (payload["productType"], payload["requirements"]) == ("SHIRT", "LISTING")
    attributes = payload["attributes"]
    assert attributes["item_name"] == [{"value": "Shirt 1", **TAG}]
    assert attributes["brand"] == [{"value": "Acme", **TAG}]
    assert attributes["condition_type"] == [{"value": "new_new", "marketplace_id": US}]
    assert attributes["purchasable_offer"][0]["our_price"] == [
        {"schedule": [{"value_with_tax": Decimal("20.00")}]}
    ]
    # (10 - 3) + 50 - buffer 2
    assert attributes["fulfillment_availability"] == [
        {
            "fulfillment_channel_code": "DEFAULT",
            "quantity": 55,
            "lead_time_to_ship_max_days": 2,
        }
    ]
    assert attributes["list_price"][0]["value_with_tax"] == Decimal("25.00")
    # Built in this run: its patches pass the gate with the listing's type,
    # and the gate has nothing left to read.
    inventory = of_kind(messages, FeedKind.INVENTORY)["SHIRT-1"]
    price = of_kind(messages, FeedKind.PRICES)["SHIRT-1"]
    assert inventory.message.payload["productType"] == "SHIRT"
    assert inventory.summary == {"quantity": 55}
    assert price.summary == {"price": "20.00", "currency": "USD", "listPrice": "25.00"}
    assert gate.prepared == [[]]
    # The digest follows the payload: the same rows build the same digests.
    again, _ = build(run, [shirt])
    assert [m.digest for m in again] == [m.digest for m in messages]


def test_variation_family_from_selection_attributes():
    run = make_run(mappings={"size": ["attribute:garment-size"]})
    family = product(
        2,
        variant(21, "TEE-RED-S", colour="Red", garment_size="S"),
        variant(22, "TEE-BLUE-M", colour="Blue", garment_size="M"),
        variant(23, "TEE-GREEN-L", colour="Green", garment_size="L"),
        category_private_metadata=options(productType="SHIRT"),
    )

    messages, skipped = build(run, [family])

    assert skipped == []
    parent, *children = of_kind(messages, FeedKind.LISTINGS).values()
    assert parent.message.sku == parent_sku("shirt-2") == "shirt-2-parent"
    assert parent.variant_id is None
    parent_attributes = parent.message.payload["attributes"]
    assert parent.message.payload["requirements"] == "LISTING_PRODUCT_ONLY"
    assert parent_attributes["variation_theme"] == [{"name": "COLOR/SIZE"}]
    assert parent_attributes["parentage_level"][0]["value"] == "parent"
    assert "purchasable_offer" not in parent_attributes
    assert {c.message.sku: c.variant_id for c in children} == {
        "TEE-RED-S": 21,
        "TEE-BLUE-M": 22,
        "TEE-GREEN-L": 23,
    }
    red = of_kind(messages, FeedKind.LISTINGS)["TEE-RED-S"].message.payload[
        "attributes"
    ]
    assert red["color"] == [{"value": "Red", **TAG}]
    assert red["size"] == [{"value": "S", **TAG}]
    assert red["child_parent_sku_relationship"][0]["parent_sku"] == "shirt-2-parent"
    # Only the children are buyable.
    assert set(of_kind(messages, FeedKind.INVENTORY)) == {
        "TEE-RED-S",
        "TEE-BLUE-M",
        "TEE-GREEN-L",
    }
    assert set(of_kind(messages, FeedKind.PRICES)) == set(
        of_kind(messages, FeedKind.INVENTORY)
    )


def test_offers_only_for_listings_amazon_has():
    run = make_run(FeedKind.INVENTORY, FeedKind.PRICES, max_quantity=30)
    known = product(3, variant(31, "KNOWN"))
    unknown = product(4, variant(41, "UNKNOWN"))
    untracked = product(5, variant(51, "UNTRACKED", track_inventory=False))
    gate = Gate({"KNOWN": "LUGGAGE", "UNTRACKED": "LUGGAGE"})

    messages, skipped = build(run, [known, unknown, untracked], gate=gate)

    # No listing built: the gate reads every SKU of the page, once.
    assert gate.prepared == [["KNOWN", "UNKNOWN", "UNTRACKED"]]
    assert not of_kind(messages, FeedKind.LISTINGS)
    inventory = of_kind(messages, FeedKind.INVENTORY)
    assert set(inventory) == {"KNOWN", "UNTRACKED"}
    # The patch names the type Amazon knows the listing by.
    assert inventory["KNOWN"].message.payload["productType"] == "LUGGAGE"
    assert inventory["KNOWN"].summary == {"quantity": 30}  # 57, capped
    # Not tracked: the marketplace's untracked quantity (100), capped too.
    assert inventory["UNTRACKED"].summary == {"quantity": 30}
    assert set(of_kind(messages, FeedKind.PRICES)) == {"KNOWN", "UNTRACKED"}
    (refused,) = skipped
    assert (refused.product_id, refused.variant_id, refused.sku) == (4, 41, "UNKNOWN")
    assert refused.reason.startswith(f"Not listed on Amazon in marketplace {US}")


def test_what_cannot_be_listed_is_left_out_with_the_reason():
    shirt = options(productType="SHIRT")
    products = [
        product(10, variant(100, "NOT-IN-CHANNEL"), listing=None),
        product(11, variant(110, "HIDDEN"), listing=ChannelListing(False, None, None)),
        product(
            12,
            variant(120, "LATER"),
            listing=ChannelListing(True, None, datetime(2030, 1, 1, tzinfo=UTC)),
        ),
        product(13),
        product(14, variant(140, None), private_metadata=shirt),
        product(15, variant(150, "X" * 41), private_metadata=shirt),
        product(16, variant(160, "NO-PRICE", price=None), private_metadata=shirt),
        product(17, variant(170, "IN-EUR", currency="EUR"), private_metadata=shirt),
        product(18, variant(180, "EXCLUDED"), private_metadata=options(exclude=True)),
        product(
            19,
            variant(190, "HIDDEN-CATEGORY"),
            category_private_metadata=options(exclude=True),
        ),
        product(20, variant(200, "UNTYPED")),
        product(
            21,
            variant(210, "MALFORMED"),
            private_metadata=options(productType="SHIRT", exclude="nope"),
        ),
    ]

    messages, skipped = build(make_run(FeedKind.LISTINGS), products)

    first = {}
    for item in skipped:
        first.setdefault(item.product_id, item)
    expected = {
        10: ("ERROR", "'Shirt 10' is not in channel 'shop-us'."),
        11: ("ERROR", "'Shirt 11' is not published in channel 'shop-us'."),
        12: ("ERROR", "'Shirt 12' is not available for purchase in channel"),
        13: ("ERROR", "'Shirt 13' has no variants."),
        14: ("ERROR", "Variant 'Variant 140' of 'Shirt 14' has no SKU"),
        15: ("ERROR", f"SKU '{'X' * 41}' is longer than Amazon's 40 characters."),
        16: ("ERROR", "Variant NO-PRICE has no price in channel 'shop-us'."),
        17: ("ERROR", "Variant IN-EUR is priced in EUR, the marketplace sells in USD"),
        18: ("INFO", "'Shirt 18' is excluded from Amazon (option 'exclude' on its "),
        19: ("INFO", "'Shirt 19' is excluded from Amazon (option 'exclude' on its "),
        20: ("ERROR", "No Amazon product type chosen for 'Shirt 20'"),
        21: ("WARNING", "Amazon options of 'Shirt 21': exclude: "),
    }
    assert {
        pk: (item.severity, item.reason[: len(expected[pk][1])])
        for pk, item in first.items()
    } == expected
    assert first[14].variant_id == 140
    assert first[16].sku == "NO-PRICE"
    assert first[18].reason.endswith("on its product).")
    assert first[19].reason.endswith("on its category).")
    assert first[20].attribute == "productType"
    # A malformed part is ignored; the rest of the options still apply.
    assert [m.message.sku for m in messages] == ["MALFORMED"]


def test_suggested_asin_makes_an_offer_only_listing():
    run = make_run(FeedKind.LISTINGS)
    matched = product(
        30,
        variant(300, "MATCHED"),
        metadata={"asin": "b07xyz1234"},
        private_metadata=options(
            productType="SHIRT",
            mappings={
                "merchant_suggested_asin": ["metadata:asin"],
                "item_name": ["product.name"],
            },
        ),
    )

    (listing,), skipped = build(run, [matched])

    assert skipped == []
    payload = listing.message.payload
    assert payload["requirements"] == "LISTING_OFFER_ONLY"
    assert payload["attributes"]["merchant_suggested_asin"] == [
        {"value": "B07XYZ1234", "marketplace_id": US}
    ]
    assert "item_name" not in payload["attributes"]  # Amazon's data rules
    assert "purchasable_offer" in payload["attributes"]


def test_one_batch_per_page_and_one_gate_read_per_page():
    run = make_run(FeedKind.PRICES)
    gate = Gate({"A": "SHIRT", "B": "SHIRT"})
    pages = [[product(40, variant(400, "A"))], [product(41, variant(410, "B"))]]

    batches = list(build_batches(run, [CatalogPage(p, SELECTION) for p in pages], gate))

    assert [[m.message.sku for m in b.messages] for b in batches] == [["A"], ["B"]]
    assert gate.prepared == [["A"], ["B"]]


def test_the_core_imports_neither_django_nor_saleor():
    # In a fresh interpreter: this test session may have loaded Django itself.
    code = (
        "import sys\n"
        "import saleor_amazon_feeds.catalog.build\n"
        "import saleor_amazon_feeds.catalog.rows\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'saleor'}))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert completed.stdout.strip() == "[]"


def test_shaped_values_are_shared_run_wide_within_a_bound(monkeypatch):
    from saleor_amazon_feeds.catalog import attributes

    monkeypatch.setattr(attributes, "SHAPE_MEMO_ENTRIES", 4)
    run = make_run(
        FeedKind.LISTINGS,
        mappings={"item_name": ["product.name"], "brand": ["attribute:maker"]},
    )
    shirts = [
        product(
            pk,
            variant(pk * 10, f"SHIRT-{pk}"),
            private_metadata=options(productType="SHIRT"),
        )
        for pk in range(1, 9)
    ]

    messages, skipped = build(run, shirts)

    assert skipped == []
    listings = of_kind(messages, FeedKind.LISTINGS)
    assert len(listings) == 8
    # Every product's values went through the run's one memo, never above
    # its bound, and each listing still has its own name.
    memo = run.shape_memo(None)
    assert 0 < len(memo) <= 4
    names = [
        m.message.payload["attributes"]["item_name"][0]["value"]
        for m in listings.values()
    ]
    assert names == [f"Shirt {pk}" for pk in range(1, 9)]
    # The brand every product shares is one shaped list, not eight.
    brands = {id(m.message.payload["attributes"]["brand"]) for m in listings.values()}
    assert len(brands) < 8


def test_listings_share_the_offer_values_of_equal_prices_and_quantities():
    run = make_run(FeedKind.LISTINGS, mappings={"item_name": ["product.name"]})
    shirt = options(productType="SHIRT")
    messages, skipped = build(
        run,
        [
            product(1, variant(11, "A", price="20.00"), private_metadata=shirt),
            product(2, variant(21, "B", price="20.00"), private_metadata=shirt),
            # Equal Decimals written differently: each keeps its own entry,
            # both quantized to the currency's cents.
            product(3, variant(31, "C", price="20.0"), private_metadata=shirt),
            product(
                4,
                variant(41, "D", price="21.50", stocks=((4, 0),)),
                private_metadata=shirt,
            ),
        ],
    )
    assert skipped == []
    listings = of_kind(messages, FeedKind.LISTINGS)
    offer = {
        sku: built.message.payload["attributes"]["purchasable_offer"]
        for sku, built in listings.items()
    }
    quantity = {
        sku: built.message.payload["attributes"]["fulfillment_availability"]
        for sku, built in listings.items()
    }
    assert offer["A"] is offer["B"]
    assert offer["C"] is not offer["A"]
    assert offer["C"] == offer["A"]
    assert offer["D"][0]["our_price"][0]["schedule"][0]["value_with_tax"] == Decimal(
        "21.50"
    )
    assert quantity["A"] is quantity["B"] is quantity["C"]
    assert quantity["D"][0]["quantity"] == 4
    assert quantity["A"][0]["quantity"] == 57
    written = {sku: built.message.encoded for sku, built in listings.items()}
    assert b'"value_with_tax":20.00' in written["C"]


def test_options_are_parsed_once_per_text_and_their_issues_kept():
    run = make_run()
    shirt = options(productType="SHIRT", exclude="nope")
    first = run.options(shirt)
    # Another product (or category) with the same text: the same parse.
    assert run.options(dict(shirt)) is first
    parsed, issues = first
    assert parsed.product_type_for(US) == "SHIRT"
    assert [issue.field for issue in issues] == ["exclude"]
    # No options, or options not stored as text, are parsed each time.
    assert run.options(None)[0].product_type_for(US) is None
    assert run.options({OPTIONS_KEY: {"productType": "SHIRT"}})[1]
    assert run.parsed_options.keys() == {shirt[OPTIONS_KEY]}
