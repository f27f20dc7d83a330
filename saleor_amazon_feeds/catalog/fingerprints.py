"""Skip products whose messages cannot have changed since they were last sent.

A product's fingerprint is an md5 computed in PostgreSQL over every row its
messages are built from: the product, its category and product type, the
channel listing (and whether its dates have passed), each variant with its
channel price, its stock and allocations in the marketplace's warehouses and
its attribute values, the product's attribute values, media and the product
type's variant selection. The marketplace's side (settings, field mappings,
warehouses, cached product type schemas, the plugin's version, the media
host) is one digest made in Python once per build (``run_key``) and mixed
into every fingerprint, so a change there rebuilds every product.

A build reads the fingerprints a chunk of products at a time and builds only
the products whose fingerprint differs from the one stored for the
marketplace and kinds, or that have a REJECTED listing state for those kinds
(a failed feed must be sent again). Fingerprints of what was built are kept
as ``pending`` under the build's run id and promoted by ``promote`` only once
the submission's feeds went out; ``discard`` drops them after a failure.

A product with an offer the listing gate refused gets no fingerprint: the
gate's answer depends on what Amazon has, not on the product's rows, so the
product is built again next time, as today. Every other reason to leave
something out (not published, no price, an invalid attribute...) follows
from the fingerprinted rows; the time a product becomes published or
available is in its fingerprint too, so the moment passing rebuilds it.
"""

import hashlib
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from django.db import connections, router
from django.db.models import F
from saleor.attribute.models import (
    AssignedProductAttributeValue,
    AssignedVariantAttribute,
    AssignedVariantAttributeValue,
    Attribute,
    AttributeValue,
    AttributeVariant,
)
from saleor.product.models import (
    Category,
    Product,
    ProductChannelListing,
    ProductMedia,
    ProductType,
    ProductVariant,
    ProductVariantChannelListing,
)
from saleor.warehouse.models import Allocation, Stock

from .. import __version__
from ..models import (
    AmazonListingState,
    AmazonMarketplace,
    AmazonProductFingerprint,
    AmazonProductTypeDefinition,
)
from ..models.feeds import ListingStatus
from ..saleor_compat import build_absolute_uri
from .build import Run
from .loader import LoadOptions
from .tables import Table
from .types import Batch, FeedKind

# Products per fingerprint query: large enough that a no-op run is a few
# statements, small enough that one statement's rows stay small.
CHUNK = 2000


def kinds_key(kinds: Iterable[FeedKind]) -> str:
    return "+".join(sorted(str(k) for k in kinds))


def run_key(marketplace: AmazonMarketplace, run: Run, options: LoadOptions) -> str:
    """Everything outside the product's rows that its messages depend on."""
    schemas = list(
        AmazonProductTypeDefinition.objects.filter(
            marketplace_id=marketplace.marketplace_id
        )
        .order_by("product_type", "requirements")
        .values_list("product_type", "requirements", "checksum", "version")
    )
    parts: list[Any] = [
        __version__,
        marketplace.marketplace_id,
        marketplace.sync_scope,
        marketplace.channel_id,
        run.currency,
        run.channel_slug,
        sorted(str(k) for k in run.kinds),
        sorted((k, list(v)) for k, v in run.mappings.items()),
        run.stock_buffer,
        run.max_quantity,
        run.untracked_quantity,
        run.handling_time,
        sorted(options.warehouse_ids),
        options.content,
        options.stock,
        schemas,
        # Media of stored images are absolute URLs on the shop's host.
        build_absolute_uri("/"),
    ]
    return hashlib.sha256(orjson.dumps(parts)).hexdigest()


@dataclass(frozen=True, slots=True)
class Chunk:
    """Products of one fingerprint query: those to build, with their prints."""

    to_build: dict[int, str]
    last_id: int
    size: int


