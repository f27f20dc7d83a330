"""On-demand validation of one product with Amazon's VALIDATION_PREVIEW."""

from typing import Any

from ..amazon.errors import AmazonError
from ..amazon_clients import client_for
from ..listings.severity import Severity
from ..models import AmazonMarketplace
from .builder import iter_batches
from .product_types import SchemaProvider
from .types import FeedKind


def validate_product(product, marketplace: AmazonMarketplace) -> list[dict[str, Any]]:
    """Issues for every SKU of the product, from local checks and from Amazon."""
    issues: list[dict[str, Any]] = []
    with client_for(marketplace.account) as client:
        batches = iter_batches(
            marketplace,
            [FeedKind.LISTINGS],
            product_ids=[product.pk],
            schema_provider=SchemaProvider(client, marketplace),
        )
        for batch in batches:
            for skipped in batch.skipped:
                issues.append(
                    {
                        "sku": skipped.sku or "",
                        "code": "NOT_EXPORTABLE",
                        "severity": skipped.severity.value,
                        "message": skipped.reason,
                        "attributes": [skipped.attribute] if skipped.attribute else [],
                    }
                )
            for built in batch.messages:
                payload = built.message.payload
                if payload.get("operationType") != "UPDATE":
                    continue
                body = {
                    "productType": payload["productType"],
                    "requirements": payload.get("requirements", "LISTING"),
                    "attributes": payload.get("attributes", {}),
                }
                try:
                    result = client.put_listings_item(
                        built.message.sku,
                        marketplace.marketplace_id,
                        body,
                        mode="VALIDATION_PREVIEW",
                    )
                except AmazonError as exc:
                    issues.append(
                        {
                            "sku": built.message.sku,
                            "code": exc.code or "AMAZON_ERROR",
                            "severity": Severity.ERROR.value,
                            "message": exc.merchant_message,
                            "attributes": [],
                        }
                    )
                    continue
                for issue in result.get("issues") or []:
                    issues.append(
                        {
                            "sku": built.message.sku,
                            "code": issue.get("code", ""),
                            "severity": Severity.of(issue.get("severity")).value,
                            "message": issue.get("message", ""),
                            "attributes": list(issue.get("attributeNames") or []),
                        }
                    )
    return issues
