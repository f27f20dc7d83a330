from decimal import Decimal

from saleor_amazon_feeds.mapping.resolution import (
    Level,
    MappingPlan,
    Measure,
    Part,
    ProductSnapshot,
    SourceValue,
    VariantSnapshot,
    evaluate_source,
    resolve_attributes,
    variant_keys,
)
from saleor_amazon_feeds.mapping.sources import parse_source

DESCRIPTION = {
    "blocks": [
        {"type": "paragraph", "data": {"text": "Weiches <b>Shirt</b> &amp; mehr"}},
        {"type": "list", "data": {"style": "unordered", "items": ["Bio", "Fair"]}},
    ]
}


def snapshot(**overrides) -> ProductSnapshot:
    values = {
        "name": "Shirt",
        "slug": "shirt",
        "description": DESCRIPTION,
        "seo_title": "  ",
        "product_type": "Apparel",
        "category": "Shirts",
        "weight": Measure(Decimal("0.2"), "kg"),
        "media": ("https://cdn/1.jpg", "https://cdn/2.jpg"),
        "attributes": {
            "brand": [SourceValue("Acme")],
            "ean": [SourceValue("4006381333931")],
            "material": [SourceValue("Baumwolle"), SourceValue("Elasthan")],
            "color": [SourceValue("Blau")],
        },
        "metadata": {"amazon_title": "Acme Shirt", "empty": ""},
        "variant": VariantSnapshot(
            sku="SHIRT-M",
            name="M",
            attributes={"color": [SourceValue("Rot")], "bad_ean": [SourceValue("123")]},
            metadata={"note": "v"},
        ),
    }
    values.update(overrides)
    return ProductSnapshot(**values)


def test_precedence_per_attribute():
    result = resolve_attributes(
        snapshot(),
        marketplace={"item_name": ["product.name"], "brand": ["literal:Generic"]},
        category={"item_name": ["metadata:amazon_title"]},
        product={"brand": ["attribute:brand"]},
    )
    assert result.first("item_name") == "Acme Shirt"
    assert result.values["item_name"].level is Level.CATEGORY
    assert result.values["item_name"].source == "metadata:amazon_title"
    assert result.first("brand") == "Acme"
    assert result.values["brand"].level is Level.PRODUCT
    assert result.warnings == []


def test_most_specific_level_decides_even_when_empty():
    result = resolve_attributes(
        snapshot(),
        marketplace={"item_name": ["product.name"]},
        product={"item_name": ["metadata:missing", "product.seo_title"]},
    )
    # The product-level list is used alone: no fallback to the marketplace's.
    assert "item_name" not in result.values
    assert result.unresolved == {"item_name": Level.PRODUCT}


def test_first_non_empty_wins_and_never_concatenates():
    result = resolve_attributes(
        snapshot(),
        marketplace={
            "item_name": [
                "metadata:empty",
                "product.seo_title",
                "metadata:amazon_title",
                "product.name",
            ],
            "material": ["attribute:material", "literal:Polyester"],
        },
    )
    assert result.values["item_name"].values == (SourceValue("Acme Shirt"),)
    assert result.values["item_name"].source == "metadata:amazon_title"
    # Several values from ONE source are kept; nothing from the next source.
    assert [v.value for v in result.values["material"].values] == [
        "Baumwolle",
        "Elasthan",
    ]


def test_variant_attribute_beats_product_attribute():
    s = snapshot()
    assert evaluate_source(parse_source("attribute:color"), s) == [SourceValue("Rot")]
    assert evaluate_source(parse_source("product_attribute:color"), s) == [
        SourceValue("Blau")
    ]
    assert evaluate_source(parse_source("variant_attribute:brand"), s) == []
    assert evaluate_source(parse_source("attribute:brand"), s) == [SourceValue("Acme")]


def test_gtin_only_valid_codes_with_fallback():
    result = resolve_attributes(
        snapshot(),
        marketplace={
            "externally_assigned_product_identifier": ["gtin:bad_ean", "gtin:ean"]
        },
    )
    resolved = result.values["externally_assigned_product_identifier"]
    assert resolved.values == (SourceValue("4006381333931"),)
    assert resolved.source == "gtin:ean"
    (warning,) = result.warnings
    assert warning.source == "gtin:bad_ean"
    assert "not a valid GTIN" in warning.message
    assert warning.level is Level.MARKETPLACE


def test_fixed_fields():
    s = snapshot()

    def ev(expr):
        return evaluate_source(parse_source(expr), s)

    assert ev("product.description") == [
        SourceValue("Weiches Shirt & mehr\n• Bio\n• Fair")
    ]
    assert ev("product.description_bullets") == [
        SourceValue("Bio"),
        SourceValue("Fair"),
    ]
    assert ev("product.seo_title") == []
    assert ev("product.slug") == [SourceValue("shirt")]
    assert ev("product.type") == [SourceValue("Apparel")]
    assert ev("product.category") == [SourceValue("Shirts")]
    assert ev("product.media") == [
        SourceValue("https://cdn/1.jpg"),
        SourceValue("https://cdn/2.jpg"),
    ]
    assert ev("product.weight") == [SourceValue(Decimal("0.2"), "kg")]
    assert ev("variant.weight") == [SourceValue(Decimal("0.2"), "kg")]  # falls back
    assert ev("variant.sku") == [SourceValue("SHIRT-M")]
    assert ev("variant.name") == [SourceValue("M")]
    assert ev("variant.external_reference") == []
    assert ev("variant_metadata:note") == [SourceValue("v")]
    assert ev("literal:Acme GmbH") == [SourceValue("Acme GmbH")]
    heavy = snapshot(
        variant=VariantSnapshot(sku="X", weight=Measure(Decimal("1.5"), "lb"))
    )
    assert evaluate_source(parse_source("variant.weight"), heavy) == [
        SourceValue(Decimal("1.5"), "lb")
    ]
    no_variant = snapshot(variant=None)
    assert evaluate_source(parse_source("variant.sku"), no_variant) == []
    assert evaluate_source(parse_source("attribute:color"), no_variant) == [
        SourceValue("Blau")
    ]


