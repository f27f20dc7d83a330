"""Product type schemas as builds get them: stored definitions, compiled once
per process while the stored schema stays the same."""

import pytest
from django.utils import timezone

from saleor_amazon_feeds.amazon_clients import client_for
from saleor_amazon_feeds.catalog.build import language_tag
from saleor_amazon_feeds.catalog.product_types import SchemaProvider, get_definition
from saleor_amazon_feeds.models import AmazonProductTypeDefinition
from sample_shop.product_type_schema import product_type_schema
from tests.fixtures.sync import sandbox_marketplace

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"


def test_builds_share_a_compiled_schema_until_the_stored_one_changes(
    amazon_sandbox_settings, channel_USD, warehouses
):
    marketplace = sandbox_marketplace(
        channel_USD, warehouses[:1], secret="amzn1.oa2-cs.v1.product-type-secret"
    )
    schema = product_type_schema(US, language_tag(US), extra_properties=20)
    definition = AmazonProductTypeDefinition.objects.create(
        marketplace_id=US,
        product_type="SHIRT",
        requirements="LISTING",
        checksum="same-checksum",
        schema=schema,
        fetched_at=timezone.now(),
    )
    with client_for(marketplace.account) as client:
        # A build reads the definition without its half-megabyte schema.
        stored = get_definition(client, US, "SHIRT")
        assert "schema" in stored.get_deferred_fields()
        first = SchemaProvider(client, marketplace)("SHIRT")
        second = SchemaProvider(client, marketplace)("SHIRT")
        assert first is not None
        assert second is first

        # The stored schema edited in place, checksum unchanged (as a
        # careless import could): the next build compiles what is stored.
        item_name = schema["properties"]["item_name"]["items"]["properties"]
        item_name["value"]["maxLength"] = 5
        definition.schema = schema
        definition.save(update_fields=["schema"])
        third = SchemaProvider(client, marketplace)("SHIRT")
    assert third is not first
    title = [{"value": "A longer title", "language_tag": "en_US"}]
    assert first.validate({"item_name": title}, only=["item_name"]) == []
    issues = third.validate({"item_name": title}, only=["item_name"])
    assert [(i.attribute, i.code) for i in issues] == [("item_name", "TOO_LONG")]
