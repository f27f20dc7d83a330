import importlib.metadata
import tomllib
from pathlib import Path

import httpx
import pytest
from django.conf import settings
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content
from saleor.plugins.models import PluginConfiguration

from saleor_amazon_feeds import __version__
from saleor_amazon_feeds.plugin import PLUGIN_ID, AmazonFeedsPlugin

pytestmark = pytest.mark.django_db

PLUGINS_QUERY = """
query ($search: String) {
  plugins(first: 10, filter: {search: $search}) {
    edges { node { id name description globalConfiguration { active } } }
  }
}
"""

PLUGIN_UPDATE = """
mutation ($id: ID!, $active: Boolean!) {
  pluginUpdate(id: $id, input: {active: $active}) {
    plugin { id globalConfiguration { active } }
    errors { field code message }
  }
}
"""


def test_entry_point_is_discovered_and_app_installed():
    entry_points = {
        ep.name: ep.value
        for ep in importlib.metadata.entry_points(group="saleor.plugins")
    }
    assert entry_points["saleor_amazon_feeds"] == (
        "saleor_amazon_feeds.plugin:AmazonFeedsPlugin"
    )
    assert "saleor_amazon_feeds" in settings.INSTALLED_APPS
    from saleor import settings as saleor_settings

    assert "saleor_amazon_feeds.plugin.AmazonFeedsPlugin" in (
        saleor_settings.EXTERNAL_PLUGINS
    )
    assert AmazonFeedsPlugin.CONFIGURATION_PER_CHANNEL is False


def test_plugin_listed_in_saleor_plugins_query(
    staff_api_client, permission_manage_plugins, amazon_feeds_installed
):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    content = get_graphql_content(
        staff_api_client.post_graphql(PLUGINS_QUERY, {"search": "Amazon"})
    )
    nodes = [edge["node"] for edge in content["data"]["plugins"]["edges"]]
    assert [node["id"] for node in nodes] == [PLUGIN_ID]
    assert nodes[0]["name"] == "Amazon Feeds"
    assert nodes[0]["globalConfiguration"]["active"] is False


def test_staff_with_manage_plugins_activates_plugin(
    staff_api_client, permission_manage_plugins, amazon_feeds_installed
):
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    content = get_graphql_content(
        staff_api_client.post_graphql(PLUGIN_UPDATE, {"id": PLUGIN_ID, "active": True})
    )
    data = content["data"]["pluginUpdate"]
    assert data["errors"] == []
    assert data["plugin"]["globalConfiguration"]["active"] is True
    assert PluginConfiguration.objects.get(identifier=PLUGIN_ID).active is True


def test_staff_without_manage_plugins_cannot_activate(
    staff_api_client, amazon_feeds_installed
):
    response = staff_api_client.post_graphql(
        PLUGIN_UPDATE, {"id": PLUGIN_ID, "active": True}
    )
    assert_no_permission(response)
    assert not PluginConfiguration.objects.filter(
        identifier=PLUGIN_ID, active=True
    ).exists()


HEALTH_PATH = f"/plugins/global/{PLUGIN_ID}/health/"


def saleor_tree_version():
    """The version the Saleor tree under test declares, read apart from its code."""
    import saleor

    pyproject = Path(saleor.__file__).resolve().parent.parent / "pyproject.toml"
    with open(pyproject, "rb") as fh:
        return tomllib.load(fh)["project"]["version"]


def assert_versions(body):
    import saleor

    assert body["status"] == "ok"
    assert body["plugin"]["id"] == PLUGIN_ID
    assert body["plugin"]["version"] == __version__
    # Whatever Saleor runs (3.23.28, 3.24.0-a.0, ...), the route reports that one.
    assert body["saleor"]["version"] == saleor.__version__ == saleor_tree_version()


def test_health_route_when_active(client, amazon_feeds_plugin, staff_user):
    from saleor.core.jwt import create_access_token

    anonymous = client.get(HEALTH_PATH)
    assert anonymous.status_code == 200
    assert anonymous.json() == {"status": "ok"}
    staff = client.get(
        HEALTH_PATH, HTTP_AUTHORIZATION=f"Bearer {create_access_token(staff_user)}"
    )
    assert staff.status_code == 200
    assert_versions(staff.json())


def _token(kind, staff_user, customer_user):
    """Real tokens from Saleor's own token functions."""
    from datetime import timedelta

    from saleor.core.jwt import (
        JWT_ACCESS_TYPE,
        create_access_token,
        create_refresh_token,
        jwt_encode,
        jwt_user_payload,
    )

    if kind in ("staff", "staff, JWT prefix"):
        return create_access_token(staff_user)
    if kind == "customer":
        return create_access_token(customer_user)
    if kind == "staff refresh token":
        return create_refresh_token(staff_user)
    if kind == "expired staff token":
        payload = jwt_user_payload(staff_user, JWT_ACCESS_TYPE, timedelta(minutes=-1))
        return jwt_encode(payload)
    if kind == "deactivated staff":
        token = create_access_token(staff_user)
        staff_user.is_active = False
        staff_user.save(update_fields=["is_active"])
        return token
    if kind == "forged staff token":
        token = create_access_token(staff_user)
        return token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    if kind == "garbage":
        return "not-a-token"
    raise AssertionError(kind)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("kind", "sees_versions"),
    [
        (None, False),
        ("staff", True),
        ("staff, JWT prefix", True),
        ("customer", False),
        ("staff refresh token", False),
        ("expired staff token", False),
        ("deactivated staff", False),
        ("forged staff token", False),
        ("garbage", False),
    ],
)
def test_health_versions_only_for_staff_over_http(
    live_saleor, amazon_feeds_plugin, staff_user, customer_user, kind, sees_versions
):
    headers = {}
    if kind is not None:
        prefix = "JWT" if kind.endswith("JWT prefix") else "Bearer"
        headers["Authorization"] = f"{prefix} {_token(kind, staff_user, customer_user)}"
    response = httpx.get(f"{live_saleor}{HEALTH_PATH}", headers=headers, timeout=30)
    # An unusable token is no token: the probe still answers 200.
    assert response.status_code == 200
    if sees_versions:
        assert_versions(response.json())
    else:
        assert response.json() == {"status": "ok"}
        assert __version__ not in response.text
        assert saleor_tree_version() not in response.text


def test_unknown_path_is_404(client, amazon_feeds_plugin):
    response = client.get(f"/plugins/global/{PLUGIN_ID}/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_health_route_wrong_method(client, amazon_feeds_plugin):
    response = client.delete(f"/plugins/global/{PLUGIN_ID}/health/")
    assert response.status_code == 405


@pytest.mark.parametrize("prefix", ["/plugins/global/", "/plugins/"])
def test_endpoint_refuses_when_inactive(client, amazon_feeds_installed, prefix):
    PluginConfiguration.objects.update_or_create(
        identifier=PLUGIN_ID, defaults={"active": False, "configuration": []}
    )
    response = client.get(f"{prefix}{PLUGIN_ID}/health/")
    assert response.status_code == 404


def test_legacy_route_answers_when_active(client, amazon_feeds_plugin):
    response = client.get(f"/plugins/{PLUGIN_ID}/health/")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_initial_migration_applied():
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    applied = MigrationRecorder(connection).applied_migrations()
    assert ("amazon_feeds", "0001_initial") in applied
    tables = connection.introspection.table_names()
    assert "amazon_feeds_amazonaccount" in tables
    assert "amazon_feeds_amazonmarketplace" in tables
