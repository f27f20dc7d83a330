"""Bad input and bad tokens get clear errors naming the field; nothing changes.

Each case was an "Internal server error." (a logged traceback) before; a test
that sees one fails, and so does one that finds the plugin's error logger
writing a traceback.
"""

import json
import logging
from datetime import timedelta

import pytest
from saleor.core.jwt import (
    JWT_ACCESS_TYPE,
    create_access_token,
    create_refresh_token,
    jwt_encode,
    jwt_user_payload,
)

from saleor_amazon_feeds.models import (
    AmazonAccount,
    AmazonMarketplace,
    AmazonShippingMapping,
)

from ..fixtures.security import GRAPHQL_PATH, gid

pytestmark = pytest.mark.django_db

ACCOUNT_CREATE = """
mutation Create($input: AmazonAccountCreateInput!) {
  amazonAccountCreate(input: $input) {
    account { id name lwaClientId }
    errors { field code message }
  }
}
"""
MARKETPLACE_UPDATE = """
mutation Update($id: ID!, $input: AmazonMarketplaceInput!) {
  amazonMarketplaceUpdate(id: $id, input: $input) {
    marketplace { stockBuffer maxQuantity handlingTime }
    errors { field code message }
  }
}
"""
BULK_DELETE = """
mutation Delete($ids: [ID!]!) {
  amazonShippingMappingBulkDelete(ids: $ids) { count errors { field code message } }
}
"""
FIELD_MAPPING_CREATE = """
mutation Map($input: AmazonFieldMappingCreateInput!) {
  amazonFieldMappingCreate(input: $input) {
    fieldMapping { id sources }
    errors { field code message }
  }
}
"""
VALIDATE = """
mutation Validate($productId: ID!, $marketplaceId: ID!) {
  amazonValidateProduct(productId: $productId, marketplaceId: $marketplaceId) {
    status issues { sku code severity message attributes }
    errors { field code message }
  }
}
"""
ACCOUNTS = "{ amazonAccounts { edges { node { id name } } } }"

SECRET = "amzn1.oa2-cs.v1.do-not-echo-me"


def account_input(**overrides):
    return {
        "name": "EU seller",
        "sellerId": "A3SANDBOXSELLR",
        "region": "NA",
        "environment": "LOCAL_SANDBOX",
        "lwaClientId": "amzn1.application-oa2-client.errors",
        "lwaClientSecret": SECRET,
        "refreshToken": "Atzr|errors-refresh",
        **overrides,
    }


@pytest.fixture
def no_tracebacks(caplog):
    """Fails the test when the plugin logged an unexpected failure."""
    caplog.set_level(logging.ERROR, logger="saleor_amazon_feeds")
    yield
    failures = [
        r for r in caplog.records if r.name.startswith("saleor_amazon_feeds.graphql")
    ]
    assert not failures, [r.getMessage() for r in failures]


@pytest.fixture
def channels_manager(caller):
    return caller("staff", {"MANAGE_CHANNELS"})


def _errors_of(body: dict, operation: str) -> list[dict]:
    return body["data"][operation]["errors"]


def _top_level_fields(body: dict) -> list[str]:
    return [
        e["field"]
        for error in body.get("errors", [])
        for e in error.get("extensions", {}).get("errors", [])
    ]


def _no_internal_error(body: dict) -> None:
    for error in body.get("errors", []):
        assert error["extensions"]["exceptionCode"] != "INTERNAL_ERROR", error
        assert error["message"] != "Internal server error.", error


# -- tokens --------------------------------------------------------------------


