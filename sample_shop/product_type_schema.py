"""A product type definition schema of the size and shape Amazon publishes.

Amazon's real schemas run to several hundred properties and about half a
megabyte: arrays of ``{value, language_tag, marketplace_id}`` items with
``selectors`` and ``maxUniqueItems``, enumerations with ``enumNames``, measures
with units, nested objects, and an ``allOf`` of ``if``/``then`` rules between
attributes. This one is generated (deterministically, from a seed) around the
sandbox's SHIRT schema, so the catalog's shirts fit it, for the bench and the
validator's generated tests. ``mapped_sources`` lists field mappings that make
a shirt's listing carry many of the generated attributes.
"""

import json
import random
from pathlib import Path
from typing import Any

SHIRT = (
    Path(__file__).resolve().parent.parent
    / "saleor_amazon_feeds"
    / "sandbox"
    / "data"
    / "product_types"
    / "SHIRT.json"
)
_WORDS = (
    "outer",
    "inner",
    "sleeve",
    "collar",
    "cuff",
    "hem",
    "pocket",
    "lining",
    "seam",
    "strap",
    "panel",
    "trim",
    "closure",
    "pattern",
    "finish",
    "care",
    "wash",
    "fit",
    "style",
    "occasion",
    "season",
    "theme",
    "league",
    "team",
    "lifestyle",
    "sport",
    "fabric",
    "yarn",
    "weave",
    "knit",
    "print",
    "neck",
    "shoulder",
    "back",
    "front",
    "waist",
    "chest",
)
_TAILS = ("type", "description", "material", "feature", "style", "detail", "note")
_UNITS = ["centimeters", "millimeters", "meters", "inches", "feet"]
_MASS = ["grams", "kilograms", "pounds", "ounces"]
_TEXT = "text"
_ENUM = "enum"
_MEASURE = "measure"
_DIMENSIONS = "dimensions"
_BOOLEAN = "boolean"
_KINDS = (_TEXT, _TEXT, _TEXT, _ENUM, _ENUM, _MEASURE, _DIMENSIONS, _BOOLEAN)


