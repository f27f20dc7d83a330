"""Read the Saleor catalog for one marketplace, a page of products at a time.

Every page costs a fixed number of queries whatever its size or shape, never
per product or per variant: products with their channel listing, variants
with their prices, then as asked stock, the product and the variant attribute
assignments, the distinct values they assign, media and variant selection
(eight at most). Pages are keyed on the product pk (keyset pagination), so a
long export neither slows down on deep offsets nor skips or repeats products
when others are added meanwhile, and only one page of rows is alive at a time.
The rows are ``rows``' plain dataclasses, so the builder needs no database.

The queries are plain SQL read as tuples, on the tables and columns Saleor's
models name in ``_meta``: through ``values()`` Django's query compilation and
per-row converters cost more than the queries themselves. Without a
``product_ids`` filter a page is every product in an id range, and the other
queries select by that range; otherwise ids go as one array parameter, never
a long ``IN`` list. The rows handed out are the ones the ORM would give: JSON
columns are parsed with orjson only where it reads exactly what ``json``
reads, timestamps and weights are converted as Django's loader and
``MeasurementField`` would, without their per-value cost.
"""

import json
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import orjson
from django.core.files.storage import default_storage
from django.db import connections, router
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from saleor.product.models import Product, ProductChannelListing
from saleor.warehouse.models import Stock

from ..listings.editorjs import editorjs_to_description
from ..listings.messages import StockLevel
from ..mapping.resolution import Measure, SourceValue
from ..saleor_compat import AttributeInputType, ProductMediaTypes, build_absolute_uri
from .rows import (
    CatalogPage,
    ChannelListing,
    ProductRow,
    SelectionAttribute,
    VariantRow,
)
from .tables import Table, catalog_tables


@dataclass(frozen=True, slots=True)
class LoadOptions:
    channel_id: int
    warehouse_ids: Sequence[int]
    # Attribute values, media and variant selection are needed for full listings
    # only; quantity and price feeds skip those queries.
    content: bool = True
    stock: bool = True


def iter_pages(
    options: LoadOptions,
    *,
    product_ids: Iterable[int] | None = None,
    batch_size: int = 200,
) -> Iterator[CatalogPage]:
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1.")
    reader = _Reader(options)
    wanted = None if product_ids is None else reader.product_ids(product_ids)
    last_pk = 0
    while True:
        if wanted is None:
            products = reader.products(last_pk, batch_size)
            if not products:
                return
            # The page is every product in (last_pk, its last id]: the other
            # queries select by that range, cheaper than by a list of ids.
            scope = _Scope.between(last_pk, products[-1].id)
        else:
            # Only ids past the last page can still match.
            rest = wanted[bisect_right(wanted, last_pk) :]
            products = reader.products(last_pk, batch_size, rest) if rest else []
            if not products:
                return
            scope = _Scope.of(products)
        last_pk = products[-1].id
        yield reader.page(products, scope)
        if len(products) < batch_size:
            return


def load_page(products: list[ProductRow], options: LoadOptions) -> CatalogPage:
    if not products:
        return CatalogPage(products)
    reader = _Reader(options)
    reader.attach_listings(products)
    return reader.page(products, _Scope.of(products))


@dataclass(frozen=True, slots=True)
class _Scope:
    """The products a query reads: an id range or a list of ids."""

    after: int = 0
    last: int = 0
    ids: str | None = None  # an array literal, see _array()

    @classmethod
    def between(cls, after: int, last: int) -> "_Scope":
        return cls(after=after, last=last)

    @classmethod
    def of(cls, products: Sequence[ProductRow]) -> "_Scope":
        return cls(ids=_array(p.id for p in products))

    def pick(self, query: "_ByProduct") -> tuple[str, list[Any]]:
        if self.ids is None:
            return query.in_range, [self.after, self.last]
        return query.in_list, [self.ids]


