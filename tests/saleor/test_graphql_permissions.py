"""Every operation checks Saleor permissions, whoever the caller is."""

import pytest
from graphql_relay import to_global_id

from saleor_amazon_feeds.models import AmazonAccount, AmazonMarketplace
from saleor_amazon_feeds.plugin import PLUGIN_ID

from .graphql_utils import assert_permission_denied, gql, gql_data
from .test_graphql_configuration import (
    ACCOUNT_CREATE,
    ACCOUNTS,
    AVAILABLE,
    FIELD_MAPPING_CREATE,
    MARKETPLACE_CREATE,
    MARKETPLACE_QUERY,
    MARKETPLACES,
    SHIPPING_MAPPING_BULK_DELETE,
    SHIPPING_MAPPING_CREATE,
    account_input,
)

pytestmark = pytest.mark.django_db

ANY_ID = to_global_id("AmazonMarketplace", 1)
CALLS = [
    (ACCOUNTS, {}),
    (MARKETPLACES, {}),
    (MARKETPLACE_QUERY, {"id": ANY_ID}),
    (AVAILABLE, {"id": to_global_id("AmazonAccount", 1)}),
    (ACCOUNT_CREATE, {"input": account_input()}),
    (
        MARKETPLACE_CREATE,
        {
            "input": {
                "accountId": to_global_id("AmazonAccount", 1),
                "marketplaceId": "ATVPDKIKX0DER",
            }
        },
    ),
    (
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": ANY_ID,
                "amazonAttribute": "brand",
                "sources": ["product.name"],
            }
        },
    ),
    (
        SHIPPING_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": ANY_ID,
                "serviceLevel": "STANDARD",
                "shippingZoneId": to_global_id("ShippingZone", 1),
                "shippingMethodId": to_global_id("ShippingMethodType", 1),
            }
        },
    ),
    (SHIPPING_MAPPING_BULK_DELETE, {"ids": [to_global_id("AmazonShippingMapping", 1)]}),
]


@pytest.mark.parametrize(("query", "variables"), CALLS)
def test_refused_without_permission(plugin_staff_client, query, variables):
    assert_permission_denied(gql(plugin_staff_client, query, variables))
    assert not AmazonAccount.objects.exists()


@pytest.mark.parametrize(("query", "variables"), CALLS)
def test_refused_without_token(plugin_anonymous_client, query, variables):
    assert_permission_denied(gql(plugin_anonymous_client, query, variables))


def test_refused_with_invalid_token(client, amazon_feeds_plugin):
    response = client.post(
        f"/plugins/global/{PLUGIN_ID}/graphql/",
        data={"query": ACCOUNTS},
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer not-a-token",
    )
    assert response.status_code == 200
    assert_permission_denied(response.json())


def test_product_and_order_settings_need_their_own_permissions(
    plugin_staff_client, permission_manage_channels, channel_USD, warehouse
):
    plugin_staff_client.user.user_permissions.add(permission_manage_channels)
    account_id = gql_data(
        plugin_staff_client, ACCOUNT_CREATE, {"input": account_input()}
    )["amazonAccountCreate"]["account"]["id"]
    marketplace_input = {
        "accountId": account_id,
        "marketplaceId": "ATVPDKIKX0DER",
        "channelId": to_global_id("Channel", channel_USD.pk),
        "warehouseIds": [to_global_id("Warehouse", warehouse.pk)],
    }
    # Turning order import on is an order-side effect; it is off by default,
    # so saying "off" changes nothing and needs no order permission.
    body = gql(
        plugin_staff_client,
        MARKETPLACE_CREATE,
        {"input": {**marketplace_input, "autoImportOrders": True}},
    )
    assert_permission_denied(body)
    assert not AmazonMarketplace.objects.exists()
    marketplace_id = gql_data(
        plugin_staff_client,
        MARKETPLACE_CREATE,
        {"input": {**marketplace_input, "autoImportOrders": False}},
    )["amazonMarketplaceCreate"]["marketplace"]["id"]
    assert AmazonMarketplace.objects.get().auto_import_orders is False

    body = gql(
        plugin_staff_client,
        FIELD_MAPPING_CREATE,
        {
            "input": {
                "marketplaceId": marketplace_id,
                "amazonAttribute": "brand",
                "sources": ["product.name"],
            }
        },
    )
    assert_permission_denied(body)
    body = gql(plugin_staff_client, MARKETPLACE_QUERY, {"id": marketplace_id})
    assert_permission_denied(body)
    assert body["errors"][0]["path"] == ["amazonMarketplace", "fieldMappings"]


def test_app_token_with_permission(plugin_app_client, permission_manage_channels):
    plugin_app_client.app.permissions.add(permission_manage_channels)
    data = gql_data(plugin_app_client, ACCOUNT_CREATE, {"input": account_input()})
    assert data["amazonAccountCreate"]["errors"] == []
    edges = gql_data(plugin_app_client, ACCOUNTS)["amazonAccounts"]["edges"]
    assert len(edges) == 1


def test_app_token_without_permission(plugin_app_client):
    assert_permission_denied(gql(plugin_app_client, ACCOUNTS))


def test_dashboard_extension_token(
    amazon_feeds_plugin,
    amazon_sandbox_settings,
    staff_user,
    app,
    permission_manage_channels,
):
    """The JWT the dashboard hands an app extension carries narrowed permissions."""
    from saleor.core.jwt import create_access_token_for_app
    from saleor.graphql.tests.fixtures import ApiClient

    staff_user.user_permissions.add(permission_manage_channels)
    app.permissions.add(permission_manage_channels)
    token = create_access_token_for_app(app, staff_user)
    client = ApiClient(api_path=f"/plugins/global/{PLUGIN_ID}/graphql/")
    response = client.post(
        {"query": ACCOUNTS},
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200
    assert "errors" not in response.json(), response.json()

    # Without the permission on the app, the user's own permission is not enough.
    app.permissions.clear()
    token = create_access_token_for_app(app, staff_user)
    response = client.post({"query": ACCOUNTS}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert_permission_denied(response.json())


def test_inactive_plugin_graphql_is_404(client, amazon_feeds_installed):
    response = client.post(
        f"/plugins/global/{PLUGIN_ID}/graphql/",
        data={"query": ACCOUNTS},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_cors_preflight_and_bad_requests(client, amazon_feeds_plugin, settings):
    settings.ALLOWED_GRAPHQL_ORIGINS = ["https://dashboard.example.com"]
    url = f"/plugins/global/{PLUGIN_ID}/graphql/"
    response = client.options(url, HTTP_ORIGIN="https://dashboard.example.com")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://dashboard.example.com"
    assert client.options(url, HTTP_ORIGIN="https://evil.example").status_code == 400

    response = client.post(url, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "Unable to parse" in response.json()["errors"][0]["message"]
    response = client.post(
        url, data={"query": "{ nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not AmazonMarketplace.objects.exists()
