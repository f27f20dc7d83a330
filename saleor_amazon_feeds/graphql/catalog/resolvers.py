from saleor.product.models import Category, Product

from ...amazon_clients import client_for
from ...catalog import product_types
from ...listings.severity import Severity
from ...mapping.options import options_from_metadata
from ...models import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonListingProblem,
    AmazonListingState,
    AmazonMarketplace,
)
from ..account.lookups import marketplace_by_global_id
from ..core.connection import paginate
from ..core.ids import get_by_global_id, global_id
from .types import (
    AmazonCatalogOptions,
    AmazonFeedSubmissionConnection,
    AmazonListingProblemType,
    AmazonListingSku,
    AmazonProductListing,
    AmazonProductType,
)


def _product(product_id: str) -> Product:
    return get_by_global_id(Product.objects.all(), product_id, "Product", "productId")


def resolve_product_types(
    marketplace_id: str, keywords: str | None
) -> list[AmazonProductType]:
    marketplace = marketplace_by_global_id(marketplace_id)
    with client_for(marketplace.account) as client:
        found = product_types.search(client, marketplace.marketplace_id, keywords)
    return [
        AmazonProductType(name=p["name"], display_name=p.get("displayName") or "")
        for p in found
    ]


def resolve_feed_submissions(
    first: int | None, after: str | None, marketplace_id: str | None
) -> AmazonFeedSubmissionConnection:
    queryset = AmazonFeedSubmission.objects.select_related("marketplace")
    if marketplace_id:
        queryset = queryset.filter(marketplace=marketplace_by_global_id(marketplace_id))
    # Newest first: keyset on descending pk.
    return paginate(
        AmazonFeedSubmissionConnection, queryset, first, after, descending=True
    )


def resolve_feed_submission(id: str) -> AmazonFeedSubmission:
    return get_by_global_id(
        AmazonFeedSubmission.objects.select_related("marketplace"),
        id,
        "AmazonFeedSubmission",
        "id",
    )


def resolve_category_options(category_id: str) -> AmazonCatalogOptions:
    category = get_by_global_id(
        Category.objects.all(), category_id, "Category", "categoryId"
    )
    return AmazonCatalogOptions.from_metadata(category.private_metadata)


def resolve_product_options(product_id: str) -> AmazonCatalogOptions:
    return AmazonCatalogOptions.from_metadata(_product(product_id).private_metadata)


def resolve_product_listing(
    product_id: str, marketplace_id: str
) -> AmazonProductListing:
    product = _product(product_id)
    return product_listing(product, marketplace_by_global_id(marketplace_id))


def _variant_gid(variant_id: int | None) -> str | None:
    return global_id("ProductVariant", variant_id) if variant_id else None


def product_listing(
    product: Product, marketplace: AmazonMarketplace
) -> AmazonProductListing:
    """What was sent and accepted per SKU, with Amazon's issues of the last
    feed, and why parts of the product were left out (including options in
    its metadata the plugin cannot use)."""
    states = list(
        AmazonListingState.objects.filter(
            marketplace=marketplace, product_id=product.pk
        ).select_related("last_submission")
    )
    issues_by_key: dict[tuple[int, str], list] = {}
    submission_ids = {s.last_submission_id for s in states if s.last_submission_id}
    for issue in AmazonFeedIssue.objects.filter(
        submission_id__in=submission_ids, sku__in=[s.sku for s in states]
    ):
        issues_by_key.setdefault((issue.submission_id, issue.sku), []).append(issue)
    skus = [
        AmazonListingSku(
            sku=s.sku,
            kind=s.kind,
            variant_id=_variant_gid(s.variant_id),
            status=s.status,
            sent_values=s.sent_summary,
            sent_at=s.sent_at,
            accepted_values=s.accepted_summary,
            accepted_at=s.accepted_at,
            issues=issues_by_key.get((s.last_submission_id, s.sku), []),
        )
        for s in states
    ]
    problems = [
        AmazonListingProblemType(
            variant_id=_variant_gid(p.variant_id),
            sku=p.sku,
            kind=p.kind,
            severity=p.severity,
            reason=p.reason,
            attribute=p.attribute,
        )
        for p in AmazonListingProblem.objects.filter(
            marketplace=marketplace, product_id=product.pk
        )
    ]
    _, option_issues = options_from_metadata(product.private_metadata)
    problems += [
        AmazonListingProblemType(
            sku="",
            kind="LISTINGS",
            severity=Severity.ERROR,
            reason=i.message,
            attribute=i.field,
        )
        for i in option_issues
        if not any(p.reason == i.message for p in problems)
    ]
    return AmazonProductListing(
        product_id=global_id("Product", product.pk),
        marketplace=marketplace,
        skus=skus,
        problems=problems,
    )
