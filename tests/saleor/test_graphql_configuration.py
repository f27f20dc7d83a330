"""The marketplace configuration flow through the plugin's GraphQL endpoint."""

import json
import logging

import pytest
from django.db import connection
from graphql_relay import to_global_id
from saleor.channel.models import Channel

from saleor_amazon_feeds.graphql.print_schema import SCHEMA_FILE, printed_schema
from saleor_amazon_feeds.models import AmazonAccount, AmazonMarketplace
from tests.fixtures.sandbox import SELLER_ID

from .graphql_utils import gql, gql_data

pytestmark = pytest.mark.django_db

US = "ATVPDKIKX0DER"
CLIENT_SECRET = "amzn1.oa2-cs.v1.topsecretclientsecret0123456789"
REFRESH_TOKEN = "Atzr|IwEBIrefreshtokenthatmustneverleak0123456789"

ACCOUNT_FIELDS = """
  id name sellerId region environment lwaClientId hasClientSecret hasRefreshToken
"""
MARKETPLACE_FIELDS = """
  id marketplaceId country currency status lastError checkedAt stockBuffer
  maxQuantity handlingTime autoSync syncScope autoImportOrders
  channel { id name } warehouses { id name }
"""

ACCOUNT_CREATE = f"""
mutation ($input: AmazonAccountCreateInput!) {{
  amazonAccountCreate(input: $input) {{
    account {{ {ACCOUNT_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
AVAILABLE = """
query ($id: ID!) {
  amazonAvailableMarketplaces(accountId: $id) {
    id name country currency participating supported configured
  }
}
"""
MARKETPLACE_CREATE = f"""
mutation ($input: AmazonMarketplaceCreateInput!) {{
  amazonMarketplaceCreate(input: $input) {{
    marketplace {{ {MARKETPLACE_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
MARKETPLACE_UPDATE = f"""
mutation ($id: ID!, $input: AmazonMarketplaceInput!) {{
  amazonMarketplaceUpdate(id: $id, input: $input) {{
    marketplace {{ {MARKETPLACE_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
MARKETPLACE_CHECK = f"""
mutation ($id: ID!) {{
  amazonMarketplaceCheck(id: $id) {{
    marketplace {{ {MARKETPLACE_FIELDS} }}
    errors {{ field code message }}
  }}
}}
"""
MARKETPLACE_QUERY = f"""
query ($id: ID!) {{
  amazonMarketplace(id: $id) {{
    {MARKETPLACE_FIELDS}
    account {{ id sellerId }}
    fieldMappings {{ id amazonAttribute sources }}
    shippingMappings {{
      id serviceLevel shippingZone {{ id name }} shippingMethod {{ id name }}
    }}
  }}
}}
"""
FIELD_MAPPING_CREATE = """
mutation ($input: AmazonFieldMappingCreateInput!) {
  amazonFieldMappingCreate(input: $input) {
    fieldMapping { id amazonAttribute sources }
    errors { field code message }
  }
}
"""
FIELD_MAPPING_DELETE = """
mutation ($id: ID!) {
  amazonFieldMappingDelete(id: $id) { fieldMapping { id } errors { field code } }
}
"""
SHIPPING_MAPPING_CREATE = """
mutation ($input: AmazonShippingMappingCreateInput!) {
  amazonShippingMappingCreate(input: $input) {
    shippingMapping {
      id serviceLevel shippingZone { name } shippingMethod { name }
    }
    errors { field code message }
  }
}
"""
SHIPPING_MAPPING_BULK_DELETE = """
mutation ($ids: [ID!]!) {
  amazonShippingMappingBulkDelete(ids: $ids) { count errors { field code } }
}
"""
ACCOUNTS = f"""
query ($first: Int, $after: String) {{
  amazonAccounts(first: $first, after: $after) {{
    edges {{ cursor node {{ {ACCOUNT_FIELDS} marketplaces {{ marketplaceId }} }} }}
    pageInfo {{ hasNextPage endCursor }}
  }}
}}
"""
MARKETPLACES = """
query ($first: Int, $after: String, $accountId: ID) {
  amazonMarketplaces(first: $first, after: $after, accountId: $accountId) {
    edges { node { id marketplaceId status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
DELETE_MARKETPLACE = """
mutation ($id: ID!) {
  amazonMarketplaceDelete(id: $id) { marketplace { id } errors { field code } }
}
"""
DELETE_ACCOUNT = """
mutation ($id: ID!) {
  amazonAccountDelete(id: $id) { account { id } errors { field code } }
}
"""


def account_input(**overrides):
    return {
        "name": "Sandbox seller",
        "sellerId": SELLER_ID,
        "region": "NA",
        "environment": "LOCAL_SANDBOX",
        "lwaClientId": "amzn1.application-oa2-client.test",
        "lwaClientSecret": CLIENT_SECRET,
        "refreshToken": REFRESH_TOKEN,
        **overrides,
    }


def gid(type_name, pk):
    return to_global_id(type_name, pk)


@pytest.fixture
def manager_client(
    plugin_staff_client,
    permission_manage_channels,
    permission_manage_products,
    permission_manage_orders,
):
    plugin_staff_client.user.user_permissions.add(
        permission_manage_channels, permission_manage_products, permission_manage_orders
    )
    return plugin_staff_client


@pytest.fixture
def account_id(manager_client):
    data = gql_data(manager_client, ACCOUNT_CREATE, {"input": account_input()})
    assert data["amazonAccountCreate"]["errors"] == []
    return data["amazonAccountCreate"]["account"]["id"]


@pytest.fixture
def marketplace_id(manager_client, account_id, channel_USD, warehouse):
    data = gql_data(
        manager_client,
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": account_id,
                "marketplaceId": US,
                "channelId": gid("Channel", channel_USD.pk),
                "warehouseIds": [gid("Warehouse", warehouse.pk)],
            }
        },
    )
    assert data["amazonMarketplaceCreate"]["errors"] == []
    return data["amazonMarketplaceCreate"]["marketplace"]["id"]


def test_full_configure_flow(
    manager_client, sandbox, channel_USD, warehouse, shipping_zone, color_attribute
):
    # Register the account: secrets are accepted but never returned.
    data = gql_data(manager_client, ACCOUNT_CREATE, {"input": account_input()})
    result = data["amazonAccountCreate"]
    assert result["errors"] == []
    account = result["account"]
    assert account["sellerId"] == SELLER_ID
    assert account["hasClientSecret"] is True
    assert account["hasRefreshToken"] is True

    # "Get available marketplaces": live from the sandbox's Sellers API.
    available = gql_data(manager_client, AVAILABLE, {"id": account["id"]})[
        "amazonAvailableMarketplaces"
    ]
    by_id = {m["id"]: m for m in available}
    assert by_id[US]["participating"] is True
    assert by_id[US]["currency"] == "USD"
    assert by_id[US]["configured"] is False
    assert by_id[US]["supported"] is True
    assert sandbox.requests("getMarketplaceParticipations")

    # Saving the marketplace verifies the credentials: CONFIGURED.
    data = gql_data(
        manager_client,
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": account["id"],
                "marketplaceId": US,
                "channelId": gid("Channel", channel_USD.pk),
                "warehouseIds": [gid("Warehouse", warehouse.pk)],
                "stockBuffer": 2,
                "maxQuantity": 50,
                "handlingTime": 3,
                "syncScope": "INVENTORY",
                "autoImportOrders": False,
            }
        },
    )
    result = data["amazonMarketplaceCreate"]
    assert result["errors"] == []
    marketplace = result["marketplace"]
    assert marketplace["status"] == "CONFIGURED"
    assert marketplace["lastError"] == ""
    assert marketplace["checkedAt"]
    assert (marketplace["country"], marketplace["currency"]) == ("US", "USD")
    assert marketplace["channel"]["id"] == gid("Channel", channel_USD.pk)
    assert [w["name"] for w in marketplace["warehouses"]] == [warehouse.name]
    assert (marketplace["stockBuffer"], marketplace["maxQuantity"]) == (2, 50)
    assert marketplace["syncScope"] == "INVENTORY"
    assert marketplace["autoImportOrders"] is False

    available = gql_data(manager_client, AVAILABLE, {"id": account["id"]})[
        "amazonAvailableMarketplaces"
    ]
    assert {m["id"]: m["configured"] for m in available}[US] is True

    # Field mappings: ordered sources, first non-empty wins.
    data = gql_data(
        manager_client,
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": marketplace["id"],
                "amazonAttribute": "brand",
                "sources": ["metadata:brand", "attribute:color", "literal:Acme"],
            }
        },
    )
    assert data["amazonFieldMappingCreate"]["errors"] == []
    brand_mapping = data["amazonFieldMappingCreate"]["fieldMapping"]
    assert brand_mapping["sources"] == [
        "metadata:brand",
        "attribute:color",
        "literal:Acme",
    ]
    gql_data(
        manager_client,
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": marketplace["id"],
                "amazonAttribute": "item_name",
                "sources": ["variant.name", "product.name"],
            }
        },
    )

    # Shipping mappings: two service levels in one zone, then delete selected.
    method = shipping_zone.shipping_methods.get()
    mapping_ids = []
    for level in ("STANDARD", "EXPEDITED"):
        data = gql_data(
            manager_client,
            SHIPPING_MAPPING_CREATE,
            {
                "input": {
                    "marketplaceId": marketplace["id"],
                    "serviceLevel": level,
                    "shippingZoneId": gid("ShippingZone", shipping_zone.pk),
                    "shippingMethodId": gid("ShippingMethodType", method.pk),
                }
            },
        )
        result = data["amazonShippingMappingCreate"]
        assert result["errors"] == []
        assert result["shippingMapping"]["shippingMethod"]["name"] == method.name
        mapping_ids.append(result["shippingMapping"]["id"])

    detail = gql_data(manager_client, MARKETPLACE_QUERY, {"id": marketplace["id"]})[
        "amazonMarketplace"
    ]
    assert [m["amazonAttribute"] for m in detail["fieldMappings"]] == [
        "brand",
        "item_name",
    ]
    assert [m["serviceLevel"] for m in detail["shippingMappings"]] == [
        "STANDARD",
        "EXPEDITED",
    ]

    data = gql_data(
        manager_client, SHIPPING_MAPPING_BULK_DELETE, {"ids": mapping_ids[:1]}
    )
    assert data["amazonShippingMappingBulkDelete"] == {"count": 1, "errors": []}
    data = gql_data(manager_client, FIELD_MAPPING_DELETE, {"id": brand_mapping["id"]})
    assert data["amazonFieldMappingDelete"]["errors"] == []
    detail = gql_data(manager_client, MARKETPLACE_QUERY, {"id": marketplace["id"]})[
        "amazonMarketplace"
    ]
    assert [m["id"] for m in detail["shippingMappings"]] == mapping_ids[1:]
    assert [m["amazonAttribute"] for m in detail["fieldMappings"]] == ["item_name"]

    # Update re-verifies and keeps what was not sent.
    data = gql_data(
        manager_client,
        MARKETPLACE_UPDATE,
        {"id": marketplace["id"], "input": {"stockBuffer": 5, "syncScope": "ALL"}},
    )
    updated = data["amazonMarketplaceUpdate"]["marketplace"]
    assert (updated["stockBuffer"], updated["maxQuantity"]) == (5, 50)
    assert updated["syncScope"] == "ALL"
    assert updated["status"] == "CONFIGURED"

    accounts = gql_data(manager_client, ACCOUNTS)["amazonAccounts"]["edges"]
    assert [a["node"]["marketplaces"] for a in accounts] == [[{"marketplaceId": US}]]

    data = gql_data(manager_client, DELETE_MARKETPLACE, {"id": marketplace["id"]})
    assert data["amazonMarketplaceDelete"]["errors"] == []
    assert not AmazonMarketplace.objects.exists()
    data = gql_data(manager_client, DELETE_ACCOUNT, {"id": account["id"]})
    assert data["amazonAccountDelete"]["account"]["id"] == account["id"]
    assert not AmazonAccount.objects.exists()


def test_connections_paginate_with_first_and_after(manager_client):
    for index in range(3):
        gql_data(
            manager_client,
            ACCOUNT_CREATE,
            {
                "input": account_input(
                    name=f"Seller {index}", sellerId=f"SELLER0000{index}"
                )
            },
        )
    page = gql_data(manager_client, ACCOUNTS, {"first": 2})["amazonAccounts"]
    assert [e["node"]["name"] for e in page["edges"]] == ["Seller 0", "Seller 1"]
    assert page["pageInfo"]["hasNextPage"] is True
    page = gql_data(
        manager_client, ACCOUNTS, {"first": 2, "after": page["pageInfo"]["endCursor"]}
    )["amazonAccounts"]
    assert [e["node"]["name"] for e in page["edges"]] == ["Seller 2"]
    assert page["pageInfo"]["hasNextPage"] is False

    body = gql(manager_client, ACCOUNTS, {"first": 1000})
    assert "between 0 and 100" in body["errors"][0]["message"]


def test_marketplace_error_status_when_sandbox_revokes_token(
    manager_client, marketplace_id, sandbox
):
    sandbox.set_faults(revoked_refresh_token=True)
    data = gql_data(manager_client, MARKETPLACE_CHECK, {"id": marketplace_id})
    marketplace = data["amazonMarketplaceCheck"]["marketplace"]
    assert marketplace["status"] == "ERROR"
    assert "refresh token" in marketplace["lastError"]
    assert "invalid_grant" in marketplace["lastError"]

    # Once the seller authorises again, a check brings it back.
    sandbox.set_faults(revoked_refresh_token=False)
    data = gql_data(manager_client, MARKETPLACE_CHECK, {"id": marketplace_id})
    assert data["amazonMarketplaceCheck"]["marketplace"]["status"] == "CONFIGURED"


def test_new_marketplace_with_rejected_credentials_is_saved_as_error(
    manager_client, account_id, sandbox, channel_USD, warehouse
):
    sandbox.set_faults(revoked_refresh_token=True)
    data = gql_data(
        manager_client,
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": account_id,
                "marketplaceId": US,
                "channelId": gid("Channel", channel_USD.pk),
                "warehouseIds": [gid("Warehouse", warehouse.pk)],
            }
        },
    )
    marketplace = data["amazonMarketplaceCreate"]["marketplace"]
    assert marketplace["status"] == "ERROR"
    assert "invalid_grant" in marketplace["lastError"]


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"marketplaceId": "A0NOTREAL00000"}, "marketplaceId", "UNKNOWN_MARKETPLACE"),
        ({"marketplaceId": "A1PA6795UKMFR9"}, "marketplaceId", "REGION_MISMATCH"),
        # Mexico is in NA, but the sandbox seller does not sell there.
        (
            {"marketplaceId": "A1AM78C64UM0Y8", "channelId": "mxn"},
            "marketplaceId",
            "NOT_PARTICIPATING",
        ),
        ({"channelId": "pln"}, "channelId", "CURRENCY_MISMATCH"),
        ({"channelId": gid("Channel", 0)}, "channelId", "NOT_FOUND"),
        ({"channelId": gid("Product", 1)}, "channelId", "INVALID"),
        ({"warehouseIds": []}, "warehouseIds", "REQUIRED"),
        ({"warehouseIds": "other"}, "warehouseIds", "WAREHOUSE_NOT_IN_CHANNEL"),
        ({"handlingTime": 45}, "handlingTime", "INVALID"),
        ({"stockBuffer": -1}, "stockBuffer", "INVALID"),
    ],
)
def test_marketplace_create_validation(
    manager_client,
    account_id,
    channel_USD,
    channel_PLN,
    warehouse,
    warehouse_JPY,
    overrides,
    field,
    code,
):
    variables = {
        "accountId": account_id,
        "marketplaceId": US,
        "channelId": gid("Channel", channel_USD.pk),
        "warehouseIds": [gid("Warehouse", warehouse.pk)],
    }
    if overrides.get("channelId") == "pln":
        overrides = {"channelId": gid("Channel", channel_PLN.pk)}
    if overrides.get("channelId") == "mxn":
        channel_MXN = Channel.objects.create(
            name="Mexico", slug="mx", currency_code="MXN", default_country="MX"
        )
        channel_MXN.warehouses.add(warehouse)
        overrides["channelId"] = gid("Channel", channel_MXN.pk)
    if overrides.get("warehouseIds") == "other":
        overrides = {"warehouseIds": [gid("Warehouse", warehouse_JPY.pk)]}
    variables.update(overrides)
    data = gql_data(manager_client, MARKETPLACE_CREATE, {"input": variables})
    result = data["amazonMarketplaceCreate"]
    assert result["marketplace"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert result["errors"][0]["message"]
    assert not AmazonMarketplace.objects.exists()


def test_duplicate_marketplace_rejected(
    manager_client, account_id, marketplace_id, channel_USD, warehouse
):
    data = gql_data(
        manager_client,
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": account_id,
                "marketplaceId": US,
                "channelId": gid("Channel", channel_USD.pk),
                "warehouseIds": [gid("Warehouse", warehouse.pk)],
            }
        },
    )
    errors = data["amazonMarketplaceCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("marketplaceId", "UNIQUE")]
    assert AmazonMarketplace.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"sellerId": "not a seller"}, "sellerId", "INVALID"),
        ({"lwaClientSecret": ""}, "lwaClientSecret", "REQUIRED"),
        ({"refreshToken": "has spaces in it"}, "refreshToken", "INVALID"),
        ({"name": "  "}, "name", "REQUIRED"),
    ],
)
def test_account_create_validation(manager_client, overrides, field, code):
    data = gql_data(
        manager_client, ACCOUNT_CREATE, {"input": account_input(**overrides)}
    )
    errors = data["amazonAccountCreate"]["errors"]
    assert (field, code) in [(e["field"], e["code"]) for e in errors]
    assert not AmazonAccount.objects.exists()