class _Reader:
    """One load: the connection, its statements and the options as parameters."""

    def __init__(self, options: LoadOptions) -> None:
        # The database the ORM would read products from.
        self.connection = connections[router.db_for_read(Product)]
        self.sql = _statements(self.connection.alias)
        self.options = options
        self.channel_id = self._prep(
            ProductChannelListing, "channel", options.channel_id
        )
        self.warehouse_ids = (
            [self._prep(Stock, "warehouse", pk) for pk in options.warehouse_ids]
            if options.stock
            else []
        )
        self.timezone = self.connection.timezone

    def _prep(self, model: type[Model], name: str, value: Any) -> Any:
        """A lookup value as the ORM would send it for ``model.name``."""
        field = model._meta.get_field(name)
        return field.get_db_prep_value(value, self.connection)

    def product_ids(self, product_ids: Iterable[Any]) -> list[int]:
        # None never matches, as in the ORM's ``pk__in``.
        ids = {self._prep(Product, "id", pk) for pk in product_ids}
        ids.discard(None)
        return sorted(ids)

    def products(
        self, after: int, limit: int, wanted: list[int] | None = None
    ) -> list[ProductRow]:
        with self.connection.cursor() as cursor:
            if wanted is None:
                cursor.execute(self.sql.products, [self.channel_id, after, limit])
            else:
                cursor.execute(
                    self.sql.wanted_products,
                    [self.channel_id, after, _array(wanted), limit],
                )
            # ChannelListing is immutable and most products share their dates.
            listings: dict[tuple[Any, ...], ChannelListing] = {}
            return [self._product_row(row, listings) for row in cursor.fetchall()]

    def attach_listings(self, products: list[ProductRow]) -> None:
        by_id = {p.id: p for p in products}
        with self.connection.cursor() as cursor:
            cursor.execute(self.sql.listings, [self.channel_id, _array(by_id)])
            for product_id, published, published_at, available_at in cursor:
                by_id[product_id].listing = self._listing(
                    published, published_at, available_at
                )

    def _product_row(
        self,
        row: tuple[Any, ...],
        listings: dict[tuple[Any, ...], ChannelListing],
    ) -> ProductRow:
        (
            product_id,
            name,
            slug,
            description,
            seo_title,
            seo_description,
            product_type_id,
            product_type_name,
            category_name,
            category_private_metadata,
            grams,
            metadata,
            private_metadata,
            listing_id,
            published,
            published_at,
            available_at,
        ) = row
        listing = None
        if listing_id is not None:
            key = (published, published_at, available_at)
            listing = listings.get(key)
            if listing is None:
                listing = listings[key] = self._listing(*key)
        # Positional, in field order: keywords double the cost of a row.
        return ProductRow(
            product_id,
            name,
            slug,
            _json(description),
            seo_title,
            seo_description,
            product_type_id,
            product_type_name,
            category_name,
            _weight(grams),
            _json(metadata) or {},
            _json(private_metadata) or {},
            _json(category_private_metadata) or {},
            listing,
        )

    def _listing(
        self, published: bool, published_at: str | None, available_at: str | None
    ) -> ChannelListing:
        return ChannelListing(
            published, self._moment(published_at), self._moment(available_at)
        )

    def _moment(self, text: str | None) -> datetime | None:
        # Timestamps come as text: Django reads timestamptz through a Python
        # loader (5 µs a value, a third of the product query); parsed here they
        # are the same datetimes, in the connection's time zone as Django's.
        if text is None:
            return None
        moment = datetime.fromisoformat(text)
        if self.timezone is None:
            return moment.replace(tzinfo=None)
        return moment.astimezone(self.timezone)

    def page(self, products: list[ProductRow], scope: _Scope) -> CatalogPage:
        """Everything below the product rows of one page."""
        page = CatalogPage(products)
        by_id = {p.id: p for p in products}
        options = self.options
        with self.connection.cursor() as cursor:
            variants = self._variants(cursor, scope, by_id)
            variant_ids = _array(variants) if variants else None
            if options.stock and self.warehouse_ids and variant_ids:
                self._stock(cursor, variants, variant_ids)
            if options.content:
                self._attributes(cursor, scope, by_id, variants, variant_ids)
                self._media(cursor, scope, by_id)
                page.selection = self._selection(cursor, products)
        return page

    def _variants(
        self, cursor: CursorWrapper, scope: _Scope, by_id: dict[int, ProductRow]
    ) -> dict[int, VariantRow]:
        query, params = scope.pick(self.sql.variants)
        cursor.execute(query, [self.channel_id, *params])
        variants = {}
        for (
            variant_id,
            product_id,
            sku,
            name,
            external_reference,
            grams,
            metadata,
            track_inventory,
            price,
            prior_price,
            currency,
        ) in cursor.fetchall():
            product = by_id.get(product_id)
            if product is None:
                continue  # added inside the page's id range since it was read
            # Positional: keywords double the cost of building a row.
            variant = VariantRow(
                variant_id,
                (sku or "").strip() or None,
                name or "",
                external_reference,
                _weight(grams),
                _json(metadata) or {},
                track_inventory,
                price,
                prior_price,
                currency,
            )
            product.variants.append(variant)
            variants[variant_id] = variant
        return variants

    def _stock(
        self, cursor: CursorWrapper, variants: dict[int, VariantRow], variant_ids: str
    ) -> None:
        cursor.execute(self.sql.stock, [self.warehouse_ids, variant_ids])
        # StockLevel is immutable and a page repeats a few levels many times.
        levels: dict[tuple[int, int], StockLevel] = {}
        for variant_id, quantity, allocated in cursor.fetchall():
            level = levels.get((quantity, allocated))
            if level is None:
                level = levels[quantity, allocated] = StockLevel(quantity, allocated)
            variants[variant_id].stocks.append(level)

    def _attributes(
        self,
        cursor: CursorWrapper,
        scope: _Scope,
        by_id: dict[int, ProductRow],
        variants: dict[int, VariantRow],
        variant_ids: str | None,
    ) -> None:
        # Assignments first, then each distinct value once: a page repeats a
        # few values (colours, sizes, brand) hundreds of times.
        query, params = scope.pick(self.sql.product_attributes)
        cursor.execute(query, params)
        product_rows = cursor.fetchall()
        variant_rows = []
        if variant_ids:
            cursor.execute(self.sql.variant_attributes, [variant_ids])
            variant_rows = cursor.fetchall()
        value_ids = {value_id for _, value_id in product_rows}
        value_ids |= {value_id for _, value_id in variant_rows}
        if not value_ids:
            return
        cursor.execute(self.sql.values, [_array(value_ids)])
        values = {}
        for value_id, slug, input_type, unit, *columns in cursor.fetchall():
            if input_type == AttributeInputType.RICH_TEXT:
                # Only rich text reads its JSON column: the others skip parsing it.
                columns[2] = _json(columns[2])
            value = _source_value(input_type, unit, *columns)
            if value is not None:
                values[value_id] = (slug, value)
        owners: dict[int, ProductRow] | dict[int, VariantRow]
        for owners, rows in ((by_id, product_rows), (variants, variant_rows)):
            for owner_id, value_id in rows:
                assigned = values.get(value_id)
                owner = owners.get(owner_id)
                if assigned is None or owner is None:
                    continue
                slug, value = assigned
                listed = owner.attributes.get(slug)
                if listed is None:
                    owner.attributes[slug] = [value]
                else:
                    listed.append(value)

    def _media(
        self, cursor: CursorWrapper, scope: _Scope, by_id: dict[int, ProductRow]
    ) -> None:
        query, params = scope.pick(self.sql.media)
        cursor.execute(query, [*params, ProductMediaTypes.IMAGE, False])
        for product_id, image, external_url in cursor.fetchall():
            product = by_id.get(product_id)
            if product is None:
                continue
            if external_url:
                product.media.append(external_url)
            elif image:
                product.media.append(build_absolute_uri(default_storage.url(image)))

    def _selection(
        self, cursor: CursorWrapper, products: list[ProductRow]
    ) -> dict[int, list[SelectionAttribute]]:
        product_type_ids = _array({p.product_type_id for p in products})
        cursor.execute(self.sql.selection, [product_type_ids, True])
        result: dict[int, list[SelectionAttribute]] = defaultdict(list)
        for product_type_id, slug, name in cursor.fetchall():
            result[product_type_id].append(SelectionAttribute(slug, name))
        return dict(result)


