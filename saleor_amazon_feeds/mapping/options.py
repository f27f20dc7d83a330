"""Per-product and per-category Amazon options kept in Saleor private metadata.

Saleor metadata values must be strings, so all options live as one JSON string
under one namespaced key; one key keeps them atomic (no half-written set) and
out of the way of other apps. Shape::

    {"productType": {"*": "SHIRT", "A1PA6795UKMFR9": "SHIRT"},
     "mappings": {"brand": ["attribute:brand", "literal:Acme"]},
     "exclude": false}

Merchants and scripts edit metadata by hand, so parsing never raises: every
problem becomes an issue naming the field, and the usable rest is kept.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..amazon.identifiers import (
    marketplace_id_problem,
    normalize_product_type,
    product_type_problem,
)
from .amazon_attributes import attribute_problem
from .sources import MAX_SOURCES, SourceError, parse_source

OPTIONS_KEY = "amazon_feeds.options"
ANY_MARKETPLACE = "*"
_KNOWN_KEYS = ("productType", "mappings", "exclude")


@dataclass(frozen=True)
class AmazonOptions:
    product_type: Mapping[str, str] = field(default_factory=dict)
    mappings: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    exclude: bool = False

    def product_type_for(self, marketplace_id: str) -> str | None:
        return self.product_type.get(marketplace_id) or self.product_type.get(
            ANY_MARKETPLACE
        )


@dataclass(frozen=True, slots=True)
class OptionsIssue:
    field: str  # e.g. "mappings.brand[1]"
    message: str


def parse_options(raw: str | None) -> tuple[AmazonOptions, list[OptionsIssue]]:
    """Options from the metadata value; missing or empty means defaults."""
    issues: list[OptionsIssue] = []
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return AmazonOptions(), issues
    if not isinstance(raw, str):
        issues.append(OptionsIssue(OPTIONS_KEY, "Options must be stored as JSON text."))
        return AmazonOptions(), issues
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        issues.append(OptionsIssue(OPTIONS_KEY, f"Options are not valid JSON: {exc}."))
        return AmazonOptions(), issues
    if not isinstance(data, dict):
        issues.append(OptionsIssue(OPTIONS_KEY, "Options must be a JSON object."))
        return AmazonOptions(), issues
    for key in data:
        if key not in _KNOWN_KEYS:
            issues.append(
                OptionsIssue(
                    str(key) or OPTIONS_KEY,
                    f"Unknown option; use {', '.join(_KNOWN_KEYS)}.",
                )
            )
    return (
        AmazonOptions(
            product_type=_product_types(data.get("productType"), issues),
            mappings=_mappings(data.get("mappings"), issues),
            exclude=_exclude(data.get("exclude", False), issues),
        ),
        issues,
    )


def options_from_metadata(
    private_metadata: Mapping[str, Any] | None,
) -> tuple[AmazonOptions, list[OptionsIssue]]:
    return parse_options((private_metadata or {}).get(OPTIONS_KEY))


def serialize_options(options: AmazonOptions) -> dict[str, str]:
    """Metadata items to write back; empty options delete nothing but write {}."""
    data: dict[str, Any] = {}
    if options.product_type:
        data["productType"] = dict(sorted(options.product_type.items()))
    if options.mappings:
        data["mappings"] = {k: list(v) for k, v in sorted(options.mappings.items())}
    if options.exclude:
        data["exclude"] = True
    return {OPTIONS_KEY: json.dumps(data, ensure_ascii=False, separators=(",", ":"))}


def _product_types(value: Any, issues: list[OptionsIssue]) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        # A bare name is a common hand edit; it means "every marketplace".
        value = {ANY_MARKETPLACE: value}
    if not isinstance(value, dict):
        issues.append(
            OptionsIssue(
                "productType",
                'Must map marketplace ids (or "*") to product types.',
            )
        )
        return {}
    result = {}
    for key, name in value.items():
        where = f"productType.{key}"
        problem = marketplace_key_problem(key)
        if problem:
            issues.append(OptionsIssue(where, problem))
            continue
        name = normalize_product_type(name) if isinstance(name, str) else ""
        problem = product_type_problem(name)
        if problem:
            issues.append(OptionsIssue(where, problem))
            continue
        result[key] = name
    return result


def marketplace_key_problem(key: str) -> str | None:
    """Product types are chosen per marketplace ID or for all ("*")."""
    if key == ANY_MARKETPLACE:
        return None
    problem = marketplace_id_problem(key)
    return problem and f'{problem[:-1]}, or "*" for every marketplace.'


def _mappings(value: Any, issues: list[OptionsIssue]) -> dict[str, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        issues.append(
            OptionsIssue("mappings", "Must map Amazon attributes to lists of sources.")
        )
        return {}
    result = {}
    for attribute, sources in value.items():
        where = f"mappings.{attribute}"
        problem = attribute_problem(attribute)
        if problem:
            issues.append(OptionsIssue(where, problem))
            continue
        if isinstance(sources, str):
            sources = [sources]
        if not isinstance(sources, list) or not sources:
            issues.append(OptionsIssue(where, "Must be a non-empty list of sources."))
            continue
        if len(sources) > MAX_SOURCES:
            issues.append(
                OptionsIssue(where, f"At most {MAX_SOURCES} sources; the rest ignored.")
            )
            sources = sources[:MAX_SOURCES]
        kept: list[str] = []
        for index, expression in enumerate(sources):
            try:
                parsed = parse_source(expression).expression
            except SourceError as exc:
                issues.append(OptionsIssue(f"{where}[{index}]", str(exc)))
                continue
            if parsed in kept:
                issues.append(
                    OptionsIssue(f"{where}[{index}]", f"'{parsed}' is listed twice.")
                )
                continue
            kept.append(parsed)
        if kept:
            result[attribute] = tuple(kept)
    return result


def _exclude(value: Any, issues: list[OptionsIssue]) -> bool:
    if isinstance(value, bool):
        return value
    # "true" typed as text still means the merchant wants the product kept off
    # Amazon; exporting it against that intent is the worse mistake.
    meant = isinstance(value, str) and value.strip().lower() in ("true", "yes", "1")
    issues.append(
        OptionsIssue(
            "exclude", f"Must be true or false, not {value!r}; treated as {meant}."
        )
    )
    return meant
