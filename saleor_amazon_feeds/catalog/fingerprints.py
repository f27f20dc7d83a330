"""Skip products whose messages cannot have changed since they were last sent.

A product's fingerprint is an md5 computed in PostgreSQL over every row its
messages are built from: the product, its category and product type, the
channel listing (and whether its dates have passed), each variant with its
channel price, its stock and allocations in the marketplace's warehouses and
its attribute values, the product's attribute values, media and the product
type's variant selection; each set of rows (a variant's stock, its
attribute values, a product's variants...) enters it as one number, the sum
of its rows' 64-bit hashes. The marketplace's side (settings, field
mappings, warehouses, cached product type schemas, the plugin's version, the
media host) is one digest made in Python once per build (``run_key``) and
mixed into every fingerprint, so a change there rebuilds every product.

A build reads the fingerprints a chunk of products at a time and builds only
the products whose fingerprint differs from the one stored for the
marketplace and kinds, or that have a REJECTED listing state for those kinds
(a failed feed must be sent again). Fingerprints of what was built are kept
as ``pending`` under the build's run id and promoted by ``promote`` only once
the submission's feeds went out; ``discard`` drops them after a failure.

An automatic submission of the whole catalog first reads which products
each of its kinds has to build, all kinds in one statement per chunk
(``changed_by_kind``): their prints share the scans of the variants, prices
and stock, which each kind read again when it read alone (a no-op run at 10k
variants went from 0.025x to 0.015x of a full build).
The statement that computes one kind's print for a build computes it for
the shared reading too, so both always agree.

A chunk reads only its own rows: the product-level tables through the
chunk's product id range, the per-variant ones (stock, prices, attribute
assignments) through the id range of its variants, where the planner read
those whole tables once per chunk and a whole-catalog reading grew with the
square of the catalog. The product's own row (its description is the widest
text) is hashed once for all kinds. Both cut the reading of 100k variants
by about a quarter.

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
from django.db import connections, router, transaction
from django.db.models import F
from saleor.product.models import Product

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
from .tables import Table, catalog_tables
from .types import Batch, FeedKind

# Products per fingerprint query: large enough that a no-op run is a few
# statements, each scan shared by many products (a quarter less per product
# than 2000 at 10k variants), small enough that a statement's sorts and hashes
# stay within PostgreSQL's default work_mem (3 MB at most for the bench's
# products).
CHUNK = 5000


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

    def __init__(
        self,
        marketplace: AmazonMarketplace,
        *,
        skip_unchanged: bool,
        run_id: uuid.UUID | None = None,
    ):
        self.marketplace = marketplace
        self.skip_unchanged = skip_unchanged
        # The slices of a split build share their build's run (``slices``).
        self.run_id = run_id or uuid.uuid4()
        self.key = ""
        self.kinds = ""
        self._sql: tuple[str, ...] = ()
        self._ids_sql = ""
        self._params: dict[str, Any] = {}
        self.built = 0
        self.skipped = 0
        # (product id, print) kept by ``remember`` until ``flush``.
        self._pending: list[tuple[int, str]] = []

    def bind(self, run: Run, options: LoadOptions) -> None:
        """Prepare the statement for this build's settings."""
        self.kinds = kinds_key(run.kinds)
        self.key = run_key(self.marketplace, run, options)
        self._connection = connections[router.db_for_read(Product)]
        self._sql = _statements(
            self._connection.alias, ((options.content, options.stock),)
        )
        self._params = {
            **_shared_params(self.marketplace, run, options, self.skip_unchanged),
            **_kind_params(0, self.key, self.kinds, run),
        }

    def chunks(self, product_ids: Iterable[int] | None = None) -> Iterator[Chunk]:
        """Chunks of products in id order; ``product_ids`` narrows them."""
        for rows in _scan(self._connection, self._sql, self._params, product_ids):
            to_build = {pk: fp for pk, fp, build in rows if build}
            self.built += len(to_build)
            self.skipped += len(rows) - len(to_build)
            yield Chunk(to_build, rows[-1][0], len(rows))

    def remember(self, batch: Batch, chunk: Chunk) -> None:
        """Keep the prints of a page's products as pending for this run;
        ``flush`` writes them, once per chunk: one statement per page of 70
        products took 1.4 s of a profiled 10k-variant build."""
        failed = batch.gate_refused
        self._pending.extend(
            (pk, chunk.to_build[pk])
            for pk in batch.product_ids
            if pk not in failed and pk in chunk.to_build
        )
        if failed:
            # Whatever was stored no longer tells what Amazon was sent.
            AmazonProductFingerprint.objects.filter(
                marketplace_id=self.marketplace.pk,
                kinds=self.kinds,
                product_id__in=failed,
            ).update(fingerprint="", pending="", pending_run=None)

    def flush(self) -> None:
        """Write the pending prints ``remember`` kept."""
        rows, self._pending = self._pending, []
        if not rows:
            return
        # Two arrays in one statement: bulk_create's model instances and
        # per-row placeholders took a third of a second per 5000 products.
        table = AmazonProductFingerprint._meta.db_table
        alias = router.db_for_write(AmazonProductFingerprint)
        with connections[alias].cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {table}
                    (marketplace_id, kinds, product_id, fingerprint, pending,
                     pending_run)
                SELECT %(marketplace)s, %(kinds)s, row.product_id, '',
                       row.pending, %(run)s
                FROM unnest(%(ids)s::integer[], %(prints)s::text[])
                    AS row (product_id, pending)
                ON CONFLICT (marketplace_id, kinds, product_id) DO UPDATE
                SET pending = EXCLUDED.pending, pending_run = EXCLUDED.pending_run
                """,
                {
                    "marketplace": self.marketplace.pk,
                    "kinds": self.kinds,
                    "run": self.run_id,
                    "ids": [pk for pk, _ in rows],
                    "prints": [fp for _, fp in rows],
                },
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


def changed_by_kind(
    marketplace: AmazonMarketplace,
    kinds: Iterable[tuple[Run, LoadOptions]],
    *,
    limit: int | None = None,
) -> dict[FeedKind, list[int] | None]:
    """Per kind, the products an automatic build of the whole catalog would
    build (changed since last sent, or REJECTED); None for a kind once more
    than ``limit`` are found. Nothing is remembered.

    One statement per chunk for every kind: the kinds' prints share its scans
    (variants, prices, stock), which one statement per kind read again each
    time. Each kind's print is the one its own build computes (``_statement``
    makes both), so what one finds changed the other does too. Each pair
    holds one kind (``run.kinds``) and its build's settings.
    """
    bound = [(next(iter(run.kinds)), run, options) for run, options in kinds]
    if not bound:
        return {}
    connection = connections[router.db_for_read(Product)]
    _, first_run, first_options = bound[0]
    params = _shared_params(marketplace, first_run, first_options, True)
    for index, (_, run, options) in enumerate(bound):
        key = run_key(marketplace, run, options)
        params.update(_kind_params(index, key, kinds_key(run.kinds), run))
    parts = tuple((options.content, options.stock) for _, _, options in bound)
    found: dict[FeedKind, list[int]] = {kind: [] for kind, _, _ in bound}
    sql = _statements(connection.alias, parts)
    for rows in _scan(connection, sql, params, None):
        for index, (kind, _, _) in enumerate(bound):
            column = 2 + 2 * index
            found[kind].extend(row[0] for row in rows if row[column])
        if limit is not None and all(len(ids) > limit for ids in found.values()):
            break
    return {
        kind: None if limit is not None and len(ids) > limit else ids
        for kind, ids in found.items()
    }


def _shared_params(
    marketplace: AmazonMarketplace, run: Run, options: LoadOptions, skip: bool
) -> dict[str, Any]:
    """Parameters every kind's print of one marketplace shares."""
    return {
        "now": run.now,
        "channel": options.channel_id,
        "warehouses": list(options.warehouse_ids),
        "marketplace": marketplace.pk,
        "rejected": ListingStatus.REJECTED.value,
        "skip": skip,
    }


