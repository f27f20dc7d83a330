import json

import pytest

from saleor_amazon_feeds.mapping.options import (
    OPTIONS_KEY,
    AmazonOptions,
    options_from_metadata,
    parse_options,
    serialize_options,
)

DE = "A1PA6795UKMFR9"


def test_valid_options_round_trip():
    raw = json.dumps(
        {
            "productType": {"*": "SHIRT", DE: "t_shirt"},
            "mappings": {"brand": ["attribute:brand", "literal:Acme"]},
            "exclude": False,
        }
    )
    options, issues = parse_options(raw)
    assert issues == []
    assert options.product_type == {"*": "SHIRT", DE: "T_SHIRT"}
    assert options.product_type_for(DE) == "T_SHIRT"
    assert options.product_type_for("A13V1IB3VIYZZH") == "SHIRT"
    assert options.mappings == {"brand": ("attribute:brand", "literal:Acme")}
    assert options.exclude is False
    written = serialize_options(options)
    assert list(written) == [OPTIONS_KEY]
    assert isinstance(written[OPTIONS_KEY], str)
    assert options_from_metadata(written) == (options, [])


def test_defaults_for_missing_or_empty():
    assert parse_options(None) == (AmazonOptions(), [])
    assert parse_options("  ") == (AmazonOptions(), [])
    assert options_from_metadata({}) == (AmazonOptions(), [])
    assert options_from_metadata(None) == (AmazonOptions(), [])
    assert serialize_options(AmazonOptions()) == {OPTIONS_KEY: "{}"}
    assert AmazonOptions().product_type_for(DE) is None


@pytest.mark.parametrize(
    ("raw", "field", "text"),
    [
        ("{not json", OPTIONS_KEY, "not valid JSON"),
        ("[1]", OPTIONS_KEY, "JSON object"),
        ('"SHIRT"', OPTIONS_KEY, "JSON object"),
        ('{"productType": 5}', "productType", "marketplace ids"),
        (
            '{"productType": {"amazon.de": "SHIRT"}}',
            "productType.amazon.de",
            "Not an Amazon marketplace ID",
        ),
        (
            '{"productType": {"*": "t shirt!"}}',
            "productType.*",
            "Not an Amazon product type",
        ),
        ('{"productType": {"*": null}}', "productType.*", "Not an Amazon product type"),
        ('{"mappings": []}', "mappings", "lists of sources"),
        (
            '{"mappings": {"Item Name": ["product.name"]}}',
            "mappings.Item Name",
            "attribute name",
        ),
        ('{"mappings": {"brand": []}}', "mappings.brand", "non-empty list"),
        ('{"mappings": {"brand": {"a": 1}}}', "mappings.brand", "non-empty list"),
        (
            '{"mappings": {"brand": ["product.nam"]}}',
            "mappings.brand[0]",
            "Unknown Saleor source",
        ),
        ('{"mappings": {"brand": [7]}}', "mappings.brand[0]", "non-empty string"),
        ('{"exclude": "maybe"}', "exclude", "true or false"),
        ('{"exlude": true}', "exlude", "Unknown option"),
    ],
)
def test_malformed_values_become_issues(raw, field, text):
    options, issues = parse_options(raw)
    assert isinstance(options, AmazonOptions)
    assert [i.field for i in issues] == [field]
    assert text in issues[0].message


def test_partial_damage_keeps_the_usable_rest():
    options, issues = parse_options(
        json.dumps(
            {
                "productType": {"*": "SHIRT", "bad": "X"},
                "mappings": {
                    "brand": ["bogus:x", "attribute:brand", "attribute:brand"],
                    "item_name": "product.name",
                },
                "exclude": "true",
            }
        )
    )
    assert options.product_type == {"*": "SHIRT"}
    assert options.mappings == {
        "brand": ("attribute:brand",),
        "item_name": ("product.name",),
    }
    assert options.exclude is True  # "true" as text still excludes
    assert [i.field for i in issues] == [
        "productType.bad",
        "mappings.brand[0]",
        "mappings.brand[2]",
        "exclude",
    ]


def test_bare_product_type_and_too_many_sources():
    options, issues = parse_options(
        json.dumps(
            {
                "productType": "shirt",
                "mappings": {"bullet_point": [f"literal:{n}" for n in range(12)]},
            }
        )
    )
    assert options.product_type == {"*": "SHIRT"}
    assert len(options.mappings["bullet_point"]) == 10
    assert [i.field for i in issues] == ["mappings.bullet_point"]


def test_serializer_is_canonical():
    a = AmazonOptions(
        product_type={DE: "SHIRT", "*": "SHIRT"},
        mappings={"item_name": ("product.name",), "brand": ("literal:Ä",)},
        exclude=True,
    )
    text = serialize_options(a)[OPTIONS_KEY]
    assert text == (
        '{"productType":{"*":"SHIRT","A1PA6795UKMFR9":"SHIRT"},'
        '"mappings":{"brand":["literal:Ä"],"item_name":["product.name"]},'
        '"exclude":true}'
    )
    assert parse_options(text) == (a, [])
