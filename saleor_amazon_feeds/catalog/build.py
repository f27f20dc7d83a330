"""The feed builder's core: JSON_LISTINGS_FEED messages from plain data.

``build_batches`` takes a ``Run`` (the marketplace's settings, read once) and
pages of catalog rows (``rows``) and yields one ``Batch`` per page: the
messages to send plus every product or variant left out, with the reason.
Nothing is kept between pages. No database and no Django here: ``builder``
reads what a run needs and hands it over, so this part is tested from
hand-made rows.

Decisions worth knowing:

* Requirements: a listing whose mappings resolve a valid
  ``merchant_suggested_asin`` is sent ``LISTING_OFFER_ONLY`` with only offer
  attributes and identifiers: the seller attaches an offer to that ASIN and
  Amazon's product data stays authoritative. A GTIN alone does not switch to
  offer-only: whether its ASIN exists cannot be known locally, an offer-only
  message for an unknown GTIN is rejected, and with ``LISTING`` Amazon still
  matches the GTIN to its existing ASIN. Variation families are always
  ``LISTING`` (children) and ``LISTING_PRODUCT_ONLY`` (parent): the
  relationship is product data, which offer-only messages cannot carry.
* Parent SKU of a family: ``<slug>-parent``; slugs are unique in Saleor, so
  the SKU is too. Over Amazon's 40 characters the slug is cut and a hash of the
  whole slug keeps it unique and stable.
* Severity of ``Skipped``: ERROR means the listing (or variant) was not
  built; INFO a deliberate omission (excluded); WARNING means the message
  *was* built and the merchant should still look: text trimmed to Amazon's
  limits, a malformed part of the options metadata that was ignored, a
  mapping source that could not be used.
* ``condition_type`` defaults to ``new_new`` (every product type requires it);
  map it to sell used goods.
* Quantity and price patches go only through the listing gate
  (``listings.gate``): to SKUs whose listing is built in this run or that
  Amazon is known to have, with the product type Amazon knows the listing
  by. A patch for a SKU Amazon lacks would create an empty listing there, so
  the others are left out with the reason. The gate (``OfferGate``,
  ``catalog.gate.ListingGate`` in production) is prepared once per page.
* A variant that does not track inventory offers the marketplace's
  ``untracked_quantity`` (capped by ``max_quantity``); Saleor sells it
  without limit, Amazon needs a number.
"""

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from ..amazon.marketplaces import get_marketplace
from ..listings import messages as msg
from ..listings.bounded import bounded_put
from ..listings.editorjs import Description, editorjs_to_description
from ..listings.feed_writer import encoded, message_bytes
from ..listings.gate import OfferDecision
from ..listings.schema_validation import ProductTypeSchema, ValidatedPart
from ..listings.severity import Severity
from ..mapping.options import (
    OPTIONS_KEY,
    AmazonOptions,
    OptionsIssue,
    options_from_metadata,
)
from ..mapping.resolution import (
    MappingPlan,
    Part,
    ProductSnapshot,
    VariantSnapshot,
    variant_keys,
)
from .attributes import (
    Context,
    ShapedAttributes,
    combine,
    offer_only,
    shape_attributes,
)
from .rows import CatalogPage, ProductRow, SelectionAttribute, VariantRow
from .types import Batch, BuiltMessage, FeedKind, SchemaProvider, Skipped

OFFER_KINDS = frozenset({FeedKind.INVENTORY, FeedKind.PRICES})
_PARENT_SUFFIX = "-parent"
# Distinct sets of attribute names ``Run.sorted_names`` keeps.
_NAME_LISTS = 1000
# Distinct offer values (prices, quantities) ``Run.offer_value`` keeps.
_OFFER_VALUES = 10_000
# Distinct options texts ``Run.options`` keeps.
_OPTION_TEXTS = 10_000
# Saleor slugs spelled differently from Amazon's attribute names.
_THEME_ALIASES = {"colour": "color", "sizes": "size", "colours": "color"}


class OfferGate(Protocol):
    """Which SKUs may get quantity and price messages, and with which product type.

    ``prepare`` comes once per page, with the SKUs not listed in this run,
    before ``decide`` for each offer of the page: one read per page, not per SKU.
    """

    def prepare(self, skus: Iterable[str]) -> None: ...

    def decide(self, sku: str, listed_as: str | None = None) -> OfferDecision: ...


