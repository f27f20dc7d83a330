"""Validation round trips through the API: what is accepted reads back as
written, and the writer refuses exactly what the reader would report."""

import json

import pytest

from saleor_amazon_feeds.mapping.options import OPTIONS_KEY
from saleor_amazon_feeds.models import AmazonAccount, AmazonMarketplace

from ..fixtures.security import gid

pytestmark = pytest.mark.django_db

OPTIONS_UPDATE = """
mutation Update($id: ID!, $input: AmazonCatalogOptionsInput!) {
  amazonProductOptionsUpdate(productId: $id, input: $input) {
    options { productTypes { marketplaceId productType } exclude
              mappings { amazonAttribute sources } issues { field message } }
    errors { field code message }
  }
}
"""
OPTIONS_READ = """
query Read($id: ID!) {
  amazonProductOptions(productId: $id) {
    productTypes { marketplaceId productType }
    mappings { amazonAttribute sources }
    issues { field message }
  }
}
"""
ACCOUNT_CREATE = """
mutation Create($input: AmazonAccountCreateInput!) {
  amazonAccountCreate(input: $input) {
    account { id name lwaClientId hasClientSecret hasRefreshToken }
    errors { field code message }
  }
}
"""
MARKETPLACE_UPDATE = """
mutation Update($id: ID!, $input: AmazonMarketplaceInput!) {
  amazonMarketplaceUpdate(id: $id, input: $input) {
    marketplace { untrackedQuantity maxQuantity stockBuffer autoImportOrders }
    errors { field code message }
  }
}
"""


@pytest.fixture
def products_manager(caller):
    return caller("staff", {"MANAGE_PRODUCTS"})


def _product_types(choices):
    return {
        "productTypes": [{"marketplaceId": m, "productType": p} for m, p in choices]
    }


def test_accepted_product_types_read_back_as_stored(
    plugin_world, product, products_manager
):
    product_id = gid("Product", product.pk)
    status, body = products_manager.post(
        OPTIONS_UPDATE,
        {
            "id": product_id,
            "input": {
                **_product_types([("ATVPDKIKX0DER", " shirt "), ("*", "LUGGAGE")]),
                "mappings": [
                    {
                        "amazonAttribute": "brand",
                        "sources": [" literal:Acme ✓", "product.name"],
                    }
                ],
            },
        },
    )
    result = body["data"]["amazonProductOptionsUpdate"]
    assert result["errors"] == []
    status, read = products_manager.post(OPTIONS_READ, {"id": product_id})
    options = read["data"]["amazonProductOptions"]
    assert options["productTypes"] == [
        {"marketplaceId": "*", "productType": "LUGGAGE"},
        {"marketplaceId": "ATVPDKIKX0DER", "productType": "SHIRT"},
    ]
    assert options["mappings"] == [
        {"amazonAttribute": "brand", "sources": ["literal:Acme ✓", "product.name"]}
    ]
    assert options["issues"] == []


@pytest.mark.parametrize("name", ["シャツ", "ÄÖÜ", "straße", "t shirt", "SHIRT!", ""])
def test_product_types_the_reader_would_refuse_are_refused(
    plugin_world, product, products_manager, name
):
    before = dict(product.private_metadata)
    status, body = products_manager.post(
        OPTIONS_UPDATE,
        {"id": gid("Product", product.pk), "input": _product_types([("*", name)])},
    )
    errors = body["data"]["amazonProductOptionsUpdate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("productTypes[0].productType", "INVALID")
    ]
    product.refresh_from_db()
    assert product.private_metadata == before

    # The same value written by another client is reported by the reader.
    product.store_value_in_private_metadata(
        {OPTIONS_KEY: json.dumps({"productType": {"*": name}})}
    )
    product.save(update_fields=["private_metadata"])
    status, read = products_manager.post(
        OPTIONS_READ, {"id": gid("Product", product.pk)}
    )
    options = read["data"]["amazonProductOptions"]
    assert options["productTypes"] == []
    assert [i["field"] for i in options["issues"]] == ["productType.*"]