def attribute_value(row: dict[str, Any]) -> SourceValue | None:
    """One assigned value as text (or a number with its unit), None if blank.

    ``row`` holds an assignment's ``values()`` fields as the ORM names them
    (``value__attribute__input_type``, ``value__numeric``...).
    """
    return _source_value(
        row["value__attribute__input_type"],
        row["value__attribute__unit"],
        row["value__name"],
        row["value__plain_text"],
        row["value__rich_text"],
        row["value__numeric"],
        row["value__boolean"],
        row["value__date_time"],
        row["value__file_url"],
    )


def _source_value(
    input_type: str,
    unit: str | None,
    name: str | None,
    plain_text: str | None,
    rich_text: Any,
    numeric: float | None,
    boolean: bool | None,
    date_time: datetime | None,
    file_url: str | None,
) -> SourceValue | None:
    if input_type == AttributeInputType.NUMERIC:
        if numeric is None:
            return None
        # repr() keeps the float's shortest exact decimal form: 0.1 stays 0.1.
        return SourceValue(Decimal(repr(numeric)), unit)
    if input_type == AttributeInputType.BOOLEAN:
        return None if boolean is None else SourceValue("true" if boolean else "false")
    if input_type == AttributeInputType.PLAIN_TEXT:
        text = plain_text
    elif input_type == AttributeInputType.RICH_TEXT:
        text = editorjs_to_description(rich_text).text
    elif input_type in (AttributeInputType.DATE, AttributeInputType.DATE_TIME):
        if date_time is None:
            return None
        text = (
            date_time.date().isoformat()
            if input_type == AttributeInputType.DATE
            else date_time.isoformat()
        )
    elif input_type == AttributeInputType.FILE:
        text = file_url
    else:
        text = name
    text = (text or "").strip()
    return SourceValue(text) if text else None


