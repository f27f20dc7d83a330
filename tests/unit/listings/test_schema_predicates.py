"""The compiled predicates answer exactly what jsonschema answers about validity.

A predicate's yes skips jsonschema altogether, so a predicate more lenient
than jsonschema would let an invalid listing reach Amazon, and a stricter one
would only cost time; both are checked: on every attribute of the generated
Amazon-sized schema and of Amazon's sample schema, with values drawn from the
generated test's pools (valid and broken), mutated, and generated freely; and
keyword by keyword on the edge cases of JSON Schema's equality and types.
"""

import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_amazon_feeds.listings.schema_predicates import Unsure, compile_predicate
from saleor_amazon_feeds.listings.schema_validation import (
    _FORMATS,
    ProductTypeSchema,
    _decimals,
)
from sample_shop.product_type_schema import product_type_schema

from .test_schema_validation_generated import LANGUAGE, MARKETPLACE, _messages

SAMPLE = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "amazon-spapi"
    / "samples"
    / "SAMPLE_PRODUCT.ptd-schema.json"
)


def _schema(raw: dict) -> ProductTypeSchema:
    # As SchemaCache reads Amazon's documents: numbers as Decimals.
    return ProductTypeSchema(json.loads(json.dumps(raw), parse_float=Decimal))


@pytest.fixture(scope="module")
def generated() -> ProductTypeSchema:
    return _schema(product_type_schema(MARKETPLACE, LANGUAGE))


def _agrees(schema: ProductTypeSchema, node, predicate, value) -> bool | None:
    """Whether the predicate agrees with jsonschema (None: it was unsure)."""
    expected = schema._validator.evolve(schema=node).is_valid(_decimals(value))
    try:
        answer = predicate(value)
    except Unsure:
        return None
    assert answer is expected, (node, value)
    return True


def test_every_attribute_and_rule_of_amazon_sized_schemas_compiles(generated):
    schemas = [generated]
    if SAMPLE.exists():
        schemas.append(_schema(json.loads(SAMPLE.read_text())))
    for schema in schemas:
        plan = schema._plan
        assert plan is not None
        assert plan.fast
        assert None not in plan.fast.values()
        assert plan.groups
        assert all(g.fast is not None for g in plan.groups)


def test_pool_values_and_whole_messages_agree(generated):
    plan = generated._plan
    agreed = valid = invalid = 0
    for message in _messages(300, seed=7):
        for group in plan.groups:
            rules = group.validator.schema
            agreed += bool(_agrees(generated, rules, group.fast, message))
        for name, value in message.items():
            node = generated.schema["properties"].get(name)
            if node is None:
                continue
            if _agrees(generated, node, plan.fast[name], value):
                agreed += 1
                if plan.fast[name](value):
                    valid += 1
                else:
                    invalid += 1
    # Both answers were exercised, and almost nothing was left to jsonschema.
    assert valid > 1000
    assert invalid > 1000
    assert agreed > 30_000