def _kind_params(index: int, key: str, kinds: str, run: Run) -> dict[str, Any]:
    """The parameters of the statement's ``index``-th kind."""
    return {
        f"key_{index}": key,
        f"kinds_{index}": kinds,
        f"kind_list_{index}": [str(k) for k in run.kinds],
    }


def _statements(alias: str, parts: tuple[tuple[bool, bool], ...]) -> tuple[str, str]:
    """The statement over an id range and over a list of ids."""
    return _statement(alias, parts, False), _statement(alias, parts, True)


def _scan(
    connection: Any,
    sql: tuple[str, str],
    params: dict[str, Any],
    product_ids: Iterable[int] | None,
) -> Iterator[list[tuple]]:
    """The rows of each chunk that has any, in product id order.

    JIT off for the statement, in a transaction of its own, the setting
    put back after it: the estimated cost of its dozens of joins and
    aggregates can pass PostgreSQL's JIT threshold, and compiling hundreds
    of expressions then takes longer than running the statement.
    """
    for statement, scope in _scopes(connection, sql, product_ids):
        with (
            transaction.atomic(using=connection.alias),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT current_setting('jit'), set_config('jit', 'off', true)"
            )
            (jit, _) = cursor.fetchone()
            cursor.execute(statement, {**params, **scope})
            rows = cursor.fetchall()
            cursor.execute("SELECT set_config('jit', %s, true)", [jit])
        if rows:
            yield rows