def _post_with_token(client, token: str):
    response = client.post(
        GRAPHQL_PATH,
        data=json.dumps({"query": ACCOUNTS}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"JWT {token}",
    )
    return response.status_code, response.json()


def test_expired_token_is_an_authentication_error(
    client, staff_user, amazon_feeds_plugin, no_tracebacks
):
    payload = jwt_user_payload(staff_user, JWT_ACCESS_TYPE, timedelta(seconds=-30))
    status, body = _post_with_token(client, jwt_encode(payload))
    assert status == 200
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["exceptionCode"] == "ExpiredSignatureError"
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in error["message"].lower()


def test_deactivated_users_token_is_an_authentication_error(
    client, staff_user, amazon_feeds_plugin, no_tracebacks
):
    token = create_access_token(staff_user)
    staff_user.is_active = False
    staff_user.save(update_fields=["is_active"])
    status, body = _post_with_token(client, token)
    assert status == 200
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "inactive" in error["message"]


def test_refresh_token_is_not_an_access_token(
    client, staff_user, amazon_feeds_plugin, no_tracebacks
):
    status, body = _post_with_token(client, create_refresh_token(staff_user))
    assert status == 200
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_token_signed_by_another_key_is_an_authentication_error(
    client, amazon_feeds_plugin, no_tracebacks
):
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        {"type": "access", "email": "a@example.com", "token": "x"},
        key,
        algorithm="RS256",
        headers={"kid": "not-saleors"},
    )
    status, body = _post_with_token(client, token)
    assert status == 200
    _no_internal_error(body)
    assert body["data"] is None or body["data"]["amazonAccounts"] is None


# -- variables -----------------------------------------------------------------


@pytest.fixture
def marketplace(plugin_world):
    return plugin_world.marketplace


@pytest.mark.parametrize(
    ("field", "value", "hint"),
    [
        ("stockBuffer", 3000000000, "between"),
        ("stockBuffer", -3000000000, "between"),
        ("maxQuantity", 10**30, "between"),
        ("handlingTime", "ten", "integer"),
        ("handlingTime", 1.5, "integer"),
        ("stockBuffer", True, "integer"),
        ("autoSync", "yes", "true or false"),
        ("syncScope", "EVERYTHING", "one of"),
        ("warehouseIds", [{"id": 1}], "string"),
        ("channelId", ["a", "b"], "string"),
    ],
)
def test_uncoercible_variables_name_the_field(
    marketplace, caller, field, value, hint, no_tracebacks
):
    before = AmazonMarketplace.objects.values().get(pk=marketplace.pk)
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(
        MARKETPLACE_UPDATE,
        {"id": gid("AmazonMarketplace", marketplace.pk), "input": {field: value}},
    )
    assert status == 400
    _no_internal_error(body)
    assert _top_level_fields(body)[0].startswith(field)
    assert hint in body["errors"][0]["message"]
    assert str(value) not in body["errors"][0]["message"]
    assert AmazonMarketplace.objects.values().get(pk=marketplace.pk) == before


def test_out_of_range_literal_in_the_query_text(marketplace, caller, no_tracebacks):
    query = MARKETPLACE_UPDATE.replace("$input: AmazonMarketplaceInput!", "").replace(
        "input: $input", "input: {stockBuffer: 99999999999}"
    )
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(
        query, {"id": gid("AmazonMarketplace", marketplace.pk)}
    )
    assert status == 400
    _no_internal_error(body)
    assert "99999999999" not in json.dumps(body)
    assert "stockBuffer" in body["errors"][0]["message"]


def test_unknown_input_field_is_named(marketplace, caller, no_tracebacks):
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(
        MARKETPLACE_UPDATE,
        {"id": gid("AmazonMarketplace", marketplace.pk), "input": {"stockbuffer": 1}},
    )
    assert status == 400
    assert _top_level_fields(body) == ["stockbuffer"]


def test_missing_required_variable_is_named(caller, no_tracebacks):
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(ACCOUNT_CREATE, {})
    assert status == 400
    assert _top_level_fields(body) == ["input"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("stockBuffer", 1_000_001),
        ("maxQuantity", -1),
        ("handlingTime", 0),
        ("handlingTime", 31),
        ("untrackedQuantity", -5),
    ],
)
def test_out_of_range_settings_name_the_field(
    marketplace, caller, field, value, no_tracebacks
):
    before = AmazonMarketplace.objects.values().get(pk=marketplace.pk)
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(
        MARKETPLACE_UPDATE,
        {"id": gid("AmazonMarketplace", marketplace.pk), "input": {field: value}},
    )
    assert status == 200
    errors = _errors_of(body, "amazonMarketplaceUpdate")
    assert [(e["field"], e["code"]) for e in errors] == [(field, "INVALID")]
    assert AmazonMarketplace.objects.values().get(pk=marketplace.pk) == before


