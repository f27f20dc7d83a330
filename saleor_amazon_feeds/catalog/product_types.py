"""Amazon product type definitions: search, and schemas cached by checksum."""

import threading
from collections import OrderedDict
from datetime import timedelta
from typing import Any

from django.db.models import TextField
from django.db.models.functions import MD5, Cast
from django.utils import timezone

from ..amazon.client import AmazonClient
from ..amazon.errors import AmazonError
from ..listings.schema_validation import ProductTypeSchema
from ..models import AmazonMarketplace, AmazonProductTypeDefinition

# Definitions change rarely; asking Amazon once a day keeps the cache honest
# without spending getDefinitionsProductType quota on every feed build.
DEFINITION_MAX_AGE = timedelta(hours=24)
# Compiled schemas a worker keeps between builds, by the stored schema's
# digest: compiling an Amazon-sized schema takes a quarter of a second, and
# its caches of validated values serve the next build too.
COMPILED_SCHEMAS = 32
_compiled: OrderedDict[str, ProductTypeSchema] = OrderedDict()
_compiled_lock = threading.Lock()


def search(client: AmazonClient, marketplace_id: str, keywords: str) -> list[dict]:
    payload = client.search_product_types(marketplace_id, keywords or None)
    return list(payload.get("productTypes") or [])


def get_definition(
    client: AmazonClient,
    marketplace_id: str,
    product_type: str,
    *,
    requirements: str = "LISTING",
) -> AmazonProductTypeDefinition:
    """The stored definition, refreshed when stale; the schema is downloaded
    only when Amazon's checksum differs from the stored one."""
    # The schema (half a megabyte) is read only when asked for: a build
    # finds its compiled form by the digest (``compiled``).
    stored = (
        AmazonProductTypeDefinition.objects.filter(
            marketplace_id=marketplace_id,
            product_type=product_type,
            requirements=requirements,
        )
        .defer("schema")
        .annotate(schema_digest=MD5(Cast("schema", TextField())))
        .first()
    )
    if stored and timezone.now() - stored.fetched_at < DEFINITION_MAX_AGE:
        return stored
    definition = client.get_product_type(
        marketplace_id, product_type, requirements=requirements
    )
    link = definition.get("schema") or {}
    checksum = link.get("checksum") or ""
    if stored and checksum and stored.checksum == checksum:
        stored.fetched_at = timezone.now()
        stored.save(update_fields=["fetched_at"])
        return stored
    schema = client.download_schema(link["link"]["resource"])
    values: dict[str, Any] = {
        "display_name": definition.get("displayName") or "",
        "version": (definition.get("productTypeVersion") or {}).get("version") or "",
        "checksum": checksum,
        "schema": schema,
        "fetched_at": timezone.now(),
    }
    obj, _ = AmazonProductTypeDefinition.objects.update_or_create(
        marketplace_id=marketplace_id,
        product_type=product_type,
        requirements=requirements,
        defaults=values,
    )
    return obj


class SchemaProvider:
    """Callable for the builder: product type -> compiled schema, per build.

    A product type Amazon does not know, or an outage, yields None so the
    feed is still built; Amazon's own report then has the final word.
    """

    def __init__(self, client: AmazonClient, marketplace: AmazonMarketplace):
        self.client = client
        self.marketplace_id = marketplace.marketplace_id
        self._compiled: dict[str, ProductTypeSchema | None] = {}
        self.errors: dict[str, str] = {}

    def __call__(self, product_type: str) -> ProductTypeSchema | None:
        if product_type not in self._compiled:
            try:
                definition = get_definition(
                    self.client, self.marketplace_id, product_type
                )
                self._compiled[product_type] = compiled(definition)
            except AmazonError as exc:
                self.errors[product_type] = exc.merchant_message
                self._compiled[product_type] = None
        return self._compiled[product_type]


def compiled(definition: AmazonProductTypeDefinition) -> ProductTypeSchema:
    """The definition's schema compiled, shared by the builds of this process
    while the stored schema stays the same."""
    digest = getattr(definition, "schema_digest", None)
    if digest is None:
        return ProductTypeSchema(definition.schema, checksum=definition.checksum)
    with _compiled_lock:
        schema = _compiled.get(digest)
        if schema is not None:
            _compiled.move_to_end(digest)
            return schema
    schema = ProductTypeSchema(definition.schema, checksum=definition.checksum)
    with _compiled_lock:
        _compiled[digest] = schema
        while len(_compiled) > COMPILED_SCHEMAS:
            _compiled.popitem(last=False)
    return schema
