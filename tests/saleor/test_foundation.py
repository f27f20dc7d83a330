import importlib.metadata

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


def test_health_route_when_active(client, amazon_feeds_plugin):
    import saleor

    response = client.get(f"/plugins/global/{PLUGIN_ID}/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["plugin"]["id"] == PLUGIN_ID
    assert body["plugin"]["version"] == __version__
    assert body["saleor"]["version"] == saleor.__version__ == "3.23.28"


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
