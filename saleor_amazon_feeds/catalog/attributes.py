"""Resolved Saleor values -> Amazon listing attributes, in Amazon's value shapes.

With the product type's schema the shape of each value (language tag or not,
number or text, how many values, text limits) comes from the schema itself;
without one, conservative defaults for the common attributes apply and Amazon's
own report is the final check.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from weakref import WeakKeyDictionary

from ..listings.bounded import bounded_put
from ..listings.messages import localized
from ..listings.schema_validation import ProductTypeSchema
from ..listings.text import fit_text, limits_from_schema
from ..mapping.amazon_attributes import COMMON_ATTRIBUTES, MANAGED_ATTRIBUTES
from ..mapping.gtin import gtin_type, normalize_gtin
from ..mapping.resolution import Resolution, SourceValue

ASIN = re.compile(r"^[A-Z0-9]{10}$")
IDENTIFIER = "externally_assigned_product_identifier"
SUGGESTED_ASIN = "merchant_suggested_asin"
DEFAULT_CONDITION = "new_new"
# Shaped values a memo of shape_attributes keeps (a few MB of small lists).
SHAPE_MEMO_ENTRIES = 10_000

# Attributes Amazon defines without language_tag (codes, numbers, identifiers).
NON_LOCALIZED = frozenset(
    {
        "condition_type",
        IDENTIFIER,
        SUGGESTED_ASIN,
        "supplier_declared_has_product_identifier_exemption",
        "supplier_declared_dg_hz_regulation",
        "country_of_origin",
        "batteries_required",
        "batteries_included",
        "item_package_quantity",
        "number_of_items",
        "unit_count",
        "recommended_browse_nodes",
        "merchant_shipping_group",
        "max_order_quantity",
        "product_site_launch_date",
        "model_number",
        "part_number",
        "gift_options",
    }
)
INTEGER_ATTRIBUTES = frozenset(
    {"item_package_quantity", "number_of_items", "max_order_quantity"}
)
BOOLEAN_ATTRIBUTES = frozenset(
    {
        "batteries_required",
        "batteries_included",
        "supplier_declared_has_product_identifier_exemption",
    }
)
# Limits used when no schema is at hand: Amazon's usual ones for these.
DEFAULT_TEXT_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "item_name": (200, None),
    "brand": (100, None),
    "manufacturer": (100, None),
    "product_description": (2000, None),
    "bullet_point": (500, None),
    "generic_keyword": (None, 250),
}
DEFAULT_MAX_VALUES = {
    "bullet_point": 5,
    "special_feature": 5,
    "included_components": 5,
    "care_instructions": 3,
}
WEIGHT_UNITS = {
    "g": "grams",
    "kg": "kilograms",
    "lb": "pounds",
    "oz": "ounces",
    "tonne": "kilograms",
    "cm": "centimeters",
    "mm": "millimeters",
    "m": "meters",
    "inch": "inches",
    "ft": "feet",
    "ml": "milliliters",
    "l": "liters",
}
IMAGE = re.compile(r"^(main|other|swatch)_product_image_locator(?:_(\d))?$")
# Attributes kept in a LISTING_OFFER_ONLY message: the rest is Amazon's data.
OFFER_ONLY_ATTRIBUTES = frozenset(
    {
        SUGGESTED_ASIN,
        IDENTIFIER,
        "condition_type",
        "condition_note",
        "list_price",
        "purchasable_offer",
        "fulfillment_availability",
        "max_order_quantity",
        "merchant_shipping_group",
    }
)


@dataclass(frozen=True, slots=True)
class AttributeProblem:
    attribute: str
    message: str
    blocking: bool


@dataclass
class ShapedAttributes:
    attributes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[AttributeProblem] = field(default_factory=list)
    # Attribute -> (its values, their memo entry's token): validation keys
    # its cached outcome by the token instead of freezing the values again
    # (``ProductTypeSchema.validate(keys=)``).
    keys: dict[str, tuple[list, object]] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return any(p.blocking for p in self.problems)

    @property
    def suggested_asin(self) -> str | None:
        values = self.attributes.get(SUGGESTED_ASIN)
        return values[0]["value"] if values else None


class _Problems:
    """Where shaping one value puts its problems (a ShapedAttributes costs
    more to make, and a build shapes a value per variant)."""

    __slots__ = ("problems",)

    def __init__(self) -> None:
        self.problems: list[AttributeProblem] = []


@dataclass(frozen=True, slots=True)
class Context:
    marketplace_id: str
    language_tag: str | None
    schema: ProductTypeSchema | None = None


def shape_attributes(
    resolution: Resolution,
    context: Context,
    *,
    memo: dict | None = None,
    complete: bool = True,
) -> ShapedAttributes:
    """Amazon attributes from a resolution; problems name the attribute.

    ``memo`` may be shared by resolutions under one context: a value resolved
    the same way (a family's shared title, description, images, a brand every
    product has) is shaped once and its lists are shared, so callers must not
    mutate them. It holds at most ``SHAPE_MEMO_ENTRIES`` values, each with a
    token of its own (``ShapedAttributes.keys``). ``complete`` False leaves
    out the defaults of a whole listing: for a part of a resolution, which
    ``combine`` completes.
    """
    result = ShapedAttributes()
    for warning in resolution.warnings:
        result.problems.append(
            AttributeProblem(warning.attribute, warning.message, False)
        )
    for name, resolved in resolution.values.items():
        if name in MANAGED_ATTRIBUTES:
            result.problems.append(
                AttributeProblem(
                    name,
                    f"'{name}' is set by the plugin; the mapping is ignored.",
                    False,
                )
            )
            continue
        if memo is None:
            values = _values(
                name, list(resolved.values), resolved.source, context, result
            )
        else:
            key = (name, resolved.values, resolved.source)
            cached = memo.get(key)
            if cached is None:
                scratch = _Problems()
                values = _values(
                    name, list(resolved.values), resolved.source, context, scratch
                )
                cached = bounded_put(
                    memo, key, (values, scratch.problems, object()), SHAPE_MEMO_ENTRIES
                )
            values = cached[0]
            result.problems.extend(cached[1])
            if values:
                result.keys[name] = (values, cached[2])
        if values:
            result.attributes[name] = values
    if complete:
        _complete(result, context, memo)
    return result


def combine(
    common: ShapedAttributes,
    own: ShapedAttributes,
    context: Context,
    *,
    memo: dict | None = None,
) -> ShapedAttributes:
    """One listing's attributes from the part its product shares
    (``Part.PRODUCT``) and its own part (``Part.VARIANT``), each shaped with
    ``complete=False``: the same as shaping the whole resolution at once
    (attributes in name order, the product's problems first)."""
    if own.attributes:
        # The parts never share a name: the sort never compares values.
        attributes = dict(sorted((*common.attributes.items(), *own.attributes.items())))
    else:
        attributes = dict(common.attributes)
    result = ShapedAttributes(
        attributes, [*common.problems, *own.problems], {**common.keys, **own.keys}
    )
    _complete(result, context, memo)
    return result


_DEFAULT_CONDITION_KEY = ("condition_type", "default")


def _complete(result: ShapedAttributes, context: Context, memo: dict | None) -> None:
    if "condition_type" in result.attributes:
        return
    # Required by every product type; merchants selling used goods map it.
    cached = None if memo is None else memo.get(_DEFAULT_CONDITION_KEY)
    if cached is None:
        values = [
            {"value": DEFAULT_CONDITION, "marketplace_id": context.marketplace_id}
        ]
        cached = (values, [], object())
        if memo is not None:
            bounded_put(memo, _DEFAULT_CONDITION_KEY, cached, SHAPE_MEMO_ENTRIES)
    result.attributes["condition_type"] = cached[0]
    if memo is not None:
        result.keys["condition_type"] = (cached[0], cached[2])


def _values(
    name: str,
    values: list[SourceValue],
    source: str,
    context: Context,
    result: "ShapedAttributes | _Problems",
) -> list[dict[str, Any]]:
    if name == IDENTIFIER:
        return _identifier(values[0], context, result)
    if name == SUGGESTED_ASIN:
        return _asin(values[0], context, result)
    image = IMAGE.match(name)
    if image:
        return _image(name, image, values, source, context)
    shape = _shape_of(context.schema, name)
    shaped = []
    for value in values[: shape.limit]:
        item = _item(name, value, shape, context, result)
        if item is not None:
            shaped.append(item)
    return shaped


@dataclass(frozen=True, slots=True)
class _Shape:
    """What one attribute's values are shaped by under one schema, read from
    the schema once: a build shapes a new value per variant."""

    item_schema: Mapping[str, Any] | None
    props: Mapping[str, Any]
    limit: int
    max_chars: int | None
    max_bytes: int | None
    title: str


_SHAPES: "WeakKeyDictionary[ProductTypeSchema, dict[str, _Shape]]" = WeakKeyDictionary()
_SHAPES_WITHOUT_SCHEMA: dict[str, _Shape] = {}


def _shape_of(schema: ProductTypeSchema | None, name: str) -> _Shape:
    if schema is None:
        shapes = _SHAPES_WITHOUT_SCHEMA
    else:
        shapes = _SHAPES.get(schema) or _SHAPES.setdefault(schema, {})
    shape = shapes.get(name)
    if shape is None:
        item_schema = _item_schema(schema, name)
        props = (item_schema or {}).get("properties", {})
        value_schema = props.get("value")
        max_chars, max_bytes = (
            limits_from_schema(value_schema)
            if value_schema is not None
            else DEFAULT_TEXT_LIMITS.get(name, (None, None))
        )
        shape = shapes[name] = _Shape(
            item_schema,
            props,
            _max_values(schema, name),
            max_chars,
            max_bytes,
            _title(schema, name),
        )
    return shape


def _item(
    name: str,
    value: SourceValue,
    shape: _Shape,
    context: Context,
    result: "ShapedAttributes | _Problems",
) -> dict[str, Any] | None:
    props = shape.props
    if value.unit is not None:
        unit = WEIGHT_UNITS.get(value.unit.lower(), value.unit)
        return {
            "value": value.value,
            "unit": unit,
            "marketplace_id": context.marketplace_id,
        }
    raw = _typed(name, value.value, props.get("value", {}), result)
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = _fit(name, raw, shape, result)
    wants_language = (
        "language_tag" in props
        if shape.item_schema is not None
        else isinstance(raw, str) and name not in NON_LOCALIZED
    )
    return localized(
        raw,
        marketplace_id=context.marketplace_id,
        language_tag=context.language_tag if wants_language else None,
    )[0]


def _typed(
    name: str, value: str | Decimal, value_schema: Mapping[str, Any], result
) -> Any:
    kind = value_schema.get("type")
    if kind is None:
        kind = (
            "integer"
            if name in INTEGER_ATTRIBUTES
            else "boolean"
            if name in BOOLEAN_ATTRIBUTES
            else "string"
        )
    if kind == "boolean":
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
    elif kind in ("integer", "number"):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            number = None
        if number is not None and number.is_finite():
            if kind == "number":
                return number
            if number == number.to_integral_value():
                return int(number)
    else:
        return str(value)
    result.problems.append(
        AttributeProblem(name, f"{_title(None, name)}: {value!r} is not {kind}.", True)
    )
    return None


def _fit(
    name: str,
    text: str,
    shape: _Shape,
    result: "ShapedAttributes | _Problems",
) -> str:
    fitted = fit_text(
        text, max_chars=shape.max_chars, max_bytes=shape.max_bytes, label=shape.title
    )
    if fitted.warning:
        result.problems.append(AttributeProblem(name, fitted.warning, False))
    return fitted.value


def _identifier(
    value: SourceValue,
    context: Context,
    result: "ShapedAttributes | _Problems",
) -> list[dict[str, Any]]:
    code = normalize_gtin(str(value.value))
    if code is None:
        result.problems.append(
            AttributeProblem(
                IDENTIFIER,
                f"{value.value!r} is not a valid EAN/UPC/GTIN (check digit or "
                "length); a wrong code can attach the offer to another product.",
                True,
            )
        )
        return []
    return [
        {
            "type": gtin_type(code),
            "value": code,
            "marketplace_id": context.marketplace_id,
        }
    ]


def _asin(
    value: SourceValue,
    context: Context,
    result: "ShapedAttributes | _Problems",
) -> list[dict[str, Any]]:
    asin = str(value.value).strip().upper()
    if not ASIN.match(asin):
        result.problems.append(
            AttributeProblem(
                SUGGESTED_ASIN,
                f"{value.value!r} is not an ASIN (10 letters/digits).",
                True,
            )
        )
        return []
    return [{"value": asin, "marketplace_id": context.marketplace_id}]


def _image(name, match, values, source, context) -> list[dict[str, Any]]:
    # "product.media" mapped to other_product_image_locator_N means "the Nth
    # extra image", not the first image again.
    index = int(match.group(2) or 0) if source == "product.media" else 0
    if index >= len(values):
        return []
    return [
        {
            "media_location": str(values[index].value),
            "marketplace_id": context.marketplace_id,
        }
    ]


def _item_schema(schema: ProductTypeSchema | None, name: str) -> Mapping | None:
    if schema is None:
        return None
    prop = schema.schema["properties"].get(name)
    if not isinstance(prop, Mapping):
        return None
    items = prop.get("items")
    return items if isinstance(items, Mapping) else None


def _max_values(schema: ProductTypeSchema | None, name: str) -> int:
    if schema is not None:
        prop = schema.schema["properties"].get(name)
        if isinstance(prop, Mapping):
            limits = [int(prop[k]) for k in ("maxUniqueItems", "maxItems") if k in prop]
            if limits:
                return max(min(limits), 1)
    return DEFAULT_MAX_VALUES.get(name, 1)


def _title(context_schema: ProductTypeSchema | None, name: str) -> str:
    if context_schema is not None:
        return context_schema.title(name)
    return COMMON_ATTRIBUTES.get(name, name)


def offer_only(attributes: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in attributes.items() if k in OFFER_ONLY_ATTRIBUTES}