def generated_names(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(attribute name, kind) of the generated attributes, in schema order."""
    rng = random.Random(seed)
    names: list[tuple[str, str]] = []
    seen: set[str] = set()
    while len(names) < count:
        name = f"{rng.choice(_WORDS)}_{rng.choice(_WORDS)}_{rng.choice(_TAILS)}"
        if name in seen:
            name = f"{name}_{len(names)}"
        seen.add(name)
        names.append((name, _KINDS[len(names) % len(_KINDS)]))
    return names


def enum_values(name: str, seed: int = 7) -> list[str]:
    """The allowed values of a generated enumeration attribute."""
    rng = random.Random(f"{seed}:{name}")
    return [f"{name.split('_')[0]}_{i:02d}" for i in range(rng.randint(12, 60))]


def product_type_schema(
    marketplace_id: str,
    language_tag: str,
    *,
    currency: str = "USD",
    extra_properties: int = 540,
    conditions: int = 80,
    seed: int = 7,
) -> dict[str, Any]:
    """The schema (JSON-ready, floats as JSON numbers) for one marketplace."""
    text = SHIRT.read_text(encoding="utf-8")
    text = text.replace("${marketplace_id}", marketplace_id)
    text = text.replace("${language_tag}", language_tag)
    text = text.replace("${marketplace_name}", "Amazon")
    text = text.replace("${currency}", currency)
    text = text.replace("${afn_channel}", "AMAZON_NA")
    schema: dict[str, Any] = json.loads(text)["schema"]
    schema["$comment"] = "Generated for the bench and tests; shaped like Amazon's."
    rng = random.Random(seed)
    generated = generated_names(extra_properties, seed)
    for name, kind in generated:
        schema["properties"][name] = _property(name, kind, rng, seed)
    enums = [n for n, k in generated if k == _ENUM]
    targets = [n for n, k in generated if k == _TEXT]
    rules = schema.setdefault("allOf", [])
    for i in range(conditions):
        # A value other than the first triggers: the bench maps the first.
        source = enums[i % len(enums)]
        trigger = enum_values(source, seed)[1 + i % 5]
        rules.append(
            {
                "if": {
                    "required": [source],
                    "properties": {
                        source: {
                            "contains": {
                                "required": ["value"],
                                "properties": {"value": {"enum": [trigger]}},
                            }
                        }
                    },
                },
                "then": {"required": [targets[(i * 7) % len(targets)]]},
            }
        )
    measures = [n for n, k in generated if k == _MEASURE]
    schema["dependentRequired"] = {
        measures[i]: [measures[i + 1]] for i in range(0, min(len(measures) - 1, 8), 2)
    }
    return schema


def mapped_sources(seed: int = 7, extra_properties: int = 540) -> dict[str, list]:
    """Field mappings onto generated attributes that a shirt can fill."""
    generated = generated_names(extra_properties, seed)
    texts = [n for n, k in generated if k == _TEXT]
    enums = [n for n, k in generated if k == _ENUM]
    fields = [
        "product.name",
        "product.category",
        "product.type",
        "variant.name",
        "variant.sku",
        "product.slug",
        "attribute:maker",
        "attribute:colour",
        "literal:Machine wash at 30 degrees, do not tumble dry",
    ]
    mappings: dict[str, list] = {
        name: [fields[i % len(fields)]] for i, name in enumerate(texts[:36])
    }
    for name in enums[:12]:
        mappings[name] = [f"literal:{enum_values(name, seed)[0]}"]
    return mappings


def _localized(title: str, value: dict, rng: random.Random) -> dict[str, Any]:
    return {
        "title": title,
        "description": f"Provide the {title.lower()} as shoppers should read it.",
        "type": "array",
        "minItems": 1,
        "minUniqueItems": 1,
        "maxUniqueItems": rng.choice((1, 1, 1, 3, 5)),
        "selectors": ["marketplace_id", "language_tag"],
        "items": {
            "type": "object",
            "required": ["language_tag", "value"],
            "properties": {
                "language_tag": {"$ref": "#/$defs/language_tag"},
                "marketplace_id": {"$ref": "#/$defs/marketplace_id"},
                "value": {"title": title, "editable": True, "hidden": False, **value},
            },
            "additionalProperties": False,
        },
    }


def _amount(title: str, units: list[str]) -> dict[str, Any]:
    return {
        "title": title,
        "type": "object",
        "required": ["unit", "value"],
        "properties": {
            "unit": {"title": "Unit", "type": "string", "enum": units},
            "value": {"title": title, "type": "number", "minimum": 0},
        },
        "additionalProperties": False,
    }


def _property(name: str, kind: str, rng: random.Random, seed: int) -> dict:
    title = name.replace("_", " ").capitalize()
    if kind == _TEXT:
        limit = rng.choice((50, 100, 200, 500, 1000, 2000))
        return _localized(
            title,
            {
                "type": "string",
                "minLength": 1,
                "maxLength": limit,
                "maxUtf8ByteLength": limit * 2,
                "examples": [f"{title} example"],
            },
            rng,
        )
    if kind == _ENUM:
        values = enum_values(name, seed)
        return _localized(
            title,
            {
                "type": "string",
                "enum": values,
                "enumNames": [v.replace("_", " ").title() for v in values],
            },
            rng,
        )
    if kind == _MEASURE:
        amount = _amount(title, _MASS)
        amount["properties"]["marketplace_id"] = {"$ref": "#/$defs/marketplace_id"}
        return {
            "title": title,
            "type": "array",
            "minItems": 1,
            "maxUniqueItems": 1,
            "selectors": ["marketplace_id"],
            "items": amount,
        }
    if kind == _DIMENSIONS:
        sides = {side: _amount(side.title(), _UNITS) for side in _SIDES}
        return {
            "title": title,
            "type": "array",
            "minItems": 1,
            "maxUniqueItems": 1,
            "selectors": ["marketplace_id"],
            "items": {
                "type": "object",
                "required": list(_SIDES),
                "properties": {
                    "marketplace_id": {"$ref": "#/$defs/marketplace_id"},
                    **sides,
                },
                "additionalProperties": False,
            },
        }
    return {
        "title": title,
        "type": "array",
        "minItems": 1,
        "maxUniqueItems": 1,
        "selectors": ["marketplace_id"],
        "items": {
            "type": "object",
            "required": ["value"],
            "properties": {
                "marketplace_id": {"$ref": "#/$defs/marketplace_id"},
                "value": {"title": title, "type": "boolean"},
            },
            "additionalProperties": False,
        },
    }


_SIDES = ("length", "width", "height")