def _scopes(
    connection: Any, sql: tuple[str, str], product_ids: Iterable[int] | None
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each chunk's statement and products: slices of the wanted ids, or
    the catalog as id ranges of CHUNK products, each found when asked for.
    A range lets the planner estimate every table's rows of the chunk
    from its statistics (a list of ids it cannot see into). Each scope
    carries the id range of its products' variants (``near_chunk``). A
    variant added between that reading and the statement enters the print
    without its stock, prices and attribute values; the print still differs
    from the stored one (the variant is new), so its product is built, and
    the next run stores the whole print."""
    in_range, listed = sql
    t = catalog_tables(connection.alias)
    id_type = t.p.db_type("id")

    def variants(scope: dict[str, Any], where: str) -> dict[str, Any]:
        """``scope`` with the id range of its products' variants."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT min({t.v.id}), max({t.v.id}) FROM {t.v} {where}", scope
            )
            first, last = cursor.fetchone()
        return {**scope, "first_variant": first, "last_variant": last}

    if product_ids is not None:
        wanted = sorted(set(product_ids))
        for start in range(0, len(wanted), CHUNK):
            ids = wanted[start : start + CHUNK]
            scope = {"ids": "{" + ",".join(map(str, ids)) + "}"}
            yield (
                listed,
                variants(
                    scope,
                    f"WHERE {t.v.product}"
                    f" = ANY((SELECT %(ids)s::{id_type}[])::{id_type}[])",
                ),
            )
        return
    ids_sql = (
        f"SELECT {t.p.id} FROM {t.p} WHERE {t.p.id} > %s ORDER BY {t.p.id} LIMIT %s"
    )
    after = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(ids_sql, [after, CHUNK])
            ids = [pk for (pk,) in cursor.fetchall()]
        if not ids:
            return
        yield (
            in_range,
            variants(
                {"after": after, "last": ids[-1]},
                f"WHERE {t.v.product} > %(after)s AND {t.v.product} <= %(last)s",
            ),
        )
        if len(ids) < CHUNK:
            return
        after = ids[-1]


