import copy
import json
import threading
from decimal import Decimal

import pytest

from saleor_amazon_feeds.listings.messages import (
    VariantListing,
    list_price,
    purchasable_offer,
    variation_family,
)
from saleor_amazon_feeds.listings.schema_validation import (
    IssueCode,
    ProductTypeSchema,
    SchemaCache,
    checksum_matches,
)
from saleor_amazon_feeds.spapi_spec import load_json

# Every test here reads the synthetic SAMPLE_PRODUCT schema or the DE sample feed.
pytestmark = pytest.mark.spapi_samples

DE = "A1PA6795UKMFR9"
SCHEMA = "samples/SAMPLE_PRODUCT.ptd-schema.json"


@pytest.fixture(scope="module")
def schema() -> ProductTypeSchema:
    return ProductTypeSchema(load_json(SCHEMA))


@pytest.fixture
def valid() -> dict:
    feed = load_json("samples/sample-json-listings-feed.de.json")
    return copy.deepcopy(feed["messages"][0]["attributes"])


def codes(issues):
    return {(i.attribute, i.code) for i in issues}


def test_amazon_sample_listing_is_valid(schema, valid):
    assert schema.validate(valid) == []
    assert schema.is_valid(valid)


def test_missing_required_top_level_and_conditional(schema, valid):
    del valid["brand"]
    del valid["parentage_level"]
    del valid["externally_assigned_product_identifier"]
    issues = schema.validate(valid)
    assert codes(issues) == {
        ("brand", IssueCode.MISSING_REQUIRED),
        # child_parent_sku_relationship=variation requires parentage_level ...
        ("parentage_level", IssueCode.MISSING_REQUIRED),
        # ... and a non-parent requires a product identifier.
        ("externally_assigned_product_identifier", IssueCode.MISSING_REQUIRED),
    }
    brand = next(i for i in issues if i.attribute == "brand")
    assert brand.path == "/brand"
    assert brand.message == "Brand Name (brand) is required."


def test_not_enforced_requirements_still_checks_values(schema):
    attrs = {"item_name": [{"value": "x" * 201, "language_tag": "de_DE"}]}
    issues = schema.validate(attrs, enforce_requirements=False)
    assert [(i.path, i.code) for i in issues] == [
        ("/item_name/0/value", IssueCode.TOO_LONG)
    ]
    assert "201 characters" in issues[0].message
    assert schema.validate({}, enforce_requirements=False) == []


def test_too_long_by_utf8_bytes_only(schema, valid):
    # 150 characters (< maxLength 200) but 600 bytes (> maxUtf8ByteLength 400).
    valid["item_name"][0]["value"] = "👕" * 150
    (issue,) = schema.validate(valid)
    assert issue.attribute == "item_name"
    assert issue.path == "/item_name/0/value"
    assert issue.code is IssueCode.TOO_LONG
    assert "600 bytes" in issue.message
    assert "400" in issue.message
    valid["item_name"][0]["value"] = "ä" * 200  # 400 bytes: exactly at the limit
    assert schema.validate(valid) == []


def test_max_unique_items_by_selectors(schema, valid):
    second = {"value": "Andere", "language_tag": "de_DE", "marketplace_id": DE}
    valid["item_name"].append(second)
    (issue,) = schema.validate(valid)
    assert (issue.path, issue.code) == ("/item_name", IssueCode.TOO_MANY_VALUES)
    assert "marketplace_id=A1PA6795UKMFR9" in issue.message
    # A missing selector takes the schema default, so this is the same group.
    del second["marketplace_id"]
    assert codes(schema.validate(valid)) == {("item_name", IssueCode.TOO_MANY_VALUES)}
    # Different selector values are different groups, hence allowed.
    second["language_tag"] = "en_GB"
    assert schema.validate(valid) == []


