"""The feed build as production runs it, and the baselines it is measured against.

``production_build`` runs the submission's own build (catalog.submission
FeedBuild) for LISTINGS, INVENTORY and PRICES, one kind after the other as a
submission does, schemas validated, documents written, nothing sent.
``floor_read`` is the least any feed tool must do: one plain query per table
the build reads, nothing joined or shaped. ``graphql_read`` reads the same
fields through Saleor's GraphQL API, page by page, as an external feed tool
would.
"""

import cProfile
import pstats
import time
from collections import Counter

import orjson
from django.db import connection
from django.utils import timezone

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.catalog.submission import FeedBuild, catalog_changes
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.json_encoding import dumps_bytes
from saleor_amazon_feeds.models import (
    AmazonFieldMapping,
    AmazonListingProblem,
    AmazonListingState,
    AmazonProductTypeDefinition,
)
from sample_shop.product_type_schema import mapped_sources, product_type_schema

KINDS = (FeedKind.LISTINGS, FeedKind.INVENTORY, FeedKind.PRICES)
PRODUCT_TYPE = "SHIRT"


def prepare_marketplace(marketplace, language_tag: str) -> int:
    """The generated Amazon-sized SHIRT schema, stored as a fresh definition
    (so the build never asks Amazon for it), and field mappings onto its
    attributes; returns the schema's size in bytes."""
    schema = product_type_schema(
        marketplace.marketplace_id, language_tag, currency=marketplace.currency
    )
    AmazonProductTypeDefinition.objects.update_or_create(
        marketplace_id=marketplace.marketplace_id,
        product_type=PRODUCT_TYPE,
        requirements="LISTING",
        defaults={
            "display_name": "Shirt",
            "version": "bench",
            "checksum": "bench-generated",
            "schema": schema,
            "fetched_at": timezone.now(),
        },
    )
    mappings = {
        **mapped_sources(),
        # What the generated schema requires and a shirt does not carry.
        "department": ["literal:mens"],
        "fabric_type": ["literal:100% cotton"],
        "country_of_origin": ["literal:PT"],
    }
    for attribute, sources in mappings.items():
        AmazonFieldMapping.objects.update_or_create(
            marketplace=marketplace,
            amazon_attribute=attribute,
            defaults={"sources": sources},
        )
    return len(orjson.dumps(schema))


def listed_earlier(marketplace) -> None:
    """Every variant's listing was accepted before the catalog changed: the
    build sends every listing again, and offers for all of them."""
    from saleor.product.models import ProductVariant

    AmazonListingState.objects.filter(marketplace=marketplace).delete()
    rows = ProductVariant.objects.values_list("pk", "sku", "product_id")
    AmazonListingState.objects.bulk_create(
        (
            AmazonListingState(
                marketplace=marketplace,
                sku=sku,
                kind="LISTINGS",
                product_id=product_id,
                variant_id=pk,
                status="ACCEPTED",
                sent_digest="accepted-earlier",
                accepted_digest="accepted-earlier",
                sent_summary={"productType": PRODUCT_TYPE},
                accepted_summary={"productType": PRODUCT_TYPE},
                accepted_at=timezone.now(),
            )
            for pk, sku, product_id in rows.iterator(chunk_size=5000)
        ),
        batch_size=5000,
    )


def production_build(
    marketplace,
    keep_messages: bool = False,
    *,
    skip_unchanged: bool = False,
    settle: bool = False,
    on_document=None,
    kinds: tuple = KINDS,
) -> dict:
    """What three submissions build, up to the upload they would make.

    ``keep_messages`` (an untimed pass) also returns the messages as written,
    read back from the documents: the submission keeps no payloads once a
    message is in its document. ``skip_unchanged`` as the automatic sync
    builds (fingerprints); ``settle`` as a submission whose feeds went out:
    the prints built become the sent ones, which the next build with
    ``skip_unchanged`` compares against.
    """
    figures: dict = {
        "messages": 0,
        "documents": 0,
        "bytes": 0,
        "skipped": 0,
        "products_built": 0,
    }
    kept: list = []
    listing_attributes = listings = 0
    with client_for(marketplace.account) as client:
        # As _submit_kinds reads them: every kind's changes in one pass.
        changes = catalog_changes(marketplace, kinds, None, skip_unchanged)
        for kind in kinds:
            started = time.perf_counter()
            build = FeedBuild(
                client,
                marketplace,
                kind,
                skip_unchanged=skip_unchanged,
                changes=changes,
            )
            for document, _ in build.documents():
                if on_document is not None:
                    on_document(document)
                figures["documents"] += 1
                figures["messages"] += document.message_count
                figures["bytes"] += document.size
                if not keep_messages:
                    continue
                written = orjson.loads(document.content)["messages"]
                kept.extend(written)
                if kind == FeedKind.LISTINGS:
                    listings += len(written)
                    listing_attributes += sum(
                        len(m.get("attributes") or ()) for m in written
                    )
            figures[f"skipped_{kind.value.lower()}"] = build.skipped_count
            figures[f"{kind.value.lower()}_s"] = time.perf_counter() - started
            figures["skipped"] += build.skipped_count
            figures["products_built"] += build.fingerprints.built
            if settle:
                build.settle([])
    if keep_messages:
        figures["kept"] = kept
        figures["attributes_per_listing"] = listing_attributes / max(listings, 1)
    return figures


