"""Resolve Amazon attribute values for one listing from a plain snapshot.

Mappings exist at three levels: marketplace, category, product. For each
Amazon attribute the most specific level that maps it decides its whole source
list; lower levels are not consulted for that attribute even if every source
comes out empty, so a product can deliberately override a category default.
Within the list the first source with a non-empty value wins. Values from
different sources are never concatenated: a title made of two half-right
fields is worse than a missing one, which Amazon reports clearly.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import NamedTuple, Protocol

from saleor_amazon_feeds.listings.bounded import bounded_put
from saleor_amazon_feeds.listings.editorjs import Description, editorjs_to_description

from .gtin import normalize_gtin
from .sources import Source, SourceError, parse_source


class Level(StrEnum):
    PRODUCT = "product"
    CATEGORY = "category"
    MARKETPLACE = "marketplace"


# Most specific first: the order precedence is checked in.
LEVELS = (Level.PRODUCT, Level.CATEGORY, Level.MARKETPLACE)


class SourceValue(NamedTuple):
    # A tuple, not a dataclass: a build makes and hashes (shaping's memo
    # keys) hundreds of thousands of them.
    value: str | Decimal
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Measure:
    value: Decimal
    unit: str


AttributeValues = Mapping[str, Sequence[SourceValue]]


@dataclass(frozen=True)
class VariantSnapshot:
    sku: str
    name: str = ""
    external_reference: str | None = None
    weight: Measure | None = None
    attributes: AttributeValues = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductSnapshot:
    """What a Django layer reads from Saleor for one product (and one variant)."""

    name: str
    slug: str = ""
    description: object = None  # EditorJS JSON as stored by Saleor
    seo_title: str | None = None
    seo_description: str | None = None
    product_type: str = ""
    category: str | None = None
    weight: Measure | None = None
    media: Sequence[str] = ()
    attributes: AttributeValues = field(default_factory=dict)
    metadata: Mapping[str, str] = field(default_factory=dict)
    variant: VariantSnapshot | None = None

    @cached_property
    def parsed_description(self) -> Description:
        return editorjs_to_description(self.description)


# What a literal is evaluated against: it reads no snapshot.
_NO_SNAPSHOT = ProductSnapshot(name="")


class ResolvedAttribute(NamedTuple):
    attribute: str
    values: tuple[SourceValue, ...]
    level: Level
    source: str  # the expression that produced the values


@dataclass(frozen=True, slots=True)
class ResolutionWarning:
    attribute: str
    level: Level | None
    source: str | None
    message: str


@dataclass
class Resolution:
    values: dict[str, ResolvedAttribute] = field(default_factory=dict)
    # Attributes mapped somewhere but with no non-empty source: level that decided.
    unresolved: dict[str, Level] = field(default_factory=dict)
    warnings: list[ResolutionWarning] = field(default_factory=list)

    def first(self, attribute: str) -> str | Decimal | None:
        resolved = self.values.get(attribute)
        return resolved.values[0].value if resolved else None


Mappings = Mapping[str, Sequence[str | Source]]

# Sources whose value depends on the product only, never on the variant: a
# family's parent and children can share one evaluation.
PRODUCT_ONLY_KINDS = frozenset(
    {
        "product.name",
        "product.description",
        "product.description_bullets",
        "product.seo_title",
        "product.seo_description",
        "product.slug",
        "product.weight",
        "product.type",
        "product.category",
        "product.media",
        "product_attribute",
        "metadata",
        "literal",
    }
)


class Part(StrEnum):
    """Which of a plan's attributes ``MappingPlan.resolve`` resolves."""

    ALL = "all"
    PRODUCT = "product"
    VARIANT = "variant"


@dataclass(frozen=True, slots=True)
class _Planned:
    attribute: str
    level: Level
    # The sources in order, each with what resolving would otherwise work out
    # again for every snapshot: (source, expression, product-only, may warn,
    # a literal's values or None); a bad expression stands as its
    # (expression, error), so it is still reported at its place in the list.
    steps: tuple[tuple, ...]


# Kinds whose evaluation never warns: a snapshot evaluates each such source
# once, however many attributes list it.
_QUIET_KINDS = PRODUCT_ONLY_KINDS | {
    "variant.name",
    "variant.sku",
    "variant.weight",
    "variant.external_reference",
    "attribute",
    "variant_attribute",
    "variant_metadata",
}


# Kinds that read the variant's own value where it has one and else the
# product's (or nothing): for a product none of whose variants has a value
# of that key, every snapshot of it reads the same.
_FALLBACK_KINDS = frozenset({"attribute", "variant_attribute", "variant.weight"})
_WEIGHT = "variant.weight"
# Distinct sets of keys held by a product's variants a plan keeps its parts
# for: a catalog's products hold few (a product type's variant attributes).
_SPLITS = 1000