class Fingerprints:
    """The stored fingerprints as one build sees them (see the module doc).

    ``skip_unchanged`` False builds every product but still records their
    fingerprints, so that later automatic runs can skip.
    """

    def __init__(self, marketplace: AmazonMarketplace, *, skip_unchanged: bool):
        self.marketplace = marketplace
        self.skip_unchanged = skip_unchanged
        self.run_id = uuid.uuid4()
        self.key = ""
        self.kinds = ""
        self._sql = ""
        self._params: dict[str, Any] = {}
        self.built = 0
        self.skipped = 0

    def bind(self, run: Run, options: LoadOptions) -> None:
        """Prepare the statement for this build's settings."""
        self.kinds = kinds_key(run.kinds)
        self.key = run_key(self.marketplace, run, options)
        connection = connections[router.db_for_read(Product)]
        self._connection = connection
        self._sql = _statement(connection.alias, options.content, options.stock)
        self._params = {
            "key": self.key,
            "now": run.now,
            "channel": options.channel_id,
            "warehouses": list(options.warehouse_ids),
            "marketplace": self.marketplace.pk,
            "kinds": self.kinds,
            "kind_list": [str(k) for k in run.kinds],
            "rejected": ListingStatus.REJECTED.value,
            "skip": self.skip_unchanged,
        }

    def chunks(self, product_ids: Iterable[int] | None = None) -> Iterator[Chunk]:
        """Chunks of products in id order; ``product_ids`` narrows them."""
        wanted = None if product_ids is None else sorted(set(product_ids))
        after = 0
        while True:
            params = {**self._params, "after": after, "limit": CHUNK}
            if wanted is None:
                params["ids"] = None
            else:
                params["ids"] = "{" + ",".join(map(str, wanted)) + "}"
            with self._connection.cursor() as cursor:
                cursor.execute(self._sql, params)
                rows = cursor.fetchall()
            if not rows:
                return
            to_build = {pk: fp for pk, fp, build in rows if build}
            self.built += len(to_build)
            self.skipped += len(rows) - len(to_build)
            yield Chunk(to_build, rows[-1][0], len(rows))
            if len(rows) < CHUNK:
                return
            after = rows[-1][0]

    def remember(self, batch: Batch, chunk: Chunk) -> None:
        """Keep the prints of a page's products as pending for this run."""
        failed = batch.gate_refused
        rows = [
            AmazonProductFingerprint(
                marketplace_id=self.marketplace.pk,
                kinds=self.kinds,
                product_id=pk,
                pending=chunk.to_build[pk],
                pending_run=self.run_id,
            )
            for pk in batch.product_ids
            if pk not in failed and pk in chunk.to_build
        ]
        if failed:
            # Whatever was stored no longer tells what Amazon was sent.
            AmazonProductFingerprint.objects.filter(
                marketplace_id=self.marketplace.pk,
                kinds=self.kinds,
                product_id__in=failed,
            ).update(fingerprint="", pending="", pending_run=None)
        if rows:
            AmazonProductFingerprint.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["marketplace", "kinds", "product_id"],
                update_fields=["pending", "pending_run"],
            )

    def promote(self) -> int:
        """The run's feeds went out: its pending prints become the sent ones."""
        return AmazonProductFingerprint.objects.filter(pending_run=self.run_id).update(
            fingerprint=F("pending"), pending="", pending_run=None
        )

    def discard(self) -> int:
        return AmazonProductFingerprint.objects.filter(pending_run=self.run_id).update(
            pending="", pending_run=None
        )


