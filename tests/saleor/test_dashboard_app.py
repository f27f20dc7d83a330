"""Activating the plugin registers its dashboard extensions; deactivating hides them.

Everything is checked the way the dashboard sees it: through Saleor's own
GraphQL API (``pluginUpdate`` to switch the plugin, ``appExtensions`` and
``app { accessToken }`` as a non-superuser staff member, because superusers
pass every permission check), and the tokens Saleor issues are then used
against the plugin's endpoint.
"""

import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from saleor.app.models import App, AppExtension
from saleor.graphql.tests.fixtures import ApiClient
from saleor.graphql.tests.utils import get_graphql_content
from saleor.permission.models import Permission
from saleor.plugins.models import PluginConfiguration

from saleor_amazon_feeds.constants import APP_IDENTIFIER
from saleor_amazon_feeds.dashboard.extensions import EXTENSIONS
from saleor_amazon_feeds.plugin import PLUGIN_ID
from saleor_amazon_feeds.services.saleor_app import provision_dashboard_app
from saleor_amazon_feeds.services.tasks import repair_saleor_app_task
from tests.fixtures.saleor import PLUGIN_GRAPHQL_PATH

pytestmark = pytest.mark.django_db

PUBLIC_URL = "https://shop.example.com"
APP_URL = f"{PUBLIC_URL}/plugins/global/{PLUGIN_ID}/dashboard"
MOUNTS = [
    "NAVIGATION_CATALOG",
    "PRODUCT_DETAILS_WIDGETS",
    "CATEGORY_DETAILS_MORE_ACTIONS",
    "ORDER_DETAILS_WIDGETS",
]

PLUGIN_UPDATE = """
mutation ($id: ID!, $active: Boolean!) {
  pluginUpdate(id: $id, input: {active: $active}) { errors { field code message } }
}
"""
# The dashboard's own query (see the README's Dashboard section).
APP_EXTENSIONS = """
query ($mounts: [String!]) {
  appExtensions(filter: {mountName: $mounts}, first: 100) {
    edges { node {
      id label identifier url mountName targetName settings accessToken
      permissions { code }
      app { id appUrl name }
    } }
  }
}
"""
APP_TOKEN = "query ($id: ID!) { app(id: $id) { id type appUrl accessToken } }"


@pytest.fixture
def activator(settings, staff_users, permission_manage_plugins):
    """A staff member who may switch plugins, and the switch (Saleor's API)."""
    settings.PUBLIC_URL = PUBLIC_URL
    settings.PLUGINS = ["saleor_amazon_feeds.plugin.AmazonFeedsPlugin"]
    admin = staff_users[1]
    admin.user_permissions.add(permission_manage_plugins)
    client = ApiClient(user=admin)

    def switch(active: bool) -> None:
        content = get_graphql_content(
            client.post_graphql(PLUGIN_UPDATE, {"id": PLUGIN_ID, "active": active})
        )
        assert content["data"]["pluginUpdate"]["errors"] == []

    return switch


def permissions(*codenames: str) -> list[Permission]:
    return list(Permission.objects.filter(codename__in=codenames))


@pytest.fixture
def merchant(staff_user):
    """Not a superuser; exactly the permissions the Amazon pages need."""
    assert not staff_user.is_superuser
    staff_user.user_permissions.set(
        permissions("manage_channels", "manage_products", "manage_orders")
    )
    return staff_user


def extensions_seen_by(user) -> dict[str, dict]:
    content = get_graphql_content(
        ApiClient(user=user).post_graphql(APP_EXTENSIONS, {"mounts": MOUNTS})
    )
    nodes = [edge["node"] for edge in content["data"]["appExtensions"]["edges"]]
    return {node["identifier"]: node for node in nodes}


def token_permissions(token: str) -> set[str]:
    return set(jwt.decode(token, options={"verify_signature": False})["permissions"])


def test_activation_makes_the_app_what_the_dashboard_needs(activator):
    activator(True)
    app = App.objects.get(identifier=APP_IDENTIFIER)
    assert app.type == "thirdparty"
    assert app.app_url == APP_URL
    assert app.is_installed
    assert app.is_active
    assert set(app.permissions.values_list("codename", flat=True)) >= {
        "manage_channels",
        "manage_products",
        "manage_orders",
        "manage_orders_import",
    }
    # Stored lowercase: Saleor's filter lowercases what it is asked for.
    stored = {e.identifier: (e.mount, e.target) for e in app.extensions.all()}
    assert stored == {
        "amazon-page": ("navigation_catalog", "app_page"),
        "amazon-product-widget": ("product_details_widgets", "widget"),
        "amazon-category-options": ("category_details_more_actions", "popup"),
        "amazon-order-widget": ("order_details_widgets", "widget"),
    }


