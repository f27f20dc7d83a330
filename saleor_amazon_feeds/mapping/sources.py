"""The grammar of Saleor sources a mapping may name.

A mapping is an ordered list of source expressions; the first that yields a
non-empty value wins. Expressions are plain strings so they serialise into
metadata and GraphQL unchanged:

* fixed fields: ``product.name``, ``variant.sku`` ... (see ``FIELDS``)
* keyed sources: ``attribute:<slug>`` (variant attribute, else product attribute),
  ``product_attribute:<slug>``, ``variant_attribute:<slug>``, ``metadata:<key>``
  (product), ``variant_metadata:<key>``, ``gtin:<attribute slug>`` (only a valid
  GTIN-8/12/13/14), ``literal:<text>`` (a constant, e.g. a brand).
"""

import re
from dataclasses import dataclass

from ..amazon.identifiers import has_control_characters

FIELDS: dict[str, str] = {
    "product.name": "Product name",
    "product.description": "Product description as plain text",
    "product.description_bullets": "List items of the product description",
    "product.seo_title": "SEO title",
    "product.seo_description": "SEO description",
    "product.slug": "Product slug",
    "product.weight": "Product weight (with unit)",
    "product.type": "Product type name",
    "product.category": "Category name",
    "product.media": "Product image URLs",
    "variant.name": "Variant name",
    "variant.sku": "Variant SKU",
    "variant.weight": "Variant weight (with unit), else the product's",
    "variant.external_reference": "Variant external reference",
}

KEYED: dict[str, str] = {
    "attribute": "Variant attribute value, else product attribute value (by slug)",
    "product_attribute": "Product attribute value (by slug)",
    "variant_attribute": "Variant attribute value (by slug)",
    "metadata": "Product metadata value (by key)",
    "variant_metadata": "Variant metadata value (by key)",
    "gtin": "A valid GTIN/EAN/UPC from an attribute (by slug)",
    "literal": "A fixed text",
}

ATTRIBUTE_KINDS = frozenset(
    {"attribute", "product_attribute", "variant_attribute", "gtin"}
)
MAX_SOURCES = 10
MAX_LITERAL = 1000
_KEY_RE = re.compile(r"[A-Za-z0-9_.\-:]{1,256}")


class SourceError(ValueError):
    """A source expression that cannot be used, with a message naming it."""


@dataclass(frozen=True, slots=True)
class Source:
    kind: str
    key: str = ""

    @property
    def expression(self) -> str:
        return f"{self.kind}:{self.key}" if self.kind in KEYED else self.kind


def parse_source(expression: str) -> Source:
    if not isinstance(expression, str) or not expression.strip():
        raise SourceError("A source must be a non-empty string.")
    expression = expression.strip()
    if expression in FIELDS:
        return Source(expression)
    kind, sep, key = expression.partition(":")
    if not sep or kind not in KEYED:
        known = ", ".join([*FIELDS, *(f"{k}:<...>" for k in KEYED)])
        raise SourceError(
            f"Unknown Saleor source '{_shown(expression)}'. Known: {known}."
        )
    if kind == "literal":
        if not key.strip() or len(key) > MAX_LITERAL:
            raise SourceError(
                f"A literal source needs 1 to {MAX_LITERAL} characters of text."
            )
        if has_control_characters(key):
            # Amazon's text attributes take no control characters, and
            # PostgreSQL cannot store NUL at all.
            raise SourceError("A literal source cannot contain control characters.")
        return Source(kind, key)
    if not _KEY_RE.fullmatch(key):
        raise SourceError(f"A {kind} source needs a valid key after ':'.")
    return Source(kind, key)


def _shown(expression: str) -> str:
    """Enough of a bad expression to recognise it, never a whole paste."""
    printable = "".join(c if c.isprintable() else "?" for c in expression[:60])
    return printable + ("..." if len(expression) > 60 else "")


def parse_sources(expressions: list[str]) -> list[Source]:
    """Parse an ordered source list; duplicates and empty lists are errors."""
    if not expressions:
        raise SourceError("Give at least one source.")
    if len(expressions) > MAX_SOURCES:
        raise SourceError(f"Give at most {MAX_SOURCES} sources.")
    parsed = [parse_source(e) for e in expressions]
    seen: set[Source] = set()
    for source in parsed:
        if source in seen:
            raise SourceError(f"Source '{source.expression}' is listed twice.")
        seen.add(source)
    return parsed
