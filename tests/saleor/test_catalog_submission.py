"""Feed submission round trips against the sandbox, driven through GraphQL."""

import copy
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from graphql_relay import to_global_id

from saleor_amazon_feeds.catalog.builder import iter_batches
from saleor_amazon_feeds.catalog.results import recover_uploaded_submissions
from saleor_amazon_feeds.catalog.types import FeedKind
from saleor_amazon_feeds.listings.schema_validation import ProductTypeSchema
from saleor_amazon_feeds.models import (
    AmazonFeedIssue,
    AmazonFeedSubmission,
    AmazonFieldMapping,
    AmazonListingProblem,
    AmazonListingState,
    AmazonProductTypeDefinition,
)
from tests.fixtures.catalog import set_options
from tests.fixtures.feeds import wait_for_submissions
from tests.fixtures.sandbox import SELLER_ID
from tests.fixtures.sync import sandbox_marketplace

from .graphql_utils import assert_permission_denied, gql, gql_data

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"

SUBMIT = """
mutation ($marketplaces: [ID!]!, $kinds: [AmazonFeedKind!]!) {
  amazonSubmitFeeds(marketplaceIds: $marketplaces, kinds: $kinds) {
    marketplaces { marketplaceId }
    errors { field code message }
  }
}
"""
SUBMISSIONS = """
query ($marketplace: ID) {
  amazonFeedSubmissions(marketplaceId: $marketplace, first: 20) {
    edges { node {
      kind status feedId messageCount acceptedCount invalidCount errorCount
      skippedCount error
      issues { sku code severity message attribute }
    } }
  }
}
"""
LISTING = """
query ($product: ID!, $marketplace: ID!) {
  amazonProductListing(productId: $product, marketplaceId: $marketplace) {
    skus { sku kind status sentValues acceptedValues issues { code message } }
    problems { sku kind severity reason attribute }
  }
}
"""
PRODUCT_OPTIONS_UPDATE = """
mutation ($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonProductOptionsUpdate(productId: $id, input: $input) {
    options {
      productTypes { marketplaceId productType }
      mappings { amazonAttribute sources }
      exclude
      issues { field message }
    }
    errors { field code message }
  }
}
"""
CATEGORY_OPTIONS_UPDATE = """
mutation ($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonCategoryOptionsUpdate(categoryId: $id, input: $input) {
    options { productTypes { marketplaceId productType } exclude }
    errors { field code message }
  }
}
"""
PRODUCT_OPTIONS = """
query ($id: ID!) {
  amazonProductOptions(productId: $id) {
    productTypes { marketplaceId productType } exclude issues { field message }
  }
}
"""
PRODUCT_TYPES = """
query ($marketplace: ID!, $keywords: String) {
  amazonProductTypes(marketplaceId: $marketplace, keywords: $keywords) {
    name displayName
  }
}
"""
VALIDATE = """
mutation ($product: ID!, $marketplace: ID!) {
  amazonValidateProduct(productId: $product, marketplaceId: $marketplace) {
    status issues { sku code severity message attributes }
    errors { field code message }
  }
}
"""


@pytest.fixture
def catalog_client(plugin_staff_client, permission_manage_products):
    plugin_staff_client.user.user_permissions.add(permission_manage_products)
    return plugin_staff_client


@pytest.fixture
def us_marketplace(amazon_sandbox_settings, channel_USD, warehouse):
    marketplace = sandbox_marketplace(
        channel_USD, [warehouse], secret="amzn1.oa2-cs.v1.catalog-test-secret"
    )
    for attribute, sources in (
        ("item_name", ["product.name"]),
        ("brand", ["metadata:brand", "literal:Acme"]),
        ("condition_type", ["literal:new_new"]),
    ):
        AmazonFieldMapping.objects.create(
            marketplace=marketplace, amazon_attribute=attribute, sources=sources
        )
    return marketplace


def gid(type_name, pk):
    return to_global_id(type_name, pk)


def set_product_type(client, product, product_type="LUGGAGE"):
    data = gql_data(
        client,
        PRODUCT_OPTIONS_UPDATE,
        {
            "id": gid("Product", product.pk),
            "input": {
                "productTypes": [{"marketplaceId": "*", "productType": product_type}]
            },
        },
    )
    assert data["amazonProductOptionsUpdate"]["errors"] == []