# -- strings -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("lwaClientId", "a" * 257, "INVALID"),
        ("name", "x" * 251, "INVALID"),
        ("name", "Shop\x00", "INVALID"),
        ("name", "Shop\x07bell", "INVALID"),
        ("sellerId", "A3SANDBOX\x00", "INVALID"),
        ("lwaClientId", "amzn1.client\n", "INVALID"),
        ("refreshToken", "Atzr|token\n", "INVALID"),
        ("lwaClientSecret", "secret with spaces", "INVALID"),
        ("lwaClientSecret", "s" * 2049, "INVALID"),
        ("lwaClientSecret", "", "REQUIRED"),
        ("name", "   ", "REQUIRED"),
    ],
)
def test_account_strings_are_checked(
    channels_manager, field, value, code, no_tracebacks
):
    status, body = channels_manager.post(
        ACCOUNT_CREATE, {"input": account_input(**{field: value})}
    )
    assert status == 200
    errors = _errors_of(body, "amazonAccountCreate")
    assert [(e["field"], e["code"]) for e in errors] == [(field, code)]
    assert body["data"]["amazonAccountCreate"]["account"] is None
    assert not AmazonAccount.objects.exists()


@pytest.mark.parametrize(
    "secret",
    [f"{SECRET}\n", f"{SECRET} x", f"{SECRET}\x00", SECRET * 80],
    ids=["newline", "space", "nul", "too-long"],
)
def test_a_bad_secret_is_never_repeated(channels_manager, secret, no_tracebacks):
    status, body = channels_manager.post(
        ACCOUNT_CREATE, {"input": account_input(lwaClientSecret=secret)}
    )
    assert status == 200
    assert _errors_of(body, "amazonAccountCreate")[0]["field"] == "lwaClientSecret"
    assert "do-not-echo-me" not in json.dumps(body)


def test_a_secret_of_the_wrong_type_is_never_repeated(channels_manager, no_tracebacks):
    status, body = channels_manager.post(
        ACCOUNT_CREATE,
        {"input": account_input(lwaClientSecret=["do-not-echo-me", 987654321])},
    )
    assert status == 400
    assert _top_level_fields(body) == ["lwaClientSecret"]
    text = json.dumps(body)
    assert "do-not-echo-me" not in text
    assert "987654321" not in text


def test_a_secret_literal_in_the_query_text_is_never_repeated(
    channels_manager, no_tracebacks
):
    query = """mutation { amazonAccountCreate(input: {
        name: "x", sellerId: "A3SANDBOXSELLR", region: NA, lwaClientId: "c",
        lwaClientSecret: 424242424242, refreshToken: "r"}) { errors { field } } }"""
    status, body = channels_manager.post(query)
    assert status == 400
    assert "424242424242" not in json.dumps(body)


@pytest.mark.parametrize(
    ("sources", "fragment"),
    [
        (["literal:Acme\x00"], "NUL"),
        (["literal:Acme\x1b[31m"], "control"),
        (["literal:" + "x" * 1001], "1000"),
        (["product.name", "product.name"], "twice"),
        ([], "at least one"),
    ],
)
def test_mapping_sources_are_checked(
    marketplace, caller, sources, fragment, no_tracebacks
):
    status, body = caller("staff", {"MANAGE_PRODUCTS"}).post(
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": gid("AmazonMarketplace", marketplace.pk),
                "amazonAttribute": "item_name",
                "sources": sources,
            }
        },
    )
    assert status == 200
    (error,) = _errors_of(body, "amazonFieldMappingCreate")
    assert error["field"].startswith("sources")
    assert fragment in error["message"]
    assert not marketplace.field_mappings.filter(amazon_attribute="item_name").exists()


def test_nul_in_a_query_argument_is_named(marketplace, caller, no_tracebacks):
    status, body = caller("staff", {"MANAGE_PRODUCTS"}).post(
        '{ amazonProductTypes(marketplaceId: "abc\\u0000", keywords: "shirt") '
        "{ name } }"
    )
    assert status == 200
    assert _top_level_fields(body) == ["marketplaceId"]
    _no_internal_error(body)


