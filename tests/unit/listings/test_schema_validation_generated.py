"""The per-attribute, cached validator agrees with one plain jsonschema pass.

Messages are generated (seeded) against the generated Amazon-sized schema of
sample_shop.product_type_schema: valid values and broken ones (too long, not
in the enumeration, wrong type, missing fields, too many values, negative
measures, unknown fields), drawn from small pools so that values and message
shapes repeat as they do in a catalog and the caches are exercised.
"""

import json
import random
from decimal import Decimal

import pytest

from saleor_amazon_feeds.listings.schema_validation import (
    IssueCode,
    ProductTypeSchema,
)
from sample_shop.product_type_schema import (
    enum_values,
    generated_names,
    product_type_schema,
)

MARKETPLACE = "ATVPDKIKX0DER"
LANGUAGE = "en_US"
MESSAGES = 250


@pytest.fixture(scope="module")
def raw_schema() -> dict:
    return product_type_schema(MARKETPLACE, LANGUAGE)


@pytest.fixture(scope="module")
def schema(raw_schema) -> ProductTypeSchema:
    # Amazon's documents are read with Decimal numbers, as SchemaCache does.
    return ProductTypeSchema(json.loads(json.dumps(raw_schema), parse_float=Decimal))


def _localized(value) -> dict:
    return {"value": value, "language_tag": LANGUAGE, "marketplace_id": MARKETPLACE}


def _pools(rng: random.Random) -> dict[str, list]:
    """A few candidate values per attribute, valid and invalid."""
    pools: dict[str, list] = {
        "item_name": [[_localized("Shirt")], [_localized("x" * 201)], []],
        "brand": [[_localized("Acme")], [{"value": "Acme"}]],
        "product_description": [[_localized("Soft cotton.")]],
        "bullet_point": [[_localized("Soft")], [_localized("A"), _localized("B")]],
        "department": [[_localized("mens")], [_localized("")]],
        "fabric_type": [[_localized("cotton")]],
        "country_of_origin": [[{"value": "DE"}], [{"value": "Germany"}]],
        "main_product_image_locator": [
            [{"media_location": "https://img.example/a.jpg"}]
        ],
        "parentage_level": [[{"value": "child"}], [{"value": "parent"}]],
        "child_parent_sku_relationship": [
            [{"child_relationship_type": "variation", "parent_sku": "P1"}]
        ],
        "variation_theme": [[{"name": "SIZE"}], [{"name": "COLOR"}]],
        "size": [[_localized("M")]],
        "color": [[_localized("Blue")], [_localized("Blue"), _localized("Red")]],
    }
    for name, kind in generated_names(540):
        if kind == "text":
            pools[name] = [
                [_localized(f"{name} text")],
                [_localized("é" * 1001)],
                [_localized("")],
                [_localized(7)],
            ]
        elif kind == "enum":
            values = enum_values(name)
            pools[name] = [
                [_localized(values[0])],
                [_localized(values[rng.randint(1, 5)])],
                [_localized("not-a-choice")],
            ]
        elif kind == "measure":
            pools[name] = [
                [{"value": Decimal("0.25"), "unit": "kilograms"}],
                [{"value": -1, "unit": "kilograms"}],
                [{"value": 2.5, "unit": "stone"}],
            ]
        elif kind == "dimensions":
            side = {"value": 10, "unit": "centimeters"}
            pools[name] = [
                [{"length": side, "width": side, "height": side}],
                [{"length": side, "width": side}],
                [{"length": side, "width": side, "height": side, "depth": side}],
            ]
        else:
            pools[name] = [[{"value": True}], [{"value": "yes"}], "true"]
    return pools