class _VariantLike(Protocol):
    attributes: Mapping[str, Sequence["SourceValue"]]
    weight: "Measure | None"


def variant_keys(variants: Iterable[_VariantLike]) -> frozenset[str]:
    """What the variants of a product hold of their own for the sources
    that fall back to the product (``MappingPlan.resolve(variant_keys=)``):
    ``attribute:<slug>`` per attribute with values, ``variant.weight``."""
    keys: set[str] = set()
    for variant in variants:
        keys.update(f"attribute:{slug}" for slug, v in variant.attributes.items() if v)
        if variant.weight:
            keys.add(_WEIGHT)
    return frozenset(keys)


def _fallback_key(source: Source) -> str:
    return _WEIGHT if source.kind == _WEIGHT else f"attribute:{source.key}"


def _steps(sources: tuple[Source | tuple[str, SourceError], ...]) -> tuple:
    return tuple(
        source
        if isinstance(source, tuple)
        else (
            source,
            source.expression,
            source.kind in PRODUCT_ONLY_KINDS,
            source.kind not in _QUIET_KINDS,
            # A literal's values, the same for every snapshot.
            tuple(evaluate_source(source, _NO_SNAPSHOT))
            if source.kind == "literal"
            else None,
        )
        for source in sources
    )


class MappingPlan:
    """The mappings of all levels merged and parsed once, for many snapshots.

    The feed build resolves the same mappings for every variant of the
    catalog; parsing and precedence are decided here once instead.
    """

    def __init__(
        self,
        *,
        marketplace: Mappings | None = None,
        category: Mappings | None = None,
        product: Mappings | None = None,
    ) -> None:
        by_level = {
            Level.PRODUCT: product or {},
            Level.CATEGORY: category or {},
            Level.MARKETPLACE: marketplace or {},
        }
        planned = []
        for attribute in sorted({n for mapping in by_level.values() for n in mapping}):
            level = next(lv for lv in LEVELS if attribute in by_level[lv])
            sources = by_level[level][attribute]
            if isinstance(sources, str | Source):
                sources = [sources]
            parsed = tuple(_parsed(item) for item in sources)
            planned.append(_Planned(attribute, level, _steps(parsed)))
        self._planned = tuple(planned)
        # The variant keys any source of the plan falls back on.
        self._fallbacks = frozenset(
            _fallback_key(step[0])
            for p in planned
            for step in p.steps
            if len(step) != 2 and step[0].kind in _FALLBACK_KINDS
        )
        self._split_parts: dict[frozenset[str], dict[Part, tuple]] = {}

    def _parts_for(self, variant_keys: frozenset[str]) -> dict[Part, tuple]:
        """The parts for a product whose variants hold ``variant_keys``: an
        attribute whose every source reads the same for each snapshot of it
        (product-only, or falling back to the product for a key no variant
        holds) is the product's."""
        held = variant_keys & self._fallbacks
        parts = self._split_parts.get(held)
        if parts is None:
            product = tuple(p for p in self._planned if _product_level(p, held))
            variant = tuple(p for p in self._planned if not _product_level(p, held))
            parts = bounded_put(
                self._split_parts,
                held,
                {Part.ALL: self._planned, Part.PRODUCT: product, Part.VARIANT: variant},
                _SPLITS,
            )
        return parts

    def resolve(
        self,
        snapshot: "ProductSnapshot",
        *,
        memo: dict | None = None,
        part: Part = Part.ALL,
        variant_keys: frozenset[str] | None = None,
    ) -> Resolution:
        """Values plus provenance for every mapped attribute (or ``part``).

        ``memo`` may be shared by snapshots of one product (same product data,
        different variants): variant-independent sources are evaluated once.
        ``Part.PRODUCT`` resolves the attributes every source of which depends
        on the product only: the same for all its variants and its parent, so
        a build resolves them once per product and only ``Part.VARIANT`` per
        variant; the two parts make up the whole, each in name order.
        With ``variant_keys`` (``variant_keys()`` of all the product's
        variants) the product's part also takes the attributes whose sources
        fall back to the product for keys none of its variants holds.
        """
        result = Resolution()
        # This snapshot's values of each quiet source: a field several
        # attributes map is read once.
        local: dict[str, tuple[SourceValue, ...]] = {}
        # Without the variants' keys, any of them may hold its own value.
        parts = self._parts_for(
            self._fallbacks if variant_keys is None else variant_keys
        )
        for planned in parts[part]:
            resolved = _first_non_empty(snapshot, planned, result.warnings, memo, local)
            if resolved is None:
                result.unresolved[planned.attribute] = planned.level
            else:
                result.values[planned.attribute] = resolved
        return result


def resolve_attributes(
    snapshot: ProductSnapshot,
    *,
    marketplace: Mappings | None = None,
    category: Mappings | None = None,
    product: Mappings | None = None,
) -> Resolution:
    """Values plus provenance for every attribute mapped at any level."""
    plan = MappingPlan(marketplace=marketplace, category=category, product=product)
    return plan.resolve(snapshot)


