"""A listing shaped from its product's shared part and its own part is the
listing shaped whole (catalog.attributes.combine)."""

from decimal import Decimal

from saleor_amazon_feeds.catalog.attributes import Context, combine, shape_attributes
from saleor_amazon_feeds.mapping.resolution import (
    MappingPlan,
    Measure,
    Part,
    ProductSnapshot,
    SourceValue,
    VariantSnapshot,
)

US = "ATVPDKIKX0DER"
PLAN = MappingPlan(
    marketplace={
        "item_name": ["product.name"],
        "brand": ["attribute:brand"],
        "color": ["variant_attribute:color", "product.category"],
        "item_weight": ["variant.weight"],
        "externally_assigned_product_identifier": ["gtin:ean"],
        "model_number": ["variant.sku"],
        "material": ["product_attribute:material"],
        "bullet_point": ["product.description_bullets", "not-a-source"],
        "number_of_items": ["metadata:count"],
    }
)


def snapshot(variant: VariantSnapshot | None) -> ProductSnapshot:
    return ProductSnapshot(
        name="Shirt",
        category="Shirts",
        weight=Measure(Decimal("0.2"), "kg"),
        attributes={
            "brand": [SourceValue("Acme")],
            "material": [SourceValue("Cotton")],
        },
        metadata={"count": "two"},  # not an integer: a blocking problem
        variant=variant,
    )


VARIANTS = [
    None,
    VariantSnapshot(sku="SHIRT-M", attributes={"color": [SourceValue("Red")]}),
    VariantSnapshot(
        sku="SHIRT-L",
        weight=Measure(Decimal("0.3"), "kg"),
        attributes={"ean": [SourceValue("4006381333931")]},
    ),
]


def test_combined_parts_equal_the_whole_listing_in_order():
    context = Context(US, "en_US")
    memo: dict = {}
    common = shape_attributes(
        PLAN.resolve(snapshot(None), part=Part.PRODUCT),
        context,
        memo=memo,
        complete=False,
    )
    assert "condition_type" not in common.attributes
    for variant in VARIANTS:
        whole = shape_attributes(PLAN.resolve(snapshot(variant)), context)
        own = shape_attributes(
            PLAN.resolve(snapshot(variant), part=Part.VARIANT),
            context,
            memo=memo,
            complete=False,
        )
        combined = combine(common, own, context, memo=memo)
        assert combined.attributes == whole.attributes
        assert list(combined.attributes) == list(whole.attributes)
        assert sorted(map(repr, combined.problems)) == sorted(map(repr, whole.problems))
        assert combined.blocked == whole.blocked
        # Every value has its memo entry's token, the default condition too.
        assert set(combined.keys) == set(combined.attributes)
        for name, (values, _token) in combined.keys.items():
            assert values is combined.attributes[name]


def test_equal_values_share_one_token_and_different_values_never_do():
    context = Context(US, "en_US")
    memo: dict = {}
    red, blue, red_again = (
        shape_attributes(
            PLAN.resolve(
                snapshot(VariantSnapshot(sku="S", attributes={"color": [colour]})),
                part=Part.VARIANT,
            ),
            context,
            memo=memo,
            complete=False,
        )
        for colour in (SourceValue("Red"), SourceValue("Blue"), SourceValue("Red"))
    )
    assert red.keys["color"][1] is red_again.keys["color"][1]
    assert red.keys["color"][1] is not blue.keys["color"][1]
    # Without a memo there is nothing a token could stand for.
    plain = shape_attributes(PLAN.resolve(snapshot(None)), context)
    assert plain.keys == {}