_KEYS = st.sampled_from(
    [
        "value",
        "language_tag",
        "marketplace_id",
        "unit",
        "name",
        "media_location",
        "length",
        "width",
        "height",
        "child_relationship_type",
        "parent_sku",
        "other",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([Decimal("0.25"), Decimal("-1"), Decimal("2.0"), Decimal("1E+3")]),
    st.sampled_from(
        [
            "",
            "x",
            LANGUAGE,
            MARKETPLACE,
            "de_DE",
            "kilograms",
            "stone",
            "child",
            "parent",
            "variation",
            "SIZE",
            "COLOR",
            "mens",
            "é" * 300,
            "y" * 1001,
            "2024-02-30",
            "2024-01-01",
            "https://img.example/a.jpg",
        ]
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_values_agree_on_every_attribute(generated, data):
    names = sorted(generated.schema["properties"])
    name = data.draw(st.sampled_from(names))
    localized = st.fixed_dictionaries(
        {"value": _VALUES, "language_tag": _SCALARS, "marketplace_id": _SCALARS}
    )
    value = data.draw(st.one_of(_VALUES, st.lists(localized, max_size=3)))
    node = generated.schema["properties"][name]
    assert _agrees(generated, node, generated._plan.fast[name], value) is True


def _predicate(schema: dict):
    """The schema's predicate, compiled as a product type schema's are."""
    owner = ProductTypeSchema({"properties": {}, **schema})
    return owner, compile_predicate(
        owner.schema,
        owner.schema,
        selector_key=owner._selector_key,
        selector_defaults=owner._selector_defaults,
        format_checker=_FORMATS,
    )


@pytest.mark.parametrize(
    ("schema", "values"),
    [
        ({"enum": [1, "a", None]}, [1, True, Decimal("1.0"), "a", "A", None, 0, [1]]),
        ({"const": [1, {"a": False}]}, [[1, {"a": False}], [True, {"a": 0}], [1]]),
        ({"type": "integer"}, [1, True, Decimal("2.0"), Decimal("2.5"), "1", None]),
        ({"type": ["number", "null"]}, [None, 0, Decimal("1.5"), False, "0"]),
        ({"multipleOf": Decimal("0.01")}, [Decimal("19.99"), Decimal("19.999"), 3]),
        ({"format": "date-time"}, ["2024-01-01T10:00:00Z", "2024-13-01T00:00:00Z", 5]),
        ({"format": "date"}, ["2024-02-29", "2023-02-29", "x"]),
        ({"pattern": "^[A-Z]{2}$"}, ["DE", "Deu", "xDE", 7]),
        (
            {"oneOf": [{"type": "integer"}, {"minimum": 0}]},
            [-1, 1, Decimal("0.5"), "s"],
        ),
        (
            {"if": {"minimum": 10}, "then": {"multipleOf": 5}, "else": {"maximum": 3}},
            [10, 12, 3, 4, "x"],
        ),
        ({"contains": {"const": "a"}}, [["b", "a"], ["b"], [], "a"]),
        (
            {"dependentRequired": {"a": ["b", "c"]}},
            [{"a": 1, "b": 1, "c": 1}, {"a": 1, "b": 1}, {"b": 1}, []],
        ),
        ({"not": {"type": "string"}}, ["s", 1, None]),
        (
            {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "additionalProperties": {"type": "integer"},
            },
            [{"a": "x", "b": 1}, {"a": "x", "b": "y"}, {"a": 1}, {}],
        ),
        (
            {
                "type": "array",
                "selectors": ["marketplace_id", "language_tag"],
                "items": {
                    "type": "object",
                    "properties": {
                        "marketplace_id": {"default": MARKETPLACE},
                        "language_tag": {"default": LANGUAGE},
                        "value": {"maxUtf8ByteLength": 4},
                    },
                },
                "minUniqueItems": 1,
                "maxUniqueItems": 1,
            },
            [
                [{"value": "abcd"}],
                [{"value": "éé"}, {"value": "ééé"}],
                [{"value": "a"}, {"value": "b", "language_tag": LANGUAGE}],
                [{"value": "a"}, {"value": "b", "language_tag": "de_DE"}],
                # Text and a number written alike: one selector key to Amazon.
                [
                    {"value": "a", "marketplace_id": "1.0"},
                    {"value": "b", "marketplace_id": Decimal("1.0")},
                ],
                [{"value": "a", "marketplace_id": None}, {"value": "b"}],
                [],
            ],
        ),
    ],
)
def test_keywords_agree_on_their_edge_cases(schema, values):
    owner, predicate = _predicate(schema)
    assert predicate is not None
    for value in values:
        assert _agrees(owner, owner.schema, predicate, value)


def test_references_resolve_and_may_recurse():
    root = {
        "$defs": {
            "tree": {
                "type": "object",
                "properties": {"children": {"items": {"$ref": "#/$defs/tree"}}},
                "required": ["name"],
            }
        },
        "$ref": "#/$defs/tree",
    }
    owner, predicate = _predicate(root)
    assert predicate({"name": 1, "children": [{"name": 2, "children": []}]})
    assert not predicate({"name": 1, "children": [{"children": []}]})


@pytest.mark.parametrize(
    "schema",
    [
        {"patternProperties": {"^x": {"type": "string"}}},
        {"unevaluatedProperties": False},
        {"items": [{"type": "string"}]},
        {"contains": {"type": "string"}, "minContains": 2},
        {"$ref": "https://example.com/other.json"},
        {"properties": {"a": {"$id": "https://example.com/a", "type": "string"}}},
        {"uniqueItems": True},
        {"type": 7},
    ],
)
def test_keywords_not_mirrored_leave_the_schema_to_jsonschema(schema):
    assert _predicate(schema)[1] is None


@pytest.mark.parametrize("value", [1.5, (1, 2), [1.5], {"a": ("x",)}])
def test_values_the_jsonschema_path_converts_are_left_to_it(value):
    owner, predicate = _predicate(
        {
            "type": ["array", "object", "number"],
            "items": {"type": "object"},
            "additionalProperties": {"type": "string"},
        }
    )
    assert predicate is not None
    with pytest.raises(Unsure):
        predicate(value)
    # Where the predicate is unsure, ProductTypeSchema asks jsonschema.
    message = {"x": value}
    assert owner.validate(message) == owner.validate_whole(message) != []