def left_out_reasons(marketplace) -> dict[str, int]:
    """Why the last build left messages out, most frequent first."""
    reasons = Counter(
        f"{kind} {attribute}: {reason[:120]}"
        for kind, attribute, reason in AmazonListingProblem.objects.filter(
            marketplace=marketplace
        ).values_list("kind", "attribute", "reason")
    )
    return dict(reasons.most_common(5))


def _columns(model, *fields: str) -> str:
    meta = model._meta
    return ", ".join(
        connection.ops.quote_name(meta.get_field(f).column) for f in fields
    )


def floor_read(marketplace, messages: list) -> float:
    """Seconds for a plain read of the rows the build reads (one query per
    table) plus orjson of the messages it built."""
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

    reads = [
        (
            Product,
            (
                "id",
                "name",
                "slug",
                "description",
                "seo_title",
                "seo_description",
                "product_type",
                "category",
                "weight",
                "metadata",
                "private_metadata",
            ),
        ),
        (ProductType, ("id", "name")),
        (Category, ("id", "name", "private_metadata")),
        (ProductChannelListing, ("product", "is_published", "published_at")),
        (
            ProductVariant,
            ("id", "product", "sku", "name", "weight", "metadata", "track_inventory"),
        ),
        (ProductVariantChannelListing, ("variant", "price_amount", "currency")),
        (Stock, ("id", "product_variant", "warehouse", "quantity")),
        (Allocation, ("stock", "quantity_allocated")),
        (AssignedProductAttributeValue, ("product", "value")),
        (AssignedVariantAttribute, ("id", "variant", "assignment")),
        (AssignedVariantAttributeValue, ("assignment", "value")),
        (AttributeVariant, ("id", "product_type", "attribute", "variant_selection")),
        (AttributeValue, ("id", "attribute", "name", "slug", "plain_text")),
        (Attribute, ("id", "slug", "name", "input_type")),
        (ProductMedia, ("product", "image", "external_url")),
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for model, fields in reads:
            cursor.execute(
                f"SELECT {_columns(model, *fields)} FROM "
                f"{connection.ops.quote_name(model._meta.db_table)}"
            )
            cursor.fetchall()
    for message in messages:
        # The plugin's own encoder: orjson with Decimals written digit for digit.
        dumps_bytes(message)
    return time.perf_counter() - started


PRODUCTS_QUERY = """
query ($after: String, $channel: String!, $first: Int!) {
  products(first: $first, after: $after, channel: $channel) {
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name slug description seoTitle seoDescription
      weight { unit value }
      productType { name }
      category { name }
      media { url type }
      attributes { attribute { slug } values { name slug plainText } }
      variants {
        id sku name
        weight { unit value }
        attributes { attribute { slug } values { name slug } }
        stocks { warehouse { id } quantity quantityAllocated }
        channelListings { channel { slug } price { amount currency } }
      }
    } }
  }
}
"""


def graphql_read(channel_slug: str, page_size: int = 100) -> tuple[float, int]:
    """Seconds to read every product through Saleor's GraphQL ``products``
    query in-process (as the plugin's App, which may read stock), and how many
    variants came back."""
    from saleor_amazon_feeds.plugin_app import get_or_create_plugin_app
    from saleor_amazon_feeds.saleor_compat import execute_saleor_graphql

    app = get_or_create_plugin_app()
    after = None
    variants = 0
    started = time.perf_counter()
    while True:
        data = execute_saleor_graphql(
            PRODUCTS_QUERY,
            {"after": after, "channel": channel_slug, "first": page_size},
            app=app,
        )["products"]
        for edge in data["edges"]:
            variants += len(edge["node"]["variants"] or ())
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    return time.perf_counter() - started, variants


def print_profile(build, *args, **kwargs) -> None:
    """Where ``build(*args, **kwargs)`` spends its time: the functions by
    their own time, then by their cumulative time."""
    profiler = cProfile.Profile()
    profiler.runcall(build, *args, **kwargs)
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(30)
    stats.sort_stats("cumulative").print_stats(45)