def test_bad_source_expressions_warn_and_are_skipped():
    result = resolve_attributes(
        snapshot(),
        marketplace={
            "brand": ["nonsense", "attribute:brand"],
            "item_name": "product.name",
        },
    )
    assert result.first("brand") == "Acme"
    assert result.first("item_name") == "Shirt"
    assert [w.source for w in result.warnings] == ["nonsense"]
    assert "Unknown Saleor source" in result.warnings[0].message


def test_nothing_mapped():
    result = resolve_attributes(snapshot())
    assert result.values == {}
    assert result.unresolved == {}
    assert result.first("brand") is None


def test_plan_shares_product_values_across_variants_but_not_variant_ones():
    plan = MappingPlan(
        marketplace={
            "item_name": ["product.name"],
            "color": ["attribute:color"],
            "brand": ["not-a-source", "literal:Acme"],
        }
    )
    memo: dict = {}
    red = plan.resolve(snapshot(), memo=memo)
    # A second variant of the same product: the memo answers product-only
    # sources (a changed name here would only show if they were re-read) ...
    blue_variant = VariantSnapshot(
        sku="SHIRT-L", attributes={"color": [SourceValue("Blau")]}
    )
    blue = plan.resolve(snapshot(name="Other", variant=blue_variant), memo=memo)
    assert red.first("item_name") == blue.first("item_name") == "Shirt"
    # ... while variant attributes are always read from the variant.
    assert (red.first("color"), blue.first("color")) == ("Rot", "Blau")
    # A bad expression is reported by every resolution, at its place.
    for result in (red, blue):
        assert [w.source for w in result.warnings] == ["not-a-source"]
        assert result.first("brand") == "Acme"
    assert plan.resolve(snapshot(name="Other")).first("item_name") == "Other"


def test_product_and_variant_parts_make_up_the_whole():
    plan = MappingPlan(
        marketplace={
            "item_name": ["product.name"],
            "brand": ["attribute:brand"],
            "material": ["product_attribute:material"],
            "color": ["variant_attribute:color", "product.category"],
            "title": ["metadata:amazon_title", "literal:Shirt"],
            "broken": ["product.name", "not-a-source"],
            "sku": ["variant.sku"],
        },
        category={"style": ["product.slug"]},
    )
    whole = plan.resolve(snapshot())
    product = plan.resolve(snapshot(), part=Part.PRODUCT)
    variant = plan.resolve(snapshot(), part=Part.VARIANT)
    # Only attributes whose every source reads the product alone are shared.
    assert list(product.values) == ["item_name", "material", "style", "title"]
    assert list(variant.values) == ["brand", "broken", "color", "sku"]
    assert {**product.values, **variant.values} == whole.values
    # A bad expression warns with the variant's part, every time.
    assert product.warnings == []
    assert variant.warnings == whole.warnings
    # The product's part is the same whichever variant (or none) is asked.
    parent = plan.resolve(snapshot(variant=None), part=Part.PRODUCT)
    assert parent.values == product.values


def test_sources_falling_back_to_the_product_are_shared_where_no_variant_holds_them():
    plan = MappingPlan(
        marketplace={
            "brand": ["attribute:brand"],
            "color": ["variant_attribute:color", "product.category"],
            "finish": ["variant_attribute:finish", "literal:matt"],
            "item_weight": ["variant.weight"],
            "sku": ["variant.sku"],
        }
    )
    light = VariantSnapshot(sku="A", attributes={"color": [SourceValue("Rot")]})
    heavy = VariantSnapshot(
        sku="B",
        attributes={"color": [SourceValue("Blau")]},
        weight=Measure(Decimal("2"), "kg"),
    )
    # Neither variant holds a brand or a finish, one holds a weight.
    keys = variant_keys([light, heavy])
    assert keys == {"attribute:color", "variant.weight"}
    for variant in (light, heavy, None):
        whole = plan.resolve(snapshot(variant=variant))
        product = plan.resolve(
            snapshot(variant=variant), part=Part.PRODUCT, variant_keys=keys
        )
        own = plan.resolve(
            snapshot(variant=variant), part=Part.VARIANT, variant_keys=keys
        )
        assert list(product.values) == ["brand", "finish"]
        assert (
            list(own.values) == ["color", "item_weight", "sku"][: 3 if variant else 2]
        )
        assert {**product.values, **own.values} == whole.values
    # Without the weight, every variant reads the product's: shared too.
    keys = variant_keys([light])
    product = plan.resolve(
        snapshot(variant=light), part=Part.PRODUCT, variant_keys=keys
    )
    assert list(product.values) == ["brand", "finish", "item_weight"]
    assert product.first("item_weight") == Decimal("0.2")
    # An empty value list is not a value of the variant's own.
    assert (
        variant_keys([VariantSnapshot(sku="C", attributes={"brand": []})])
        == frozenset()
    )