def test_duplicate_account_and_sandbox_not_configured(manager_client, settings):
    gql_data(manager_client, ACCOUNT_CREATE, {"input": account_input()})
    data = gql_data(manager_client, ACCOUNT_CREATE, {"input": account_input()})
    errors = data["amazonAccountCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("sellerId", "UNIQUE")]

    settings.AMAZON_FEEDS_SANDBOX_URL = ""
    data = gql_data(
        manager_client, ACCOUNT_CREATE, {"input": account_input(sellerId="OTHER00001")}
    )
    errors = data["amazonAccountCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [
        ("environment", "SANDBOX_NOT_CONFIGURED")
    ]


@pytest.mark.parametrize(
    ("attribute", "sources", "field", "code"),
    [
        ("item_nam", ["product.name"], "amazonAttribute", "UNKNOWN_ATTRIBUTE"),
        ("purchasable_offer", ["product.name"], "amazonAttribute", "UNKNOWN_ATTRIBUTE"),
        ("brand", ["product.colour"], "sources", "UNKNOWN_SOURCE"),
        ("brand", ["attribute:no-such-attribute"], "sources", "UNKNOWN_SOURCE"),
        ("brand", [], "sources", "UNKNOWN_SOURCE"),
        ("brand", ["product.name", "product.name"], "sources", "UNKNOWN_SOURCE"),
    ],
)
def test_field_mapping_validation(
    manager_client, marketplace_id, attribute, sources, field, code
):
    data = gql_data(
        manager_client,
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": marketplace_id,
                "amazonAttribute": attribute,
                "sources": sources,
            }
        },
    )
    result = data["amazonFieldMappingCreate"]
    assert result["fieldMapping"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]