def _weight(grams: float | None) -> Measure | None:
    # MeasurementField stores Weight's standard unit (grams) as a float, and
    # Weight(g=grams).kg is grams / 1000.0: the same value without building a
    # Weight per row. Zero is Saleor's "not set" default.
    if grams is None:
        return None
    kilograms = Decimal(str(round(float(grams) / 1000.0, 3)))
    return Measure(kilograms, "kg") if kilograms > 0 else None


# orjson reads integers past 64 bits as floats where json keeps them exact:
# such numbers need 19 digits in a row, which this mapping finds at C speed
# (a regular expression costs more than the parse it would save).
_DIGITS_AS_ZERO = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_NUMBER = b"0" * 19


def _json(value: Any) -> Any:
    """A jsonb column as Django's JSONField gives it (json.loads of the text)."""
    if value == "{}":
        return {}  # most metadata: skip the parser
    if isinstance(value, bytes | bytearray | memoryview):
        value = bytes(value).decode()
    elif not isinstance(value, str):
        # NULL, or a driver set up to decode jsonb itself.
        return value
    try:
        digits = value.encode().translate(_DIGITS_AS_ZERO)
    except UnicodeEncodeError:  # a lone surrogate: leave it to json
        digits = _LONG_NUMBER
    if _LONG_NUMBER not in digits:
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            pass  # json may still read it (1e400 as inf...)
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value  # as JSONField.from_db_value does


def _array(ids: Iterable[int]) -> str:
    """Integer ids as one array literal: psycopg would dump a list id by id."""
    return "{" + ",".join(map(str, ids)) + "}"


@dataclass(frozen=True, slots=True)
class _ByProduct:
    """A query selecting by product, in its id-range and id-list forms."""

    in_range: str
    in_list: str

    @classmethod
    def build(cls, query: str, table: Table, column: str) -> "_ByProduct":
        name = getattr(table, column)
        return cls(
            in_range=query.format(products=f"{name} > %s AND {name} <= %s"),
            in_list=query.format(products=table.any(column)),
        )


@dataclass(frozen=True, slots=True)
class _Statements:
    products: str
    wanted_products: str
    listings: str
    variants: _ByProduct
    stock: str
    product_attributes: _ByProduct
    variant_attributes: str
    values: str
    media: _ByProduct
    selection: str