def submit(client, marketplace, kinds):
    data = gql_data(
        client,
        SUBMIT,
        {"marketplaces": [gid("AmazonMarketplace", marketplace.pk)], "kinds": kinds},
    )
    assert data["amazonSubmitFeeds"]["errors"] == []


def test_submission_round_trip_and_resubmission_sends_only_changes(
    catalog_client, us_marketplace, product, sandbox
):
    variant = product.variants.get()
    set_product_type(catalog_client, product)

    submit(catalog_client, us_marketplace, ["LISTINGS", "INVENTORY", "PRICES"])
    wait_for_submissions()

    submissions = gql_data(catalog_client, SUBMISSIONS)["amazonFeedSubmissions"][
        "edges"
    ]
    by_kind = {e["node"]["kind"]: e["node"] for e in submissions}
    assert set(by_kind) == {"LISTINGS", "INVENTORY", "PRICES"}
    for node in by_kind.values():
        assert node["status"] == "DONE", node
        assert node["feedId"]
        assert node["messageCount"] == node["acceptedCount"] == 1
        assert node["issues"] == []

    listing = {item["sku"]: item for item in sandbox.listings(US)}[variant.sku]
    attributes = listing["attributes"]
    assert attributes["item_name"][0]["value"] == product.name
    assert attributes["brand"][0]["value"] == "Acme"
    stock = variant.stocks.get()
    expected_quantity = stock.quantity - sum(
        a.quantity_allocated for a in stock.allocations.all()
    )
    assert attributes["fulfillment_availability"][0]["quantity"] == expected_quantity
    price = variant.channel_listings.get(channel=us_marketplace.channel).price_amount
    offer = attributes["purchasable_offer"][0]
    assert offer["currency"] == "USD"
    assert Decimal(str(offer["our_price"][0]["schedule"][0]["value_with_tax"])) == price

    state = gql_data(
        catalog_client,
        LISTING,
        {
            "product": gid("Product", product.pk),
            "marketplace": gid("AmazonMarketplace", us_marketplace.pk),
        },
    )["amazonProductListing"]
    assert {(s["kind"], s["status"]) for s in state["skus"]} == {
        ("LISTINGS", "ACCEPTED"),
        ("INVENTORY", "ACCEPTED"),
        ("PRICES", "ACCEPTED"),
    }
    # The values as sent, for the merchant to read next to Amazon's issues.
    sent = {s["kind"]: json.loads(s["sentValues"]) for s in state["skus"]}
    assert sent["LISTINGS"]["values"]["item_name"][0]["value"] == product.name
    assert sent["INVENTORY"]["quantity"] == expected_quantity

    # Nothing changed: a resubmission sends nothing.
    feeds_before = len(sandbox.feeds())
    submit(catalog_client, us_marketplace, ["LISTINGS", "INVENTORY", "PRICES"])
    wait_for_submissions()
    assert len(sandbox.feeds()) == feeds_before
    latest = AmazonFeedSubmission.objects.order_by("-pk")[:3]
    assert {s.status for s in latest} == {"EMPTY"}

    # A price change: the full listing (an UPDATE replaces the offer too) and
    # the price patch go out; the unchanged inventory does not.
    listing_obj = variant.channel_listings.get(channel=us_marketplace.channel)
    listing_obj.price_amount += 5
    listing_obj.save(update_fields=["price_amount"])
    submit(catalog_client, us_marketplace, ["LISTINGS", "INVENTORY", "PRICES"])
    wait_for_submissions()
    sent = [s for s in AmazonFeedSubmission.objects.order_by("-pk")[:3] if s.feed_id]
    assert sorted((s.kind, s.message_count, s.status) for s in sent) == [
        ("LISTINGS", 1, "DONE"),
        ("PRICES", 1, "DONE"),
    ]
    listing = {item["sku"]: item for item in sandbox.listings(US)}[variant.sku]
    new_price = listing["attributes"]["purchasable_offer"][0]["our_price"][0][
        "schedule"
    ][0]["value_with_tax"]
    assert Decimal(str(new_price)) == listing_obj.price_amount