def _product_level(planned: _Planned, held: frozenset[str]) -> bool:
    # A bad expression warns on every resolution: it stays with the variant's.
    return all(
        len(step) != 2
        and (
            step[2]
            or (step[0].kind in _FALLBACK_KINDS and _fallback_key(step[0]) not in held)
        )
        for step in planned.steps
    )


def _parsed(item: str | Source) -> Source | tuple[str, SourceError]:
    if isinstance(item, Source):
        return item
    try:
        return parse_source(item)
    except SourceError as exc:
        return (str(item), exc)


def _first_non_empty(snapshot, planned: _Planned, warnings, memo, local):
    attribute, level = planned.attribute, planned.level
    for step in planned.steps:
        if len(step) == 2:
            expression, error = step
            warnings.append(ResolutionWarning(attribute, level, expression, str(error)))
            continue
        source, expression, product_only, may_warn, constant = step
        if constant is not None:
            values = constant
        elif product_only and memo is not None:
            values = memo.get(expression)
            if values is None:
                # Product-only sources never warn: nothing is lost by caching.
                values = memo[expression] = tuple(evaluate_source(source, snapshot))
        elif not may_warn:
            values = local.get(expression)
            if values is None:
                values = local[expression] = tuple(evaluate_source(source, snapshot))
        else:

            def warn(message: str, expression: str = expression) -> None:
                warnings.append(
                    ResolutionWarning(attribute, level, expression, message)
                )

            values = tuple(evaluate_source(source, snapshot, warn=warn))
        if values:
            return ResolvedAttribute(attribute, values, level, expression)
    return None


def evaluate_source(
    source: Source,
    snapshot: ProductSnapshot,
    *,
    warn: Callable[[str], None] = lambda message: None,
) -> list[SourceValue]:
    """Values one source yields for the snapshot; blanks are dropped."""
    variant = snapshot.variant
    kind, key = source.kind, source.key
    raw: list[SourceValue]
    match kind:
        case "product.name":
            raw = _text(snapshot.name)
        case "product.description":
            raw = _text(snapshot.parsed_description.text)
        case "product.description_bullets":
            raw = [SourceValue(b) for b in snapshot.parsed_description.bullets]
        case "product.seo_title":
            raw = _text(snapshot.seo_title)
        case "product.seo_description":
            raw = _text(snapshot.seo_description)
        case "product.slug":
            raw = _text(snapshot.slug)
        case "product.weight":
            raw = _measure(snapshot.weight)
        case "product.type":
            raw = _text(snapshot.product_type)
        case "product.category":
            raw = _text(snapshot.category)
        case "product.media":
            raw = [SourceValue(url) for url in snapshot.media]
        case "variant.name":
            raw = _text(variant.name if variant else None)
        case "variant.sku":
            raw = _text(variant.sku if variant else None)
        case "variant.weight":
            raw = _measure(
                variant.weight if variant and variant.weight else snapshot.weight
            )
        case "variant.external_reference":
            raw = _text(variant.external_reference if variant else None)
        case "attribute":
            raw = list(_variant_attr(variant, key)) or list(
                snapshot.attributes.get(key, ())
            )
        case "product_attribute":
            raw = list(snapshot.attributes.get(key, ()))
        case "variant_attribute":
            raw = list(_variant_attr(variant, key))
        case "metadata":
            raw = _text(snapshot.metadata.get(key))
        case "variant_metadata":
            raw = _text(variant.metadata.get(key) if variant else None)
        case "gtin":
            raw = _gtins(
                list(_variant_attr(variant, key))
                or list(snapshot.attributes.get(key, ())),
                key,
                warn,
            )
        case "literal":
            raw = _text(key)
        case _:
            warn(f"Source {source.expression} is not supported.")
            raw = []
    return [v for v in raw if not (isinstance(v.value, str) and not v.value.strip())]


def _variant_attr(variant: VariantSnapshot | None, key: str) -> Sequence[SourceValue]:
    return variant.attributes.get(key, ()) if variant else ()


def _text(value: object) -> list[SourceValue]:
    if value is None:
        return []
    text = str(value).strip()
    return [SourceValue(text)] if text else []


def _measure(measure: Measure | None) -> list[SourceValue]:
    return [SourceValue(measure.value, measure.unit)] if measure else []


def _gtins(values: list[SourceValue], key: str, warn) -> list[SourceValue]:
    valid = []
    for item in values:
        code = normalize_gtin(
            item.value if isinstance(item.value, str) else str(item.value)
        )
        if code:
            valid.append(SourceValue(code))
        else:
            warn(
                f"Attribute '{key}' value {item.value!r} is not a valid "
                "GTIN-8/12/13/14."
            )
    return valid[:1]
