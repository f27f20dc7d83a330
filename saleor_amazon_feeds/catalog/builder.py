"""Build JSON_LISTINGS_FEED messages for one marketplace from the Saleor catalog.

The database side of the builder. ``iter_batches`` reads the marketplace's
settings once (``read_run``), streams the catalog a page of products at a time
through ``loader`` and decides offers through the ``ListingGate``; ``build``
turns that plain data into one ``Batch`` per page (its docstring has the
decisions worth knowing). Every read is here or in ``loader``, so ``build``
runs, and is tested, without a database.
"""

from collections.abc import Iterable, Iterator

from ..listings.kinds import SyncScope
from ..models import AmazonFieldMapping, AmazonMarketplace
from . import loader
from .build import OfferGate, Run, build_batches
from .fingerprints import Fingerprints, changed_by_kind
from .gate import ListingGate
from .types import Batch, FeedKind, SchemaProvider


def iter_batches(
    marketplace: AmazonMarketplace,
    kinds: Iterable[FeedKind],
    *,
    product_ids: Iterable[int] | None = None,
    batch_size: int = 200,
    schema_provider: SchemaProvider | None = None,
    gate: OfferGate | None = None,
    fingerprints: Fingerprints | None = None,
) -> Iterator[Batch]:
    """One batch of built messages and skipped items per page of products.

    ``gate`` decides which SKUs get quantity and price messages; without one
    only the database is asked (no getListingsItem lookups). With
    ``fingerprints`` only products changed since they were last sent are
    built (``fingerprints``' module doc), and the prints of those built are
    kept as pending. Nothing is read before the first batch is asked for.
    """
    wanted = effective_kinds(marketplace, kinds)
    if not wanted:
        return
    run = read_run(marketplace, wanted, schema_provider)
    options = load_options(marketplace, wanted)
    gate = gate or ListingGate(marketplace)
    if fingerprints is None:
        pages = loader.iter_pages(
            options, product_ids=product_ids, batch_size=batch_size
        )
        yield from build_batches(run, pages, gate)
        return
    fingerprints.bind(run, options)
    for chunk in fingerprints.chunks(product_ids):
        if not chunk.to_build:
            continue
        pages = loader.iter_pages(
            options, product_ids=chunk.to_build, batch_size=batch_size
        )
        for batch in build_batches(run, pages, gate):
            fingerprints.remember(batch, chunk)
            yield batch
        fingerprints.flush()


def changed_products(
    marketplace: AmazonMarketplace,
    kinds: Iterable[FeedKind],
    *,
    limit: int | None = None,
) -> dict[FeedKind, list[int] | None]:
    """Per kind, the products an automatic build of that kind would build
    (changed since last sent, or REJECTED), from the fingerprints alone, all
    kinds read together; None for a kind once more than ``limit`` are found
    (a build that large is split among the workers, each reading its own
    slice's prints). Nothing is remembered."""
    bound = []
    for kind in kinds:
        wanted = effective_kinds(marketplace, [kind])
        if wanted:
            bound.append(
                (read_run(marketplace, wanted), load_options(marketplace, wanted))
            )
    return changed_by_kind(marketplace, bound, limit=limit)


def effective_kinds(
    marketplace: AmazonMarketplace, kinds: Iterable[FeedKind]
) -> frozenset[FeedKind]:
    """Kinds this builder produces for the marketplace.

    Deletions come from the submission service's listing state; an
    INVENTORY-scope marketplace never gets full listings (the submission
    service refuses or records such a request visibly, see
    ``submission.scope_refusal``).
    """
    wanted = {FeedKind(k) for k in kinds} - {FeedKind.DELETIONS}
    if marketplace.sync_scope == SyncScope.INVENTORY:
        wanted.discard(FeedKind.LISTINGS)
    return frozenset(wanted)


def read_run(
    marketplace: AmazonMarketplace,
    kinds: frozenset[FeedKind],
    schema_provider: SchemaProvider | None = None,
) -> Run:
    """The marketplace's settings for one build: its field mappings and its
    channel, read once."""
    mappings = {
        attribute: list(sources)
        for attribute, sources in AmazonFieldMapping.objects.filter(
            marketplace=marketplace
        ).values_list("amazon_attribute", "sources")
        if isinstance(sources, list) and sources
    }
    return Run(
        marketplace_id=marketplace.marketplace_id,
        currency=marketplace.currency.upper(),
        channel_slug=marketplace.channel.slug,
        kinds=kinds,
        now=loader.now(),
        mappings=mappings,
        stock_buffer=marketplace.stock_buffer,
        max_quantity=marketplace.max_quantity,
        untracked_quantity=marketplace.untracked_quantity,
        handling_time=marketplace.handling_time,
        schema_provider=schema_provider,
    )


def load_options(
    marketplace: AmazonMarketplace, kinds: frozenset[FeedKind]
) -> loader.LoadOptions:
    """What the loader reads for these kinds: stock from the marketplace's
    warehouses, and content (attributes, media) only for full listings."""
    return loader.LoadOptions(
        channel_id=marketplace.channel_id,
        warehouse_ids=list(marketplace.warehouses.values_list("pk", flat=True)),
        content=FeedKind.LISTINGS in kinds,
        stock=bool({FeedKind.LISTINGS, FeedKind.INVENTORY} & kinds),
    )