def test_merchant_sees_the_four_extensions_with_tokens(activator, merchant):
    activator(True)
    seen = extensions_seen_by(merchant)
    assert set(seen) == {e.identifier for e in EXTENSIONS}

    page = seen["amazon-page"]
    assert (page["label"], page["mountName"], page["targetName"]) == (
        "Amazon",
        "NAVIGATION_CATALOG",
        "APP_PAGE",
    )
    # Relative: the dashboard appends it to appUrl.
    assert page["url"] == "/app"
    assert page["app"]["appUrl"] == APP_URL
    assert page["permissions"] == []

    product = seen["amazon-product-widget"]
    assert (product["label"], product["mountName"], product["targetName"]) == (
        "Amazon",
        "PRODUCT_DETAILS_WIDGETS",
        "WIDGET",
    )
    assert product["url"] == "/widgets/product"
    assert product["settings"] == {"widgetTarget": {"method": "GET"}}
    assert [p["code"] for p in product["permissions"]] == ["MANAGE_PRODUCTS"]

    category = seen["amazon-category-options"]
    assert (category["label"], category["mountName"], category["targetName"]) == (
        "Amazon options",
        "CATEGORY_DETAILS_MORE_ACTIONS",
        "POPUP",
    )
    # Absolute: Saleor's urljoin would drop the last segment of appUrl.
    assert category["url"] == f"{APP_URL}/popups/category"
    assert [p["code"] for p in category["permissions"]] == ["MANAGE_PRODUCTS"]

    order = seen["amazon-order-widget"]
    assert (order["label"], order["mountName"], order["targetName"]) == (
        "Amazon order",
        "ORDER_DETAILS_WIDGETS",
        "WIDGET",
    )
    assert order["url"] == "/widgets/order"
    assert order["settings"] == {"widgetTarget": {"method": "GET"}}
    assert [p["code"] for p in order["permissions"]] == ["MANAGE_ORDERS"]

    # Each widget's token carries exactly its extension's permissions.
    assert token_permissions(product["accessToken"]) == {"MANAGE_PRODUCTS"}
    assert token_permissions(category["accessToken"]) == {"MANAGE_PRODUCTS"}
    assert token_permissions(order["accessToken"]) == {"MANAGE_ORDERS"}


def test_app_page_token_is_the_apps_narrowed_to_the_user(activator, merchant):
    activator(True)
    app_id = extensions_seen_by(merchant)["amazon-page"]["app"]["id"]
    content = get_graphql_content(
        ApiClient(user=merchant).post_graphql(APP_TOKEN, {"id": app_id})
    )
    app = content["data"]["app"]
    assert app["type"] == "THIRDPARTY"
    # Without MANAGE_ORDERS_IMPORT the merchant's token does not carry it.
    assert token_permissions(app["accessToken"]) == {
        "MANAGE_CHANNELS",
        "MANAGE_PRODUCTS",
        "MANAGE_ORDERS",
    }


def test_orders_only_staff_gets_tokens_only_where_allowed(activator, staff_user):
    staff_user.user_permissions.set(permissions("manage_orders"))
    activator(True)
    seen = extensions_seen_by(staff_user)
    assert seen["amazon-order-widget"]["accessToken"]
    assert seen["amazon-product-widget"]["accessToken"] is None
    assert seen["amazon-category-options"]["accessToken"] is None
    # The page has no permission of its own: every staff member gets in, and
    # what the token carries decides what the page may do.
    assert token_permissions(seen["amazon-page"]["accessToken"]) == set()


def test_activation_is_idempotent_and_reactivation_restores(activator, merchant):
    activator(True)
    first = {e.identifier: e.pk for e in AppExtension.objects.all()}
    activator(True)
    assert {e.identifier: e.pk for e in AppExtension.objects.all()} == first
    assert App.objects.filter(identifier=APP_IDENTIFIER).count() == 1

    activator(False)
    assert extensions_seen_by(merchant) == {}
    app = App.objects.get(identifier=APP_IDENTIFIER)
    assert app.app_url is None
    # The App itself stays active: order import runs as it.
    assert app.is_active

    activator(True)
    seen = extensions_seen_by(merchant)
    assert set(seen) == set(first)
    assert seen["amazon-page"]["app"]["appUrl"] == APP_URL