def test_value_errors(schema, valid):
    valid["condition_type"][0]["value"] = "used_good"
    valid["fulfillment_availability"][0]["quantity"] = -1
    valid["fulfillment_availability"][0]["lead_time_to_ship_max_days"] = "2"
    valid["list_price"][0]["value_with_tax"] = Decimal("29.999")
    valid["color"][0]["extra"] = 1
    issues = {i.path: i for i in schema.validate(valid)}
    assert issues["/condition_type/0/value"].code is IssueCode.INVALID_VALUE
    assert "new_new" in issues["/condition_type/0/value"].message
    assert issues["/fulfillment_availability/0/quantity"].code is IssueCode.OUT_OF_RANGE
    lead = issues["/fulfillment_availability/0/lead_time_to_ship_max_days"]
    assert lead.code is IssueCode.INVALID_TYPE
    assert "whole number" in lead.message
    assert "multiple of 0.01" in issues["/list_price/0/value_with_tax"].message
    assert issues["/color/0"].code is IssueCode.UNKNOWN_FIELD


def test_prices_are_checked_as_decimals(schema, valid):
    # 19.99 / 0.01 is not an integer in binary floating point.
    valid["list_price"] = list_price("19.99", marketplace_id=DE, currency="EUR")
    valid["purchasable_offer"] = purchasable_offer(
        Decimal("0.29"), marketplace_id=DE, currency="EUR"
    )
    assert schema.validate(valid) == []
    valid["list_price"][0]["value_with_tax"] = 19.99  # a float from json.loads
    assert schema.validate(valid) == []


def test_date_formats_in_one_of(schema, valid):
    valid["fulfillment_availability"][0]["restock_date"] = "2026-03-01"
    assert schema.validate(valid) == []
    valid["fulfillment_availability"][0]["restock_date"] = "2026-03-01T10:00:00Z"
    assert schema.validate(valid) == []
    valid["fulfillment_availability"][0]["restock_date"] = "next week"
    (issue,) = schema.validate(valid)
    assert issue.code is IssueCode.INVALID_VALUE


def test_partial_validation_of_selected_attributes(schema):
    issues = schema.validate(
        {"color": [{"value": "Rot"}], "brand": "not a list"}, only=["color"]
    )
    assert [(i.path, i.code) for i in issues] == [
        ("/color/0/language_tag", IssueCode.MISSING_REQUIRED)
    ]


def test_generated_variation_family_against_sample_schema(schema, valid):
    common = {k: valid[k] for k in ("item_name", "brand", "condition_type")}
    child_attrs = {
        **common,
        "externally_assigned_product_identifier": valid[
            "externally_assigned_product_identifier"
        ],
    }
    parent, child = variation_family(
        "TSHIRT-P",
        "SAMPLE_PRODUCT",
        parent_attributes=common,
        variants=[VariantListing("TSHIRT-M", child_attrs, {"color": "Blau"})],
        theme_attributes=["color"],
        marketplace_id=DE,
        language_tag="de_DE",
        allowed_themes=schema.enum_values("variation_theme", "name"),
    )
    assert schema.validate(child.payload["attributes"]) == []
    # This synthetic sample requires child_parent_sku_relationship on parents
    # too; we send parents without it (no parent_sku to point to).
    assert codes(schema.validate(parent.payload["attributes"])) == {
        ("child_parent_sku_relationship", IssueCode.MISSING_REQUIRED)
    }
    assert (
        schema.validate(parent.payload["attributes"], enforce_requirements=False) == []
    )


def test_metadata(schema):
    assert schema.required == ("item_name", "brand", "condition_type")
    assert "color" in schema.attribute_names
    assert schema.title("item_name") == "Item Name"
    assert schema.title("nope") == "nope"
    assert schema.enum_values("condition_type") == ["new_new"]
    with pytest.raises(ValueError):
        ProductTypeSchema({"type": "object"})