# -- ids -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    [
        gid("AmazonShippingMapping", "abc"),
        gid("AmazonShippingMapping", "1.5"),
        gid("AmazonShippingMapping", "99999999999999999999999"),
        gid("AmazonShippingMapping", "-1"),
        gid("AmazonMarketplace", 1),
        "not base64 at all!",
        "",
    ],
)
def test_bulk_delete_refuses_malformed_ids_and_deletes_nothing(
    plugin_world, caller, bad_id, no_tracebacks
):
    mapping = AmazonShippingMapping.objects.get()
    status, body = caller("staff", {"MANAGE_ORDERS"}).post(
        BULK_DELETE, {"ids": [gid("AmazonShippingMapping", mapping.pk), bad_id]}
    )
    assert status == 200
    errors = _errors_of(body, "amazonShippingMappingBulkDelete")
    assert [(e["field"], e["code"]) for e in errors] == [("ids[1]", "INVALID")]
    assert AmazonShippingMapping.objects.filter(pk=mapping.pk).exists()


def test_bulk_delete_refuses_unknown_ids_and_deletes_nothing(
    plugin_world, caller, no_tracebacks
):
    mapping = AmazonShippingMapping.objects.get()
    status, body = caller("staff", {"MANAGE_ORDERS"}).post(
        BULK_DELETE,
        {
            "ids": [
                gid("AmazonShippingMapping", mapping.pk),
                gid("AmazonShippingMapping", mapping.pk + 1000),
            ]
        },
    )
    errors = _errors_of(body, "amazonShippingMappingBulkDelete")
    assert [(e["field"], e["code"]) for e in errors] == [("ids[1]", "NOT_FOUND")]
    assert body["data"]["amazonShippingMappingBulkDelete"]["count"] == 0
    assert AmazonShippingMapping.objects.filter(pk=mapping.pk).exists()

    status, body = caller("staff", {"MANAGE_ORDERS"}).post(
        BULK_DELETE, {"ids": [gid("AmazonShippingMapping", mapping.pk)]}
    )
    assert body["data"]["amazonShippingMappingBulkDelete"] == {
        "count": 1,
        "errors": [],
    }


@pytest.mark.parametrize(
    ("query", "field"),
    [
        (
            '{ amazonImportedOrders(marketplaceId: "%s") { edges { node { id } } } }',
            "marketplaceId",
        ),
        ('{ amazonShipmentConfirmations(orderId: "%s") { id } }', "orderId"),
        ('{ amazonOrderImport(id: "%s") { id } }', "id"),
    ],
)
@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        gid("AmazonMarketplace", "x"),
        gid("Order", "12"),
        gid("AmazonOrderImport", "1e3"),
    ],
)
def test_malformed_ids_in_queries_are_named(
    plugin_world, caller, query, field, value, no_tracebacks
):
    status, body = caller("staff", {"MANAGE_ORDERS"}).post(query % value)
    assert status == 200
    _no_internal_error(body)
    assert _top_level_fields(body) == [field]


def test_pagination_cursor_and_size_are_checked(plugin_world, caller, no_tracebacks):
    who = caller("staff", {"MANAGE_CHANNELS"})
    for arguments, field in (
        ('after: "bm90IGEgY3Vyc29y"', "after"),
        ('after: "cGs6OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="', "after"),
        ("first: 101", "first"),
        ("first: -1", "first"),
    ):
        status, body = who.post(
            f"{{ amazonAccounts({arguments}) {{ edges {{ cursor }} }} }}"
        )
        assert status == 200
        assert _top_level_fields(body) == [field], body


# -- Amazon calls with money ---------------------------------------------------


def test_validate_product_sends_prices_to_amazon(
    sync_marketplace, listable_product, caller, no_tracebacks
):
    """The preview body carries Decimal prices; it must reach Amazon."""
    status, body = caller("staff", {"MANAGE_PRODUCTS"}).post(
        VALIDATE,
        {
            "productId": gid("Product", listable_product.pk),
            "marketplaceId": gid("AmazonMarketplace", sync_marketplace.pk),
        },
    )
    assert status == 200, body
    assert "errors" not in body, body
    result = body["data"]["amazonValidateProduct"]
    assert result["errors"] == []
    assert result["status"] in ("VALID", "INVALID")
    assert all(i["code"] != "NOT_EXPORTABLE" for i in result["issues"]), result