def test_report_issues_are_recorded_per_sku(
    catalog_client, us_marketplace, product, sandbox
):
    # A product type Amazon does not know for this marketplace, written into
    # the metadata by another client (the plugin's own mutation refuses it):
    # nothing to validate locally, so Amazon's report has the final word.
    set_options(product, productType={"*": "NO_SUCH_TYPE"})
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    wait_for_submissions()

    node = gql_data(catalog_client, SUBMISSIONS)["amazonFeedSubmissions"]["edges"][0][
        "node"
    ]
    assert node["status"] == "DONE"
    assert node["invalidCount"] == 1
    sku = product.variants.get().sku
    assert [(i["sku"], i["severity"]) for i in node["issues"]] == [(sku, "ERROR")]
    assert "NO_SUCH_TYPE" in node["issues"][0]["message"]
    assert AmazonFeedIssue.objects.get().variant_id == product.variants.get().pk
    state = AmazonListingState.objects.get(kind="LISTINGS")
    assert state.status == "REJECTED"
    assert state.accepted_digest == ""


def test_skipped_products_are_explained(catalog_client, us_marketplace, product):
    # No product type chosen: the product is left out, with the reason.
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "EMPTY"
    assert submission.skipped_count == 1
    state = gql_data(
        catalog_client,
        LISTING,
        {
            "product": gid("Product", product.pk),
            "marketplace": gid("AmazonMarketplace", us_marketplace.pk),
        },
    )["amazonProductListing"]
    assert state["skus"] == []
    assert ["product type" in p["reason"] for p in state["problems"]] == [True]


def test_feed_quota_is_reported_with_next_slot(
    catalog_client, us_marketplace, product, sandbox
):
    from saleor_amazon_feeds.amazon_clients import limiter

    set_product_type(catalog_client, product)
    for _ in range(5):
        limiter().acquire_feed_submission(SELLER_ID, "NA", "JSON_LISTINGS_FEED")
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "ERROR"
    assert "next submission is possible at" in submission.error
    assert submission.next_check_at > timezone.now()
    assert sandbox.requests("createFeed") == []


def test_options_round_trip_and_validation(catalog_client, product, category):
    product_id = gid("Product", product.pk)
    product.store_value_in_private_metadata({"other.key": "kept"})
    product.save(update_fields=["private_metadata"])
    data = gql_data(
        catalog_client,
        PRODUCT_OPTIONS_UPDATE,
        {
            "id": product_id,
            "input": {
                "productTypes": [
                    {"marketplaceId": "*", "productType": "shirt"},
                    {"marketplaceId": US, "productType": "PRODUCT"},
                ],
                "mappings": [{"amazonAttribute": "brand", "sources": ["literal:Acme"]}],
            },
        },
    )["amazonProductOptionsUpdate"]
    assert data["errors"] == []
    assert data["options"]["productTypes"] == [
        {"marketplaceId": "*", "productType": "SHIRT"},
        {"marketplaceId": US, "productType": "PRODUCT"},
    ]
    product.refresh_from_db()
    assert product.private_metadata["other.key"] == "kept"

    for bad_input, field in (
        (
            {"productTypes": [{"marketplaceId": "NOPE", "productType": "X"}]},
            "productTypes[0].marketplaceId",
        ),
        (
            {"mappings": [{"amazonAttribute": "brandd", "sources": ["literal:x"]}]},
            "mappings[0].amazonAttribute",
        ),
        (
            {"mappings": [{"amazonAttribute": "brand", "sources": ["product.nope"]}]},
            "mappings[0].sources",
        ),
    ):
        data = gql_data(
            catalog_client,
            PRODUCT_OPTIONS_UPDATE,
            {"id": product_id, "input": bad_input},
        )["amazonProductOptionsUpdate"]
        assert [e["field"] for e in data["errors"]] == [field]

    data = gql_data(
        catalog_client,
        CATEGORY_OPTIONS_UPDATE,
        {"id": gid("Category", category.pk), "input": {"exclude": True}},
    )["amazonCategoryOptionsUpdate"]
    assert data["options"]["exclude"] is True

    # Malformed metadata written by another client is reported, not a crash.
    product.private_metadata["amazon_feeds.options"] = "{not json"
    product.save(update_fields=["private_metadata"])
    options = gql_data(catalog_client, PRODUCT_OPTIONS, {"id": product_id})[
        "amazonProductOptions"
    ]
    assert options["issues"][0]["field"] == "amazon_feeds.options"
    assert "not valid JSON" in options["issues"][0]["message"]