def test_schema_cache_lru_and_loader():
    raw = json.dumps(load_json(SCHEMA)).encode()
    calls = []

    def loader(url):
        calls.append(url)
        return raw

    cache = SchemaCache(loader, maxsize=2)
    first = cache.get("https://x/a", "sum-a")
    assert cache.get("https://x/a", "sum-a") is first
    cache.get("https://x/b", "sum-b")
    cache.get("https://x/a", "sum-a")  # a is now most recent
    cache.get("https://x/c", "sum-c")  # evicts b
    assert "sum-b" not in cache
    assert "sum-a" in cache
    assert len(cache) == 2
    assert calls == ["https://x/a", "https://x/b", "https://x/c"]
    assert first.checksum == "sum-a"
    cache.clear()
    assert len(cache) == 0


def test_schema_cache_verifies_checksum_and_is_thread_safe():
    import base64
    import hashlib

    raw = json.dumps(load_json(SCHEMA)).encode()
    good = base64.b64encode(hashlib.md5(raw).digest()).decode()
    assert checksum_matches(raw, good)
    assert checksum_matches(raw, hashlib.md5(raw).hexdigest())
    cache = SchemaCache(lambda url: raw, verify_checksum=True)
    with pytest.raises(ValueError, match="checksum"):
        cache.get("u", "bogus")
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("u", good)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert len(cache) == 1
    assert results[0].validate({}, enforce_requirements=False) == []


def test_a_token_stands_for_its_value_only_while_the_attribute_holds_it(valid):
    # A schema of its own: its caches start empty.
    schema = ProductTypeSchema(load_json(SCHEMA))
    name = valid["item_name"]
    token = object()
    assert schema.validate(valid, keys={"item_name": (name, token)}) == []
    # The same token beside another object is not believed: the value is
    # checked, and its issue found.
    too_long = [{**name[0], "value": "👕" * 150}]
    issues = schema.validate(
        {**valid, "item_name": too_long}, keys={"item_name": (name, token)}
    )
    assert codes(issues) == {("item_name", IssueCode.TOO_LONG)}
    # A token first seen with a bad value keeps that value's outcome, exactly
    # what validating the value itself gives.
    bad_token = object()
    with_token = schema.validate(
        {**valid, "item_name": too_long}, keys={"item_name": (too_long, bad_token)}
    )
    again = schema.validate(
        {**valid, "item_name": too_long}, keys={"item_name": (too_long, bad_token)}
    )
    assert with_token == again == issues
    # Tokens feed the root rules' caches too: the outcome with and without
    # them is the same, with requirements enforced or not.
    del valid["brand"]
    tokens = {k: (v, object()) for k, v in valid.items()}
    for enforce in (True, False):
        plain = schema.validate(valid, enforce_requirements=enforce)
        assert (
            schema.validate(valid, enforce_requirements=enforce, keys=tokens) == plain
        )
        assert (
            schema.validate(valid, enforce_requirements=enforce, keys=tokens) == plain
        )


def test_a_validated_part_gives_what_validating_each_message_gives(valid):
    schema = ProductTypeSchema(load_json(SCHEMA))
    too_long = [{**valid["item_name"][0], "value": "👕" * 150}]
    # A product's shared attributes, one of them invalid, validated once.
    shared = {**valid, "item_name": too_long}
    del shared["brand"]
    part = schema.part(shared, {k: (v, object()) for k, v in shared.items()})
    fresh = ProductTypeSchema(load_json(SCHEMA))
    for message in (
        shared,  # every attribute from the part
        {**shared, "brand": valid["brand"]},  # one of its own beside them
        # The same name holding another object: validated on its own, the
        # part's outcome for item_name is not believed.
        {**shared, "item_name": copy.deepcopy(valid["item_name"])},
        {k: v for k, v in shared.items() if k != "item_name"},
    ):
        for enforce in (True, False):
            expected = fresh.validate(message, enforce_requirements=enforce)
            found = schema.validate(message, enforce_requirements=enforce, part=part)
            assert found == expected
    assert codes(schema.validate(shared, part=part)) >= {
        ("item_name", IssueCode.TOO_LONG),
        ("brand", IssueCode.MISSING_REQUIRED),
    }