def test_activation_repairs_what_a_merchant_changed(activator, merchant, settings):
    activator(True)
    app = App.objects.get(identifier=APP_IDENTIFIER)
    app.is_active = False
    app.type = "local"
    app.save()
    AppExtension.objects.filter(identifier="amazon-order-widget").update(
        mount="ORDER_DETAILS_WIDGETS", url="https://evil.example.com/"
    )
    AppExtension.objects.create(
        app=app, identifier="amazon-old", label="Old", url="/old", mount="x"
    )
    activator(True)
    seen = extensions_seen_by(merchant)
    assert set(seen) == {e.identifier for e in EXTENSIONS}
    assert seen["amazon-order-widget"]["url"] == "/widgets/order"
    app.refresh_from_db()
    assert (app.type, app.is_active) == ("thirdparty", True)


def test_reconciliation_follows_a_new_public_url_while_active(activator, settings):
    activator(True)
    settings.PUBLIC_URL = "https://new.example.com"
    repair_saleor_app_task()
    app = App.objects.get(identifier=APP_IDENTIFIER)
    assert (
        app.app_url == f"https://new.example.com/plugins/global/{PLUGIN_ID}/dashboard"
    )
    assert (
        app.extensions.get(identifier="amazon-category-options").url
        == f"{app.app_url}/popups/category"
    )


def test_reconciliation_leaves_an_inactive_plugin_hidden(activator):
    activator(True)
    activator(False)
    repair_saleor_app_task()
    assert not AppExtension.objects.exists()
    assert PluginConfiguration.objects.get(identifier=PLUGIN_ID).active is False


def test_app_url_has_no_trailing_slash_whatever_public_url_says(settings):
    settings.PUBLIC_URL = "https://shop.example.com/"
    app = provision_dashboard_app()
    assert app.app_url == APP_URL


# -- the tokens Saleor issues, used against the plugin's endpoint ------------------

ACCOUNTS = "{ amazonAccounts(first: 5) { edges { node { id } } } }"
ORDER_IMPORTS = "{ amazonOrderImports(first: 5) { edges { node { id } } } }"


def plugin_call(client, token: str | None, query: str) -> dict:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = client.post(
        PLUGIN_GRAPHQL_PATH,
        data=json.dumps({"query": query}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def denied(body: dict) -> bool:
    return any(
        e.get("extensions", {}).get("exceptionCode") == "PermissionDenied"
        for e in body.get("errors", [])
    )


def test_widget_tokens_do_only_what_their_extension_allows(
    activator, merchant, client, amazon_sandbox_settings
):
    activator(True)
    seen = extensions_seen_by(merchant)
    order_token = seen["amazon-order-widget"]["accessToken"]
    product_token = seen["amazon-product-widget"]["accessToken"]

    assert not denied(plugin_call(client, order_token, ORDER_IMPORTS))
    # The merchant holds MANAGE_CHANNELS (accounts need it); the order widget's
    # token does not.
    assert denied(plugin_call(client, order_token, ACCOUNTS))
    assert denied(plugin_call(client, product_token, ORDER_IMPORTS))

    app_id = seen["amazon-page"]["app"]["id"]
    page_token = get_graphql_content(
        ApiClient(user=merchant).post_graphql(APP_TOKEN, {"id": app_id})
    )["data"]["app"]["accessToken"]
    assert not denied(plugin_call(client, page_token, ACCOUNTS))
    assert not denied(plugin_call(client, page_token, ORDER_IMPORTS))


def test_forged_extension_token_is_refused(activator, merchant, client):
    activator(True)
    token = extensions_seen_by(merchant)["amazon-order-widget"]["accessToken"]
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["permissions"] = ["MANAGE_CHANNELS", "MANAGE_ORDERS"]
    # Signed as Saleor signs (RS256, Saleor's key id), but with another key.
    foreign_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(
        claims,
        foreign_key,
        algorithm="RS256",
        headers={"kid": jwt.get_unverified_header(token)["kid"]},
    )
    body = plugin_call(client, forged, ACCOUNTS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not (body.get("data") or {}).get("amazonAccounts")
