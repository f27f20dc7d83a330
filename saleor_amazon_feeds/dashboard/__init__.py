"""The Saleor dashboard extension: its built pages, served by the plugin, and
the table of extensions the plugin's App registers.

The pages are a separate frontend build (``dashboard-extension/``, output in
``static/``, shipped as package data); this package only serves and registers
them.
"""

DASHBOARD_PATH = "dashboard"


def dashboard_path(page: str = "") -> str:
    """Absolute path (no host) of the dashboard folder or one of its pages."""
    from ..plugin import PLUGIN_ID

    base = f"/plugins/global/{PLUGIN_ID}/{DASHBOARD_PATH}"
    return f"{base}/{page.strip('/')}" if page.strip("/") else base
