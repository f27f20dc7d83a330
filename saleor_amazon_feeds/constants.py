"""The names the plugin is known by in Saleor and on the web.

A leaf: it imports nothing of the plugin (nor Saleor, nor Django), so every
module may import it without creating a dependency on anything else. The
plugin id, its App's identifier and the paths under its endpoint are read both
where they are served and where they are registered with Saleor (App, webhook,
dashboard extensions); keeping them here is what lets those two sides stay in
separate layers.
"""

# Saleor's plugin id: the key of the plugin's configuration and the segment of
# its endpoint, /plugins/global/<PLUGIN_ID>/.
PLUGIN_ID = "saleor.amazon_feeds"
PLUGIN_NAME = "Amazon Feeds"

# The Saleor App the plugin acts as (order import, stock webhook, dashboard).
APP_IDENTIFIER = "saleor.amazon_feeds"
APP_NAME = "Amazon Feeds"
STOCK_WEBHOOK_NAME = "Amazon Feeds: stock"

# Sub-paths of the endpoint (no leading or trailing slash).
HEALTH_PATH = "health"
GRAPHQL_PATH = "graphql"
STOCK_PATH = "sync/stock"
DASHBOARD_PATH = "dashboard"


# Redis for Amazon's rate limits and the sync's locks, when no setting names one.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def endpoint_path(sub_path: str = "") -> str:
    """Absolute path (no host) of the endpoint or one of its sub-paths."""
    base = f"/plugins/global/{PLUGIN_ID}"
    sub_path = sub_path.strip("/")
    return f"{base}/{sub_path}" if sub_path else base