@cache
def _statement(alias: str, parts: tuple[tuple[bool, bool], ...], listed: bool) -> str:
    """The prints of one chunk: its products as an id range, or as the list
    ``ids`` when ``listed`` (a build narrowed to some products). One print
    per part, a kind's (content, stock): the rows ``id, print_0, build_0,
    print_1, build_1...``.

    Set-based: each owner's rows (a stock's allocations, a variant's stock
    and attribute values, a product's variants, media...) are read for the
    whole chunk and grouped by their owner, so a chunk costs a few scans of
    its own rows, not subqueries per product and per variant.
    """
    connection = connections[alias]
    t = catalog_tables(alias)
    st = Table(connection, AmazonListingState, "st")
    id_type = t.p.db_type("id")

    def in_chunk(column: str) -> str:
        if listed:
            # Through a sub-select, as loader's Table.any: no estimate per id.
            return f"{column} = ANY((SELECT %(ids)s::{id_type}[])::{id_type}[])"
        return f"{column} > %(after)s AND {column} <= %(last)s"

    def near_chunk(column: str) -> str:
        """``column``, a variant id, within the id range of the chunk's
        variants (``_scopes`` reads it).

        Implied by the join to the chunk's variants, so it never changes a
        print; it lets the planner read only that range of each per-variant
        table (stock, prices, attribute assignments) through its variant
        index, where it read each whole table once per chunk, which made a
        whole-catalog reading grow with the square of the catalog. Variant
        ids follow product ids in most catalogs; where they do not, the
        range is only wider.
        """
        return f"{column} BETWEEN %(first_variant)s AND %(last_variant)s"

    def rows(*columns: str) -> str:
        """One number for a group's rows: the sum of each row's 64-bit hash.

        ROW(...)::text keeps NULL apart from "" and every field in its place.
        Each row holds what orders it (ids, sort orders), so a sum, which
        needs neither sorting nor text nested in text, tells as much as the
        rows in order.
        """
        return f"sum(hashtextextended(ROW({', '.join(columns)})::text, 0))"

    value = (
        t.a.slug,
        t.a.name,
        t.a.input_type,
        t.a.unit,
        t.av.name,
        t.av.plain_text,
        t.av.rich_text,
        t.av.numeric,
        t.av.boolean,
        t.av.date_time,
        t.av.file_url,
    )
    stock = any(part_stock for _, part_stock in parts)
    content = any(part_content for part_content, _ in parts)
    steps = []
    joins = []
    if stock:
        # Allocation rows are the truth (see loader's stock statement).
        steps.append(
            f"""stock_prints AS (
                SELECT variant, {rows("id", "warehouse", "quantity", "allocated")}
                    AS print
                FROM (
                    SELECT {t.s.id} AS id, {t.s.product_variant} AS variant,
                        {t.s.warehouse} AS warehouse, {t.s.quantity} AS quantity,
                        SUM({t.al.quantity_allocated}) AS allocated
                    FROM {t.s}
                    JOIN {t.v} ON {t.v.id} = {t.s.product_variant}
                    LEFT JOIN {t.al} ON {t.al.stock} = {t.s.id}
                    WHERE {t.s.warehouse} = ANY(%(warehouses)s)
                      AND {in_chunk(t.v.product)}
                      AND {near_chunk(t.s.product_variant)}
                    GROUP BY {t.s.id}
                ) stocks
                GROUP BY variant
            )"""
        )
        joins.append(f"LEFT JOIN stock_prints ON stock_prints.variant = {t.v.id}")
    if content:
        values = rows(t.va.assignment, t.vav.sort_order, t.vav.id, *value)
        media_rows = rows(
            t.m.id, t.m.image, t.m.external_url, t.m.type, t.m.to_remove, t.m.sort_order
        )
        selection_rows = rows(
            t.at.id, t.at.sort_order, t.at.variant_selection, t.a.slug, t.a.name
        )
        steps += [
            # One row per value, or per assignment without values: the same
            # as each assignment with its values, grouped by variant at once.
            f"""variant_attribute_prints AS (
                SELECT {t.va.variant} AS variant, {values} AS print
                FROM {t.va}
                JOIN {t.v} ON {t.v.id} = {t.va.variant}
                LEFT JOIN {t.vav} ON {t.vav.assignment} = {t.va.id}
                LEFT JOIN {t.av} ON {t.av.id} = {t.vav.value}
                LEFT JOIN {t.a} ON {t.a.id} = {t.av.attribute}
                WHERE {in_chunk(t.v.product)} AND {near_chunk(t.va.variant)}
                GROUP BY {t.va.variant}
            )""",
            f"""product_attribute_prints AS (
                SELECT {t.pa.product} AS product,
                    {rows(t.pa.sort_order, t.pa.id, *value)} AS print
                FROM {t.pa}
                JOIN {t.av} ON {t.av.id} = {t.pa.value}
                JOIN {t.a} ON {t.a.id} = {t.av.attribute}
                WHERE {in_chunk(t.pa.product)}
                GROUP BY {t.pa.product}
            )""",
            f"""media_prints AS (
                SELECT {t.m.product} AS product, {media_rows} AS print
                FROM {t.m}
                WHERE {in_chunk(t.m.product)}
                GROUP BY {t.m.product}
            )""",
            # The attribute order of a variant's values is its product type's
            # (AttributeVariant.sort_order), part of this product-type-wide part.
            f"""selection_prints AS (
                SELECT {t.at.product_type} AS product_type, {selection_rows}
                    AS print
                FROM {t.at}
                JOIN {t.a} ON {t.a.id} = {t.at.attribute}
                WHERE {t.at.product_type} IN (
                    SELECT {t.p.product_type} FROM {t.p}
                    WHERE {in_chunk(t.p.id)}
                )
                GROUP BY {t.at.product_type}
            )""",
        ]
        joins.append(
            "LEFT JOIN variant_attribute_prints"
            f" ON variant_attribute_prints.variant = {t.v.id}"
        )

    def variant_print(part_content: bool, part_stock: bool) -> str:
        # The channel listing's id tells a price of NULL from no listing.
        return rows(
            t.v.id,
            t.v.sku,
            t.v.name,
            t.v.external_reference,
            t.v.weight,
            t.v.metadata,
            t.v.track_inventory,
            t.v.sort_order,
            t.vl.id,
            t.vl.price_amount,
            t.vl.prior_price_amount,
            t.vl.currency,
            "stock_prints.print" if part_stock else "NULL",
            "variant_attribute_prints.print" if part_content else "NULL",
        )

    variant_prints = ", ".join(
        f"{variant_print(*part)} AS print_{index}" for index, part in enumerate(parts)
    )
    steps.append(
        f"""variant_prints AS (
            SELECT {t.v.product} AS product, {variant_prints}
            FROM {t.v}
            LEFT JOIN {t.vl} ON {t.vl.variant} = {t.v.id}
                AND {t.vl.channel} = %(channel)s AND {near_chunk(t.vl.variant)}
            {" ".join(joins)}
            WHERE {in_chunk(t.v.product)}
            GROUP BY {t.v.product}
        )"""
    )

    def product_print(index: int, part_content: bool) -> str:
        content_prints = (
            "product_attribute_prints.print, media_prints.print, selection_prints.print"
            if part_content
            else "NULL, NULL, NULL"
        )
        return f"""md5(ROW(%(key_{index})s, product_rows.own,
                variant_prints.print_{index}, {content_prints}
            )::text) AS print_{index}"""

    product_prints = ", ".join(
        product_print(index, part_content)
        for index, (part_content, _) in enumerate(parts)
    )
    # The product's own rows are hashed once for every part (the
    # description's text, hashed once per kind, was two fifths of a chunk).
    # OFFSET 0 keeps that sub-select from being merged into the outer one,
    # which would compute the hash again for each part; unlike a CTE it
    # leaves the planner the statistics of the product ids (a CTE's unknown
    # join sizes multiplied the estimates past JIT's threshold, and
    # compiling took seconds).
    product_rows = f"""(
            SELECT {t.p.id} AS id, {t.p.product_type} AS product_type,
                md5(ROW({t.p.name}, {t.p.slug},
                    {t.p.description}, {t.p.seo_title}, {t.p.seo_description},
                    {t.p.product_type}, {t.pt.name}, {t.c.name},
                    {t.c.private_metadata}, {t.p.weight}, {t.p.metadata},
                    {t.p.private_metadata}, {t.pl.id}, {t.pl.is_published},
                    {t.pl.published_at} > %(now)s,
                    {t.pl.available_for_purchase_at} IS NULL,
                    {t.pl.available_for_purchase_at} > %(now)s
                )::text) AS own
            FROM {t.p}
            JOIN {t.pt} ON {t.pt.id} = {t.p.product_type}
            LEFT JOIN {t.c} ON {t.c.id} = {t.p.category}
            LEFT JOIN {t.pl} ON {t.pl.product} = {t.p.id}
                AND {t.pl.channel} = %(channel)s
                AND {in_chunk(t.pl.product)}
            WHERE {in_chunk(t.p.id)}
            OFFSET 0
        ) product_rows"""
    product_joins = ""
    if content:
        product_joins = """
            LEFT JOIN product_attribute_prints
                ON product_attribute_prints.product = product_rows.id
            LEFT JOIN media_prints ON media_prints.product = product_rows.id
            LEFT JOIN selection_prints
                ON selection_prints.product_type = product_rows.product_type"""
    steps.append(
        f"""prints AS (
            SELECT product_rows.id, {product_prints}
            FROM {product_rows}
            LEFT JOIN variant_prints ON variant_prints.product = product_rows.id
            {product_joins}
        )"""
    )
    # A REJECTED state of any of a part's kinds: that feed must be sent again.
    kind_lists = " OR ".join(
        f"{st.kind} = ANY(%(kind_list_{index})s)" for index in range(len(parts))
    )
    steps.append(
        f"""rejected AS (
            SELECT DISTINCT {st.product_id} AS product, {st.kind} AS kind
            FROM {st}
            WHERE {st.marketplace} = %(marketplace)s
              AND ({kind_lists})
              AND {st.status} = %(rejected)s
              AND {in_chunk(st.product_id)}
        )"""
    )
    columns = []
    fp_joins = []
    for index in range(len(parts)):
        fp = Table(connection, AmazonProductFingerprint, f"fp_{index}")
        columns.append(
            f"""prints.print_{index},
            NOT %(skip)s
            OR {fp.fingerprint} IS DISTINCT FROM prints.print_{index}
            OR EXISTS (
                SELECT 1 FROM rejected WHERE rejected.product = prints.id
                AND rejected.kind = ANY(%(kind_list_{index})s)
            )"""
        )
        fp_joins.append(
            f"""LEFT JOIN {fp} ON {fp.marketplace} = %(marketplace)s
            AND {fp.kinds} = %(kinds_{index})s AND {fp.product_id} = prints.id
            AND {in_chunk(fp.product_id)}"""
        )
    return f"""
        WITH {", ".join(steps)}
        SELECT prints.id, {", ".join(columns)}
        FROM prints
        {" ".join(fp_joins)}
        ORDER BY prints.id
    """
