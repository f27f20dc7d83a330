import pytest

from saleor_amazon_feeds.mapping.sources import (
    Source,
    SourceError,
    parse_source,
    parse_sources,
)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("product.name", Source("product.name")),
        (" variant.sku ", Source("variant.sku")),
        ("attribute:brand", Source("attribute", "brand")),
        ("metadata:amazon.brand", Source("metadata", "amazon.brand")),
        ("gtin:ean", Source("gtin", "ean")),
        ("literal:Generic brand", Source("literal", "Generic brand")),
    ],
)
def test_parse_known_sources(expression, expected):
    assert parse_source(expression) == expected
    assert parse_source(expected.expression) == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("product.colour", "Unknown Saleor source 'product.colour'"),
        ("attribute:", "needs a valid key"),
        ("attribute:bad key", "needs a valid key"),
        ("literal:   ", "literal source needs"),
        ("", "non-empty"),
    ],
)
def test_parse_rejects_with_named_source(expression, message):
    with pytest.raises(SourceError, match=message):
        parse_source(expression)


def test_parse_sources_keeps_order_and_rejects_duplicates():
    assert [s.expression for s in parse_sources(["variant.name", "product.name"])] == [
        "variant.name",
        "product.name",
    ]
    with pytest.raises(SourceError, match="listed twice"):
        parse_sources(["product.name", "product.name"])
    with pytest.raises(SourceError, match="at least one"):
        parse_sources([])


def test_amazon_attribute_names():
    from saleor_amazon_feeds.mapping.amazon_attributes import attribute_problem

    assert attribute_problem("item_name") is None
    assert attribute_problem("other_product_image_locator_3") is None
    assert "Unknown Amazon attribute 'item_nam'" in attribute_problem("item_nam")
    assert "Not an Amazon attribute name" in attribute_problem("Item Name")
    assert "set by the plugin" in attribute_problem("purchasable_offer")
    assert attribute_problem("apparel_size", frozenset({"apparel_size"})) is None