def test_field_mapping_duplicate_attribute(manager_client, marketplace_id):
    variables = {
        "input": {
            "marketplaceId": marketplace_id,
            "amazonAttribute": "brand",
            "sources": ["literal:Acme"],
        }
    }
    gql_data(manager_client, FIELD_MAPPING_CREATE, variables)
    data = gql_data(manager_client, FIELD_MAPPING_CREATE, variables)
    errors = data["amazonFieldMappingCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("amazonAttribute", "UNIQUE")]


def test_shipping_mapping_validation(
    manager_client, marketplace_id, shipping_zone, shipping_zones, channel_PLN
):
    method = shipping_zone.shipping_methods.get()
    other_zone = shipping_zones[0]
    other_method = other_zone.shipping_methods.first()

    def create(zone, shipping_method, level="STANDARD"):
        data = gql_data(
            manager_client,
            SHIPPING_MAPPING_CREATE,
            {
                "input": {
                    "marketplaceId": marketplace_id,
                    "serviceLevel": level,
                    "shippingZoneId": gid("ShippingZone", zone.pk),
                    "shippingMethodId": gid("ShippingMethodType", shipping_method.pk),
                }
            },
        )
        return [
            (e["field"], e["code"])
            for e in data["amazonShippingMappingCreate"]["errors"]
        ]

    assert create(shipping_zone, other_method) == [
        ("shippingMethodId", "SHIPPING_METHOD_NOT_IN_ZONE")
    ]
    other_zone.channels.clear()
    assert create(other_zone, other_method) == [
        ("shippingZoneId", "SHIPPING_ZONE_NOT_IN_CHANNEL")
    ]
    method.channel_listings.all().delete()
    assert create(shipping_zone, method) == [
        ("shippingMethodId", "SHIPPING_METHOD_NOT_IN_CHANNEL")
    ]


def test_shipping_mapping_duplicate(manager_client, marketplace_id, shipping_zone):
    method = shipping_zone.shipping_methods.get()
    variables = {
        "input": {
            "marketplaceId": marketplace_id,
            "serviceLevel": "NEXT_DAY",
            "shippingZoneId": gid("ShippingZone", shipping_zone.pk),
            "shippingMethodId": gid("ShippingMethodType", method.pk),
        }
    }
    gql_data(manager_client, SHIPPING_MAPPING_CREATE, variables)
    data = gql_data(manager_client, SHIPPING_MAPPING_CREATE, variables)
    errors = data["amazonShippingMappingCreate"]["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [("serviceLevel", "UNIQUE")]


def test_secrets_never_leave_in_responses_rows_or_logs(
    manager_client, channel_USD, warehouse, caplog
):
    caplog.set_level(logging.DEBUG)
    responses = []
    create = manager_client.post_graphql(ACCOUNT_CREATE, {"input": account_input()})
    responses.append(create.content.decode())
    account_id = json.loads(create.content)["data"]["amazonAccountCreate"]["account"][
        "id"
    ]
    for query, variables in (
        (AVAILABLE, {"id": account_id}),
        (
            MARKETPLACE_CREATE,
            {
                "input": {
                    "accountId": account_id,
                    "marketplaceId": US,
                    "channelId": gid("Channel", channel_USD.pk),
                    "warehouseIds": [gid("Warehouse", warehouse.pk)],
                }
            },
        ),
        (ACCOUNTS, {}),
    ):
        responses.append(manager_client.post_graphql(query, variables).content.decode())
    assert AmazonMarketplace.objects.get().status == "CONFIGURED"

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM amazon_feeds_amazonaccount")
        raw_rows = repr(cursor.fetchall())
    log_text = "\n".join(
        f"{r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records
    )
    for secret in (CLIENT_SECRET, REFRESH_TOKEN):
        assert secret not in raw_rows
        assert secret not in log_text
        for body in responses:
            assert secret not in body
    # The stored ciphertext still decrypts to the secret for the Amazon client.
    account = AmazonAccount.objects.get()
    assert account.refresh_token == REFRESH_TOKEN
    assert account.lwa_client_secret == CLIENT_SECRET


def test_printed_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed_schema(), (
        "saleor_amazon_feeds/graphql/schema.graphql is stale: run `make schema`"
    )