@cache
def _statements(alias: str) -> _Statements:
    connection = connections[alias]
    t = catalog_tables(alias)

    products = f"""
        SELECT {t.p.id}, {t.p.name}, {t.p.slug}, {t.p.description},
            {t.p.seo_title}, {t.p.seo_description}, {t.p.product_type},
            {t.pt.name}, {t.c.name}, {t.c.private_metadata}, {t.p.weight},
            {t.p.metadata}, {t.p.private_metadata}, {t.pl.id}, {t.pl.is_published},
            {t.pl.published_at}::text, {t.pl.available_for_purchase_at}::text
        FROM {t.p}
        JOIN {t.pt} ON {t.pt.id} = {t.p.product_type}
        LEFT JOIN {t.c} ON {t.c.id} = {t.p.category}
        -- One index lookup per product of the page (OFFSET 0 keeps the planner
        -- from flattening it): a join let it scan every listing of the
        -- channel, on every page, so a page cost more as the catalog grew.
        LEFT JOIN LATERAL (
            SELECT * FROM {t.pl}
            WHERE {t.pl.product} = {t.p.id} AND {t.pl.channel} = %s
            OFFSET 0
        ) pl ON TRUE
        WHERE {t.p.id} > %s {{wanted}}
        ORDER BY {t.p.id}
        LIMIT %s
    """
    id_type = Product._meta.pk.rel_db_type(connection)
    return _Statements(
        products=products.format(wanted=""),
        # A constant array here: the planner then looks the ids up directly
        # instead of walking the pk index until it meets enough of them.
        wanted_products=products.format(wanted=f"AND {t.p.id} = ANY(%s::{id_type}[])"),
        listings=f"""
            SELECT {t.pl.product}, {t.pl.is_published}, {t.pl.published_at}::text,
                {t.pl.available_for_purchase_at}::text
            FROM {t.pl}
            WHERE {t.pl.channel} = %s AND {t.pl.any("product")}
        """,
        variants=_ByProduct.build(
            f"""
            SELECT {t.v.id}, {t.v.product}, {t.v.sku}, {t.v.name},
                {t.v.external_reference}, {t.v.weight}, {t.v.metadata},
                {t.v.track_inventory}, {t.vl.price_amount}, {t.vl.prior_price_amount},
                {t.vl.currency}
            FROM {t.v}
            LEFT JOIN LATERAL (
                SELECT * FROM {t.vl}
                WHERE {t.vl.variant} = {t.v.id} AND {t.vl.channel} = %s
                OFFSET 0
            ) vl ON TRUE
            WHERE {{products}}
            ORDER BY {t.v.product}, {t.v.sort_order}, {t.v.id}
            """,
            t.v,
            "product",
        ),
        # Allocation rows are the truth; Stock.quantity_allocated is a cache
        # that bulk writes (order import, fixtures) do not always keep in step.
        stock=f"""
            SELECT {t.s.product_variant}, {t.s.quantity}, COALESCE((
                SELECT SUM({t.al.quantity_allocated}) FROM {t.al}
                WHERE {t.al.stock} = {t.s.id}
            ), 0)
            FROM {t.s}
            WHERE {t.s.warehouse} = ANY(%s) AND {t.s.any("product_variant")}
            ORDER BY {t.s.id}
        """,
        product_attributes=_ByProduct.build(
            f"""
            SELECT {t.pa.product}, {t.pa.value}
            FROM {t.pa}
            WHERE {{products}}
            ORDER BY {t.pa.product}, {t.pa.sort_order}, {t.pa.id}
            """,
            t.pa,
            "product",
        ),
        variant_attributes=f"""
            SELECT {t.va.variant}, {t.vav.value}
            FROM {t.vav}
            JOIN {t.va} ON {t.va.id} = {t.vav.assignment}
            JOIN {t.at} ON {t.at.id} = {t.va.assignment}
            WHERE {t.va.any("variant")}
            ORDER BY {t.va.variant}, {t.at.sort_order}, {t.vav.sort_order}, {t.vav.id}
        """,
        # In the order _source_value takes them.
        values=f"""
            SELECT {t.av.id}, {t.a.slug}, {t.a.input_type}, {t.a.unit}, {t.av.name},
                {t.av.plain_text}, {t.av.rich_text}, {t.av.numeric}, {t.av.boolean},
                {t.av.date_time}, {t.av.file_url}
            FROM {t.av}
            JOIN {t.a} ON {t.a.id} = {t.av.attribute}
            WHERE {t.av.any("id")}
        """,
        media=_ByProduct.build(
            f"""
            SELECT {t.m.product}, {t.m.image}, {t.m.external_url}
            FROM {t.m}
            WHERE {{products}} AND {t.m.type} = %s AND {t.m.to_remove} = %s
            ORDER BY {t.m.product}, {t.m.sort_order}, {t.m.id}
            """,
            t.m,
            "product",
        ),
        selection=f"""
            SELECT {t.at.product_type}, {t.a.slug}, {t.a.name}
            FROM {t.at}
            JOIN {t.a} ON {t.a.id} = {t.at.attribute}
            WHERE {t.at.any("product_type")} AND {t.at.variant_selection} = %s
            ORDER BY {t.at.product_type}, {t.at.sort_order}, {t.at.id}
        """,
    )


def now() -> datetime:
    return datetime.now(tz=UTC)