def test_product_types_search_and_validation_preview(
    catalog_client, us_marketplace, product, sandbox
):
    marketplace_id = gid("AmazonMarketplace", us_marketplace.pk)
    found = gql_data(
        catalog_client,
        PRODUCT_TYPES,
        {"marketplace": marketplace_id, "keywords": "shirt"},
    )["amazonProductTypes"]
    assert "SHIRT" in [p["name"] for p in found]

    set_product_type(catalog_client, product, "SHIRT")
    result = gql_data(
        catalog_client,
        VALIDATE,
        {"product": gid("Product", product.pk), "marketplace": marketplace_id},
    )["amazonValidateProduct"]
    assert result["status"] == "INVALID"
    # SHIRT needs far more than the marketplace mappings give: named per attribute.
    assert any("department" in i["attributes"] for i in result["issues"])


def test_catalog_operations_need_manage_products(
    plugin_staff_client, us_marketplace, product
):
    marketplace_id = gid("AmazonMarketplace", us_marketplace.pk)
    for query, variables in (
        (SUBMIT, {"marketplaces": [marketplace_id], "kinds": ["LISTINGS"]}),
        (SUBMISSIONS, {}),
        (
            LISTING,
            {"product": gid("Product", product.pk), "marketplace": marketplace_id},
        ),
        (PRODUCT_OPTIONS, {"id": gid("Product", product.pk)}),
    ):
        assert_permission_denied(gql(plugin_staff_client, query, variables))
    assert not AmazonFeedSubmission.objects.exists()


def test_deletions_for_excluded_and_deleted_products(
    catalog_client, us_marketplace, catalog_factory, sandbox
):
    excluded, shrinking, kept = catalog_factory(3, variants=1)
    for listed in (excluded, shrinking, kept):
        set_product_type(catalog_client, listed)
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    wait_for_submissions()
    sku = {p.pk: p.variants.get().sku for p in (excluded, shrinking, kept)}
    assert set(sku.values()) <= {item["sku"] for item in sandbox.listings(US)}

    data = gql_data(
        catalog_client,
        PRODUCT_OPTIONS_UPDATE,
        {"id": gid("Product", excluded.pk), "input": {"exclude": True}},
    )
    assert data["amazonProductOptionsUpdate"]["errors"] == []
    shrinking.variants.get().delete()

    submit(catalog_client, us_marketplace, ["DELETIONS"])
    wait_for_submissions()
    submission = AmazonFeedSubmission.objects.filter(kind="DELETIONS").get()
    assert (submission.status, submission.message_count) == ("DONE", 2)
    remaining = {item["sku"] for item in sandbox.listings(US)}
    assert sku[excluded.pk] not in remaining
    assert sku[shrinking.pk] not in remaining
    assert sku[kept.pk] in remaining
    deleted = AmazonListingState.objects.filter(status="DELETED")
    assert {s.sku for s in deleted} == {sku[excluded.pk], sku[shrinking.pk]}

    # Already deleted: nothing more to send.
    submit(catalog_client, us_marketplace, ["DELETIONS"])
    latest = AmazonFeedSubmission.objects.filter(kind="DELETIONS").latest("pk")
    assert latest.status == "EMPTY"