def _messages(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    pools = _pools(rng)
    names = list(pools)
    core = names[:13]
    messages = []
    for _ in range(count):
        chosen = [n for n in core if rng.random() < 0.85]
        chosen += rng.sample(names[13:], rng.randint(0, 40))
        message = {name: rng.choice(pools[name]) for name in chosen}
        if rng.random() < 0.1:
            message["not_in_the_schema"] = [{"value": "x"}]
        messages.append(message)
    return messages


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_validation_agrees_with_one_plain_pass(schema, seed):
    seen_codes: set[IssueCode] = set()
    valid = 0
    for message in _messages(MESSAGES, seed):
        expected = schema.validate_whole(message)
        assert schema.validate(message) == expected, message
        assert schema.validate(message, enforce_requirements=False) == (
            schema.validate_whole(message, enforce_requirements=False)
        ), message
        seen_codes.update(i.code for i in expected)
        valid += not expected
    # The generated messages really cover the ways a listing can be wrong.
    assert seen_codes >= {
        IssueCode.MISSING_REQUIRED,
        IssueCode.INVALID_VALUE,
        IssueCode.INVALID_TYPE,
        IssueCode.TOO_LONG,
        IssueCode.TOO_SHORT,
        IssueCode.TOO_MANY_VALUES,
        IssueCode.OUT_OF_RANGE,
        IssueCode.UNKNOWN_FIELD,
    }


def test_validity_is_plain_jsonschema_validity(schema):
    # jsonschema itself (with Amazon's keywords added) on the whole document,
    # numbers as Decimals as the validator reads them.
    plain = schema._validator
    for message in _messages(150, 4):
        document = json.loads(json.dumps(message, default=float), parse_float=Decimal)
        assert (not schema.validate(message)) == plain.is_valid(document), message


def test_only_checks_the_named_attributes(schema):
    message = {
        "item_name": [_localized("x" * 201)],
        "brand": [{"value": "Acme"}],
    }
    issues = schema.validate(message, only=["item_name"])
    assert [(i.attribute, i.code) for i in issues] == [
        ("item_name", IssueCode.TOO_LONG)
    ]
    assert issues == schema.validate_whole(
        {"item_name": message["item_name"]}, enforce_requirements=False
    )


def test_cached_values_give_the_same_issues_every_time(schema):
    message = {"item_name": [_localized("x" * 201)], "country_of_origin": "DE"}
    first = schema.validate(message)
    assert first
    assert schema.validate(message) == first
    # Same value written as another type is a different value.
    assert schema.validate({"item_name": [_localized(201)]}) != schema.validate(
        {"item_name": [_localized("201")]}
    )


def test_a_reference_into_the_properties_falls_back_to_one_pass():
    schema = ProductTypeSchema(
        {
            "type": "object",
            "properties": {
                "a": {"type": "string"},
                "b": {"$ref": "#/properties/a"},
            },
        }
    )
    issues = schema.validate({"a": 1, "b": 2})
    assert [(i.attribute, i.code) for i in issues] == [
        ("a", IssueCode.INVALID_TYPE),
        ("b", IssueCode.INVALID_TYPE),
    ]


def test_root_keywords_of_every_kind_agree_with_one_pass():
    # Root rules reading names only, values, every name, or values directly
    # under allOf (not in an if): each grouped and cached on what it reads.
    item = {
        "type": "array",
        "items": {"type": "object", "properties": {"value": {"type": "string"}}},
    }
    schema = ProductTypeSchema(
        {
            "$defs": {"rule": {"if": {"required": ["a"]}, "then": {"required": ["b"]}}},
            "type": "object",
            "required": ["a"],
            "minProperties": 2,
            "properties": dict.fromkeys("abcde", item),
            "additionalProperties": False,
            "dependentRequired": {"c": ["d"]},
            "allOf": [
                {"$ref": "#/$defs/rule"},
                {"properties": {"e": {"maxItems": 1}}},
                {"not": {"required": ["b", "c", "d"]}},
                {
                    "if": {
                        "properties": {
                            "a": {"contains": {"properties": {"value": {"const": "x"}}}}
                        }
                    },
                    "then": {"required": ["e"]},
                },
            ],
        }
    )
    rng = random.Random(11)
    pool = [[{"value": "x"}], [{"value": "y"}, {"value": "z"}], [{"value": 1}]]
    for _ in range(300):
        names = rng.sample("abcdef", rng.randint(0, 6))
        message = {name: rng.choice(pool) for name in names}
        assert schema.validate(message) == schema.validate_whole(message), message
        assert schema.validate(message, enforce_requirements=False) == (
            schema.validate_whole(message, enforce_requirements=False)
        )