def test_a_product_type_amazon_does_not_offer_is_refused(
    plugin_world, product, products_manager
):
    before = dict(product.private_metadata)
    status, body = products_manager.post(
        OPTIONS_UPDATE,
        {
            "id": gid("Product", product.pk),
            "input": _product_types([("ATVPDKIKX0DER", "DRESS")]),
        },
    )
    (error,) = body["data"]["amazonProductOptionsUpdate"]["errors"]
    assert error["field"] == "productTypes[0].productType"
    assert error["code"] == "UNKNOWN_PRODUCT_TYPE"
    assert "DRESS" in error["message"]
    product.refresh_from_db()
    assert product.private_metadata == before


def test_a_marketplace_twice_in_one_list_is_refused(
    plugin_world, product, products_manager
):
    status, body = products_manager.post(
        OPTIONS_UPDATE,
        {
            "id": gid("Product", product.pk),
            "input": _product_types([("*", "SHIRT"), ("*", "LUGGAGE")]),
        },
    )
    errors = body["data"]["amazonProductOptionsUpdate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("productTypes[1].marketplaceId", "UNIQUE")
    ]


def test_account_values_read_back_exactly(caller, amazon_sandbox_settings):
    who = caller("staff", {"MANAGE_CHANNELS"})
    client_id = "amzn1.application-oa2-client." + "a" * 200
    status, body = who.post(
        ACCOUNT_CREATE,
        {
            "input": {
                "name": "  Händler ✓ シャツ  ",
                "sellerId": " A3SANDBOXSELLR ",
                "region": "EU",
                "environment": "LOCAL_SANDBOX",
                "lwaClientId": client_id,
                "lwaClientSecret": "amzn1.oa2-cs.v1.~!#$%^&*()",
                "refreshToken": "Atzr|IwEBI-_.",
            }
        },
    )
    result = body["data"]["amazonAccountCreate"]
    assert result["errors"] == []
    assert result["account"]["name"] == "Händler ✓ シャツ"
    assert result["account"]["lwaClientId"] == client_id
    account = AmazonAccount.objects.get()
    assert account.seller_id == "A3SANDBOXSELLR"
    assert account.lwa_client_secret == "amzn1.oa2-cs.v1.~!#$%^&*()"
    assert account.refresh_token == "Atzr|IwEBI-_."
    # Secrets live only as ciphertext.
    assert "IwEBI" not in account.refresh_token_encrypted


def test_marketplace_settings_read_back(plugin_world, caller):
    marketplace = plugin_world.marketplace
    who = caller("staff", {"MANAGE_CHANNELS"})
    status, body = who.post(
        MARKETPLACE_UPDATE,
        {
            "id": gid("AmazonMarketplace", marketplace.pk),
            "input": {"untrackedQuantity": 7, "maxQuantity": None, "stockBuffer": 0},
        },
    )
    result = body["data"]["amazonMarketplaceUpdate"]
    assert result["errors"] == []
    assert result["marketplace"] == {
        "untrackedQuantity": 7,
        "maxQuantity": None,
        "stockBuffer": 0,
        "autoImportOrders": False,
    }
    marketplace.refresh_from_db()
    assert (marketplace.untracked_quantity, marketplace.max_quantity) == (7, None)


def test_automatic_order_import_is_off_until_an_orders_manager_switches_it_on(
    plugin_world, caller
):
    marketplace = plugin_world.marketplace
    assert AmazonMarketplace._meta.get_field("auto_import_orders").default is False
    variables = {
        "id": gid("AmazonMarketplace", marketplace.pk),
        "input": {"autoImportOrders": True},
    }
    status, body = caller("staff", {"MANAGE_CHANNELS"}).post(
        MARKETPLACE_UPDATE, variables
    )
    assert body["errors"][0]["extensions"]["exceptionCode"] == "PermissionDenied"
    marketplace.refresh_from_db()
    assert marketplace.auto_import_orders is False

    status, body = caller("staff", {"MANAGE_CHANNELS", "MANAGE_ORDERS"}).post(
        MARKETPLACE_UPDATE, variables
    )
    assert body["data"]["amazonMarketplaceUpdate"]["errors"] == []
    marketplace.refresh_from_db()
    assert marketplace.auto_import_orders is True