def build_batches(
    run: "Run", pages: Iterable[CatalogPage], gate: OfferGate
) -> Iterator[Batch]:
    """One batch of built messages and skipped items per page of products."""
    for page in pages:
        yield build_page(run, page, gate)


def build_page(run: "Run", page: CatalogPage, gate: OfferGate) -> Batch:
    batch = Batch(product_ids=[p.id for p in page.products])
    offers: list[tuple[_ProductBuild, VariantRow]] = []
    for product in page.products:
        build = _ProductBuild(run, page, product, batch)
        offers += [(build, variant) for variant in build.run()]
    if offers:
        # After every listing of the page: a listing built here lets its
        # offers through, and the gate reads the other SKUs at once.
        gate.prepare(v.sku for b, v in offers if b.listed_as(v) is None)
        for build, variant in offers:
            build.offers(variant, gate.decide(variant.sku, build.listed_as(variant)))
    return batch


def parent_sku(slug: str) -> str:
    candidate = f"{slug}{_PARENT_SUFFIX}"
    if len(candidate) <= msg.MAX_SKU:
        return candidate
    digest = hashlib.sha256(slug.encode()).hexdigest()[:8]
    head = slug[: msg.MAX_SKU - len(_PARENT_SUFFIX) - len(digest) - 1].rstrip("-")
    return f"{head}-{digest}{_PARENT_SUFFIX}"


def message_digest(message: msg.FeedMessage) -> str:
    """sha256 of the bytes the message is written as (``feed_writer``), so
    the digest is exactly what Amazon receives; Decimals are written digit
    for digit, so 19.9 != 19.90 is visible."""
    return hashlib.sha256(message_bytes(message)).hexdigest()


@dataclass
class Run:
    """What holds for the whole run: the marketplace's settings, read once
    before the first page (``builder.read_run``), and caches for the run."""

    marketplace_id: str
    currency: str  # upper case, as Saleor's currency codes
    channel_slug: str
    kinds: frozenset[FeedKind]
    now: datetime
    # Amazon attribute -> Saleor sources, the marketplace's own mappings.
    mappings: dict[str, list[str]] = field(default_factory=dict)
    stock_buffer: int = 0
    max_quantity: int | None = None
    untracked_quantity: int = 100
    handling_time: int | None = None
    schema_provider: SchemaProvider | None = None
    language_tag: str | None = field(init=False)
    # A handful of product types per catalog; not per product.
    schemas: dict[str, ProductTypeSchema | None] = field(
        default_factory=dict, init=False
    )
    plans: dict[tuple, MappingPlan] = field(default_factory=dict, init=False)
    # Shaped values per schema (``attributes.shape_attributes``): a catalog
    # repeats most values (brands, materials, enumerations) across products,
    # and a family's parent and children share theirs.
    shaped: dict[int, dict] = field(default_factory=dict, init=False)
    name_lists: dict[tuple, list[str]] = field(default_factory=dict, init=False)
    offer_values: dict[tuple, tuple[list, object]] = field(
        default_factory=dict, init=False
    )
    parsed_options: dict[str, tuple[AmazonOptions, tuple[OptionsIssue, ...]]] = field(
        default_factory=dict, init=False
    )

    def __post_init__(self) -> None:
        self.language_tag = language_tag(self.marketplace_id)

    def sorted_names(self, attributes: Mapping[str, Any]) -> list[str]:
        """The attribute names a listing's summary lists, one shared list per
        set of names: a document's 25,000 summaries hold few distinct ones.
        Shared, so never to be mutated."""
        names = tuple(attributes)
        found = self.name_lists.get(names)
        if found is None:
            found = bounded_put(self.name_lists, names, sorted(names), _NAME_LISTS)
        return found

    def offer_value(
        self, key: tuple, make: Callable[[], list[dict[str, Any]]]
    ) -> tuple[list[dict[str, Any]], object]:
        """One offer attribute's value for a price or quantity, with its
        validation token (``ShapedAttributes.keys``): a catalog has far fewer
        prices and quantities than variants. Shared, so never to be mutated."""
        found = self.offer_values.get(key)
        if found is None:
            found = bounded_put(
                self.offer_values, key, (make(), object()), _OFFER_VALUES
            )
        return found

    def options(
        self, private_metadata: Mapping[str, Any] | None
    ) -> tuple[AmazonOptions, Sequence[OptionsIssue]]:
        """A product's or category's Amazon options, parsed once per distinct
        text: a catalog's categories (and many of its products) share theirs.
        Shared, so never to be mutated."""
        raw = (private_metadata or {}).get(OPTIONS_KEY)
        if not isinstance(raw, str):
            return options_from_metadata(private_metadata)
        found = self.parsed_options.get(raw)
        if found is None:
            options, issues = options_from_metadata(private_metadata)
            found = bounded_put(
                self.parsed_options, raw, (options, tuple(issues)), _OPTION_TEXTS
            )
        return found

    def shape_memo(self, schema: ProductTypeSchema | None) -> dict:
        # By identity: ``schemas`` keeps each schema for the whole run.
        return self.shaped.setdefault(id(schema), {})

    def plan_for(
        self,
        category: Mapping[str, Sequence[str]],
        product: Mapping[str, Sequence[str]],
    ) -> MappingPlan:
        """One parsed plan per distinct set of override mappings.

        Most products have no overrides of their own, so a catalog needs a
        handful of plans however many products it has.
        """
        key = (_mapping_key(category), _mapping_key(product))
        plan = self.plans.get(key)
        if plan is None:
            plan = self.plans[key] = MappingPlan(
                marketplace=self.mappings, category=category, product=product
            )
        return plan

    def schema_for(self, product_type: str) -> ProductTypeSchema | None:
        if self.schema_provider is None:
            return None
        if product_type not in self.schemas:
            self.schemas[product_type] = self.schema_provider(product_type)
        return self.schemas[product_type]