@pytest.mark.parametrize(
    ("fault", "status", "error"),
    [
        ("fatal_feeds", "FATAL", "Amazon rejected the whole feed"),
        ("broken_reports", "ERROR", "processing report could not be read"),
    ],
)
def test_amazon_faults_degrade_to_clear_statuses(
    catalog_client, us_marketplace, product, sandbox, fault, status, error
):
    set_product_type(catalog_client, product)
    sandbox.set_faults(**{fault: True})
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    wait_for_submissions()
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == status
    assert error in submission.error
    # Nothing counts as accepted, so the next submission sends it again.
    state = AmazonListingState.objects.get()
    assert state.accepted_digest == ""
    sandbox.set_faults(**{fault: False})
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    wait_for_submissions()
    assert AmazonFeedSubmission.objects.latest("pk").status == "DONE"
    assert AmazonListingState.objects.get().status == "ACCEPTED"


def _age_uploaded_submissions():
    AmazonFeedSubmission.objects.filter(status="UPLOADED").update(
        created_at=timezone.now() - timedelta(minutes=10)
    )


def test_crash_before_create_feed_is_recovered_without_loss(
    catalog_client, us_marketplace, product, sandbox
):
    set_product_type(catalog_client, product)
    # createFeed fails with a 5xx: Amazon may or may not have the feed.
    sandbox.set_faults(server_error_next=1, server_error_operations=["createFeed"])
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "UPLOADED"
    assert sandbox.feeds() == []

    _age_uploaded_submissions()
    assert recover_uploaded_submissions() == 1
    wait_for_submissions()
    submission.refresh_from_db()
    assert submission.status == "DONE"
    assert len(sandbox.feeds()) == 1
    assert AmazonListingState.objects.get().status == "ACCEPTED"


def test_crash_after_create_feed_adopts_the_feed_without_doubling(
    catalog_client, us_marketplace, product, sandbox
):
    set_product_type(catalog_client, product)
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    # The process died after Amazon created the feed, before it was recorded.
    AmazonFeedSubmission.objects.update(status="UPLOADED", feed_id="")
    feeds = sandbox.feeds()
    assert len(feeds) == 1

    _age_uploaded_submissions()
    recover_uploaded_submissions()
    wait_for_submissions()
    submission = AmazonFeedSubmission.objects.get()
    assert submission.status == "DONE"
    assert submission.feed_id == str(feeds[0]["feedId"])
    assert len(sandbox.feeds()) == 1
    assert len(sandbox.requests("createFeed")) == 1


def test_local_schema_issues_are_those_of_one_whole_validation(
    catalog_client, us_marketplace, product, sandbox
):
    """The per-attribute validator a submission uses reports exactly what one
    jsonschema pass over the whole listing reports."""
    set_product_type(catalog_client, product, "SHIRT")
    # A value breaking a pattern, besides the attributes SHIRT requires and
    # the product lacks (department, fabric type...).
    AmazonFieldMapping.objects.create(
        marketplace=us_marketplace,
        amazon_attribute="country_of_origin",
        sources=["literal:Germany"],
    )
    submit(catalog_client, us_marketplace, ["LISTINGS"])
    submission = AmazonFeedSubmission.objects.get(kind="LISTINGS")
    recorded = sorted(
        AmazonListingProblem.objects.filter(kind="LISTINGS").values_list(
            "sku", "attribute", "reason"
        )
    )

    # The same build, with a schema that only records what it is asked to
    # validate; then one whole-document pass over exactly that.
    definition = AmazonProductTypeDefinition.objects.get(
        marketplace_id=US, product_type="SHIRT"
    )
    asked: list[tuple[dict, dict]] = []

    class Recording(ProductTypeSchema):
        def validate(self, attributes, **kwargs):
            asked.append((copy.deepcopy(dict(attributes)), kwargs))
            return []

    recording = Recording(definition.schema, checksum=definition.checksum)
    list(
        iter_batches(
            us_marketplace, [FeedKind.LISTINGS], schema_provider=lambda _: recording
        )
    )
    sku = product.variants.get().sku
    whole = ProductTypeSchema(definition.schema)
    expected = sorted(
        (sku, issue.attribute, issue.message)
        for attributes, kwargs in asked
        for issue in whole.validate_whole(
            attributes, enforce_requirements=kwargs.get("enforce_requirements", True)
        )
    )
    assert asked
    assert {a for _, a, _ in expected} >= {"country_of_origin", "department"}
    assert recorded == expected
    assert submission.status == "EMPTY"
    assert submission.skipped_count == len(expected)