@cache
def _statement(alias: str, content: bool, stock: bool) -> str:
    connection = connections[alias]

    def table(model: Any, name: str) -> Table:
        return Table(connection, model, name)

    p = table(Product, "p")
    pt = table(ProductType, "pt")
    c = table(Category, "c")
    pl = table(ProductChannelListing, "pl")
    v = table(ProductVariant, "v")
    vl = table(ProductVariantChannelListing, "vl")
    s = table(Stock, "s")
    al = table(Allocation, "al")
    a = table(Attribute, "a")
    av = table(AttributeValue, "av")
    pa = table(AssignedProductAttributeValue, "pa")
    va = table(AssignedVariantAttribute, "va")
    vav = table(AssignedVariantAttributeValue, "vav")
    at = table(AttributeVariant, "at")
    m = table(ProductMedia, "m")
    fp = table(AmazonProductFingerprint, "fp")
    st = table(AmazonListingState, "st")

    # ROW(...)::text keeps NULL apart from "" and every field in its place.
    # Every related row is reached by an index lookup from its owner (scalar
    # subqueries and LATERAL, never a join the planner could turn into a scan
    # of a whole table): the cost of a chunk follows its rows, not the catalog.
    def value(value_id: str) -> str:
        return f"""(
            SELECT ROW({a.slug}, {a.name}, {a.input_type}, {a.unit}, {av.name},
                {av.plain_text}, {av.rich_text}, {av.numeric}, {av.boolean},
                {av.date_time}, {av.file_url})
            FROM {av}
            JOIN {a} ON {a.id} = {av.attribute}
            WHERE {av.id} = {value_id}
        )"""

    stock_part = "NULL"
    if stock:
        stock_part = f"""(
            SELECT string_agg(ROW({s.warehouse}, {s.quantity}, (
                SELECT SUM({al.quantity_allocated}) FROM {al}
                WHERE {al.stock} = {s.id}
            ))::text, ',' ORDER BY {s.id})
            FROM {s}
            WHERE {s.product_variant} = {v.id}
              AND {s.warehouse} = ANY(%(warehouses)s)
        )"""
    variant_attributes = "NULL"
    product_attributes = media = selection = "NULL"
    if content:
        variant_attributes = f"""(
            SELECT string_agg(ROW({va.assignment}, (
                SELECT string_agg(ROW({vav.sort_order}, {vav.id},
                    {value(vav.value)})::text, ',' ORDER BY {vav.sort_order},
                    {vav.id})
                FROM {vav} WHERE {vav.assignment} = {va.id}
            ))::text, ',' ORDER BY {va.assignment})
            FROM {va}
            WHERE {va.variant} = {v.id}
        )"""
        product_attributes = f"""(
            SELECT string_agg(ROW({pa.sort_order}, {pa.id},
                {value(pa.value)})::text, ',' ORDER BY {pa.sort_order}, {pa.id})
            FROM {pa}
            WHERE {pa.product} = {p.id}
        )"""
        media = f"""(
            SELECT string_agg(ROW({m.id}, {m.image}, {m.external_url}, {m.type},
                {m.to_remove}, {m.sort_order})::text, ',' ORDER BY {m.sort_order},
                {m.id})
            FROM {m}
            WHERE {m.product} = {p.id}
        )"""
        # The attribute order of a variant's values is its product type's
        # (AttributeVariant.sort_order), part of this product-type-wide part.
        selection = f"""(
            SELECT string_agg(ROW({at.id}, {at.sort_order}, {at.variant_selection},
                {a.slug}, {a.name})::text, ',' ORDER BY {at.sort_order}, {at.id})
            FROM {at}
            JOIN {a} ON {a.id} = {at.attribute}
            WHERE {at.product_type} = {p.product_type}
        )"""
    variants = f"""(
        SELECT string_agg(ROW({v.id}, {v.sku}, {v.name}, {v.external_reference},
            {v.weight}, {v.metadata}, {v.track_inventory}, {v.sort_order}, (
                SELECT ROW({vl.price_amount}, {vl.prior_price_amount},
                    {vl.currency})
                FROM {vl}
                WHERE {vl.variant} = {v.id} AND {vl.channel} = %(channel)s
            ), {stock_part}, {variant_attributes})::text, ','
            ORDER BY {v.sort_order}, {v.id})
        FROM {v}
        WHERE {v.product} = {p.id}
    )"""
    listing = table(ProductChannelListing, "listing")
    id_type = Product._meta.pk.rel_db_type(connection)
    return f"""
        WITH ids AS (
            SELECT {p.id} AS id FROM {p}
            WHERE {p.id} > %(after)s
              AND (%(ids)s::{id_type}[] IS NULL OR {p.id} = ANY(%(ids)s::{id_type}[]))
            ORDER BY {p.id}
            LIMIT %(limit)s
        ), chunk AS (
            -- The prints of the chunk's products only, never of the catalog.
            SELECT {p.id} AS id, md5(ROW(%(key)s, {p.name}, {p.slug},
                {p.description}, {p.seo_title}, {p.seo_description},
                {p.product_type}, {pt.name}, {c.name}, {c.private_metadata},
                {p.weight}, {p.metadata}, {p.private_metadata},
                {pl.id}, {pl.is_published}, {pl.published_at} > %(now)s,
                {pl.available_for_purchase_at} IS NULL,
                {pl.available_for_purchase_at} > %(now)s,
                {variants}, {product_attributes}, {media}, {selection})::text
            ) AS print
            FROM ids
            JOIN {p} ON {p.id} = ids.id
            JOIN {pt} ON {pt.id} = {p.product_type}
            LEFT JOIN {c} ON {c.id} = {p.category}
            LEFT JOIN LATERAL (
                SELECT * FROM {listing}
                WHERE {listing.product} = {p.id} AND {listing.channel} = %(channel)s
                OFFSET 0
            ) pl ON TRUE
        )
        SELECT chunk.id, chunk.print,
            NOT %(skip)s
            OR {fp.fingerprint} IS DISTINCT FROM chunk.print
            OR EXISTS (
                SELECT 1 FROM {st}
                WHERE {st.marketplace} = %(marketplace)s
                  AND {st.kind} = ANY(%(kind_list)s)
                  AND {st.product_id} = chunk.id
                  AND {st.status} = %(rejected)s
            )
        FROM chunk
        LEFT JOIN {fp} ON {fp.marketplace} = %(marketplace)s
            AND {fp.kinds} = %(kinds)s AND {fp.product_id} = chunk.id
        ORDER BY chunk.id
    """