def _mapping_key(mappings: Mapping[str, Sequence[str]]) -> tuple:
    return tuple(sorted((k, tuple(v)) for k, v in mappings.items()))


def language_tag(marketplace_id: str) -> str | None:
    try:
        return get_marketplace(marketplace_id).language
    except LookupError:
        return None


@dataclass
class _Candidate:
    variant: VariantRow
    attributes: dict[str, Any]
    theme_values: dict[str, str] = field(default_factory=dict)
    keys: Mapping[str, tuple[list, object]] = field(default_factory=dict)


class _ProductBuild:
    """Messages and skips for one product; small steps, each may stop it."""

    def __init__(
        self,
        run: Run,
        page: CatalogPage,
        product: ProductRow,
        batch: Batch,
    ) -> None:
        self.run_ = run
        self.page = page
        self.product = product
        self.batch = batch
        self.options = AmazonOptions()
        self.category_options = AmazonOptions()
        # Parent and children of a family share product data: evaluate it
        # once per product, not once per variant (shaped values are shared
        # run-wide: ``Run.shape_memo``).
        self._source_memo: dict = {}
        # The attributes all its listings share (``Part.PRODUCT``), shaped
        # once per product, under the schema they were shaped for, and
        # validated once for all of them.
        self._common: tuple[ProductTypeSchema | None, ShapedAttributes] | None = None
        self._common_part: ValidatedPart | None = None
        # SKU -> product type of the listing messages built for this product.
        self._listed: dict[str, str] = {}

    # -- entry -------------------------------------------------------------

    def run(self) -> list[VariantRow]:
        """Build the listings; return the variants that want offers.

        Offers are decided by the caller, through the listing gate, once every
        product of the page has been built.
        """
        self._read_options()
        if self.options.exclude or self.category_options.exclude:
            where = "product" if self.options.exclude else "category"
            self._skip(
                f"'{self.product.name}' is excluded from Amazon (option "
                f"'exclude' on its {where}).",
                severity=Severity.INFO,
            )
            return []
        if not self._sellable_in_channel():
            return []
        variants = self._usable_variants()
        product_type = self.options.product_type_for(
            self.run_.marketplace_id
        ) or self.category_options.product_type_for(self.run_.marketplace_id)
        if FeedKind.LISTINGS in self.run_.kinds:
            self._listings(product_type, variants)
        return variants if OFFER_KINDS & self.run_.kinds else []

    def listed_as(self, variant: VariantRow) -> str | None:
        return self._listed.get(variant.sku)

    def offers(self, variant: VariantRow, decision: OfferDecision) -> None:
        if not decision.allowed:
            self.batch.gate_refused.add(self.product.id)
            self._skip(decision.reason, variant=variant)
            return
        if FeedKind.INVENTORY in self.run_.kinds:
            self._inventory(variant, decision.product_type)
        if FeedKind.PRICES in self.run_.kinds:
            self._price(variant, decision.product_type)

    # -- gates -------------------------------------------------------------

    def _read_options(self) -> None:
        self.options, issues = self.run_.options(self.product.private_metadata)
        for issue in issues:
            self._skip(
                f"Amazon options of '{self.product.name}': {issue.field}: "
                f"{issue.message} This part is ignored.",
                severity=Severity.WARNING,
                attribute=issue.field,
            )
        self.category_options, issues = self.run_.options(
            self.product.category_private_metadata
        )
        for issue in issues:
            self._skip(
                f"Amazon options of the category '{self.product.category_name}': "
                f"{issue.field}: {issue.message} This part is ignored.",
                severity=Severity.WARNING,
                attribute=issue.field,
            )

    def _sellable_in_channel(self) -> bool:
        listing = self.product.listing
        channel = self.run_.channel_slug
        if listing is None:
            self._skip(f"'{self.product.name}' is not in channel '{channel}'.")
            return False
        problem = listing.problem(self.run_.now)
        if problem:
            self._skip(f"'{self.product.name}' {problem} in channel '{channel}'.")
            return False
        if not self.product.variants:
            self._skip(f"'{self.product.name}' has no variants.")
            return False
        return True

    def _usable_variants(self) -> list[VariantRow]:
        usable = []
        for variant in self.product.variants:
            reason = self._variant_problem(variant)
            if reason:
                self._skip(reason, variant=variant)
            else:
                usable.append(variant)
        return usable

    def _variant_problem(self, variant: VariantRow) -> str | None:
        label = f"Variant '{variant.name or variant.id}' of '{self.product.name}'"
        if not variant.sku:
            return f"{label} has no SKU; Amazon identifies offers by SKU."
        if problem := msg.sku_too_long(variant.sku):
            return problem
        if variant.price is None:
            return (
                f"Variant {variant.sku} has no price in channel "
                f"'{self.run_.channel_slug}'."
            )
        if (variant.currency or "").upper() != self.run_.currency:
            return (
                f"Variant {variant.sku} is priced in {variant.currency}, the "
                f"marketplace sells in {self.run_.currency}."
            )
        return None

    # -- offers ------------------------------------------------------------

    def _quantity(self, variant: VariantRow) -> int:
        run = self.run_
        return msg.sellable_quantity(
            variant.stocks,
            buffer=run.stock_buffer,
            maximum=run.max_quantity,
            track_inventory=variant.track_inventory,
            untracked_quantity=run.untracked_quantity,
        )

    def _list_price(self, variant: VariantRow) -> Decimal | None:
        prior = variant.prior_price
        # A "was" price not above the current one would show a fake saving.
        return prior if prior is not None and prior > variant.price else None

    def _offer_attributes(
        self, variant: VariantRow
    ) -> tuple[dict[str, Any], dict[str, tuple[list, object]]]:
        """The offer attributes of a listing and their validation tokens."""
        run = self.run_
        # By the amount's text: 19.9 and 19.90 are equal Decimals.
        price = str(variant.price)
        quantity = self._quantity(variant)
        keys = {
            "purchasable_offer": run.offer_value(
                ("purchasable_offer", price),
                lambda: msg.purchasable_offer(
                    variant.price,
                    marketplace_id=run.marketplace_id,
                    currency=run.currency,
                ),
            ),
            "fulfillment_availability": run.offer_value(
                ("fulfillment_availability", quantity),
                lambda: msg.fulfillment_availability(
                    quantity, handling_time_days=run.handling_time
                ),
            ),
        }
        compare_at = self._list_price(variant)
        if compare_at is not None:
            keys["list_price"] = run.offer_value(
                ("list_price", str(compare_at)),
                lambda: msg.list_price(
                    compare_at, marketplace_id=run.marketplace_id, currency=run.currency
                ),
            )
        return {name: value for name, (value, _) in keys.items()}, keys

    def _offer_summary(self, variant: VariantRow) -> dict[str, Any]:
        return {
            "price": str(msg.money(variant.price, self.run_.currency)),
            "currency": self.run_.currency,
            "quantity": self._quantity(variant),
        }

    def _inventory(self, variant: VariantRow, product_type: str) -> None:
        quantity = self._quantity(variant)
        message = msg.inventory_patch(
            variant.sku,
            product_type,
            quantity,
            handling_time_days=self.run_.handling_time,
        )
        self._emit(variant, message, FeedKind.INVENTORY, {"quantity": quantity})

    def _price(self, variant: VariantRow, product_type: str) -> None:
        run = self.run_
        compare_at = self._list_price(variant)
        message = msg.price_patch(
            variant.sku,
            product_type,
            variant.price,
            marketplace_id=run.marketplace_id,
            currency=run.currency,
            compare_at_price=compare_at,
        )
        summary = {
            "price": str(msg.money(variant.price, run.currency)),
            "currency": run.currency,
        }
        if compare_at is not None:
            summary["listPrice"] = str(msg.money(compare_at, run.currency))
        self._emit(variant, message, FeedKind.PRICES, summary)

    # -- listings ----------------------------------------------------------

    def _listings(self, product_type: str | None, variants: list[VariantRow]) -> None:
        if product_type is None:
            self._skip(
                f"No Amazon product type chosen for '{self.product.name}' in "
                f"marketplace {self.run_.marketplace_id} (set it on the product "
                "or its category).",
                attribute="productType",
            )
            return
        if not variants:
            return
        schema = self.run_.schema_for(product_type)
        if len(self.product.variants) > 1:
            self._family(product_type, schema, variants)
        else:
            self._standalone(product_type, schema, variants[0])

    def _context(self, schema: ProductTypeSchema | None) -> Context:
        return Context(self.run_.marketplace_id, self.run_.language_tag, schema)

    def _shape(
        self,
        variant: VariantRow | None,
        schema: ProductTypeSchema | None,
    ) -> ShapedAttributes | None:
        """Mapped attributes for the product (variant None) or one variant:
        the product's shared part, shaped once, and the listing's own."""
        context = self._context(schema)
        memo = self.run_.shape_memo(schema)
        if self._common is None or self._common[0] is not schema:
            resolution = self._plan.resolve(
                self._snapshot(None),
                memo=self._source_memo,
                part=Part.PRODUCT,
                variant_keys=self._variant_keys,
            )
            common = shape_attributes(resolution, context, memo=memo, complete=False)
            self._common = (schema, common)
            self._common_part = (
                None if schema is None else schema.part(common.attributes, common.keys)
            )
        resolution = self._plan.resolve(
            self._snapshot(variant),
            memo=self._source_memo,
            part=Part.VARIANT,
            variant_keys=self._variant_keys,
        )
        own = shape_attributes(resolution, context, memo=memo, complete=False)
        shaped = combine(self._common[1], own, context, memo=memo)
        for problem in shaped.problems:
            self._skip(
                problem.message,
                variant=variant,
                severity=Severity.ERROR if problem.blocking else Severity.WARNING,
                attribute=problem.attribute,
            )
        return None if shaped.blocked else shaped

    def _standalone(
        self,
        product_type: str,
        schema: ProductTypeSchema | None,
        variant: VariantRow,
    ) -> None:
        shaped = self._shape(variant, schema)
        if shaped is None:
            return
        offer, offer_keys = self._offer_attributes(variant)
        attributes = {**shaped.attributes, **offer}
        requirements = msg.Requirements.LISTING
        if shaped.suggested_asin:
            requirements = msg.Requirements.LISTING_OFFER_ONLY
            attributes = offer_only(attributes)
        if not self._valid(
            schema,
            attributes,
            variant,
            enforce=requirements == msg.Requirements.LISTING,
            keys={**shaped.keys, **offer_keys},
        ):
            return
        message = msg.listing_update(
            variant.sku, product_type, attributes, requirements=requirements
        )
        self._emit_listing(variant, message, self._offer_summary(variant))
        self._listed[variant.sku] = product_type

    def _family(
        self,
        product_type: str,
        schema: ProductTypeSchema | None,
        variants: list[VariantRow],
    ) -> None:
        selection = self.page.selection.get(self.product.product_type_id, [])
        if not selection:
            self._skip(
                f"Saleor product type '{self.product.product_type_name}' has no "
                "variant selection attributes; Amazon needs them as the "
                f"variation theme of '{self.product.name}'.",
                attribute="variation_theme",
            )
            return
        parent = self._shape(None, schema)
        if parent is None:
            return
        theme_keys = [self._theme_key(a.slug) for a in selection]
        candidates = [
            c
            for c in (
                self._child(variant, schema, selection, theme_keys)
                for variant in variants
            )
            if c is not None
        ]
        if not candidates:
            return
        self._send_family(product_type, schema, parent, candidates, theme_keys)

    def _child(
        self,
        variant: VariantRow,
        schema: ProductTypeSchema | None,
        selection: Sequence[SelectionAttribute],
        theme_keys: Sequence[str],
    ) -> _Candidate | None:
        theme_values = {}
        for attribute, key in zip(selection, theme_keys, strict=True):
            values = variant.attributes.get(attribute.slug)
            if not values:
                self._skip(
                    f"Variant {variant.sku} has no {attribute.name}, needed by the "
                    "variation theme.",
                    variant=variant,
                    attribute=key,
                )
                return None
            theme_values[key] = str(values[0].value)
        shaped = self._shape(variant, schema)
        if shaped is None:
            return None
        offer, offer_keys = self._offer_attributes(variant)
        attributes = {**shaped.attributes, **offer}
        return _Candidate(
            variant, attributes, theme_values, {**shaped.keys, **offer_keys}
        )

    def _send_family(
        self,
        product_type: str,
        schema: ProductTypeSchema | None,
        parent: ShapedAttributes,
        candidates: list[_Candidate],
        theme_keys: list[str],
    ) -> None:
        run = self.run_
        sku = parent_sku(self.product.slug)
        allowed = schema.enum_values("variation_theme", "name") if schema else None
        # Amazon's variation guide puts the relationship type on the parent
        # too (without a parent_sku); product type schemas require it there.
        parent_attributes = {
            **parent.attributes,
            "child_parent_sku_relationship": [
                {
                    "marketplace_id": run.marketplace_id,
                    "child_relationship_type": "variation",
                }
            ],
        }
        # The family's own values, each with a validation token, as the
        # shaped ones carry theirs: a family's parentage levels, theme and
        # theme values repeat across the catalog (kept for the run), its
        # relationship to the parent across its children.
        tokens: dict[int, tuple[list, object]] = {}
        # The attributes they were made for (a key's first element).
        family_names: set[str] = set()

        def intern(key: tuple, make: Callable[[], list]) -> list:
            family_names.add(key[0])
            if key[0] == "child_parent_sku_relationship":
                found: tuple[list, object] = (make(), object())
            else:
                found = run.offer_value(("family", *key), make)
            tokens[id(found[0])] = found
            return found[0]

        try:
            messages = msg.variation_family(
                sku,
                product_type,
                parent_attributes=parent_attributes,
                variants=[
                    msg.VariantListing(c.variant.sku, c.attributes, c.theme_values)
                    for c in candidates
                ],
                theme_attributes=theme_keys,
                marketplace_id=run.marketplace_id,
                language_tag=run.language_tag,
                allowed_themes=allowed or None,
                intern=intern,
            )
        except ValueError as exc:
            self._skip(str(exc), attribute="variation_theme")
            return
        by_sku = {c.variant.sku: c for c in candidates}
        parent_message, children = messages[0], messages[1:]

        def keyed(attributes: Mapping[str, Any], keys: Mapping) -> dict:
            keys = dict(keys)
            for name in family_names:
                found = tokens.get(id(attributes.get(name)))
                if found is not None and found[0] is attributes[name]:
                    keys[name] = found
            return keys

        parent_values = parent_message.payload["attributes"]
        if not self._valid(
            schema, parent_values, None, keys=keyed(parent_values, parent.keys)
        ):
            # Children would point to a parent Amazon never received.
            return
        self._emit_listing(None, parent_message, {"parentage": "parent"})
        for child in children:
            candidate = by_sku[child.sku]
            variant = candidate.variant
            attributes = child.payload["attributes"]
            keys = keyed(attributes, candidate.keys)
            if self._valid(schema, attributes, variant, keys=keys):
                summary = {"parentSku": sku, **self._offer_summary(variant)}
                self._emit_listing(variant, child, summary)
                self._listed[variant.sku] = product_type

    def _valid(
        self,
        schema: ProductTypeSchema | None,
        attributes: Mapping[str, Any],
        variant: VariantRow | None,
        *,
        enforce: bool = True,
        keys: Mapping[str, tuple[list, object]] | None = None,
    ) -> bool:
        if schema is None:
            return True
        issues = schema.validate(
            attributes,
            enforce_requirements=enforce,
            keys=keys,
            part=self._common_part,
        )
        for issue in issues:
            self._skip(
                issue.message, variant=variant, attribute=issue.attribute or None
            )
        return not issues

    def _theme_key(self, slug: str) -> str:
        """Amazon attribute a Saleor selection attribute stands for.

        A mapping that reads the Saleor attribute names it (most specific level
        first); otherwise the slug itself, spelled the Amazon way.
        """
        keyed = {f"attribute:{slug}", f"variant_attribute:{slug}"}
        for level in (
            self.options.mappings,
            self.category_options.mappings,
            self.run_.mappings,
        ):
            for amazon_attribute, sources in level.items():
                if keyed & set(sources):
                    return amazon_attribute
        name = re.sub(r"[^a-z0-9]+", "_", slug.lower()).strip("_")
        return _THEME_ALIASES.get(name, name)

    @cached_property
    def _plan(self) -> MappingPlan:
        return self.run_.plan_for(self.category_options.mappings, self.options.mappings)

    @cached_property
    def _variant_keys(self) -> frozenset[str]:
        # Of every variant, usable or not: a mapping that reads a brand only
        # the product holds is then resolved, shaped and validated once for
        # all its listings.
        return variant_keys(self.product.variants)

    @cached_property
    def _description(self) -> Description:
        return editorjs_to_description(self.product.description)

    def _snapshot(self, variant: VariantRow | None) -> ProductSnapshot:
        product = self.product
        snapshot = ProductSnapshot(
            name=product.name,
            slug=product.slug,
            description=product.description,
            seo_title=product.seo_title,
            seo_description=product.seo_description,
            product_type=product.product_type_name,
            category=product.category_name,
            weight=product.weight,
            media=product.media,
            attributes=product.attributes,
            metadata=product.metadata,
            variant=None
            if variant is None
            else VariantSnapshot(
                sku=variant.sku,
                name=variant.name,
                external_reference=variant.external_reference,
                weight=variant.weight,
                attributes=variant.attributes,
                metadata=variant.metadata,
            ),
        )
        # Every variant shares the product's description: parse it once per
        # product, not once per variant (it was a fifth of the build time).
        snapshot.__dict__["parsed_description"] = self._description
        return snapshot

    # -- output ------------------------------------------------------------

    def _emit_listing(
        self,
        variant: VariantRow | None,
        message: msg.FeedMessage,
        extra: dict[str, Any],
    ) -> None:
        summary = {
            "productType": message.payload["productType"],
            "requirements": message.payload["requirements"],
            "attributes": self.run_.sorted_names(message.payload["attributes"]),
            # Shown next to Amazon's issues about them; shared, not copied.
            "values": message.payload["attributes"],
            **extra,
        }
        self._emit(variant, message, FeedKind.LISTINGS, summary)

    def _emit(
        self,
        variant: VariantRow | None,
        message: msg.FeedMessage,
        kind: FeedKind,
        summary: dict[str, Any],
    ) -> None:
        # Serialised once: the digest and the feed document share the bytes.
        message = encoded(message)
        self.batch.messages.append(
            BuiltMessage(
                product_id=self.product.id,
                variant_id=variant.id if variant else None,
                message=message,
                feed_kind=kind,
                digest=message_digest(message),
                summary=summary,
            )
        )

    def _skip(
        self,
        reason: str,
        *,
        variant: VariantRow | None = None,
        severity: Severity = Severity.ERROR,
        attribute: str | None = None,
    ) -> None:
        self.batch.skipped.append(
            Skipped(
                product_id=self.product.id,
                variant_id=variant.id if variant else None,
                sku=variant.sku if variant else None,
                reason=reason,
                severity=severity,
                attribute=attribute,
            )
        )
